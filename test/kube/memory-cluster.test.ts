import { FakeClock, flushMicrotasks } from '../../src/util/clock.js';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidObjectError,
  KubeNotFoundError,
} from '../../src/kube/errors.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type KubeObject, type Pod, type WatchEvent } from '../../src/kube/types.js';
import { gpuRequest, node, pdb, pod, startPod } from './builders.js';

const GR = Kinds.GpuRequest;

function setup() {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  return { clock, cluster };
}

describe('MemoryCluster create/get', () => {
  it('assigns uid, creationTimestamp, generation 1 and a growing global resourceVersion', async () => {
    const { cluster, clock } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    const n = await cluster.create(Kinds.Node, node('n1'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toBe(new Date(clock.now()).toISOString());
    expect(a.metadata.generation).toBe(1);
    expect(Number(n.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(await cluster.get(GR, 'a', 'ml')).toEqual(a);
  });

  it('refuses a duplicate with AlreadyExistsError', async () => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a'));
    await expect(cluster.create(GR, gpuRequest('a'))).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('refuses a namespaced object without a namespace', async () => {
    const { cluster } = setup();
    const obj = gpuRequest('a');
    delete obj.metadata.namespace;
    await expect(cluster.create(GR, obj)).rejects.toBeInstanceOf(InvalidObjectError);
  });

  it('drops status on create for status-subresource kinds, but keeps a Node status as the kubelet sends it', async () => {
    const { cluster } = setup();
    const r = await cluster.create(GR, gpuRequest('a', { status: { phase: 'Ready' } }));
    const p = await cluster.create(Kinds.Pod, { ...pod('p'), status: { phase: 'Running' } });
    const n = await cluster.create(Kinds.Node, node('n1'));
    expect(r.status).toBeUndefined();
    expect(p.status).toEqual({ phase: 'Pending' });
    expect(n.status?.allocatable).toEqual({ 'nvidia.com/gpu': '8' });
  });

  it('keeps its own copy of what it is given and hands out frozen objects nobody can change', async () => {
    const { cluster } = setup();
    const input = gpuRequest('a', { metadata: { name: 'a', labels: { team: 'x' } } });
    const created = await cluster.create(GR, input);
    input.metadata.labels!.team = 'changed-input';
    expect(() => (created.metadata.labels!.team = 'changed-result')).toThrow(TypeError);
    const got = (await cluster.get(GR, 'a', 'ml'))!;
    expect(() => (got.metadata.labels!.team = 'changed-get')).toThrow(TypeError);
    expect(() => ((got.spec as { nodes: number }).nodes = 5)).toThrow(TypeError);
    const listed = (await cluster.list(GR))[0]!;
    expect(() => (listed.metadata.labels!.team = 'changed-list')).toThrow(TypeError);
    expect((await cluster.get(GR, 'a', 'ml'))!.metadata.labels).toEqual({ team: 'x' });
  });

  it('shares what a patch left alone with the version before, and never changes that version', async () => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a', { metadata: { name: 'a', labels: { team: 'x' } } }));
    const before = (await cluster.get(GR, 'a', 'ml'))!;
    const after = await cluster.patch(GR, 'a', 'ml', { metadata: { labels: { team: 'y' } } });
    expect(after.spec).toBe(before.spec);
    expect(before.metadata.labels).toEqual({ team: 'x' });
    expect(after.metadata.labels).toEqual({ team: 'y' });
    expect(Object.isFrozen(after.metadata.labels)).toBe(true);
  });
});

describe('MemoryCluster writes', () => {
  it.each([
    ['spec change', { spec: { gpu: { count: 4 } } }, undefined, 2],
    ['label change', { metadata: { labels: { a: 'b' } } }, undefined, 1],
    ['status on main resource (ignored)', { status: { phase: 'Ready' } }, undefined, 1],
    ['status via subresource', { status: { phase: 'Ready' } }, 'status' as const, 1],
  ])('generation after %s', async (_name, patch, subresource, generation) => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a'));
    const out = await cluster.patch(GR, 'a', 'ml', patch, subresource ? { subresource } : {});
    expect(out.metadata.generation).toBe(generation);
  });

  it('status subresource: main writes ignore status, status writes change only status', async () => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a'));
    const main = await cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 }, status: { phase: 'Ready' } });
    expect(main.status).toBeUndefined();
    expect((main.spec as { nodes: number }).nodes).toBe(2);
    const st = await cluster.patch(GR, 'a', 'ml', { spec: { nodes: 5 }, metadata: { labels: { x: 'y' } }, status: { phase: 'Ready' } }, {
      subresource: 'status',
    });
    expect(st.status).toEqual({ phase: 'Ready' });
    expect((st.spec as { nodes: number }).nodes).toBe(2);
    expect(st.metadata.labels).toBeUndefined();
    const replaced = await cluster.replace(GR, { ...st, status: { phase: 'Failed' } });
    expect(replaced.status).toEqual({ phase: 'Ready' });
  });

  it('merge patch: nested merge, null deletes, arrays replace', async () => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a', { spec: { regions: ['a', 'b'], providers: ['sim'] } }));
    const out = await cluster.patch(GR, 'a', 'ml', {
      metadata: { labels: { keep: '1' } },
      spec: { gpu: { count: 2 }, regions: ['c'], providers: null },
    });
    expect(out.spec).toEqual({ gpu: { model: 'H100', count: 2 }, regions: ['c'] });
    const out2 = await cluster.patch(GR, 'a', 'ml', { metadata: { labels: { keep: null } } });
    expect(out2.metadata.labels).toEqual({});
  });

  it('a no-op write keeps the resourceVersion and emits nothing', async () => {
    const { cluster } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    const events: WatchEvent[] = [];
    cluster.watch(GR, {}, (e) => events.push(e));
    const out = await cluster.patch(GR, 'a', 'ml', { spec: { gpu: { count: 8 } } });
    await flushMicrotasks();
    expect(out.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(events.map((e) => e.type)).toEqual(['ADDED']);
  });

  it('keeps identity fields a client may not change', async () => {
    const { cluster } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    const out = await cluster.patch(GR, 'a', 'ml', {
      metadata: { uid: 'forged', creationTimestamp: '1999-01-01T00:00:00Z', generation: 99 },
    });
    expect(out.metadata.uid).toBe(a.metadata.uid);
    expect(out.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
    expect(out.metadata.generation).toBe(1);
  });

  it.each([
    ['patch with a stale resourceVersion option', 'patch-opt'],
    ['patch with a stale metadata.resourceVersion in the body', 'patch-body'],
    ['replace with a stale metadata.resourceVersion', 'replace'],
  ])('%s -> ConflictError', async (_name, how) => {
    const { cluster } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    await cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 } });
    const stale = a.metadata.resourceVersion!;
    const attempt =
      how === 'patch-opt'
        ? cluster.patch(GR, 'a', 'ml', { spec: { nodes: 3 } }, { resourceVersion: stale })
        : how === 'patch-body'
          ? cluster.patch(GR, 'a', 'ml', { metadata: { resourceVersion: stale }, spec: { nodes: 3 } })
          : cluster.replace(GR, { ...a, spec: { gpu: { model: 'L4', count: 1 } } });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(((await cluster.get(GR, 'a', 'ml'))!.spec as { nodes: number }).nodes).toBe(2);
  });

  it('patch with the current resourceVersion succeeds', async () => {
    const { cluster } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    const out = await cluster.patch(GR, 'a', 'ml', { spec: { nodes: 3 } }, { resourceVersion: a.metadata.resourceVersion });
    expect((out.spec as { nodes: number }).nodes).toBe(3);
  });

  it.each([
    ['patch', (c: MemoryCluster) => c.patch(GR, 'missing', 'ml', { spec: {} })],
    ['replace', (c: MemoryCluster) => c.replace(GR, gpuRequest('missing'))],
  ])('%s of a missing object -> KubeNotFoundError', async (_n, op) => {
    const { cluster } = setup();
    await expect(op(cluster)).rejects.toBeInstanceOf(KubeNotFoundError);
  });

  it('validate hook refuses create, replace and patch and leaves the store unchanged', async () => {
    const cluster = new MemoryCluster({
      clock: new FakeClock(),
      validate: (o) => ((o.spec as { gpu?: { count?: number } })?.gpu?.count ?? 1) > 0 ? undefined : 'spec.gpu.count: must be > 0',
    });
    const bad = gpuRequest('bad', { spec: { gpu: { model: 'H100', count: 0 } } });
    await expect(cluster.create(GR, bad)).rejects.toThrow(/spec.gpu.count: must be > 0/);
    await expect(cluster.create(GR, bad)).rejects.toBeInstanceOf(InvalidObjectError);
    const a = await cluster.create(GR, gpuRequest('a'));
    await expect(cluster.patch(GR, 'a', 'ml', { spec: { gpu: { count: 0 } } })).rejects.toBeInstanceOf(InvalidObjectError);
    await expect(cluster.replace(GR, { ...a, spec: { gpu: { model: 'H100', count: 0 } } })).rejects.toBeInstanceOf(
      InvalidObjectError,
    );
    expect(await cluster.get(GR, 'bad', 'ml')).toBeUndefined();
    expect(await cluster.get(GR, 'a', 'ml')).toEqual(a);
  });
});

describe('MemoryCluster deletion', () => {
  it('without finalizers: removed at once with a DELETED event; deleting again resolves', async () => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a'));
    const events: WatchEvent[] = [];
    cluster.watch(GR, {}, (e) => events.push(e));
    await cluster.delete(GR, 'a', 'ml');
    await cluster.delete(GR, 'a', 'ml');
    await cluster.delete(Kinds.Node, 'never-existed');
    await flushMicrotasks();
    expect(await cluster.get(GR, 'a', 'ml')).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('with finalizers: deletionTimestamp set once, new finalizers refused, removed when the last one goes', async () => {
    const { cluster, clock } = setup();
    await cluster.create(GR, gpuRequest('a', { metadata: { name: 'a', finalizers: ['x/f'] } }));
    const events: WatchEvent[] = [];
    cluster.watch(GR, {}, (e) => events.push(e));
    await cluster.delete(GR, 'a', 'ml');
    const marked = (await cluster.get(GR, 'a', 'ml'))!;
    expect(marked.metadata.deletionTimestamp).toBe(new Date(clock.now()).toISOString());
    await clock.advance(5000);
    await cluster.delete(GR, 'a', 'ml');
    expect((await cluster.get(GR, 'a', 'ml'))!.metadata).toEqual(marked.metadata);
    await expect(
      cluster.patch(GR, 'a', 'ml', { metadata: { finalizers: ['x/f', 'y/g'] } }),
    ).rejects.toThrow(/no new finalizers/);
    await cluster.patch(GR, 'a', 'ml', { status: { phase: 'Terminating' } }, { subresource: 'status' });
    await cluster.patch(GR, 'a', 'ml', { metadata: { finalizers: null } });
    await flushMicrotasks();
    expect(await cluster.get(GR, 'a', 'ml')).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('deleting a Node leaves the pods bound to it alone', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.Node, node('n1'));
    await cluster.create(Kinds.Pod, pod('p', { node: 'n1' }));
    await cluster.delete(Kinds.Node, 'n1');
    expect(await cluster.get(Kinds.Node, 'n1')).toBeUndefined();
    expect(await cluster.get(Kinds.Pod, 'p', 'ml')).toBeDefined();
  });
});

describe('MemoryCluster list and watch', () => {
  async function seed(cluster: MemoryCluster) {
    await cluster.create(Kinds.Pod, pod('b', { node: 'n1', labels: { app: 'x' } }));
    await cluster.create(Kinds.Pod, pod('a', { node: 'n2', labels: { app: 'x' } }));
    await cluster.create(Kinds.Pod, pod('c', { node: 'n1', labels: { app: 'y' }, namespace: 'other' }));
  }

  it.each([
    [{}, ['ml/a', 'ml/b', 'other/c']],
    [{ namespace: 'ml' }, ['ml/a', 'ml/b']],
    [{ labelSelector: { app: 'x' } }, ['ml/a', 'ml/b']],
    [{ fieldSelector: { 'spec.nodeName': 'n1' } }, ['ml/b', 'other/c']],
    [{ namespace: 'other', fieldSelector: { 'spec.nodeName': 'n1' } }, ['other/c']],
    [{ labelSelector: { app: 'x' }, fieldSelector: { 'spec.nodeName': 'n9' } }, []],
  ])('list %j', async (opts, want) => {
    const { cluster } = setup();
    await seed(cluster);
    const got = await cluster.list(Kinds.Pod, opts);
    expect(got.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(want);
  });

  it('lists only the asked kind', async () => {
    const { cluster } = setup();
    await seed(cluster);
    await cluster.create(Kinds.Node, node('n1'));
    expect((await cluster.list(Kinds.Node)).map((n) => n.metadata.name)).toEqual(['n1']);
  });

  it('watch: ADDED for existing objects first, then changes in commit order, delivered asynchronously', async () => {
    const { cluster } = setup();
    await cluster.create(GR, gpuRequest('a'));
    const seen: string[] = [];
    const h = cluster.watch(GR, {}, (e) => seen.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`));
    expect(seen).toEqual([]);
    const b = await cluster.create(GR, gpuRequest('b'));
    const a2 = await cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 } });
    await cluster.delete(GR, 'b', 'ml');
    await flushMicrotasks();
    expect(seen.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED b']);
    expect(seen[1]).toBe(`ADDED b ${b.metadata.resourceVersion}`);
    expect(seen[2]).toBe(`MODIFIED a ${a2.metadata.resourceVersion}`);
    h.stop();
    await cluster.create(GR, gpuRequest('c'));
    await flushMicrotasks();
    expect(seen).toHaveLength(4);
  });

  it('watch filters by namespace and labels; objects entering or leaving the selector are ADDED/DELETED', async () => {
    const { cluster } = setup();
    const events: WatchEvent<Pod>[] = [];
    cluster.watch<Pod>(Kinds.Pod, { namespace: 'ml', labelSelector: { app: 'x' } }, (e) => events.push(e));
    await cluster.create(Kinds.Pod, pod('in', { labels: { app: 'x' } }));
    await cluster.create(Kinds.Pod, pod('other-ns', { labels: { app: 'x' }, namespace: 'other' }));
    await cluster.create(Kinds.Pod, pod('no-label'));
    await cluster.patch(Kinds.Pod, 'no-label', 'ml', { metadata: { labels: { app: 'x' } } });
    await cluster.patch(Kinds.Pod, 'in', 'ml', { metadata: { labels: { app: 'z' } } });
    await cluster.patch(Kinds.Pod, 'in', 'ml', { metadata: { annotations: { still: 'out' } } });
    await flushMicrotasks();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED in',
      'ADDED no-label',
      'DELETED in',
    ]);
  });

  it('watch events carry the frozen stored object: a handler cannot change the store', async () => {
    const { cluster } = setup();
    const errors: unknown[] = [];
    const events: WatchEvent<KubeObject>[] = [];
    cluster.watch(GR, {}, (e) => {
      events.push(e);
      try {
        e.object.metadata.name = 'mutated';
      } catch (err) {
        errors.push(err);
      }
    });
    await cluster.create(GR, gpuRequest('a'));
    await flushMicrotasks();
    expect(events).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect((await cluster.get(GR, 'a', 'ml'))!.metadata.name).toBe('a');
  });
});

describe('MemoryCluster indexes', () => {
  const REQ = 'gpu-provisioner.dev/request-uid';

  it('a label-selected list follows label changes and deletes, across kinds and namespaces', async () => {
    const { cluster } = setup();
    for (const n of ['n1', 'n2', 'n3']) await cluster.create(Kinds.Node, node(n, { metadata: { name: n, labels: { [REQ]: 'u1' } } }));
    await cluster.create(GR, gpuRequest('u1', { metadata: { name: 'u1', labels: { [REQ]: 'u1' } } }));
    const selected = async () => (await cluster.list(Kinds.Node, { labelSelector: { [REQ]: 'u1' } })).map((n) => n.metadata.name);
    expect(await selected()).toEqual(['n1', 'n2', 'n3']);
    await cluster.patch(Kinds.Node, 'n2', undefined, { metadata: { labels: { [REQ]: 'u2' } } });
    await cluster.patch(Kinds.Node, 'n3', undefined, { metadata: { labels: { [REQ]: null } } });
    expect(await selected()).toEqual(['n1']);
    expect((await cluster.list(Kinds.Node, { labelSelector: { [REQ]: 'u2' } })).map((n) => n.metadata.name)).toEqual(['n2']);
    await cluster.replace(Kinds.Node, { ...(await cluster.get(Kinds.Node, 'n3'))!, metadata: { ...(await cluster.get(Kinds.Node, 'n3'))!.metadata, labels: { [REQ]: 'u1' } } });
    expect(await selected()).toEqual(['n1', 'n3']);
    await cluster.delete(Kinds.Node, 'n1');
    expect(await selected()).toEqual(['n3']);
    // A finalizer keeps a deleted object listed until it is released.
    await cluster.patch(Kinds.Node, 'n3', undefined, { metadata: { finalizers: ['f'] } });
    await cluster.delete(Kinds.Node, 'n3');
    expect(await selected()).toEqual(['n3']);
    await cluster.patch(Kinds.Node, 'n3', undefined, { metadata: { finalizers: null } });
    expect(await selected()).toEqual([]);
    expect((await cluster.list(GR, { namespace: 'ml', labelSelector: { [REQ]: 'u1' } })).map((r) => r.metadata.name)).toEqual(['u1']);
    expect(await cluster.list(GR, { namespace: 'other', labelSelector: { [REQ]: 'u1' } })).toEqual([]);
  });

  it('serves fieldSelector spec.providerID for Nodes, following providerID changes', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.Node, node('n1'));
    await cluster.create(Kinds.Node, node('n2', { spec: { providerID: undefined } }));
    const byId = async (id: string) => (await cluster.list(Kinds.Node, { fieldSelector: { 'spec.providerID': id } })).map((n) => n.metadata.name);
    expect(await byId('sim://n1')).toEqual(['n1']);
    expect(await byId('sim://n2')).toEqual([]);
    await cluster.patch(Kinds.Node, 'n2', undefined, { spec: { providerID: 'sim://n2' } });
    expect(await byId('sim://n2')).toEqual(['n2']);
    await cluster.delete(Kinds.Node, 'n1');
    expect(await byId('sim://n1')).toEqual([]);
  });

  it('serves fieldSelector status.instanceId for GpuMachines, following status writes', async () => {
    const { cluster } = setup();
    const machine = (name: string) => ({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuMachine', metadata: { name, namespace: 'ml' }, spec: {} });
    await cluster.create(Kinds.GpuMachine, machine('m1'));
    await cluster.create(Kinds.GpuMachine, machine('m2'));
    const byId = async (id: string) =>
      (await cluster.list(Kinds.GpuMachine, { fieldSelector: { 'status.instanceId': id } })).map((m) => m.metadata.name);
    expect(await byId('i-1')).toEqual([]);
    await cluster.patch(Kinds.GpuMachine, 'm1', 'ml', { status: { instanceId: 'i-1' } }, { subresource: 'status' });
    expect(await byId('i-1')).toEqual(['m1']);
    await cluster.delete(Kinds.GpuMachine, 'm1', 'ml');
    expect(await byId('i-1')).toEqual([]);
  });

  it('folds repeats by object, type, reason and message, however many other Events the namespace holds', async () => {
    const { cluster, clock } = setup();
    const involved = (name: string, uid = `uid-${name}`) => ({ kind: 'GpuRequest', apiVersion: 'gpu-provisioner.dev/v1alpha1', name, namespace: 'ml', uid });
    for (let i = 0; i < 300; i++) await cluster.recordEvent({ involved: involved(`r${i}`), type: 'Normal', reason: 'Launched', message: 'launched' });
    await cluster.recordEvent({ involved: involved('r7'), type: 'Normal', reason: 'Launched', message: 'launched' });
    await clock.advance(1000);
    await cluster.recordEvent({ involved: involved('r7'), type: 'Normal', reason: 'Launched', message: 'launched' });
    await cluster.recordEvent({ involved: involved('r7'), type: 'Warning', reason: 'Launched', message: 'launched' });
    await cluster.recordEvent({ involved: involved('r7'), type: 'Normal', reason: 'Launched', message: 'other text' });
    await cluster.recordEvent({ involved: involved('r7', 'new-uid'), type: 'Normal', reason: 'Launched', message: 'launched' });
    await cluster.recordEvent({ involved: { ...involved('r7'), namespace: 'ops' }, type: 'Normal', reason: 'Launched', message: 'launched' });
    type Ev = KubeObject & { count: number; type: string; message: string; firstTimestamp: string; lastTimestamp: string; involvedObject: { name: string; uid: string } };
    const all = (await cluster.list(Kinds.Event)) as Ev[];
    expect(all).toHaveLength(304);
    const r7 = all.filter((e) => e.involvedObject.name === 'r7');
    expect(r7.map((e) => [e.metadata.namespace, e.involvedObject.uid, e.type, e.message, e.count]).sort()).toEqual([
      ['ml', 'new-uid', 'Normal', 'launched', 1],
      ['ml', 'uid-r7', 'Normal', 'launched', 3],
      ['ml', 'uid-r7', 'Normal', 'other text', 1],
      ['ml', 'uid-r7', 'Warning', 'launched', 1],
      ['ops', 'uid-r7', 'Normal', 'launched', 1],
    ]);
    const folded = r7.find((e) => e.count === 3)!;
    expect(Date.parse(folded.lastTimestamp) - Date.parse(folded.firstTimestamp)).toBe(1000);
    // Deleting the folded Event starts a new count.
    await cluster.delete(Kinds.Event, folded.metadata.name, 'ml');
    await cluster.recordEvent({ involved: involved('r7'), type: 'Normal', reason: 'Launched', message: 'launched' });
    const again = ((await cluster.list(Kinds.Event, { namespace: 'ml' })) as Ev[]).filter((e) => e.involvedObject.uid === 'uid-r7' && e.type === 'Normal' && e.message === 'launched');
    expect(again.map((e) => e.count)).toEqual([1]);
  });

  it('a watch of one kind is not offered changes to another', async () => {
    const { cluster } = setup();
    const seen: string[] = [];
    cluster.watch(Kinds.Node, {}, (e) => seen.push(`${e.type} ${e.object.kind}`));
    await cluster.create(GR, gpuRequest('a'));
    await cluster.create(Kinds.Node, node('n1'));
    await flushMicrotasks();
    expect(seen).toEqual(['ADDED Node']);
  });

  it('is always synced: nothing is cached', async () => {
    const { cluster } = setup();
    expect(cluster.synced(GR)).toBe(true);
    await expect(cluster.waitForSync([GR, Kinds.Node])).resolves.toBeUndefined();
    await expect(cluster.waitForSync([GR], AbortSignal.abort())).rejects.toThrow();
  });
});

describe('MemoryCluster eviction and PDBs', () => {
  async function replicas(cluster: MemoryCluster, n: number, phase = 'Running') {
    for (let i = 0; i < n; i++) await startPod(cluster, `web-${i}`, { labels: { app: 'web' }, phase });
  }

  it.each([
    // [budget, pods, expected result of evicting web-0]
    [{ minAvailable: 2 }, 3, 'evicted'],
    [{ minAvailable: 3 }, 3, 'blocked-by-pdb'],
    [{ minAvailable: '50%' }, 2, 'evicted'],
    [{ minAvailable: '50%' }, 1, 'blocked-by-pdb'],
    [{ minAvailable: '100%' }, 4, 'blocked-by-pdb'],
    [{ maxUnavailable: 1 }, 3, 'evicted'],
    [{ maxUnavailable: 0 }, 3, 'blocked-by-pdb'],
    [{ maxUnavailable: '34%' }, 3, 'evicted'],
    [{ maxUnavailable: '0%' }, 3, 'blocked-by-pdb'],
  ] as const)('%j over %i healthy pods -> %s', async (budget, n, want) => {
    const { cluster } = setup();
    await cluster.create(Kinds.PodDisruptionBudget, pdb('web', { app: 'web' }, budget));
    await replicas(cluster, n);
    expect(await cluster.evict('web-0', 'ml')).toBe(want);
    expect((await cluster.get(Kinds.Pod, 'web-0', 'ml')) === undefined).toBe(want === 'evicted');
  });

  it('only budgets in the pod namespace with a matching selector count', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.PodDisruptionBudget, pdb('other-app', { app: 'db' }, { minAvailable: 1 }));
    await cluster.create(Kinds.PodDisruptionBudget, pdb('other-ns', { app: 'web' }, { minAvailable: 1 }, 'other'));
    await replicas(cluster, 1);
    expect(await cluster.evict('web-0', 'ml')).toBe('evicted');
  });

  it('the second eviction is refused once the budget is used up', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.PodDisruptionBudget, pdb('web', { app: 'web' }, { maxUnavailable: 1 }));
    await replicas(cluster, 3);
    expect(await cluster.evict('web-0', 'ml')).toBe('evicted');
    // Pods removed by eviction no longer count as expected, as with a bare pod set (no controller scale).
    expect(await cluster.evict('web-1', 'ml')).toBe('evicted');
    await cluster.create(Kinds.PodDisruptionBudget, pdb('strict', { app: 'web' }, { minAvailable: 1 }));
    expect(await cluster.evict('web-2', 'ml')).toBe('blocked-by-pdb');
  });

  it('unhealthy pods do not hold a budget hostage; terminal pods always go', async () => {
    const { cluster } = setup();
    await cluster.create(Kinds.PodDisruptionBudget, pdb('web', { app: 'web' }, { minAvailable: 1 }));
    await replicas(cluster, 1);
    await startPod(cluster, 'pending', { labels: { app: 'web' }, phase: 'Pending' });
    await startPod(cluster, 'done', { labels: { app: 'web' }, phase: 'Succeeded' });
    expect(await cluster.evict('pending', 'ml')).toBe('evicted');
    expect(await cluster.evict('done', 'ml')).toBe('evicted');
    expect(await cluster.evict('web-0', 'ml')).toBe('blocked-by-pdb');
  });

  it('missing pod -> not-found', async () => {
    const { cluster } = setup();
    expect(await cluster.evict('nope', 'ml')).toBe('not-found');
  });
});

describe('MemoryCluster events', () => {
  it('records events as records and as listable Event objects, folding repeats into a count', async () => {
    const { cluster } = setup();
    const involved = { kind: 'GpuRequest', apiVersion: 'gpu-provisioner.dev/v1alpha1', name: 'a', namespace: 'ml', uid: 'u1' };
    await cluster.recordEvent({ involved, type: 'Normal', reason: 'Launched', message: 'launched i-1' });
    await cluster.recordEvent({ involved, type: 'Normal', reason: 'Launched', message: 'launched i-1' });
    await cluster.recordEvent({ involved, type: 'Warning', reason: 'LaunchFailed', message: 'no capacity' });
    expect(cluster.events({ reason: 'Launched' })).toHaveLength(2);
    expect(cluster.events({ type: 'Warning' })).toEqual([
      { involved, type: 'Warning', reason: 'LaunchFailed', message: 'no capacity' },
    ]);
    expect(cluster.events({ involvedName: 'other' })).toEqual([]);
    const objs = (await cluster.list(Kinds.Event, { namespace: 'ml' })) as unknown as {
      reason: string;
      count: number;
      involvedObject: { name: string };
      reportingComponent: string;
    }[];
    expect(objs.map((o) => [o.reason, o.count]).sort()).toEqual([
      ['LaunchFailed', 1],
      ['Launched', 2],
    ]);
    expect(objs[0]!.involvedObject.name).toBe('a');
    expect(objs[0]!.reportingComponent).toBe('gpu-provisioner');
  });
});

describe('MemoryCluster validate hook and events', () => {
  it('passes the hook message through unchanged, and never lets it fail recordEvent', async () => {
    const cluster = new MemoryCluster({ clock: new FakeClock(), validate: (o) => `${o.kind} refused by schema` });
    await expect(cluster.create(GR, gpuRequest('a'))).rejects.toThrow(/^GpuRequest refused by schema$/);
    const involved = { kind: 'GpuRequest', apiVersion: 'gpu-provisioner.dev/v1alpha1', name: 'a', namespace: 'ml' };
    await expect(cluster.recordEvent({ involved, type: 'Normal', reason: 'R', message: 'm' })).resolves.toBeUndefined();
    expect(cluster.events({ reason: 'R' })).toHaveLength(1);
  });
});

describe('MemoryCluster failure switches', () => {
  it.each(['create', 'patch', 'replace', 'delete', 'get', 'list'] as const)('failNext(%s) fails that many calls, then recovers', async (op) => {
    const { cluster } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    const boom = new Error(`${op} boom`);
    cluster.failNext(op, boom, 2);
    const call = () => {
      switch (op) {
        case 'create':
          return cluster.create(GR, gpuRequest(`n-${Math.random()}`));
        case 'patch':
          return cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 } });
        case 'replace':
          return cluster.get(GR, 'a', 'ml').then((cur) => cluster.replace(GR, cur ?? a));
        case 'delete':
          return cluster.delete(Kinds.Pod, 'x', 'ml');
        case 'get':
          return cluster.get(GR, 'a', 'ml');
        case 'list':
          return cluster.list(GR);
      }
    };
    await expect(call()).rejects.toBe(boom);
    await expect(call()).rejects.toBe(boom);
    await expect(call()).resolves.not.toBeInstanceOf(Error);
  });

  it('conflictNext makes only version-carrying writes conflict, the given number of times', async () => {
    const { cluster } = setup();
    const a = await cluster.create(GR, gpuRequest('a'));
    cluster.conflictNext(2);
    await cluster.patch(GR, 'a', 'ml', { metadata: { labels: { blind: 'write' } } });
    const rv = (await cluster.get(GR, 'a', 'ml'))!.metadata.resourceVersion;
    await expect(cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 } }, { resourceVersion: rv })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const cur = (await cluster.get(GR, 'a', 'ml'))!;
    await expect(cluster.replace(GR, cur)).rejects.toBeInstanceOf(ConflictError);
    const ok = await cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 } }, { resourceVersion: rv });
    expect((ok.spec as { nodes: number }).nodes).toBe(2);
    expect(ok.metadata.uid).toBe(a.metadata.uid);
  });
});
