/**
 * Failures the seeded fault-injection suite (`npm run chaos`) found, each named after
 * the seed that showed it, kept here so that they stay fixed. A seed names a scenario
 * of the suite as it was when the failure was found (commit "Chaos: API server
 * brownouts ..."); the suite's plans have grown since, so these tests, not the seeds,
 * are what keeps each failure reproducible.
 */
import type { GpuMachine } from '../../src/api/types.js';
import { InterruptionPoller, type NoticeOutcome } from '../../src/controller/interruption/poller.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds } from '../../src/kube/types.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { createSimProvider } from '../../src/providers/sim/sim-provider.js';
import type { CloudProvider, InterruptionNotice, ProviderFactory } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { drive, machinesOf, readyRequest, setup, until } from '../support/operator-fixture.js';

function pollerOf(clock: FakeClock, notices: InterruptionNotice[][], onNotice: (n: InterruptionNotice) => Promise<NoticeOutcome>) {
  const provider = { name: 'sim', pollInterruptions: async () => notices.shift() ?? [] } as unknown as CloudProvider;
  return new InterruptionPoller({ providers: { all: () => [provider], get: () => provider }, clock, logger: silentLogger(), intervalMs: 1_000, onNotice });
}

describe('regressions found by the chaos suite', () => {
  test('seed 115: a notice whose recording failed is handed on again at the next poll, not forgotten', async () => {
    const clock = new FakeClock();
    const notice: InterruptionNotice = { provider: 'sim', instanceId: 'sim-1', kind: 'spot-interruption', receivedAt: clock.now(), deadline: clock.now() + 120_000 };
    const other: InterruptionNotice = { ...notice, instanceId: 'sim-2' };
    const attempts: string[] = [];
    const recorded: string[] = [];
    const poller = pollerOf(clock, [[notice, other]], async (n) => {
      attempts.push(n.instanceId);
      if (attempts.length === 1) throw new Error('Operation cannot be fulfilled: the object has been modified');
      recorded.push(n.instanceId);
      return 'recorded';
    });
    // The provider returns the notices once; the first recording fails.
    await poller.pollOnce();
    expect(recorded).toEqual(['sim-2']);
    await poller.pollOnce();
    expect(recorded).toEqual(['sim-2', 'sim-1']);
    await poller.pollOnce();
    expect(attempts).toEqual(['sim-1', 'sim-2', 'sim-1']);
  });

  test('seed 192: a notice for an instance no GpuMachine records yet is offered again until one does, and not after its deadline', async () => {
    const clock = new FakeClock();
    const notice: InterruptionNotice = { provider: 'sim', instanceId: 'sim-1', kind: 'spot-interruption', receivedAt: clock.now(), deadline: clock.now() + 30_000 };
    let known = false;
    const offered: number[] = [];
    const poller = pollerOf(clock, [[notice], [], [{ ...notice, instanceId: 'sim-9' }]], async (n) => {
      offered.push(clock.now());
      return n.instanceId === 'sim-1' && known ? 'recorded' : 'unknown-instance';
    });
    await poller.pollOnce();
    known = true;
    await poller.pollOnce();
    expect(offered).toHaveLength(2);
    // sim-9 is never known: offered while its deadline lasts, then dropped.
    await poller.pollOnce();
    await poller.pollOnce();
    expect(offered).toHaveLength(4);
    await clock.advance(30_000);
    offered.length = 0;
    await poller.pollOnce();
    expect(offered).toEqual([]);
  });

  test('seed 115: an interruption arriving while status writes conflict is still recorded and the machine replaced', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [machine] = await machinesOf(f, req);
    // More conflicts than the router retries: its write fails, the notice must survive that.
    f.cluster.conflictNext(6);
    f.cloud.interrupt(machine!.status!.instanceId!, 'spot-interruption', 120_000);
    await until(f, async () => (await machinesOf(f, req)).some((m) => m.metadata.name === machine!.metadata.name && m.status?.interruption), {
      maxMs: 60_000,
      explain: async () => JSON.stringify((await machinesOf(f, req)).map((m) => [m.metadata.name, m.status?.phase])),
    });
    await until(f, async () => (await machinesOf(f, req)).some((m) => m.spec.replaces === machine!.metadata.name), { maxMs: 60_000 });
    await drive(f.clock, f.operator.stop(1_000));
  });

  test('seeds 106 and 192: the first write of a GpuMachine after its create answer records the instance id', async () => {
    // A crash after the create answer used to leave only the launch intent: the restarted
    // operator looked the machine up by name, and if the cloud had reclaimed it meanwhile, bought a second one.
    const clock = new FakeClock();
    const cluster = new MemoryCluster({ clock });
    const cloud = new SimCloud({ clock, bootMs: 2_000, terminateMs: 500 });
    const answered = new Set<string>();
    const recordedAtNextWrite: Record<string, string | undefined> = {};
    cluster.watch<GpuMachine>(Kinds.GpuMachine, {}, (e) => {
      const name = e.object.metadata.name;
      if (answered.has(name) && !(name in recordedAtNextWrite)) recordedAtNextWrite[name] = e.object.status?.instanceId;
    });
    const sim: ProviderFactory = (config, ctx) => {
      const inner = createSimProvider(config, ctx, cloud);
      const watched: CloudProvider = Object.create(inner);
      watched.create = async (req, signal) => {
        const inst = await inner.create(req, signal);
        answered.add(req.idempotencyKey);
        return inst;
      };
      return watched;
    };
    const f = await setup({ clock, cluster, cloud, factories: { sim } });
    const req = await readyRequest(f, { nodes: 2, gpu: { model: 'L4', count: 1 } });
    const machines = await machinesOf(f, req);
    expect(Object.keys(recordedAtNextWrite).sort()).toEqual(machines.map((m) => m.metadata.name).sort());
    for (const m of machines) expect(recordedAtNextWrite[m.metadata.name]).toBe(m.status?.instanceId);
    await drive(f.clock, f.operator.stop(1_000));
  });
});
