import { Kinds, type Lease } from '../../src/kube/types.js';
import { apply, drive, get, gpuRequest, ownInstances, setup } from '../support/operator-fixture.js';

async function advanceUntil(clock: { advance(ms: number): Promise<void> }, done: () => Promise<boolean>, stepMs = 250, max = 400) {
  for (let i = 0; i < max && !(await done()); i++) await clock.advance(stepMs);
  return done();
}

describe('leader hand-over', () => {
  test('only the leader acts; after it releases the Lease the other replica carries on', async () => {
    const a = await setup({ identity: 'replica-a' });
    a.operator.start();
    await advanceUntil(a.clock, async () => a.operator.isLeader);
    const b = await setup({ identity: 'replica-b', clock: a.clock, cluster: a.cluster, cloud: a.cloud });
    b.operator.start();
    await a.clock.advance(5_000);
    expect(a.operator.isLeader).toBe(true);
    expect(b.operator.isLeader).toBe(false);

    const req = await apply(a, gpuRequest());
    expect(await advanceUntil(a.clock, async () => (await get(a, req))?.status?.phase === 'Ready')).toBe(true);
    expect(b.operator.manager.stats().every((s) => s.reconciles === 0)).toBe(true);

    await drive(a.clock, a.operator.stop(1_000));
    const lease = await a.cluster.get<Lease>(Kinds.Lease, 'gpu-provisioner-leader', 'gpu-provisioner');
    expect(lease?.spec?.holderIdentity ?? null).toBeNull();
    expect(await advanceUntil(a.clock, async () => b.operator.isLeader, 100, 100)).toBe(true);

    await a.cluster.delete(Kinds.GpuRequest, req.metadata.name, req.metadata.namespace);
    expect(await advanceUntil(a.clock, async () => (await get(b, req)) === undefined)).toBe(true);
    expect(await ownInstances(b)).toHaveLength(0);
    expect(a.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(1);
    await drive(a.clock, b.operator.stop(1_000));
  });
});
