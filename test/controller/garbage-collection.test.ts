import { Reasons } from '../../src/api/constants.js';
import type { GpuRequest } from '../../src/api/types.js';
import { Kinds } from '../../src/kube/types.js';
import type { LaunchRequest } from '../../src/providers/types.js';
import { apply, drive, gpuRequest, ownInstances, phaseIs, reconcile, reconcileUntil, setup, CLUSTER, type Fixture } from '../support/operator-fixture.js';

async function strayMachine(f: Fixture, key: string) {
  const provider = f.operator.registry.get('sim')!;
  const [offer] = (await drive(f.clock, provider.listOffers())).filter((o) => o.available && o.gpuModel === 'L4');
  const req: LaunchRequest = {
    idempotencyKey: key,
    name: key,
    offer: offer!,
    tags: { 'gpu-provisioner.dev/cluster': CLUSTER, 'gpu-provisioner.dev/launch-key': key },
    bootstrap: { hostname: key, nodeLabels: {}, nodeTaints: [] },
  };
  return drive(f.clock, provider.create(req));
}

describe('garbage collection', () => {
  test('a machine no GpuRequest holds is terminated after the grace period; held ones never', async () => {
    const f = await setup({ lifecycle: { orphanGraceMs: 10 * 60_000 } });
    const req = await apply(f, gpuRequest());
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    const stray = await strayMachine(f, `gpr-${CLUSTER}-deadbeef-0-0`);

    expect(await drive(f.clock, f.operator.garbage.collectOnce())).toEqual([]);
    await f.clock.advance(10 * 60_000);
    expect(await drive(f.clock, f.operator.garbage.collectOnce())).toEqual([stray.id]);
    await f.clock.advance(5_000);
    expect((await ownInstances(f)).map((i) => i.id)).toEqual([ready!.status!.nodes![0]!.instanceId]);
    const [event] = f.cluster.events({ reason: Reasons.OrphanTerminated });
    expect(event).toMatchObject({ type: 'Warning', involved: { kind: 'GpuProvider', name: 'sim' } });
    expect(event?.message).toMatch(stray.id);
  });

  test('a request deleted without its finalizer running leaves machines that are collected', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ nodes: 2, gpu: { model: 'L4', count: 1 } }));
    await reconcileUntil(f, req, phaseIs('Ready'));
    // Someone strips the finalizer by hand: the request is gone, its machines are not.
    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, 'ml');
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { metadata: { finalizers: [] } });
    expect(await f.cluster.get(Kinds.GpuRequest, req.metadata.name, 'ml')).toBeUndefined();
    expect(await ownInstances(f)).toHaveLength(2);

    await f.clock.advance(10 * 60_000);
    expect(await drive(f.clock, f.operator.garbage.collectOnce())).toHaveLength(2);
    await f.clock.advance(5_000);
    expect(await ownInstances(f)).toHaveLength(0);
  });

  test('a launch recorded by its key but not yet by its id is held', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest());
    await reconcile(f, req);
    const slot = (await f.cluster.get<GpuRequest>(Kinds.GpuRequest, req.metadata.name, 'ml'))!.status!.nodes![0]!;
    // As after a crash between the launch call and the status write: only the key is recorded.
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { status: { nodes: [{ ...slot, instanceId: '' }] } }, { subresource: 'status' });
    await f.clock.advance(60 * 60_000);
    expect(await drive(f.clock, f.operator.garbage.collectOnce())).toEqual([]);
    expect((await ownInstances(f)).map((i) => i.id)).toEqual([slot.instanceId]);
  });
});
