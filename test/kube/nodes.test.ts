import { FakeClock } from '../../src/util/clock.js';
import { ConflictError } from '../../src/kube/errors.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import {
  allocatableGpus,
  drainNode,
  isDrainable,
  isNodeReady,
  podsOnNode,
  fenceNode,
  type DrainResult,
} from '../../src/kube/nodes.js';
import { Kinds, type Node } from '../../src/kube/types.js';
import { node, pdb, pod, startPod } from './builders.js';

function setup() {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  return { clock, cluster };
}

describe('node helpers', () => {
  it('fenceNode cordons and taints in one write, keeps other taints, is idempotent and updates a value in place', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.Node, node('n1', { spec: { taints: [{ key: 'other', effect: 'NoSchedule' }] } }));
    const before = Number((await cluster.get<Node>(Kinds.Node, 'n1'))!.metadata.resourceVersion);
    await fenceNode(cluster, 'n1', { key: 'gpu-provisioner.dev/disrupted', effect: 'NoSchedule' });
    const once = (await cluster.get<Node>(Kinds.Node, 'n1'))!;
    expect(once.spec?.unschedulable).toBe(true);
    expect(Number(once.metadata.resourceVersion)).toBe(before + 1);
    await fenceNode(cluster, 'n1', { key: 'gpu-provisioner.dev/disrupted', effect: 'NoSchedule' });
    expect((await cluster.get<Node>(Kinds.Node, 'n1'))!.metadata.resourceVersion).toBe(once.metadata.resourceVersion);
    await fenceNode(cluster, 'n1', { key: 'other', value: 'v2', effect: 'NoSchedule' });
    expect((await cluster.get<Node>(Kinds.Node, 'n1'))!.spec?.taints).toEqual([
      { key: 'gpu-provisioner.dev/disrupted', effect: 'NoSchedule' },
      { key: 'other', value: 'v2', effect: 'NoSchedule' },
    ]);
  });

  it('fenceNode cordons a Node tainted already (by someone uncordoning it since)', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.Node, node('n1', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }));
    await fenceNode(cluster, 'n1', { key: 'k', effect: 'NoSchedule' });
    const n = (await cluster.get<Node>(Kinds.Node, 'n1'))!;
    expect(n.spec?.unschedulable).toBe(true);
    expect(n.spec?.taints).toEqual([{ key: 'k', effect: 'NoSchedule' }]);
  });

  it('fenceNode re-reads and retries when another writer wins the race', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.Node, node('n1'));
    cluster.conflictNext(2);
    await fenceNode(cluster, 'n1', { key: 'k', effect: 'NoExecute' });
    expect((await cluster.get<Node>(Kinds.Node, 'n1'))!.spec?.taints).toEqual([{ key: 'k', effect: 'NoExecute' }]);
    cluster.conflictNext(100);
    await expect(fenceNode(cluster, 'n1', { key: 'k2', effect: 'NoExecute' })).rejects.toBeInstanceOf(ConflictError);
  });

  it.each([
    [[{ type: 'Ready', status: 'True' }], true],
    [[{ type: 'Ready', status: 'False' }], false],
    [[{ type: 'MemoryPressure', status: 'True' }], false],
    [undefined, false],
  ] as const)('isNodeReady(%j) = %s', (conditions, want) => {
    expect(isNodeReady(node('n', { status: { conditions: conditions ? [...conditions] : undefined } }))).toBe(want);
  });

  it.each([
    [{ 'nvidia.com/gpu': '8' }, 8],
    [{ 'nvidia.com/gpu': '0' }, 0],
    [{ cpu: '16' }, 0],
    [undefined, 0],
  ])('allocatableGpus(%j) = %i', (allocatable, want) => {
    expect(allocatableGpus(node('n', { status: { allocatable } }))).toBe(want);
  });

  it('podsOnNode lists pods bound to that node in every namespace', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.Pod, pod('a', { node: 'n1' }));
    await cluster.create(Kinds.Pod, pod('b', { node: 'n1', namespace: 'kube-system' }));
    await cluster.create(Kinds.Pod, pod('c', { node: 'n2' }));
    expect((await podsOnNode(cluster, 'n1')).map((p) => p.metadata.name).sort()).toEqual(['a', 'b']);
  });

  it('isDrainable skips DaemonSet-owned and mirror pods', () => {
    const ds = pod('ds', {
      metadata: { name: 'ds', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: 'u', controller: true }] },
    });
    const mirror = pod('m', { metadata: { name: 'm', annotations: { 'kubernetes.io/config.mirror': 'abc' } } });
    const rs = pod('rs', {
      metadata: { name: 'rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u', controller: true }] },
    });
    expect([ds, mirror, rs].map(isDrainable)).toEqual([false, false, true]);
  });
});

describe('drainNode', () => {
  it('evicts everything but DaemonSet and mirror pods', async () => {
    const { cluster, clock } = setup();
    await startPod(cluster, 'app', { node: 'n1' });
    await startPod(cluster, 'ds', {
      node: 'n1',
      metadata: { name: 'ds', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: 'u', controller: true }] },
    });
    await startPod(cluster, 'mirror', { node: 'n1', metadata: { name: 'mirror', annotations: { 'kubernetes.io/config.mirror': 'x' } } });
    await startPod(cluster, 'elsewhere', { node: 'n2' });
    const res = await drainNode(cluster, 'n1', { clock, deadline: clock.now() + 60_000 });
    expect(res).toEqual({ evicted: 1, remaining: 0, blockedByPdb: 0, timedOut: false });
    expect((await cluster.list(Kinds.Pod)).map((p) => p.metadata.name).sort()).toEqual(['ds', 'elsewhere', 'mirror']);
  });

  it('retries a pod held by a PDB until the budget frees up', async () => {
    const { cluster, clock } = setup();
    await cluster.create(Kinds.PodDisruptionBudget, pdb('web', { app: 'web' }, { minAvailable: 1 }));
    await startPod(cluster, 'web-a', { node: 'n1', labels: { app: 'web' } });
    await startPod(cluster, 'web-b', { node: 'n2', labels: { app: 'web' }, phase: 'Pending' });
    let result: DrainResult | undefined;
    const drain = drainNode(cluster, 'n1', { clock, deadline: clock.now() + 60_000, pollMs: 1000 }).then((r) => (result = r));
    await clock.advance(3000);
    expect(result).toBeUndefined();
    expect(await cluster.get(Kinds.Pod, 'web-a', 'ml')).toBeDefined();
    // The replacement elsewhere becomes healthy, so the budget allows one disruption.
    await cluster.patch(Kinds.Pod, 'web-b', 'ml', { status: { phase: 'Running' } }, { subresource: 'status' });
    await clock.advance(1000);
    await drain;
    expect(result).toEqual({ evicted: 1, remaining: 0, blockedByPdb: 0, timedOut: false });
    expect(await cluster.get(Kinds.Pod, 'web-a', 'ml')).toBeUndefined();
  });

  it('stops at the deadline and reports what is left', async () => {
    const { cluster, clock } = setup();
    await cluster.create(Kinds.PodDisruptionBudget, pdb('web', { app: 'web' }, { maxUnavailable: 0 }));
    await startPod(cluster, 'web-a', { node: 'n1', labels: { app: 'web' } });
    await startPod(cluster, 'free', { node: 'n1' });
    const start = clock.now();
    let result: DrainResult | undefined;
    const drain = drainNode(cluster, 'n1', { clock, deadline: start + 10_000, pollMs: 3000 }).then((r) => (result = r));
    await clock.advance(9_999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    await drain;
    expect(result).toEqual({ evicted: 1, remaining: 1, blockedByPdb: 1, timedOut: true });
    expect(clock.now() - start).toBe(10_000);
    expect(await cluster.get(Kinds.Pod, 'web-a', 'ml')).toBeDefined();
  });

  it('keeps going when an eviction call fails, and counts a pod held by a finalizer until it is gone', async () => {
    const { cluster, clock } = setup();
    await startPod(cluster, 'sticky', { node: 'n1', metadata: { name: 'sticky', finalizers: ['x/hold'] } });
    cluster.failNext('evict', new Error('apiserver hiccup'));
    let result: DrainResult | undefined;
    const drain = drainNode(cluster, 'n1', { clock, deadline: clock.now() + 60_000, pollMs: 1000 }).then((r) => (result = r));
    await clock.advance(2000);
    expect(result).toBeUndefined();
    expect((await cluster.get(Kinds.Pod, 'sticky', 'ml'))!.metadata.deletionTimestamp).toBeDefined();
    await cluster.patch(Kinds.Pod, 'sticky', 'ml', { metadata: { finalizers: null } });
    await clock.advance(1000);
    await drain;
    expect(result).toEqual({ evicted: 1, remaining: 0, blockedByPdb: 0, timedOut: false });
  });
});
