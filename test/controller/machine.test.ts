import { ConditionTypes, Labels, Reasons } from '../../src/api/constants.js';
import type { GpuMachine } from '../../src/api/types.js';
import { Kinds, type Node } from '../../src/kube/types.js';
import { InvalidRequestError } from '../../src/providers/errors.js';
import { apply, drive, get, gpuRequest, machinesOf, ownInstances, readyRequest, restartOperator, setup, until, untilPhase, type Fixture } from '../support/operator-fixture.js';

const condition = (m: GpuMachine | undefined, type: string) => m?.status?.conditions?.find((c) => c.type === type);

/** Stops the machine's kubelet and marks its Node as kube-controller-manager does once the heartbeats stop. */
async function nodeNotReady(f: Fixture, m: GpuMachine, status: 'False' | 'Unknown' = 'Unknown'): Promise<void> {
  f.cloud.stopHeartbeats(m.status!.instanceId!);
  const name = m.status!.nodeName!;
  const node = await f.cluster.get<Node>(Kinds.Node, name);
  const conditions = (node?.status?.conditions ?? []).map((c) =>
    c.type === 'Ready' ? { ...c, status, reason: 'NodeStatusUnknown', lastTransitionTime: new Date(f.clock.now()).toISOString() } : c,
  );
  await f.cluster.patch(Kinds.Node, name, undefined, { status: { conditions } }, { subresource: 'status' });
}

describe('GpuMachine lifecycle', () => {
  test('a lost create answer is retried under the same key: one machine, never two', async () => {
    const f = await setup();
    f.cloud.loseNextCreateAnswers(1);
    const req = await apply(f, gpuRequest());
    const ready = await untilPhase(f, req, 'Ready');
    expect(f.cloud.ledger()).toHaveLength(1);
    const [m] = await machinesOf(f, ready);
    expect(m!.status?.instanceId).toBe(f.cloud.ledger()[0]!.id);
    const keys = f.cloud.calls.filter((c) => c.method === 'create').map((c) => c.args.replace(/.*key=/, ''));
    expect(keys.length).toBeGreaterThan(1);
    expect(new Set(keys)).toEqual(new Set([m!.metadata.name]));
  });

  test('a lost answer and then errors until the retries run out: the next round finds the machine by name', async () => {
    const f = await setup();
    f.cloud.loseNextCreateAnswers(1);
    f.cloud.serverErrors(20);
    const req = await apply(f, gpuRequest());
    await untilPhase(f, req, 'Ready');
    expect(f.cloud.ledger()).toHaveLength(1);
  });

  test('a restart between the launch call and its record adopts the machine by name', async () => {
    const f = await setup({ stopped: true });
    const req = await apply(f, gpuRequest());
    f.operator.start();
    // Stop the world right after the launch call: the first operator never records the answer.
    await until(f, () => f.cloud.calls.some((c) => c.method === 'create'), { stepMs: 1 });
    void f.operator.manager.stop(0);
    await f.operator.interruptions.stop();
    await f.operator.garbage.stop();
    const [m] = await machinesOf(f, req);
    expect(m!.status?.launching?.provider).toBe('sim');
    expect(m!.status?.instanceId).toBeUndefined();

    const second = restartOperator(f);
    await drive(f.clock, second.providerController.reconcile('sim'));
    second.start();
    await untilPhase(f, req, 'Ready');
    expect(f.cloud.ledger()).toHaveLength(1);
    await drive(f.clock, second.stop(1_000));
  });

  test('a machine that never joins is terminated at the join timeout and replaced on another offer', async () => {
    const f = await setup({ simSpec: { joinTimeout: '1m' } });
    f.cloud.failJoin(true);
    const req = await apply(f, gpuRequest({ gpu: { model: 'L4', count: 1 } }));
    await until(f, async () => f.cluster.events({ reason: Reasons.JoinTimeout }).length === 1, { stepMs: 1_000 });
    f.cloud.failJoin(false);
    const ready = await untilPhase(f, req, 'Ready');
    const [m] = await machinesOf(f, ready);
    const first = f.cloud.ledger()[0]!;
    expect(m!.status?.instanceId).not.toBe(first.id);
    expect(first.state).toBe('terminated');
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('regression: a Node that was Ready and stays NotReady past the repair delay is replaced', async () => {
    const f = await setup({ lifecycle: { repairAfterMs: 10 * 60_000 } });
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [old] = await machinesOf(f, req);
    await nodeNotReady(f, old!);
    await until(f, async () => (await f.cluster.get<GpuMachine>(Kinds.GpuMachine, old!.metadata.name, 'ml'))?.status?.phase === 'NotReady');
    // Not before the delay: a short blip is not a reason to throw a machine away.
    await f.clock.advance(9 * 60_000);
    expect(await f.cluster.get(Kinds.GpuMachine, old!.metadata.name, 'ml')).toBeDefined();
    expect((await get(f, req))?.status?.phase).not.toBe('Ready');
    await until(f, async () => f.cluster.events({ reason: Reasons.NodeRepair }).length === 1, { stepMs: 1_000 });
    const ready = await untilPhase(f, req, 'Ready');
    const [fresh] = await machinesOf(f, ready);
    expect(fresh!.metadata.name).not.toBe(old!.metadata.name);
    expect(await f.cluster.get(Kinds.GpuMachine, old!.metadata.name, 'ml')).toBeUndefined();
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('a Node that is Ready again before the delay keeps its machine', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [m] = await machinesOf(f, req);
    await nodeNotReady(f, m!, 'False');
    await until(f, async () => (await f.cluster.get<GpuMachine>(Kinds.GpuMachine, m!.metadata.name, 'ml'))?.status?.phase === 'NotReady');
    const node = await f.cluster.get<Node>(Kinds.Node, m!.status!.nodeName!);
    const conditions = node!.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'True' as const } : c));
    await f.cluster.patch(Kinds.Node, node!.metadata.name, undefined, { status: { conditions } }, { subresource: 'status' });
    await untilPhase(f, req, 'Ready');
    const [same] = await machinesOf(f, req);
    expect(same!.metadata.name).toBe(m!.metadata.name);
    expect(same!.status?.notReadySince).toBeUndefined();
  });

  test('regression: a machine the provider lost is replaced, with an Event that says so', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [m] = await machinesOf(f, req);
    // Gone behind the operator's back: the provider terminated it and the kubelet stopped.
    await drive(f.clock, f.operator.registry.get('sim')!.delete(m!.status!.instanceId!));
    await nodeNotReady(f, m!);
    await until(f, async () => f.cluster.events({ reason: Reasons.InstanceLost }).length === 1);
    const ready = await untilPhase(f, req, 'Ready');
    expect((await machinesOf(f, ready))[0]!.metadata.name).not.toBe(m!.metadata.name);
  });

  test('a broken Talos template: condition and Event, nothing launched, and the retries back off', async () => {
    const f = await setup({
      bootstrap: async () => {
        throw new InvalidRequestError('Talos template in Secret ml/t key worker.yaml: machine.token must be a string');
      },
    });
    const req = await apply(f, gpuRequest());
    await until(f, async () => condition((await machinesOf(f, req))[0], ConditionTypes.Launched)?.reason === Reasons.BootstrapFailed);
    const stats = () => f.operator.manager.stats().find((s) => s.name === 'gpumachine')!.reconciles;
    const at = stats();
    await f.clock.advance(10 * 60_000);
    // Exponential backoff from 0.5 s capped at 5 min: about a dozen tries in ten minutes, not thousands.
    expect(stats() - at).toBeLessThan(15);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(0);
    const r = await get(f, req);
    expect(r?.status?.message).toMatch(/machine.token must be a string/);
    expect(condition((await machinesOf(f, req))[0], ConditionTypes.Launched)?.message).toMatch(/cannot build the machine config/);
  });

  test('a provider not registered after a restart holds the finalizer: a billed machine is never forgotten', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    await drive(f.clock, f.operator.stop(1_000));
    const second = restartOperator(f);
    // The GpuProvider cannot be registered yet: the new operator cannot reach the machine's cloud.
    f.cloud.rejectCredentials(true);
    second.start();
    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, 'ml');
    await f.clock.advance(30_000);
    const [m] = await machinesOf(f, req);
    expect(m?.metadata.deletionTimestamp).toBeDefined();
    expect(m?.status?.message).toMatch(/GpuProvider sim is not ready/);
    expect(await get(f, req)).toBeDefined();
    f.cloud.rejectCredentials(false);
    await drive(f.clock, second.providerController.reconcile('sim'));
    await until(f, async () => !(await get(f, req)));
    expect(f.cloud.ledger().filter((i) => i.state !== 'terminated')).toHaveLength(0);
    await drive(f.clock, second.stop(1_000));
  });

  test('settled requests cost no reconcile loops: own status writes wake nothing', async () => {
    const f = await setup();
    await readyRequest(f, { gpu: { model: 'L4', count: 1 }, nodes: 3 });
    await f.clock.advance(60_000);
    const total = () => f.operator.manager.stats().reduce((n, s) => n + s.reconciles, 0);
    const at = total();
    await f.clock.advance(60_000);
    // Three machines polled at most once per repair check, one request, no echoes.
    expect(total() - at).toBeLessThanOrEqual(4);
  });

  test('the machine label and providerID find the Node', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const [m] = await machinesOf(f, req);
    const nodes = await f.cluster.list<Node>(Kinds.Node, { labelSelector: { [Labels.machine]: m!.metadata.name } });
    expect(nodes.map((n) => n.metadata.name)).toEqual([m!.status!.nodeName]);
    expect(m!.status?.providerID).toBe(nodes[0]!.spec?.providerID);
  });
});
