import { Registry } from 'prom-client';
import { ConditionTypes, DISRUPTION_TAINT_KEY, Reasons } from '../../src/api/constants.js';
import type { GpuRequest } from '../../src/api/types.js';
import { Kinds, type KubeObject, type Node } from '../../src/kube/types.js';
import { interruptionMetrics } from '../../src/metrics/interruption-metrics.js';
import type { InterruptionKind } from '../../src/providers/types.js';
import { apply, drive, get, gpuRequest, ownInstances, phaseIs, reconcile, reconcileUntil, setup, type Fixture } from '../support/operator-fixture.js';

const condition = (r: GpuRequest | undefined, type: string) => r?.status?.conditions?.find((c) => c.type === type);
const creates = (f: Fixture) => f.cloud.calls.filter((c) => c.method === 'create').length;

async function readyRequest(f: Fixture, spec: Parameters<typeof gpuRequest>[0] = {}) {
  const req = await apply(f, gpuRequest({ capacityTypes: ['spot', 'on-demand'], ...spec }));
  const ready = await reconcileUntil(f, req, phaseIs('Ready'));
  return { req, slot: ready!.status!.nodes![0]! };
}

/** The provider sends a notice and the poller hands it on, as in the running operator. */
async function interrupt(f: Fixture, instanceId: string, kind: InterruptionKind = 'spot-interruption', noticeMs = 120_000) {
  f.cloud.interrupt(instanceId, kind, noticeMs);
  return drive(f.clock, f.operator.interruptions.pollOnce());
}

async function podOn(f: Fixture, name: string, nodeName: string, labels: Record<string, string> = {}) {
  const pod = await f.cluster.create(Kinds.Pod, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ml', labels }, spec: { nodeName } } as KubeObject);
  await f.cluster.patch(Kinds.Pod, name, 'ml', { status: { phase: 'Running' } }, { subresource: 'status' });
  return pod;
}

describe('spot interruption', () => {
  test('taints and cordons at once, launches the replacement in parallel on another pool, then drains and terminates', async () => {
    const registry = new Registry();
    const f = await setup({ metrics: interruptionMetrics(registry) });
    const { req, slot } = await readyRequest(f);
    expect(await interrupt(f, slot.instanceId)).toBe(1);

    await reconcile(f, req);
    const during = await get(f, req);
    const replacement = during!.status!.nodes![0]!;
    expect(replacement.instanceId).not.toBe(slot.instanceId);
    expect(replacement).toMatchObject({ attempt: 1, replaces: slot.instanceId, state: 'Launching' });
    expect(replacement.zone).not.toBe(slot.zone);
    expect(during?.status?.phase).toBe('Interrupted');
    expect(condition(during, ConditionTypes.Interrupted)).toMatchObject({ status: 'True', reason: Reasons.Interrupted });
    expect(during?.status?.interruptions?.[0]).toMatchObject({ instanceId: slot.instanceId, kind: 'spot-interruption' });
    expect(during?.status?.interruptions?.[0]?.replacementLaunchedAt).toBeDefined();
    const oldNode = await f.cluster.get<Node>(Kinds.Node, slot.nodeName!);
    expect(oldNode?.spec?.unschedulable).toBe(true);
    expect(oldNode?.spec?.taints?.map((t) => t.key)).toContain(DISRUPTION_TAINT_KEY);
    expect(f.cluster.events({ reason: Reasons.Interrupted, type: 'Warning' })).toHaveLength(1);

    const done = await reconcileUntil(f, req, (r) => r?.status?.phase === 'Ready' && !r.status.retiring?.length);
    expect(condition(done, ConditionTypes.Interrupted)).toMatchObject({ status: 'False', reason: Reasons.Replaced });
    expect(done!.status!.nodes![0]!.replaces).toBeUndefined();
    expect(done?.status?.interruptions?.[0]?.drainedAt).toBeDefined();
    expect(await f.cluster.get(Kinds.Node, slot.nodeName!)).toBeUndefined();
    expect((await ownInstances(f)).map((i) => i.id)).toEqual([replacement.instanceId]);

    const notices = await registry.getSingleMetric('gpu_provisioner_interruption_notices_total')!.get();
    expect(notices.values).toEqual([
      expect.objectContaining({ value: 1, labels: { provider: 'sim', region: slot.region, kind: 'spot-interruption' } }),
    ]);
    const toLaunch = await registry.getSingleMetric('gpu_provisioner_interruption_replacement_launch_seconds')!.get();
    expect(toLaunch.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))?.value).toBe(1);
  });

  test('the node is fenced before the replacement launch is even tried', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f);
    const { TransientError } = await import('../../src/providers/errors.js');
    // One launch call: the first try and the limiter's three retries all fail.
    f.cloud.failNextCreate(new TransientError('sim: 503'), 4);
    await interrupt(f, slot.instanceId);
    await expect(reconcile(f, req)).rejects.toThrow('503');
    const node = await f.cluster.get<Node>(Kinds.Node, slot.nodeName!);
    expect(node?.spec?.unschedulable).toBe(true);
    expect(node?.spec?.taints?.map((t) => t.key)).toContain(DISRUPTION_TAINT_KEY);

    // The notice was not lost with the failed reconcile: the next one replaces the machine.
    const done = await reconcileUntil(f, req, (r) => r?.status?.phase === 'Ready' && !r.status.retiring?.length);
    expect(done!.status!.nodes![0]!.instanceId).not.toBe(slot.instanceId);
  });

  test('the drain honours a PodDisruptionBudget until the deadline, then the machine goes anyway', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f);
    await podOn(f, 'trainer', slot.nodeName!, { app: 'trainer' });
    await f.cluster.create(Kinds.PodDisruptionBudget, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'trainer', namespace: 'ml' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'trainer' } } },
    } as KubeObject);
    await interrupt(f, slot.instanceId, 'spot-interruption', 60_000);

    await reconcile(f, req);
    await f.clock.advance(30_000);
    await reconcile(f, req);
    expect(await f.cluster.get(Kinds.Pod, 'trainer', 'ml')).toBeDefined();
    expect((await get(f, req))?.status?.retiring).toHaveLength(1);

    await f.clock.advance(31_000);
    const after = await reconcileUntil(f, req, (r) => !r?.status?.retiring?.length);
    expect(after?.status?.interruptions?.[0]?.drainedAt).toBeDefined();
    expect(await f.cluster.get(Kinds.Node, slot.nodeName!)).toBeUndefined();
  });

  test('replace: false only cleans up, and the slot stays empty', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f, { interruption: { replace: false } });
    await interrupt(f, slot.instanceId);
    const after = await reconcileUntil(f, req, (r) => r?.status?.nodes?.[0]?.state === 'Terminated');
    expect(after?.status?.phase).toBe('Interrupted');
    expect(condition(after, ConditionTypes.Interrupted)?.message).toMatch(/replace is false/);
    expect(after?.status?.retiring ?? []).toHaveLength(0);
    for (let i = 0; i < 3; i++) await reconcile(f, req);
    expect(creates(f)).toBe(1);
    expect(await ownInstances(f)).toHaveLength(0);
  });

  test('when spot is exhausted the replacement is on-demand, and it stays there when spot returns', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f);
    expect(slot.capacityType).toBe('spot');
    f.cloud.setCapacity((o) => o.capacityType === 'spot' && o.instanceType.name === 'g-h100x1', 0);
    f.operator.offers.invalidate('sim');
    await interrupt(f, slot.instanceId);
    const replaced = await reconcileUntil(f, req, (r) => r?.status?.phase === 'Ready' && !r.status.retiring?.length);
    expect(replaced!.status!.nodes![0]!.capacityType).toBe('on-demand');

    f.cloud.setCapacity((o) => o.capacityType === 'spot' && o.instanceType.name === 'g-h100x1', 4);
    f.operator.offers.invalidate('sim');
    for (let i = 0; i < 3; i++) {
      await f.clock.advance(60_000);
      await reconcile(f, req);
    }
    expect((await get(f, req))!.status!.nodes![0]!.instanceId).toBe(replaced!.status!.nodes![0]!.instanceId);
    expect(creates(f)).toBe(2);
  });

  test('a rebalance recommendation, when enabled, replaces first and drains only once the replacement is Ready', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f, { interruption: { rebalance: true } });
    await interrupt(f, slot.instanceId, 'rebalance', 3_600_000);
    await reconcile(f, req);
    const early = await get(f, req);
    expect(early!.status!.nodes![0]!.replaces).toBe(slot.instanceId);
    expect(early?.status?.retiring?.[0]?.interruption?.waitForReplacement).toBe(true);
    expect((await f.cluster.get<Node>(Kinds.Node, slot.nodeName!))?.spec?.unschedulable).not.toBe(true);

    const done = await reconcileUntil(f, req, (r) => r?.status?.phase === 'Ready' && !r.status.retiring?.length);
    expect(done?.status?.interruptions?.[0]).toMatchObject({ kind: 'rebalance' });
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('rebalance recommendations are ignored when not enabled', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f);
    await interrupt(f, slot.instanceId, 'rebalance', 3_600_000);
    await reconcile(f, req);
    expect((await get(f, req))!.status!.nodes![0]!.instanceId).toBe(slot.instanceId);
    expect(creates(f)).toBe(1);
  });

  test('the same notice twice, an unknown instance, a notice during delete or during join do no harm', async () => {
    const f = await setup();
    const { req, slot } = await readyRequest(f);
    const notice = { provider: 'sim', instanceId: slot.instanceId, kind: 'spot-interruption' as const, receivedAt: f.clock.now(), deadline: f.clock.now() + 120_000 };
    expect(await f.operator.requestController.deliver(notice)).toBe('ml/' + req.metadata.name);
    await f.operator.requestController.deliver(notice);
    await reconcile(f, req);
    await f.operator.requestController.deliver(notice);
    await reconcile(f, req);
    expect(creates(f)).toBe(2);
    expect((await get(f, req))?.status?.retiring).toHaveLength(1);
    expect(await f.operator.requestController.deliver({ ...notice, instanceId: 'sim-unknown' })).toBeUndefined();

    // During join: the machine has not registered yet; it is replaced all the same.
    const joining = await apply(f, gpuRequest({ gpu: { model: 'L4', count: 1 } }));
    await reconcile(f, joining);
    const first = (await get(f, joining))!.status!.nodes![0]!;
    await interrupt(f, first.instanceId);
    const replaced = await reconcileUntil(f, joining, (r) => r?.status?.phase === 'Ready' && !r.status.retiring?.length);
    expect(replaced!.status!.nodes![0]!.instanceId).not.toBe(first.instanceId);

    // During delete: the request goes away and nothing new is bought.
    const before = creates(f);
    await f.cluster.delete(Kinds.GpuRequest, joining.metadata.name, 'ml');
    await interrupt(f, replaced!.status!.nodes![0]!.instanceId);
    await reconcileUntil(f, joining, (r) => r === undefined);
    expect(creates(f)).toBe(before);
  });
});

describe('launch failures never loop hot', () => {
  test('when every fitting offer fails, the next try waits', async () => {
    const f = await setup();
    const { InsufficientCapacityError } = await import('../../src/providers/errors.js');
    f.cloud.failNextCreate(new InsufficientCapacityError('none left'), 100);
    const req = await apply(f, gpuRequest({ regions: ['sim-us-west-2'] }));
    const requeue = await reconcile(f, req);
    expect(requeue).toBeGreaterThanOrEqual(60_000);
    expect(condition(await get(f, req), ConditionTypes.Launched)).toMatchObject({ status: 'False', reason: Reasons.LaunchFailed });
  });
});
