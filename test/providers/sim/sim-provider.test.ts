import { GPU_RESOURCE, Labels } from '../../../src/api/constants.js';
import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { Kinds, type Lease, type Node } from '../../../src/kube/types.js';
import {
  InsufficientCapacityError,
  InvalidRequestError,
  isInsufficientCapacity,
  isNotFound,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  AuthError,
} from '../../../src/providers/errors.js';
import { markNodeUnknown, markStaleNodesUnknown } from '../../../src/providers/sim/node-lifecycle.js';
import { NODE_LEASE_NAMESPACE, SimCloud } from '../../../src/providers/sim/sim-cloud.js';
import { createSimProvider, DEFAULT_INTERRUPTION_WAIT_SECONDS, simProviderFactory } from '../../../src/providers/sim/sim-provider.js';
import { simDefinition } from '../../../src/providers/sim/definition.js';
import { buildProvider } from '../../../src/providers/pipeline/pipeline.js';
import { DEFAULT_TIMEOUT_MS } from '../../../src/providers/pipeline/limits.js';
import { offerKey, type LaunchRequest, type Offer, type ProviderContext } from '../../../src/providers/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';

const CLUSTER = 'test-cluster';

/** Moves fake time until the promise settles, so calls that wait on the clock finish. */
async function run<T>(clock: FakeClock, p: Promise<T>, stepMs = 10): Promise<T> {
  let done = false;
  const tracked = p.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  for (let i = 0; i < 1000 && !done; i++) await clock.advance(stepMs);
  return tracked;
}

function world(opts: { callLatencyMs?: number; bootSeconds?: number; interruptionWaitSeconds?: number } = {}) {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  const cloud = new SimCloud({ clock });
  const ctx: ProviderContext = { clusterName: CLUSTER, credentials: {}, clock, logger: silentLogger(), cluster };
  const provider = createSimProvider({ name: 'sim-a', spec: { type: 'sim', sim: opts } }, ctx, cloud);
  const call = <T>(p: Promise<T>) => run(clock, p);
  return { clock, cluster, cloud, ctx, provider, call };
}

function find(offers: Offer[], instanceType: string, zone: string, capacityType: Offer['capacityType'] = 'on-demand'): Offer {
  const o = offers.find((x) => x.instanceType === instanceType && x.zone === zone && x.capacityType === capacityType);
  if (!o) throw new Error(`no offer ${instanceType} ${zone} ${capacityType}`);
  return o;
}

function launch(offer: Offer, key: string, extra: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    idempotencyKey: key,
    name: key,
    offer,
    tags: { [Labels.cluster]: CLUSTER, [Labels.requestName]: 'train' },
    bootstrap: {
      hostname: key,
      nodeLabels: { [Labels.requestUid]: 'uid-1', [Labels.machine]: '0' },
      nodeTaints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      userData: 'machine:\n  token: s3cret-token\n',
    },
    ...extra,
  };
}

describe('SimProvider', () => {
  it('declares every capability supported', () => {
    const { provider } = world();
    expect(provider.type).toBe('sim');
    expect(provider.capabilities.unsupported).toEqual({});
  });

  it('waits callLatencyMs on the injected clock before answering', async () => {
    const { clock, provider } = world({ callLatencyMs: 50 });
    let answered = false;
    const p = provider.listOffers().then(() => (answered = true));
    await clock.advance(49);
    expect(answered).toBe(false);
    await clock.advance(1);
    await p;
    expect(answered).toBe(true);
  });

  it('lists the catalogue with availability following capacity', async () => {
    const { provider, call } = world();
    const offers = await call(provider.listOffers());
    const h100 = find(offers, 'g-h100x8', 'sim-us-east-1a');
    expect(h100).toMatchObject({ provider: 'sim-a', providerType: 'sim', gpuModel: 'H100', gpuCount: 8, gpuMemoryGiB: 80 });
    expect(h100.available).toBe(true);
    expect(find(offers, 'g-b200x8', 'sim-us-east-1a').available).toBe(false);

    provider.setCapacity(offerKey(h100), 0);
    expect(find(await call(provider.listOffers()), 'g-h100x8', 'sim-us-east-1a').available).toBe(false);
  });

  it('limits offers and launches to the GpuProvider regions', async () => {
    const clock = new FakeClock();
    const cluster = new MemoryCluster({ clock });
    const ctx: ProviderContext = { clusterName: CLUSTER, credentials: {}, clock, logger: silentLogger(), cluster };
    const cloud = new SimCloud({ clock });
    const all = createSimProvider({ name: 'all', spec: { type: 'sim' } }, ctx, cloud);
    const west = createSimProvider({ name: 'west', spec: { type: 'sim', regions: ['sim-us-west-2'] } }, ctx, cloud);
    const offers = await run(clock, west.listOffers());
    expect(new Set(offers.map((o) => o.region))).toEqual(new Set(['sim-us-west-2']));

    const east = find(await run(clock, all.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const err = await run(clock, west.create(launch({ ...east, provider: 'west' }, 'k-west'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
  });

  it('launches, boots after bootMs and registers a Ready Node with labels, taints, providerID and GPUs', async () => {
    const { clock, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-h100x8', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'uid-1-0')));
    expect(inst).toMatchObject({
      provider: 'sim-a',
      instanceType: 'g-h100x8',
      region: 'sim-us-east-1',
      zone: 'sim-us-east-1a',
      capacityType: 'on-demand',
      pricePerHour: offer.pricePerHour,
      state: 'pending',
      idempotencyKey: 'uid-1-0',
      name: 'uid-1-0',
    });
    expect(inst.providerID).toBe(`sim://sim-us-east-1/${inst.id}`);
    expect(await cluster.get(Kinds.Node, 'uid-1-0')).toBeUndefined();

    await clock.advance(3000);
    expect((await call(provider.get(inst.id))).state).toBe('running');
    const node = await cluster.get<Node>(Kinds.Node, 'uid-1-0');
    expect(node?.spec?.providerID).toBe(inst.providerID);
    expect(node?.spec?.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
    expect(node?.metadata.labels).toMatchObject({
      [Labels.requestUid]: 'uid-1',
      [Labels.machine]: '0',
      [Labels.instanceType]: 'g-h100x8',
      [Labels.region]: 'sim-us-east-1',
      [Labels.zone]: 'sim-us-east-1a',
    });
    expect(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node?.status?.allocatable?.[GPU_RESOURCE]).toBe('8');
    expect(node?.status?.capacity?.[GPU_RESOURCE]).toBe('8');
    expect(node?.status?.allocatable?.cpu).toBe('208');
    expect(node?.status?.allocatable?.memory).toBe('1800Gi');
  });

  it('boots in bootSeconds from the GpuProvider spec, and setBootMs changes it', async () => {
    const { clock, provider, call } = world({ bootSeconds: 60 });
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const slow = await call(provider.create(launch(offer, 'slow')));
    await clock.advance(59_000);
    expect((await call(provider.get(slow.id))).state).toBe('pending');
    await clock.advance(1000);
    expect((await call(provider.get(slow.id))).state).toBe('running');

    provider.setBootMs(500);
    const fast = await call(provider.create(launch(offer, 'fast')));
    await clock.advance(500);
    expect((await call(provider.get(fast.id))).state).toBe('running');
  });

  it('returns the same instance for a repeated idempotency key and consumes capacity once', async () => {
    const { cloud, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-h200x8', 'sim-us-east-1a');
    expect(cloud.capacityOf(offerKey(offer))).toBe(1);
    const [a, b] = await call(Promise.all([provider.create(launch(offer, 'same')), provider.create(launch(offer, 'same'))]));
    const c = await call(provider.create(launch(offer, 'same')));
    expect(b!.id).toBe(a!.id);
    expect(c.id).toBe(a!.id);
    expect(cloud.capacityOf(offerKey(offer))).toBe(0);
    expect(await call(provider.list())).toHaveLength(1);
  });

  it('throws InsufficientCapacityError when the offering is used up', async () => {
    const { provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-h200x8', 'sim-us-east-1a');
    await call(provider.create(launch(offer, 'first')));
    const err = await call(provider.create(launch(offer, 'second'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCapacityError);
    expect(find(await call(provider.listOffers()), 'g-h200x8', 'sim-us-east-1a').available).toBe(false);
  });

  it('refuses an offer the catalogue does not have', async () => {
    const { provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const err = await call(provider.create(launch({ ...offer, instanceType: 'g-nope' }, 'bad'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
  });

  it('deletes idempotently: terminating, then terminated after terminateMs, capacity back, Node kept', async () => {
    const { clock, cloud, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-h200x8', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'gone')));
    await clock.advance(3000);
    expect(cloud.capacityOf(offerKey(offer))).toBe(0);

    await call(provider.delete(inst.id));
    await call(provider.delete(inst.id));
    expect((await call(provider.get(inst.id))).state).toBe('terminating');
    expect(cloud.capacityOf(offerKey(offer))).toBe(0);

    await clock.advance(1000);
    expect((await call(provider.get(inst.id))).state).toBe('terminated');
    expect(cloud.capacityOf(offerKey(offer))).toBe(1);
    expect(await call(provider.list())).toEqual([]);
    // The Node object stays; marking it is the node-lifecycle controller's job, not the cloud's.
    expect(await cluster.get<Node>(Kinds.Node, 'gone')).toBeDefined();

    await call(provider.delete(inst.id));
    await call(provider.delete('sim-ffffffff'));
    expect(cloud.capacityOf(offerKey(offer))).toBe(1);
  });

  it('a new machine with an old hostname takes over the Node left behind', async () => {
    const { clock, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const first = await call(provider.create(launch(offer, 'k1', { bootstrap: { ...launch(offer, 'k1').bootstrap, hostname: 'gpu-0' } })));
    await clock.advance(3000);
    await call(provider.delete(first.id));
    await clock.advance(1000);
    const second = await call(provider.create(launch(offer, 'k2', { bootstrap: { ...launch(offer, 'k2').bootstrap, hostname: 'gpu-0' } })));
    await clock.advance(3000);
    const node = await cluster.get<Node>(Kinds.Node, 'gpu-0');
    expect(node?.spec?.providerID).toBe(second.providerID);
    expect(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('forgets terminated instances after a while, and never knew unknown ones', async () => {
    const { clock, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'old')));
    await call(provider.delete(inst.id));
    await clock.advance(1000 + 60 * 60 * 1000 + 1);
    expect(isNotFound(await call(provider.get(inst.id)).catch((e: unknown) => e))).toBe(true);
    expect(isNotFound(await call(provider.get('sim-00ffffff')).catch((e: unknown) => e))).toBe(true);
  });

  it('deleting before boot cancels the boot: no Node ever appears', async () => {
    const { clock, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'early')));
    await call(provider.delete(inst.id));
    await clock.advance(10_000);
    expect((await call(provider.get(inst.id))).state).toBe('terminated');
    expect(await cluster.get(Kinds.Node, 'early')).toBeUndefined();
  });

  it('lists only instances of its own account and cluster', async () => {
    const { clock, cloud, ctx, provider, call } = world();
    const other = createSimProvider({ name: 'sim-b', spec: { type: 'sim' } }, ctx, cloud);
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const mine = await call(provider.create(launch(offer, 'mine')));
    await call(provider.create(launch(offer, 'foreign', { tags: { [Labels.cluster]: 'another-cluster' } })));
    await run(clock, other.create(launch({ ...offer, provider: 'sim-b' }, 'theirs')));
    expect((await call(provider.list())).map((i) => i.id)).toEqual([mine.id]);
    expect(isNotFound(await call(other.get(mine.id)).catch((e: unknown) => e))).toBe(true);
  });

  it('a provider rebuilt on the same cloud (a restart) sees the machines launched before', async () => {
    const { clock, ctx, cloud, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'survivor')));
    const factory = simProviderFactory(cloud);
    const again = await factory({ name: 'sim-a', spec: { type: 'sim' } }, ctx);
    expect((await run(clock, again.list())).map((i) => i.id)).toEqual([inst.id]);
    const dup = await run(clock, again.create(launch(offer, 'survivor')));
    expect(dup.id).toBe(inst.id);
  });

  it('requires a cluster to register nodes in', () => {
    const clock = new FakeClock();
    expect(() =>
      createSimProvider({ name: 'x', spec: { type: 'sim' } }, { clusterName: CLUSTER, credentials: {}, clock, logger: silentLogger() }),
    ).toThrow(InvalidRequestError);
  });

  describe('switches', () => {
    it('failNextCreate fails the next creates without launching, then recovers', async () => {
      const { cloud, provider, call } = world();
      const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
      const before = cloud.capacityOf(offerKey(offer));
      provider.failNextCreate(new QuotaExceededError('quota'), 2);
      await expect(call(provider.create(launch(offer, 'q')))).rejects.toBeInstanceOf(QuotaExceededError);
      await expect(call(provider.create(launch(offer, 'q')))).rejects.toBeInstanceOf(QuotaExceededError);
      expect(cloud.capacityOf(offerKey(offer))).toBe(before);
      await expect(call(provider.create(launch(offer, 'q')))).resolves.toMatchObject({ state: 'pending' });
    });

    it('insufficientCapacity takes an offering out and gives it back without losing its count', async () => {
      const { cloud, provider, call } = world();
      const offer = find(await call(provider.listOffers()), 'g-h100x8', 'sim-us-east-1a', 'spot');
      provider.insufficientCapacity(offerKey(offer), true);
      expect(find(await call(provider.listOffers()), 'g-h100x8', 'sim-us-east-1a', 'spot').available).toBe(false);
      const err = await call(provider.create(launch(offer, 'ice'))).catch((e: unknown) => e);
      expect(isInsufficientCapacity(err)).toBe(true);
      provider.insufficientCapacity(offerKey(offer), false);
      expect(cloud.capacityOf(offerKey(offer))).toBe(2);
      await expect(call(provider.create(launch(offer, 'ice')))).resolves.toBeDefined();
    });

    it('insufficientCapacity takes a predicate over the catalogue', async () => {
      const { provider, call } = world();
      provider.insufficientCapacity((o) => o.instanceType.gpuModel === 'H100');
      const offers = await call(provider.listOffers());
      expect(offers.filter((o) => o.gpuModel === 'H100' && o.available)).toEqual([]);
      expect(offers.some((o) => o.gpuModel === 'L4' && o.available)).toBe(true);
    });

    it('rateLimit throws RateLimitedError with retry-after for the next calls', async () => {
      const { provider, call } = world();
      provider.rateLimit(2, 7000);
      const err = await call(provider.listOffers()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitedError);
      expect((err as RateLimitedError).retryAfterMs).toBe(7000);
      await expect(call(provider.list())).rejects.toBeInstanceOf(RateLimitedError);
      await expect(call(provider.list())).resolves.toEqual([]);
    });

    it('serverErrors throws TransientError for the next calls', async () => {
      const { provider, call } = world();
      provider.serverErrors(1);
      await expect(call(provider.listOffers())).rejects.toBeInstanceOf(TransientError);
      await expect(call(provider.listOffers())).resolves.not.toHaveLength(0);
    });

    it('failJoin boots machines that never register a Node', async () => {
      const { clock, cluster, provider, call } = world();
      provider.failJoin(true);
      const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
      const inst = await call(provider.create(launch(offer, 'lost')));
      await clock.advance(60_000);
      expect((await call(provider.get(inst.id))).state).toBe('running');
      expect(await cluster.list(Kinds.Node)).toEqual([]);
    });

    it('checkCredentials succeeds unless rejectCredentials is on', async () => {
      const { provider, call } = world();
      await expect(call(provider.checkCredentials())).resolves.toBeUndefined();
      provider.rejectCredentials(true);
      await expect(call(provider.checkCredentials())).rejects.toBeInstanceOf(AuthError);
    });

    it('records calls without tags or user data', async () => {
      const { provider, call } = world();
      const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
      await call(provider.create(launch(offer, 'rec')));
      expect(provider.calls.map((c) => c.method)).toEqual(['listOffers', 'create']);
      expect(provider.calls[1]).toMatchObject({ provider: 'sim-a', args: 'g-l4x1 sim-us-east-1a on-demand key=rec' });
      expect(JSON.stringify(provider.calls)).not.toContain('s3cret');
    });

    it('reset brings back a fresh world', async () => {
      const { cloud, provider, call } = world();
      const offer = find(await call(provider.listOffers()), 'g-h200x8', 'sim-us-east-1a');
      await call(provider.create(launch(offer, 'r')));
      provider.serverErrors(5);
      provider.reset();
      expect(cloud.calls).toEqual([]);
      expect(cloud.capacityOf(offerKey(offer))).toBe(1);
      await expect(call(provider.list())).resolves.toEqual([]);
    });
  });

  describe('interruptions', () => {
    it('queues a notice, returns it once, and reclaims the machine when the notice runs out', async () => {
      const { clock, cloud, cluster, provider, call } = world();
      const offer = find(await call(provider.listOffers()), 'g-h100x8', 'sim-us-east-1a', 'spot');
      const inst = await call(provider.create(launch(offer, 'spot-1')));
      await clock.advance(3000);
      const left = cloud.capacityOf(offerKey(offer));

      const sentAt = clock.now();
      provider.interrupt(inst.id);
      const notices = await call(provider.pollInterruptions());
      expect(notices).toEqual([
        { provider: 'sim-a', instanceId: inst.id, kind: 'spot-interruption', receivedAt: sentAt, deadline: sentAt + 120_000 },
      ]);
      // Returned once: the next poll waits out its 20 s and answers empty.
      expect(await run(clock, provider.pollInterruptions(), 1000)).toEqual([]);
      expect((await call(provider.get(inst.id))).state).toBe('running');

      await clock.advance(sentAt + 120_000 - clock.now());
      expect((await call(provider.get(inst.id))).state).toBe('terminated');
      expect(cloud.capacityOf(offerKey(offer))).toBe(left + 1);
      // Reclaimed: its kubelet went with it, so the Lease ages and the node-lifecycle controller marks the Node.
      const renewed = (await cluster.get<Lease>(Kinds.Lease, 'spot-1', NODE_LEASE_NAMESPACE))?.spec?.renewTime;
      await clock.advance(60_000);
      expect((await cluster.get<Lease>(Kinds.Lease, 'spot-1', NODE_LEASE_NAMESPACE))?.spec?.renewTime).toBe(renewed);
      expect(await markStaleNodesUnknown(cluster, clock)).toEqual(['spot-1']);
      const node = await cluster.get<Node>(Kinds.Node, 'spot-1');
      expect(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');
    });

    it('delivers notices only to the account that owns the instance', async () => {
      const { clock, cloud, ctx, provider, call } = world();
      const other = createSimProvider({ name: 'sim-b', spec: { type: 'sim' } }, ctx, cloud);
      const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
      const inst = await call(provider.create(launch(offer, 'x')));
      const othersPoll = other.pollInterruptions();
      provider.interrupt(inst.id, 'scheduled-maintenance', 5000);
      expect((await call(provider.pollInterruptions())).map((n) => n.kind)).toEqual(['scheduled-maintenance']);
      // The other account's long poll was not woken by it and ends empty.
      expect(await run(clock, othersPoll, 1000)).toEqual([]);
    });

    describe('a long poll, as of a queue', () => {
      /** A poll under way, and whether (and how) it has settled. */
      function open<T>(p: Promise<T>) {
        const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
        p.then(
          (value) => Object.assign(state, { settled: true, value }),
          (error: unknown) => Object.assign(state, { settled: true, error }),
        );
        return state;
      }

      async function spotMachines(n: number) {
        const w = world();
        const offer = find(await w.call(w.provider.listOffers()), 'g-l4x1', 'sim-us-east-1a', 'spot');
        const ids: string[] = [];
        for (let i = 0; i < n; i++) ids.push((await w.call(w.provider.create(launch(offer, `spot-${i}`)))).id);
        return { ...w, ids };
      }

      it('answers as soon as a notice is sent during the wait, with no time passing', async () => {
        const { clock, cloud, provider, ids } = await spotMachines(1);
        const polls = () => cloud.calls.filter((c) => c.method === 'pollInterruptions').length;
        const poll = open(provider.pollInterruptions());
        await clock.advance(7_000);
        expect(poll.settled).toBe(false);

        const sentAt = clock.now();
        provider.interrupt(ids[0]!, 'spot-interruption', 120_000);
        await clock.advance(0);
        expect(poll.settled).toBe(true);
        expect(poll.value).toEqual([{ provider: 'sim-a', instanceId: ids[0], kind: 'spot-interruption', receivedAt: sentAt, deadline: sentAt + 120_000 }]);
        expect(clock.now()).toBe(sentAt);
        expect(polls()).toBe(1);
      });

      it('answers with every notice sent together, in one answer', async () => {
        const { clock, provider, ids } = await spotMachines(3);
        const poll = open(provider.pollInterruptions());
        await clock.advance(1_000);
        for (const id of ids) provider.interrupt(id);
        await clock.advance(0);
        expect((poll.value ?? []).map((n) => n.instanceId)).toEqual(ids);
      });

      it('pays the call latency first: a notice already queued comes back after it', async () => {
        const { clock, provider, ids } = await spotMachines(1);
        provider.interrupt(ids[0]!);
        const poll = open(provider.pollInterruptions());
        await clock.advance(19);
        expect(poll.settled).toBe(false);
        await clock.advance(1);
        expect(poll.value).toHaveLength(1);
      });

      it.each([
        ['by default, after 20 ms of call latency and 20 s of waiting', {}, 20_020],
        ['after spec.sim.interruptionWaitSeconds', { interruptionWaitSeconds: 2, callLatencyMs: 0 }, 2_000],
        ['at once with a wait of 0', { interruptionWaitSeconds: 0, callLatencyMs: 0 }, 0],
      ])('answers empty when nothing is sent: %s', async (_what, sim, ms) => {
        const { clock, provider } = world(sim);
        const poll = open(provider.pollInterruptions());
        if (ms > 0) {
          await clock.advance(ms - 1);
          expect(poll.settled).toBe(false);
        }
        await clock.advance(ms > 0 ? 1 : 0);
        expect(poll).toEqual({ settled: true, value: [] });
      });

      it('ends at once when its signal aborts, holds no timer after, and leaves later notices queued', async () => {
        const { clock, provider, ids } = await spotMachines(1);
        await clock.advance(5_000);
        const timersBefore = clock.pending;
        const ctrl = new AbortController();
        const poll = open(provider.pollInterruptions(ctrl.signal));
        await clock.advance(1_000);
        expect(clock.pending).toBe(timersBefore + 1);
        const reason = new Error('operator stopping');
        ctrl.abort(reason);
        await clock.advance(0);
        expect(poll).toEqual({ settled: true, error: reason });
        expect(clock.pending).toBe(timersBefore);

        provider.interrupt(ids[0]!);
        const next = open(provider.pollInterruptions());
        await clock.advance(20);
        expect((next.value ?? []).map((n) => n.instanceId)).toEqual(ids);
      });

      it('of two polls of one account, the one that does not get the notice waits on', async () => {
        const { clock, provider, ids } = await spotMachines(1);
        const first = open(provider.pollInterruptions());
        await clock.advance(5_000);
        const second = open(provider.pollInterruptions());
        await clock.advance(5_000);
        provider.interrupt(ids[0]!);
        await clock.advance(0);
        expect(first.value).toHaveLength(1);
        expect(second.settled).toBe(false);
        // Its own 20 s run from its own start (after its 20 ms of latency).
        await clock.advance(15_019);
        expect(second.settled).toBe(false);
        await clock.advance(1);
        expect(second).toEqual({ settled: true, value: [] });
      });

      it('is not cut short by the call pipeline: a full wait answers empty under the 30 s per-attempt timeout', async () => {
        const { clock, ctx, cloud } = world();
        const observed: { method: string; outcome: string; seconds: number }[] = [];
        const metrics = { observe: (l: { method: string; outcome: string }, seconds: number) => void observed.push({ ...l, seconds }), failed: () => undefined };
        const piped = await buildProvider(simDefinition, { name: 'sim-a', spec: { type: 'sim' } }, ctx, { metrics, factory: simProviderFactory(cloud) });
        const poll = open(piped.pollInterruptions!());
        await clock.advance(20_020);
        expect(poll).toEqual({ settled: true, value: [] });
        expect(observed).toEqual([{ provider: 'sim-a', method: 'pollInterruptions', outcome: 'success', seconds: 20.02 }]);
        expect(DEFAULT_INTERRUPTION_WAIT_SECONDS * 1000).toBeLessThan(DEFAULT_TIMEOUT_MS);
        await piped.close();
      });
    });

    it('refuses to interrupt an unknown instance', () => {
      const { provider } = world();
      expect(() => provider.interrupt('sim-0000ffff')).toThrow();
    });
  });
});

describe('the sim kubelet on a cluster', () => {
  const readyOf = async (cluster: MemoryCluster, name: string) =>
    (await cluster.get<Node>(Kinds.Node, name))?.status?.conditions?.find((c) => c.type === 'Ready');
  const leaseOf = (cluster: MemoryCluster, name: string) => cluster.get<Lease>(Kinds.Lease, name, NODE_LEASE_NAMESPACE);

  it('renews its Lease in kube-node-lease every 10 s and its Ready heartbeat every 5 min, as a kubelet does', async () => {
    const { clock, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    await call(provider.create(launch(offer, 'beat-1')));
    await clock.advance(3000);
    const node = await cluster.get<Node>(Kinds.Node, 'beat-1');
    const lease = await leaseOf(cluster, 'beat-1');
    expect(lease?.spec).toMatchObject({ holderIdentity: 'beat-1', leaseDurationSeconds: 40 });
    expect(lease?.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'beat-1', uid: node!.metadata.uid }]);
    const firstRenew = Date.parse(lease!.spec!.renewTime!);
    const firstBeat = Date.parse((await readyOf(cluster, 'beat-1'))!.lastHeartbeatTime!);
    const transition = (await readyOf(cluster, 'beat-1'))!.lastTransitionTime;

    await clock.advance(10_000);
    expect(Date.parse((await leaseOf(cluster, 'beat-1'))!.spec!.renewTime!)).toBe(firstRenew + 10_000);
    await clock.advance(20_000);
    expect(Date.parse((await leaseOf(cluster, 'beat-1'))!.spec!.renewTime!)).toBe(firstRenew + 30_000);
    expect(Date.parse((await readyOf(cluster, 'beat-1'))!.lastHeartbeatTime!)).toBe(firstBeat);
    await clock.advance(270_000);
    const ready = await readyOf(cluster, 'beat-1');
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: transition });
    expect(Date.parse(ready!.lastHeartbeatTime!)).toBe(firstBeat + 300_000);
    // Always renewed within the Lease's duration: a controller-manager keeps it Ready.
    expect(await markStaleNodesUnknown(cluster, clock)).toEqual([]);
  });

  it('stops renewing when the machine is deleted; the sim itself never marks the Node', async () => {
    const { clock, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'beat-2')));
    await clock.advance(3000);
    await call(provider.delete(inst.id));
    await clock.advance(1000);
    const renewed = (await leaseOf(cluster, 'beat-2'))!.spec!.renewTime;
    await clock.advance(120_000);
    expect((await leaseOf(cluster, 'beat-2'))!.spec!.renewTime).toBe(renewed);
    expect((await readyOf(cluster, 'beat-2'))?.status).toBe('True');
    expect(await markStaleNodesUnknown(cluster, clock)).toEqual(['beat-2']);
    expect(await readyOf(cluster, 'beat-2')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(await markStaleNodesUnknown(cluster, clock)).toEqual([]);
  });

  it('stopHeartbeats simulates a dead kubelet on a machine that keeps running', async () => {
    const { clock, cluster, cloud, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    const inst = await call(provider.create(launch(offer, 'beat-3')));
    await clock.advance(3000);
    cloud.stopHeartbeats(inst.id);
    const renewed = (await leaseOf(cluster, 'beat-3'))!.spec!.renewTime;
    await clock.advance(41_000);
    expect((await call(provider.get(inst.id))).state).toBe('running');
    expect((await leaseOf(cluster, 'beat-3'))!.spec!.renewTime).toBe(renewed);
    expect(await markStaleNodesUnknown(cluster, clock)).toEqual(['beat-3']);
    expect((await readyOf(cluster, 'beat-3'))?.status).toBe('Unknown');
  });

  it('markNodeUnknown marks one Node at once, as the node-lifecycle controller words it', async () => {
    const { clock, cluster, provider, call } = world();
    const offer = find(await call(provider.listOffers()), 'g-l4x1', 'sim-us-east-1a');
    await call(provider.create(launch(offer, 'beat-4')));
    await clock.advance(3000);
    await markNodeUnknown(cluster, 'beat-4', clock);
    expect(await readyOf(cluster, 'beat-4')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    await markNodeUnknown(cluster, 'no-such-node', clock);
  });
});
