import type { ClientNodeCluster } from '../../src/kube/client-node-cluster.js';
import { isNewer } from '../../src/kube/informer-cache.js';
import { KubeError } from '../../src/kube/errors.js';
import { Kinds, type KubeObject, type ResourceKind, type Secret, type WatchEvent, type WatchHandle } from '../../src/kube/types.js';
import { gpuRequest, node, pod } from './builders.js';
import { connect, FakeApiServer, waitFor } from './fake-api-server.js';

const GR = Kinds.GpuRequest;

const line = (e: WatchEvent) => `${e.type} ${e.object.metadata.name}`;

describe('ClientNodeCluster informer cache', () => {
  let api: FakeApiServer;
  let url: string;
  let cluster: ClientNodeCluster;
  let handles: WatchHandle[];

  beforeEach(async () => {
    api = new FakeApiServer();
    url = await api.start();
    cluster = connect(url);
    handles = [];
  });

  afterEach(async () => {
    for (const h of handles) h.stop();
    await api.stop();
  });

  function watch(kind: ResourceKind, opts: Parameters<ClientNodeCluster['watch']>[1] = {}, kc = cluster) {
    const events: WatchEvent[] = [];
    handles.push(kc.watch(kind, opts, (e) => events.push(e)));
    return events;
  }

  it('runs one list and one watch per kind for any number of handlers, each hearing ADDED for what is cached', async () => {
    for (const [name, team] of [['a', 'x'], ['b', 'y'], ['c', 'x']] as const) {
      await api.cluster.create(GR, gpuRequest(name, { metadata: { name, labels: { team } } }));
    }
    const all = watch(GR);
    const inMl = watch(GR, { namespace: 'ml' });
    const teamX = watch(GR, { labelSelector: { team: 'x' } });
    await cluster.waitForSync([GR]);
    await waitFor(() => all.length === 3 && teamX.length === 2, 'the initial ADDED events');
    const late = watch(GR, { labelSelector: { team: 'y' } });
    await waitFor(() => late.length === 1, 'the late handler hearing the cache');
    await api.cluster.create(GR, gpuRequest('d', { metadata: { name: 'd', labels: { team: 'x' } } }));
    await api.cluster.patch(GR, 'b', 'ml', { metadata: { labels: { team: 'x' } } });
    await waitFor(() => all.length === 5 && late.length === 2, 'the changes');
    expect(all.map(line)).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'ADDED d', 'MODIFIED b']);
    expect(inMl.map(line)).toEqual(all.map(line));
    expect(teamX.map(line)).toEqual(['ADDED a', 'ADDED c', 'ADDED d', 'ADDED b']);
    expect(late.map(line)).toEqual(['ADDED b', 'DELETED b']);
    expect(api.count({ plural: 'gpurequests', watch: false })).toBe(1);
    expect(api.count({ plural: 'gpurequests', watch: true })).toBe(1);
    expect(api.openWatches).toBe(1);
  });

  it('once synced, serves get and list from the cache: label selectors, namespaces and Node providerIDs', async () => {
    const MACHINE = 'gpu-provisioner.dev/machine';
    for (let i = 0; i < 30; i++) {
      await api.cluster.create(Kinds.Node, node(`n${i}`, { metadata: { name: `n${i}`, labels: { [MACHINE]: `m${i % 10}` } } }));
    }
    await api.cluster.create(GR, gpuRequest('a'));
    await api.cluster.create(GR, { ...gpuRequest('a'), metadata: { name: 'a', namespace: 'other' } });
    watch(Kinds.Node);
    watch(GR);
    await cluster.waitForSync([Kinds.Node, GR]);
    const before = api.requests.length;
    for (let i = 0; i < 10; i++) {
      const byLabel = await cluster.list(Kinds.Node, { labelSelector: { [MACHINE]: `m${i}` } });
      expect(byLabel.map((n) => n.metadata.name)).toEqual(
        (await api.cluster.list(Kinds.Node, { labelSelector: { [MACHINE]: `m${i}` } })).map((n) => n.metadata.name),
      );
      const byId = await cluster.list(Kinds.Node, { fieldSelector: { 'spec.providerID': `sim://n${i}` } });
      expect(byId.map((n) => n.metadata.name)).toEqual([`n${i}`]);
      expect(await cluster.get(Kinds.Node, `n${i}`)).toEqual(await api.cluster.get(Kinds.Node, `n${i}`));
    }
    expect((await cluster.list(GR, { namespace: 'other' })).map((r) => r.metadata.namespace)).toEqual(['other']);
    expect(await cluster.get(GR, 'a', 'nowhere')).toBeUndefined();
    expect(await cluster.list(Kinds.Node, { labelSelector: { [MACHINE]: 'none' } })).toEqual([]);
    expect(api.requests.length).toBe(before);
  });

  it('finds GpuMachines by status.instanceId from the cache, and filters it itself before the cache syncs', async () => {
    const machine = (name: string, instanceId: string) => ({
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuMachine',
      metadata: { name, namespace: 'ml' },
      spec: {},
      status: { instanceId },
    });
    for (let i = 0; i < 5; i++) {
      await api.cluster.create(Kinds.GpuMachine, machine(`m${i}`, ''));
      await api.cluster.patch(Kinds.GpuMachine, `m${i}`, 'ml', { status: { instanceId: `i-${i}` } }, { subresource: 'status' });
    }
    // The API server cannot select on it: the adapter asks for all and filters.
    const early = await cluster.list(Kinds.GpuMachine, { fieldSelector: { 'status.instanceId': 'i-3' } });
    expect(early.map((m) => m.metadata.name)).toEqual(['m3']);
    expect(api.requests.at(-1)!.query.get('fieldSelector')).toBeNull();
    watch(Kinds.GpuMachine);
    await cluster.waitForSync([Kinds.GpuMachine]);
    const before = api.requests.length;
    for (let i = 0; i < 5; i++) {
      expect((await cluster.list(Kinds.GpuMachine, { fieldSelector: { 'status.instanceId': `i-${i}` } })).map((m) => m.metadata.name)).toEqual([`m${i}`]);
    }
    expect(api.requests.length).toBe(before);
  });

  it('hands out frozen objects from the cache: a caller cannot change the next read', async () => {
    await api.cluster.create(GR, gpuRequest('a', { metadata: { name: 'a', labels: { team: 'x' } } }));
    watch(GR);
    await cluster.waitForSync([GR]);
    const got = (await cluster.get(GR, 'a', 'ml'))!;
    expect(() => (got.metadata.labels!.team = 'changed')).toThrow(TypeError);
    const listed = (await cluster.list(GR))[0]!;
    expect(() => (listed.metadata.labels!.team = 'changed')).toThrow(TypeError);
    const written = await cluster.patch(GR, 'a', 'ml', { metadata: { annotations: { a: 'b' } } });
    expect(Object.isFrozen(written.metadata)).toBe(true);
    expect((await cluster.get(GR, 'a', 'ml'))!.metadata.labels).toEqual({ team: 'x' });
  });

  it('reads from the API until it syncs, filtering spec.providerID itself since the API server cannot', async () => {
    await api.cluster.create(Kinds.Node, node('n1'));
    await api.cluster.create(Kinds.Node, node('n2'));
    expect(cluster.synced(Kinds.Node)).toBe(false);
    expect(cluster.synced(Kinds.Pod)).toBe(true);
    const got = await cluster.list(Kinds.Node, { fieldSelector: { 'spec.providerID': 'sim://n2' } });
    expect(got.map((n) => n.metadata.name)).toEqual(['n2']);
    const sent = api.requests.at(-1)!;
    expect(sent.query.get('fieldSelector')).toBeNull();
    expect(await cluster.get(Kinds.Node, 'n1')).toMatchObject({ kind: 'Node', metadata: { name: 'n1' } });
    expect(api.count({ plural: 'nodes' })).toBe(2);
    // A field the server does select on is sent along.
    await cluster.list(Kinds.Pod, { fieldSelector: { 'spec.nodeName': 'n1' } });
    expect(api.requests.at(-1)!.query.get('fieldSelector')).toBe('spec.nodeName=n1');
  });

  it("reads back its own writes before their watch events arrive, and late events never roll them back", async () => {
    await api.cluster.create(GR, gpuRequest('a'));
    const heard = watch(GR);
    await cluster.waitForSync([GR]);
    await waitFor(() => heard.length === 1, 'ADDED a');
    api.holdWatches = true;
    const p1 = await cluster.patch(GR, 'a', 'ml', { status: { phase: 'Launching' } }, { subresource: 'status' });
    const p2 = await cluster.patch(GR, 'a', 'ml', { status: { phase: 'Ready' } }, { subresource: 'status' });
    expect((await cluster.get<KubeObject>(GR, 'a', 'ml'))!.metadata.resourceVersion).toBe(p2.metadata.resourceVersion);
    await cluster.create(GR, gpuRequest('b'));
    expect(await cluster.get(GR, 'b', 'ml')).toBeDefined();
    await cluster.delete(GR, 'a', 'ml');
    expect(await cluster.get(GR, 'a', 'ml')).toBeUndefined();
    expect((await cluster.list(GR)).map((r) => r.metadata.name)).toEqual(['b']);
    api.releaseWatches();
    await api.cluster.create(GR, gpuRequest('c'));
    await waitFor(() => heard.some((e) => e.object.metadata.name === 'c'), 'the released stream to reach c');
    expect(await cluster.get(GR, 'a', 'ml')).toBeUndefined();
    expect(heard.map((e) => `${line(e)} ${e.object.metadata.resourceVersion}`)).toEqual([
      expect.stringMatching(/^ADDED a /),
      `MODIFIED a ${p1.metadata.resourceVersion}`,
      `MODIFIED a ${p2.metadata.resourceVersion}`,
      expect.stringMatching(/^ADDED b /),
      expect.stringMatching(/^DELETED a /),
      expect.stringMatching(/^ADDED c /),
    ]);
  });

  it('keeps an object a finalizer holds, with its deletionTimestamp, after deleting it', async () => {
    await api.cluster.create(GR, gpuRequest('a', { metadata: { name: 'a', finalizers: ['gpu-provisioner.dev/termination'] } }));
    watch(GR);
    await cluster.waitForSync([GR]);
    api.holdWatches = true;
    await cluster.delete(GR, 'a', 'ml');
    expect((await cluster.get<KubeObject>(GR, 'a', 'ml'))!.metadata.deletionTimestamp).toBeDefined();
    await cluster.patch(GR, 'a', 'ml', { metadata: { finalizers: null } });
    expect(await cluster.get(GR, 'a', 'ml')).toBeUndefined();
  });

  it('lists page by page, and starts over when a continue token expires', async () => {
    cluster = connect(url, { listPageSize: 2 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await api.cluster.create(GR, gpuRequest(n));
    api.expireContinueTokens = 1;
    const heard = watch(GR);
    await cluster.waitForSync([GR]);
    await waitFor(() => heard.length === 5, 'five ADDED');
    expect(heard.map(line)).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'ADDED d', 'ADDED e']);
    const lists = api.requests.filter((r) => !r.watch);
    expect(lists.map((r) => r.query.get('limit'))).toEqual(['2', '2', '2', '2', '2']);
    expect(lists.map((r) => r.query.has('continue'))).toEqual([false, true, false, true, true]);
    // Uncached lists are paginated the same way.
    expect(await connect(url, { listPageSize: 2, cachedKinds: [] }).list(GR)).toHaveLength(5);
  });

  it('resumes a dropped watch from the last version it saw, and after compaction re-lists and tells the difference', async () => {
    await api.cluster.create(GR, gpuRequest('a'));
    await api.cluster.create(GR, gpuRequest('x'));
    const heard = watch(GR);
    await cluster.waitForSync([GR]);
    const y = await api.cluster.create(GR, gpuRequest('y'));
    await waitFor(() => heard.length === 3, 'ADDED y');
    api.dropWatches();
    await waitFor(() => api.count({ watch: true }) === 2 && api.openWatches === 1, 'the watch to resume');
    expect(api.requests.filter((r) => r.watch).at(-1)!.query.get('resourceVersion')).toBe(y.metadata.resourceVersion);

    api.holdWatches = true;
    await api.cluster.delete(GR, 'x', 'ml');
    await api.cluster.create(GR, gpuRequest('z'));
    await api.cluster.patch(GR, 'a', 'ml', { spec: { nodes: 2 } });
    api.compact();
    api.holdWatches = false;
    api.dropWatches();
    await waitFor(() => heard.length === 6, 'the re-list difference');
    expect(heard.slice(3).map(line).sort()).toEqual(['ADDED z', 'DELETED x', 'MODIFIED a']);
    expect(api.count({ watch: false })).toBe(2);
    expect(await cluster.get(GR, 'x', 'ml')).toBeUndefined();
  });

  it('caches Secrets only in the namespace they are watched in', async () => {
    const secret = (name: string, namespace: string): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: { k: 'dg==' } });
    await api.cluster.create(Kinds.Secret, secret('creds', 'gpu-provisioner'));
    await api.cluster.create(Kinds.Secret, secret('elsewhere', 'team-a'));
    watch(Kinds.Secret, { namespace: 'gpu-provisioner' });
    await cluster.waitForSync([Kinds.Secret]);
    await waitFor(() => api.openWatches === 1, 'the Secret watch');
    const watches = api.requests.filter((r) => r.watch);
    expect(watches.map((r) => r.path)).toEqual(['/api/v1/namespaces/gpu-provisioner/secrets']);
    const before = api.requests.length;
    expect((await cluster.get<Secret>(Kinds.Secret, 'creds', 'gpu-provisioner'))!.data).toEqual({ k: 'dg==' });
    expect(api.requests.length).toBe(before);
    expect(await cluster.get(Kinds.Secret, 'elsewhere', 'team-a')).toBeDefined();
    expect(await cluster.list(Kinds.Secret)).toHaveLength(2);
    expect(api.requests.length).toBe(before + 2);
  });

  it('sends reads of uncached kinds to the API, and gives each of their watches its own server-selected stream', async () => {
    await api.cluster.create(Kinds.Pod, pod('p1', { labels: { app: 'x' } }));
    await api.cluster.create(Kinds.Pod, pod('p2', { labels: { app: 'y' } }));
    const x = watch(Kinds.Pod, { labelSelector: { app: 'x' } });
    const all = watch(Kinds.Pod);
    await waitFor(() => x.length === 1 && all.length === 2, 'both pod watches');
    await cluster.get(Kinds.Pod, 'p1', 'ml');
    await cluster.list(Kinds.Pod, { namespace: 'ml' });
    expect(api.count({ plural: 'pods', watch: false })).toBe(4);
    const watches = api.requests.filter((r) => r.watch);
    expect(watches.map((r) => r.query.get('labelSelector'))).toEqual(['app=x', null]);
  });

  it('ends the shared watch with its last handler, and then reads from the API again', async () => {
    await api.cluster.create(Kinds.Node, node('n1'));
    const first = cluster.watch(Kinds.Node, {}, () => {});
    const second = cluster.watch(Kinds.Node, {}, () => {});
    await cluster.waitForSync([Kinds.Node]);
    await waitFor(() => api.openWatches === 1, 'the watch');
    first.stop();
    await cluster.get(Kinds.Node, 'n1');
    expect(api.count({ plural: 'nodes', method: 'GET', watch: false })).toBe(1);
    second.stop();
    await waitFor(() => api.openWatches === 0, 'the watch to close');
    expect(cluster.synced(Kinds.Node)).toBe(false);
    await cluster.get(Kinds.Node, 'n1');
    expect(api.count({ plural: 'nodes', method: 'GET', watch: false })).toBe(2);
  });

  it('waitForSync waits for every kind through list failures, and rejects when aborted', async () => {
    const aborted = new AbortController();
    const waiting = cluster.waitForSync([Kinds.Node], aborted.signal);
    aborted.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    api.cluster.failNext('list', new KubeError('nodes is forbidden', 403), 3);
    watch(Kinds.Node);
    watch(GR);
    await cluster.waitForSync([Kinds.Node, GR]);
    expect(cluster.synced(Kinds.Node) && cluster.synced(GR)).toBe(true);
    expect(api.count({ plural: 'nodes', watch: false })).toBeGreaterThanOrEqual(2);
    await expect(cluster.waitForSync([])).resolves.toBeUndefined();
  });
});

describe('isNewer', () => {
  it.each([
    ['10', '9', true],
    ['9', '10', false],
    ['10', '10', false],
    ['123456789012345678901', '123456789012345678900', true],
    ['abc', 'abd', true],
    ['abc', 'abc', false],
    [undefined, '5', true],
  ] as const)('%s over %s: %s', (a, b, want) => {
    expect(isNewer(a, b)).toBe(want);
  });
});
