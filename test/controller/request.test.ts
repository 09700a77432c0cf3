import { ConditionTypes, FINALIZER, Labels, MACHINE_FINALIZER, Reasons } from '../../src/api/constants.js';
import type { GpuMachine, GpuRequest } from '../../src/api/types.js';
import { Kinds, type Node } from '../../src/kube/types.js';
import { InsufficientCapacityError } from '../../src/providers/errors.js';
import { apply, get, gpuRequest, machinesOf, ownInstances, readyRequest, setup, until, untilPhase } from '../support/operator-fixture.js';

const condition = (obj: GpuRequest | GpuMachine | undefined, type: string) => obj?.status?.conditions?.find((c) => c.type === type);

describe('GpuRequest keeps its GpuMachines', () => {
  test('happy path: one GpuMachine owned by the request, cheapest spot offer, Node registered, Ready with GPUs', async () => {
    const f = await setup();
    const ready = await readyRequest(f, { capacityTypes: ['spot', 'on-demand'] });
    expect(ready.metadata.finalizers).toContain(FINALIZER);

    const [m] = await machinesOf(f, ready);
    expect(m!.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'GpuRequest', name: ready.metadata.name, uid: ready.metadata.uid, controller: true }),
    ]);
    expect(m!.metadata.finalizers).toContain(MACHINE_FINALIZER);
    expect(m!.metadata.name).toMatch(/^gpr-test-[0-9a-f]{8}-[a-z0-9]{5}$/);
    // The cheapest H100x1 in the catalogue is spot in sim-us-east-1 at 40% of $2.49.
    expect(m!.status).toMatchObject({ provider: 'sim', capacityType: 'spot', region: 'sim-us-east-1', instanceType: 'g-h100x1', phase: 'Ready' });
    expect(Number(m!.status!.pricePerHour)).toBeCloseTo(1.0, 2);
    expect(Number(m!.status!.onDemandPricePerHour)).toBeCloseTo(2.49, 2);
    // Notices find it by its instance id, from the cluster's index.
    expect((await f.cluster.list<GpuMachine>(Kinds.GpuMachine, { fieldSelector: { 'status.instanceId': m!.status!.instanceId! } })).map((x) => x.metadata.name)).toEqual([m!.metadata.name]);
    expect(m!.status!.offers!.length).toBeGreaterThan(1);
    for (const type of [ConditionTypes.Launched, ConditionTypes.Registered, ConditionTypes.Initialized, ConditionTypes.Ready]) {
      expect(condition(m, type)?.status).toBe('True');
    }

    const node = await f.cluster.get<Node>(Kinds.Node, m!.status!.nodeName!);
    expect(node?.metadata.labels?.[Labels.machine]).toBe(m!.metadata.name);
    expect(ready.status).toMatchObject({ provider: 'sim', capacityType: 'spot', nodeNames: node?.metadata.name, machines: 1, readyMachines: 1 });
    expect(Number(ready.status?.hourlyCost)).toBeCloseTo(1.0, 2);
    expect(ready.status?.observedGeneration).toBe(ready.metadata.generation);
    expect(f.cluster.events({ reason: Reasons.NodeReady })).toHaveLength(1);
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('nodes: 3 gives three GpuMachines, launched in parallel, and three Ready nodes', async () => {
    const f = await setup();
    const ready = await readyRequest(f, { gpu: { model: 'L40S', count: 1 }, nodes: 3 });
    const machines = await machinesOf(f, ready);
    expect(machines).toHaveLength(3);
    expect(new Set(machines.map((m) => m.status?.instanceId)).size).toBe(3);
    const creates = f.cloud.calls.filter((c) => c.method === 'create');
    // One reconcile per machine: all three calls start at the same fake instant.
    expect(new Set(creates.map((c) => c.at)).size).toBe(1);
    expect(Number(ready.status?.hourlyCost)).toBeCloseTo(machines.reduce((s, m) => s + Number(m.status!.pricePerHour), 0), 2);
  });

  test('scale down deletes the newest machines; scale up makes new ones with names never used before', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 }, nodes: 3 });
    const before = await machinesOf(f, req);
    await f.clock.advance(1000);
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { spec: { nodes: 1 } });
    await until(f, async () => (await machinesOf(f, req)).length === 1 && (await ownInstances(f)).length === 1);
    const [kept] = await machinesOf(f, req);
    expect(kept!.metadata.name).toBe(before[0]!.metadata.name);
    expect(f.cluster.events({ reason: Reasons.ScaledDown })).toHaveLength(2);

    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { spec: { nodes: 2 } });
    const ready = await untilPhase(f, req, 'Ready');
    const names = (await machinesOf(f, ready)).map((m) => m.metadata.name);
    expect(names).toHaveLength(2);
    const fresh = names.filter((n) => n !== kept!.metadata.name);
    expect(before.map((m) => m.metadata.name)).not.toContain(fresh[0]);
  });

  test('insufficient capacity marks the offer unavailable and launches the next one in the same reconcile', async () => {
    const f = await setup();
    f.cloud.failNextCreate(new InsufficientCapacityError('no capacity for g-h100x1'));
    const req = await apply(f, gpuRequest({ capacityTypes: ['spot'] }));
    await until(f, async () => !!(await machinesOf(f, req))[0]?.status?.instanceId);
    const [m] = await machinesOf(f, req);
    // sim-us-east-1a spot was tried first and failed; the next cheapest is sim-us-east-1b spot.
    expect(m!.status?.zone).toBe('sim-us-east-1b');
    const creates = f.cloud.calls.filter((c) => c.method === 'create');
    expect(creates).toHaveLength(2);
    // Straight after the failed call (one sim call latency), not after a requeue or backoff.
    expect(creates[1]!.at - creates[0]!.at).toBeLessThan(100);
    expect(f.operator.unavailable.isUnavailable('sim/sim-us-east-1/sim-us-east-1a/g-h100x1/spot')).toBe(true);
    expect(f.cluster.events({ reason: Reasons.InsufficientCapacity })).toHaveLength(1);
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('nothing fits: the machine and the request say why, nothing is launched, no hot loop', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ gpu: { model: 'H100', count: 8 }, maxPricePerHour: '5', capacityTypes: ['spot', 'on-demand'] }));
    await untilPhase(f, req, 'Pending');
    await f.clock.advance(1000);
    const stats = () => f.operator.manager.stats().find((s) => s.name === 'gpumachine')!.reconciles;
    const at = stats();
    await f.clock.advance(5 * 60_000);
    // noFitRequeueMs is 60 s in the fixture: about five more rounds in five minutes, not hundreds.
    expect(stats() - at).toBeLessThanOrEqual(7);
    const after = await get(f, req);
    const c = condition(after, ConditionTypes.OfferSelected);
    expect(c).toMatchObject({ status: 'False', reason: Reasons.NoOffer });
    expect(c?.message).toMatch(/8×H100/);
    expect(c?.message).toMatch(/\$5/);
    expect(after?.status?.message).toBe(c?.message);
    const [m] = await machinesOf(f, req);
    expect(m?.status?.phase).toBe('Pending');
    expect(f.cloud.calls.filter((x) => x.method === 'create')).toHaveLength(0);
    expect(f.cluster.events({ reason: Reasons.NoOffer })).toHaveLength(1);
  });

  test('a raised maxPricePerHour reaches a machine that had bought nothing; running machines are kept', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ gpu: { model: 'H100', count: 1 }, maxPricePerHour: '0.50', capacityTypes: ['on-demand'] }));
    await untilPhase(f, req, 'Pending');
    const [waiting] = await machinesOf(f, req);
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { spec: { maxPricePerHour: '5' } });
    const ready = await untilPhase(f, req, 'Ready');
    const [bought] = await machinesOf(f, ready);
    expect(bought!.metadata.name).not.toBe(waiting!.metadata.name);
    expect(bought!.spec.maxPricePerHour).toBe('5');
    expect(f.cluster.events({ reason: Reasons.SpecChanged })).toHaveLength(1);

    // A running machine stays when the spec changes again: only what is bought next changes.
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { spec: { maxPricePerHour: '4' } });
    await f.clock.advance(60_000);
    expect((await machinesOf(f, req)).map((m) => m.metadata.name)).toEqual([bought!.metadata.name]);
    expect(f.cloud.ledger()).toHaveLength(1);
  });

  test('delete drains, terminates, waits for the provider, deletes the Node, then both finalizers go', async () => {
    const f = await setup();
    const req = await readyRequest(f, { nodes: 2, gpu: { model: 'L4', count: 1 } });
    const nodes = (await machinesOf(f, req)).map((m) => m.status!.nodeName!);
    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, 'ml');
    await until(f, async () => (await get(f, req))?.status?.phase === 'Terminating');
    expect(await ownInstances(f)).toHaveLength(2);
    await until(f, async () => !(await get(f, req)));
    expect(await ownInstances(f)).toHaveLength(0);
    for (const n of nodes) expect(await f.cluster.get(Kinds.Node, n)).toBeUndefined();
    expect(await f.cluster.list(Kinds.GpuMachine)).toHaveLength(0);
  });

  test('delete during launch terminates the machine made by the call in flight', async () => {
    const f = await setup();
    f.cloud.setBootMs(30_000);
    const req = await apply(f, gpuRequest());
    await until(f, async () => f.cloud.calls.some((c) => c.method === 'create'), { stepMs: 5 });
    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, 'ml');
    await until(f, async () => !(await get(f, req)));
    expect(await ownInstances(f)).toHaveLength(0);
    expect(f.cloud.ledger()).toHaveLength(1);
  });

  test('kubectl delete gpumachine replaces that one node', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 }, nodes: 2 });
    const [first, second] = await machinesOf(f, req);
    await f.cluster.delete(Kinds.GpuMachine, first!.metadata.name, 'ml');
    await until(f, async () => {
      const names = (await machinesOf(f, req)).map((m) => m.metadata.name);
      return !names.includes(first!.metadata.name) && names.length === 2;
    });
    const ready = await untilPhase(f, req, 'Ready');
    const names = (await machinesOf(f, ready)).map((m) => m.metadata.name);
    expect(names).toContain(second!.metadata.name);
    expect(await ownInstances(f)).toHaveLength(2);
    expect(await f.cluster.get(Kinds.Node, first!.status!.nodeName!)).toBeUndefined();
  });

  test('lifetime.maxDuration terminates every machine and buys none again', async () => {
    const f = await setup();
    const req = await readyRequest(f, { lifetime: { maxDuration: '10m' }, gpu: { model: 'L4', count: 1 } });
    await f.clock.advance(10 * 60_000);
    const failed = await untilPhase(f, req, 'Failed');
    expect(condition(failed, ConditionTypes.BudgetExceeded)).toMatchObject({ status: 'True', reason: Reasons.MaxDurationReached });
    expect(await ownInstances(f)).toHaveLength(0);
    await f.clock.advance(5 * 60_000);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(1);
  });

  test('cost: hourly is what runs now; accumulated adds each finished machine once, exactly', async () => {
    const f = await setup();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 }, nodes: 2 });
    const [a] = await machinesOf(f, req);
    await f.clock.advance(60 * 60_000);
    await f.cluster.delete(Kinds.GpuMachine, a!.metadata.name, 'ml');
    await until(f, async () => !(await f.cluster.get(Kinds.GpuMachine, a!.metadata.name, 'ml')));
    const after = await get(f, req);
    expect(after?.status?.finishedMachines ?? []).not.toContain(a!.metadata.name);
    const gone = f.cloud.ledger().find((i) => i.id === a!.status!.instanceId)!;
    // One hour and the drain/terminate time, at the machine's price: counted into finishedCost once.
    const expected = Number(a!.status!.pricePerHour) * ((f.clock.now() - gone.launchedAt) / 3_600_000);
    expect(Number(after!.status!.finishedCost)).toBeGreaterThan(Number(a!.status!.pricePerHour));
    expect(Number(after!.status!.finishedCost)).toBeLessThanOrEqual(expected + 0.0001);
    await f.clock.advance(30 * 60_000);
    const later = await get(f, req);
    expect(later?.status?.finishedCost).toBe(after?.status?.finishedCost);
  });
});
