import { LeaderElector, microTime } from '../../../src/controller/runtime/leader-election.js';
import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { Kinds, type Lease } from '../../../src/kube/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { recordingLogger } from './fakes.js';

const NS = 'gpu-provisioner';
const LEASE = 'gpu-provisioner-leader';
const MICROTIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function setup() {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  const log: string[] = [];
  const electors: LeaderElector[] = [];
  const elector = (identity: string) => {
    const e = new LeaderElector({
      cluster,
      namespace: NS,
      name: LEASE,
      identity,
      clock,
      logger: recordingLogger(),
      onStartedLeading: () => log.push(`${identity} started at ${clock.now() - t0}`),
      onStoppedLeading: () => log.push(`${identity} stopped at ${clock.now() - t0}`),
    });
    electors.push(e);
    return e;
  };
  const t0 = clock.now();
  const lease = () => cluster.get<Lease>(Kinds.Lease, LEASE, NS);
  const settle = () => clock.advance(0);
  const releaseAll = () => Promise.all(electors.map((e) => e.release()));
  return { clock, cluster, log, elector, lease, settle, releaseAll, t0 };
}

describe('microTime', () => {
  it('writes RFC 3339 with microseconds', () => {
    expect(microTime(Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000000Z');
    expect(microTime(Date.parse('2026-03-04T05:06:07.089Z'))).toBe('2026-03-04T05:06:07.089000Z');
  });
});

describe('LeaderElector', () => {
  it('acquires a Lease that does not exist yet', async () => {
    const { elector, lease, settle, log, releaseAll, clock } = setup();
    const a = elector('a');
    a.start();
    await settle();
    expect(a.isLeader).toBe(true);
    expect(log).toEqual(['a started at 0']);
    const spec = (await lease())!.spec!;
    expect(spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(spec.renewTime).toMatch(MICROTIME);
    expect(spec.acquireTime).toBe(spec.renewTime);

    await clock.advance(2_000);
    const renewed = (await lease())!.spec!;
    expect(Date.parse(renewed.renewTime!) - Date.parse(spec.renewTime!)).toBe(2_000);
    expect(renewed.acquireTime).toBe(spec.acquireTime);
    await releaseAll();
  });

  it('keeps a second replica waiting while the leader renews', async () => {
    const { elector, settle, clock, log, releaseAll } = setup();
    const a = elector('a');
    const b = elector('b');
    a.start();
    await settle();
    b.start();
    await clock.advance(60_000);
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect(log).toEqual(['a started at 0']);
    await releaseAll();
  });

  it('takes over a Lease whose holder stopped renewing, once it has expired', async () => {
    const { elector, cluster, clock, lease, log, releaseAll } = setup();
    await cluster.create<Lease>(Kinds.Lease, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: LEASE, namespace: NS },
      spec: {
        holderIdentity: 'crashed',
        leaseDurationSeconds: 15,
        acquireTime: microTime(clock.now()),
        renewTime: microTime(clock.now()),
        leaseTransitions: 3,
      },
    });
    const b = elector('b');
    b.start();
    await clock.advance(14_000);
    expect(b.isLeader).toBe(false);
    await clock.advance(4_000);
    expect(b.isLeader).toBe(true);
    // Retries every 2 s: the first attempt past 15 s is at 16 s.
    expect(log).toEqual(['b started at 16000']);
    expect((await lease())!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 4 });
    await releaseAll();
  });

  it('lets the next replica take over at once after release()', async () => {
    const { elector, settle, clock, lease, log, releaseAll } = setup();
    const a = elector('a');
    const b = elector('b');
    a.start();
    await settle();
    b.start();
    await clock.advance(5_000);
    await a.release();
    expect(a.isLeader).toBe(false);
    expect((await lease())!.spec!.holderIdentity).toBeNull();
    await clock.advance(2_000);
    expect(b.isLeader).toBe(true);
    expect(log).toEqual(['a started at 0', 'b started at 6000']);
    expect((await lease())!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await releaseAll();
  });

  it.each([
    ['absent', false],
    ['free', true],
  ])('has exactly one winner when replicas race for an %s Lease', async (_state, exists) => {
    const { elector, cluster, settle, clock, lease, log, releaseAll } = setup();
    if (exists) {
      await cluster.create<Lease>(Kinds.Lease, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: LEASE, namespace: NS },
        spec: { holderIdentity: null, leaseTransitions: 0 },
      });
    }
    const replicas = ['a', 'b', 'c'].map(elector);
    replicas.forEach((r) => r.start());
    await settle();
    await clock.advance(10_000);
    const leaders = replicas.filter((r) => r.isLeader);
    expect(leaders).toHaveLength(1);
    expect(log).toHaveLength(1);
    expect((await lease())!.spec!.holderIdentity).toBe(leaders[0]!.identity);
    await releaseAll();
  });

  it('steps down when it cannot renew within the deadline, before the Lease expires', async () => {
    const { elector, cluster, settle, clock, log, releaseAll } = setup();
    const a = elector('a');
    const b = elector('b');
    a.start();
    await settle();
    b.start();
    await clock.advance(4_000);
    cluster.failNext('replace', new Error('etcdserver: request timed out'), 1_000);
    await clock.advance(9_999);
    expect(a.isLeader).toBe(true);
    await clock.advance(1);
    expect(a.isLeader).toBe(false);
    // Last renewal at 4 s, deadline 10 s: gives up at 14 s, while the Lease is held until 19 s.
    expect(log).toEqual(['a started at 0', 'a stopped at 14000']);
    expect(b.isLeader).toBe(false);
    await releaseAll();
  });

  it('competes again after stepping down, and leads again once the API answers', async () => {
    const { elector, cluster, settle, clock, log, releaseAll } = setup();
    const a = elector('a');
    a.start();
    await settle();
    // Renewals at 2, 4, 6 and 8 s fail; at 10 s it steps down and its first try to re-acquire fails too.
    cluster.failNext('replace', new Error('connection reset'), 5);
    await clock.advance(12_000);
    expect(a.isLeader).toBe(true);
    expect(log).toEqual(['a started at 0', 'a stopped at 10000', 'a started at 12000']);
    await releaseAll();
  });

  it('a leader that lost its Lease to a conflicting writer steps down too', async () => {
    const { elector, cluster, settle, clock, log, releaseAll } = setup();
    const a = elector('a');
    a.start();
    await settle();
    cluster.conflictNext(1_000);
    await clock.advance(10_000);
    expect(a.isLeader).toBe(false);
    expect(log).toEqual(['a started at 0', 'a stopped at 10000']);
    await releaseAll();
  });

  it('refuses timings that would let two leaders overlap', () => {
    const { cluster, clock } = setup();
    const base = {
      cluster,
      clock,
      namespace: NS,
      name: LEASE,
      identity: 'a',
      logger: recordingLogger(),
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(
      /renewDeadlineMs/,
    );
    expect(() => new LeaderElector({ ...base, retryPeriodMs: 10_000 })).toThrow(/retryPeriodMs/);
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity/);
  });
});
