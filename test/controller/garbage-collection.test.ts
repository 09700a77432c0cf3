import { Labels, Reasons } from '../../src/api/constants.js';
import type { GpuMachine } from '../../src/api/types.js';
import { Kinds, type Node } from '../../src/kube/types.js';
import { GarbageCollector } from '../../src/controller/garbagecollection/collector.js';
import type { CloudProvider, Instance, LaunchRequest } from '../../src/providers/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { CLUSTER, drive, get, machinesOf, ownInstances, readyRequest, setup, until, type Fixture } from '../support/operator-fixture.js';

async function strayMachine(f: Fixture, name: string) {
  const provider = f.operator.registry.get('sim')!;
  const [offer] = (await drive(f.clock, provider.listOffers())).filter((o) => o.available && o.gpuModel === 'L4');
  const req: LaunchRequest = {
    idempotencyKey: name,
    name,
    offer: offer!,
    tags: { [Labels.cluster]: CLUSTER, [Labels.machine]: name },
    bootstrap: { hostname: name, nodeLabels: {}, nodeTaints: [] },
  };
  return drive(f.clock, provider.create(req));
}

describe('garbage collection', () => {
  test('an instance no GpuMachine holds is terminated after the grace period; held ones never', async () => {
    const f = await setup({ lifecycle: { orphanGraceMs: 10 * 60_000, orphanScanMs: 60 * 60_000 } });
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    const stray = await strayMachine(f, `gpr-${CLUSTER}-deadbeef-zzzzz`);

    expect((await drive(f.clock, f.operator.garbage.collectOnce())).instances).toEqual([]);
    await f.clock.advance(10 * 60_000);
    expect((await drive(f.clock, f.operator.garbage.collectOnce())).instances).toEqual([stray.id]);
    await f.clock.advance(5_000);
    const [m] = await machinesOf(f, req);
    expect((await ownInstances(f)).map((i) => i.id)).toEqual([m!.status!.instanceId]);
    const [event] = f.cluster.events({ reason: Reasons.OrphanTerminated });
    expect(event).toMatchObject({ type: 'Warning', involved: { kind: 'GpuProvider', name: 'sim' } });
    expect(event?.message).toMatch(stray.id);
  });

  test('machines whose GpuMachines were removed by hand are collected, and so are their Nodes', async () => {
    const f = await setup({ lifecycle: { orphanScanMs: 60 * 60_000 } });
    const req = await readyRequest(f, { nodes: 2, gpu: { model: 'L4', count: 1 } });
    await drive(f.clock, f.operator.manager.stop(0));
    // Someone strips every finalizer by hand: the objects are gone, the machines and Nodes are not.
    for (const m of await machinesOf(f, req)) {
      await f.cluster.patch(Kinds.GpuMachine, m.metadata.name, 'ml', { metadata: { finalizers: [] } });
      await f.cluster.delete(Kinds.GpuMachine, m.metadata.name, 'ml');
    }
    expect(await f.cluster.list(Kinds.GpuMachine)).toHaveLength(0);
    expect(await ownInstances(f)).toHaveLength(2);

    await f.clock.advance(10 * 60_000);
    const collected = await drive(f.clock, f.operator.garbage.collectOnce());
    expect(collected.instances).toHaveLength(2);
    expect(collected.nodes).toHaveLength(2);
    await f.clock.advance(5_000);
    expect(await ownInstances(f)).toHaveLength(0);
    expect(await f.cluster.list<Node>(Kinds.Node)).toHaveLength(0);
    expect(f.cluster.events({ reason: Reasons.OrphanNodeDeleted })).toHaveLength(2);
    expect(await get(f, req)).toBeDefined();
  });

  test('regression: a machine launched while the listing is slow is held, because its GpuMachine came first', async () => {
    const f = await setup({ lifecycle: { orphanGraceMs: 0, orphanScanMs: 60 * 60_000 } });
    const provider = f.operator.registry.get('sim')!;
    // A listing that answers only after a new request has launched its machine.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: CloudProvider = Object.assign(Object.create(provider) as CloudProvider, {
      list: async (signal?: AbortSignal): Promise<Instance[]> => {
        await gate;
        return provider.list(signal);
      },
    });
    const collector = new GarbageCollector({
      cluster: f.cluster,
      providers: { get: () => slow, all: () => [slow] },
      clock: f.clock,
      logger: silentLogger(),
      clusterName: CLUSTER,
      graceMs: 0,
      intervalMs: 60 * 60_000,
    });
    const pass = collector.collectOnce();
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    release();
    expect((await drive(f.clock, pass)).instances).toEqual([]);
    const [m] = await machinesOf(f, req);
    expect((await ownInstances(f)).map((i) => i.id)).toEqual([m!.status!.instanceId]);
  });

  test('a Node labelled for a GpuMachine that exists is left alone', async () => {
    const f = await setup({ lifecycle: { orphanScanMs: 60 * 60_000 } });
    const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
    await f.clock.advance(10 * 60_000);
    expect((await drive(f.clock, f.operator.garbage.collectOnce())).nodes).toEqual([]);
    const [m] = await machinesOf(f, req);
    await until(f, async () => !!(await f.cluster.get<GpuMachine>(Kinds.GpuMachine, m!.metadata.name, 'ml')));
    expect(await f.cluster.get(Kinds.Node, m!.status!.nodeName!)).toBeDefined();
  });
});
