import { ConditionTypes, DISRUPTION_TAINT_KEY, Reasons } from '../../src/api/constants.js';
import type { GpuMachine } from '../../src/api/types.js';
import { REPLACEMENT_HEAD_START_MS } from '../../src/controller/machine/termination.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type Node, type Pod, type PodDisruptionBudget } from '../../src/kube/types.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { createSimProvider } from '../../src/providers/sim/sim-provider.js';
import type { CloudProvider, ProviderFactory } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import type { InterruptionLabelValues, InterruptionMetrics } from '../../src/metrics/interruption-metrics.js';
import { drive, get, machinesOf, ownInstances, readyRequest, restartOperator, setup, until, untilPhase, type Fixture } from '../support/operator-fixture.js';

const machine = (f: Fixture, name: string) => f.cluster.get<GpuMachine>(Kinds.GpuMachine, name, 'ml');

function recordingMetrics() {
  const seen = { noticed: [] as InterruptionLabelValues[], launched: [] as number[], drained: [] as number[] };
  const metrics: InterruptionMetrics = {
    noticed: (l) => void seen.noticed.push(l),
    replacementLaunched: (s) => void seen.launched.push(s),
    drained: (s) => void seen.drained.push(s),
  };
  return { seen, metrics };
}

/** A pod on the node that a PodDisruptionBudget keeps there. */
async function guardedPod(f: Fixture, nodeName: string): Promise<void> {
  await f.cluster.create<Pod>(Kinds.Pod, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'trainer', namespace: 'ml', labels: { app: 'trainer' } },
    spec: { nodeName, containers: [{ name: 'c', image: 'x' }] },
    status: { phase: 'Running' },
  });
  await f.cluster.create<PodDisruptionBudget>(Kinds.PodDisruptionBudget, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'trainer', namespace: 'ml' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'trainer' } } },
  });
}

describe('interruptions', () => {
  test('a spot notice is recorded on the GpuMachine, the Node fenced, a replacement launched at once, the old one drained and gone', async () => {
    const { seen, metrics } = recordingMetrics();
    const f = await setup({ metrics });
    const req = await readyRequest(f, { capacityTypes: ['spot', 'on-demand'], gpu: { model: 'L4', count: 1 } });
    const [old] = await machinesOf(f, req);
    f.cloud.interrupt(old!.status!.instanceId!, 'spot-interruption', 120_000);

    await until(f, async () => !!(await machine(f, old!.metadata.name))?.status?.interruption, { stepMs: 50 });
    const noticed = await machine(f, old!.metadata.name);
    expect(noticed?.status?.interruption).toMatchObject({ kind: 'spot-interruption' });
    expect(noticed?.status?.conditions?.find((c) => c.type === ConditionTypes.Interrupted)?.status).toBe('True');

    await until(f, async () => (await machinesOf(f, req)).some((m) => m.spec.replaces === old!.metadata.name && m.status?.instanceId), { stepMs: 50 });
    const node = await f.cluster.get<Node>(Kinds.Node, old!.status!.nodeName!);
    expect(node?.spec?.unschedulable).toBe(true);
    expect(node?.spec?.taints?.some((t) => t.key === DISRUPTION_TAINT_KEY)).toBe(true);
    const replacement = (await machinesOf(f, req)).find((m) => m.spec.replaces === old!.metadata.name)!;
    // The interrupted pool is skipped for the replacement.
    expect(`${replacement.status?.zone}/${replacement.status?.capacityType}`).not.toBe(`${old!.status?.zone}/${old!.status?.capacityType}`);

    const ready = await untilPhase(f, req, 'Ready');
    await until(f, async () => !(await machine(f, old!.metadata.name)));
    const after = await get(f, ready);
    expect(after?.status?.interruptions?.[0]).toMatchObject({ machine: old!.metadata.name, kind: 'spot-interruption', replacement: replacement.metadata.name });
    expect(after?.status?.conditions?.find((c) => c.type === ConditionTypes.Interrupted)?.status).toBe('False');
    expect(await ownInstances(f)).toHaveLength(1);
    expect(await f.cluster.get(Kinds.Node, old!.status!.nodeName!)).toBeUndefined();
    expect(seen.noticed).toEqual([expect.objectContaining({ provider: 'sim', kind: 'spot-interruption' })]);
    expect(seen.launched).toHaveLength(1);
    expect(seen.drained).toHaveLength(1);
    expect(f.cluster.events({ reason: Reasons.Interrupted })).toHaveLength(1);
  });

  test('the drain waits for the replacement launch call, and no longer than the head start', async () => {
    const clock = new FakeClock();
    const cluster = new MemoryCluster({ clock });
    const cloud = new SimCloud({ clock, bootMs: 2_000, terminateMs: 500 });
    // Launch calls after the first machine's hang until the test lets them answer.
    let held = false;
    const answers: (() => void)[] = [];
    const sim: ProviderFactory = (config, ctx) => {
      const inner = createSimProvider(config, ctx, cloud);
      const gated: CloudProvider = Object.create(inner);
      gated.create = async (req, signal) => {
        if (held) await new Promise<void>((resolve) => answers.push(resolve));
        return inner.create(req, signal);
      };
      return gated;
    };
    const f = await setup({ clock, cluster, cloud, factories: { sim } });
    const req = await readyRequest(f, { capacityTypes: ['spot', 'on-demand'], gpu: { model: 'L4', count: 1 } });
    const [old] = await machinesOf(f, req);
    held = true;
    const drainedAt: number[] = [];
    const watch = cluster.watch<GpuMachine>(Kinds.GpuMachine, {}, (e) => {
      if (e.object.metadata.name === old!.metadata.name && e.object.status?.phase === 'Terminating' && drainedAt.length === 0) drainedAt.push(clock.now());
    });
    const noticeAt = cloud.interrupt(old!.status!.instanceId!, 'spot-interruption', 120_000).receivedAt;
    await until(f, () => answers.length > 0, { stepMs: 50 });
    // The replacement's launch call is out and unanswered: the drain has not begun.
    await until(f, () => clock.now() >= noticeAt + REPLACEMENT_HEAD_START_MS - 500, { stepMs: 50 });
    expect(drainedAt).toEqual([]);
    // Past the head start it goes on without the answer.
    await until(f, () => drainedAt.length > 0, { stepMs: 50, maxMs: 2_000 });
    expect(drainedAt[0]! - noticeAt).toBeGreaterThanOrEqual(REPLACEMENT_HEAD_START_MS);
    expect(drainedAt[0]! - noticeAt).toBeLessThan(REPLACEMENT_HEAD_START_MS + 1_000);
    held = false;
    for (const answer of answers.splice(0)) answer();
    await untilPhase(f, req, 'Ready');
    watch.stop();
    await drive(f.clock, f.operator.stop(1_000));
  });

  test('regression: a crash right after the notice is recorded still fences, replaces and drains', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [old] = await machinesOf(f, req);
    await f.operator.stop(0);
    // The provider has forgotten the notice by now; only the record on the GpuMachine is left.
    const notice = f.cloud.interrupt(old!.status!.instanceId!, 'spot-interruption', 120_000);
    expect(await drive(f.clock, f.operator.router.deliver(notice))).toBe('recorded');

    const second = restartOperator(f);
    second.start();
    await until(f, async () => !(await machine(f, old!.metadata.name)));
    await untilPhase(f, req, 'Ready');
    const [fresh] = await machinesOf(f, req);
    expect(fresh!.spec.replaces).toBe(old!.metadata.name);
    expect(f.cloud.ledger().filter((i) => i.state !== 'terminated')).toHaveLength(1);
    await drive(f.clock, second.stop(1_000));
  });

  test('notices for unknown instances, repeats and switched-off rebalance hints change nothing', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [m] = await machinesOf(f, req);
    const id = m!.status!.instanceId!;
    const at = f.clock.now();
    expect(await f.operator.router.deliver({ provider: 'sim', instanceId: 'sim-nobody', kind: 'spot-interruption', receivedAt: at })).toBe('unknown-instance');
    expect(await f.operator.router.deliver({ provider: 'sim', instanceId: id, kind: 'rebalance', receivedAt: at })).toBe('ignored');
    expect((await machine(f, m!.metadata.name))?.status?.interruption).toBeUndefined();
    await f.operator.stop(0);
    expect(await f.operator.router.deliver({ provider: 'sim', instanceId: id, kind: 'spot-interruption', receivedAt: at })).toBe('recorded');
    expect(await f.operator.router.deliver({ provider: 'sim', instanceId: id, kind: 'spot-interruption', receivedAt: at + 1 })).toBe('duplicate');
    expect((await machine(f, m!.metadata.name))?.status?.interruption?.noticeAt).toBe(new Date(at).toISOString());
  });

  test('rebalance, when enabled, replaces first and deletes the old machine once the replacement is Ready', async () => {
    const f = await setup();
    const req = await readyRequest(f, { capacityTypes: ['spot'], gpu: { model: 'L4', count: 1 }, interruption: { rebalance: true } });
    const [old] = await machinesOf(f, req);
    f.cloud.interrupt(old!.status!.instanceId!, 'rebalance', 30 * 60_000);
    await until(f, async () => (await machinesOf(f, req)).some((x) => x.spec.replaces === old!.metadata.name));
    // Not fenced yet: its pods keep running until the replacement is Ready.
    expect((await f.cluster.get<Node>(Kinds.Node, old!.status!.nodeName!))?.spec?.unschedulable).toBeFalsy();
    await until(f, async () => (await machine(f, old!.metadata.name))?.metadata.deletionTimestamp !== undefined || !(await machine(f, old!.metadata.name)));
    const replacement = (await machinesOf(f, req)).find((x) => x.spec.replaces === old!.metadata.name);
    expect(replacement?.status?.phase).toBe('Ready');
    await until(f, async () => !(await machine(f, old!.metadata.name)));
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('replace: false drains and terminates the machine and launches none in its place', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 }, nodes: 2, interruption: { replace: false } });
    const [old] = await machinesOf(f, req);
    f.cloud.interrupt(old!.status!.instanceId!, 'spot-interruption', 60_000);
    await until(f, async () => !(await machine(f, old!.metadata.name)));
    await f.clock.advance(60_000);
    expect(await machinesOf(f, req)).toHaveLength(1);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(2);
    const after = await get(f, req);
    expect(after?.status?.notReplaced).toEqual([old!.metadata.name]);
    expect(after?.status?.phase).toBe('Ready');
  });

  test('regression: deleting the request while an interrupted machine is still draining terminates everything', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 }, interruption: { drainTimeout: '10m' } });
    const [old] = await machinesOf(f, req);
    await guardedPod(f, old!.status!.nodeName!);
    f.cloud.interrupt(old!.status!.instanceId!, 'spot-interruption', 10 * 60_000);
    await until(f, async () => (await machine(f, old!.metadata.name))?.status?.conditions?.some((c) => c.type === ConditionTypes.Drained && c.status === 'False') ?? false);
    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, 'ml');
    // The budget holds the pod until the provider's deadline; then the machine goes anyway.
    await until(f, async () => !(await get(f, req)), { stepMs: 1_000, maxMs: 15 * 60_000 });
    expect(f.cloud.ledger().filter((i) => i.state !== 'terminated')).toHaveLength(0);
    expect(await f.cluster.list(Kinds.Node)).toHaveLength(0);
    expect(f.cluster.events({ reason: Reasons.DrainTimedOut }).length).toBeGreaterThanOrEqual(1);
  });
});
