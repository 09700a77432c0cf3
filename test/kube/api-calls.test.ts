/**
 * What the client-node adapter costs an API server: calls per reconcile and per resync
 * with the informer cache and without it, watches per kind, and TCP connections (and TLS
 * handshakes) per call, all counted by a recording API server.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../src/api/constants.js';
import type { ClientNodeCluster } from '../../src/kube/client-node-cluster.js';
import { Kinds, type ClusterPort, type KubeObject, type Node, type WatchHandle } from '../../src/kube/types.js';
import { gpuRequest, node, pod } from './builders.js';
import { connect, FakeApiServer, waitFor } from './fake-api-server.js';

const MACHINE = 'gpu-provisioner.dev/machine';
const OPERATOR_NS = 'gpu-provisioner';
const N = 200;

/** N requests, each with its GpuMachine and Node, one provider and its Secret. */
async function seed(api: FakeApiServer): Promise<void> {
  const c = api.cluster;
  await c.create(Kinds.GpuProvider, { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: 'sim' }, spec: { type: 'sim' } } as KubeObject);
  await c.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sim-creds', namespace: OPERATOR_NS }, data: { key: 'eA==' } } as KubeObject);
  for (let i = 0; i < N; i++) {
    const req = await c.create(Kinds.GpuRequest, gpuRequest(`r${i}`));
    const uid = req.metadata.uid!;
    await c.create(Kinds.GpuMachine, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuMachine',
      metadata: { name: `r${i}-m0`, namespace: 'ml', labels: { [Labels.requestUid]: uid } },
      spec: {},
    });
    await c.create(Kinds.Node, node(`node-${i}`, { metadata: { name: `node-${i}`, labels: { [MACHINE]: `r${i}-m0`, [Labels.requestUid]: uid } } }));
  }
}

/** What one reconcile of request `i` reads and writes, in the shape the controllers use. */
async function reconcile(c: ClusterPort, i: number): Promise<void> {
  const req = (await c.get(Kinds.GpuRequest, `r${i}`, 'ml'))!;
  const machines = await c.list(Kinds.GpuMachine, { namespace: 'ml', labelSelector: { [Labels.requestUid]: req.metadata.uid! } });
  const nodes = await c.list<Node>(Kinds.Node, { labelSelector: { [MACHINE]: machines[0]!.metadata.name } });
  const byId = await c.list<Node>(Kinds.Node, { fieldSelector: { 'spec.providerID': nodes[0]!.spec!.providerID! } });
  expect(byId.map((n) => n.metadata.name)).toEqual([`node-${i}`]);
  await c.get(Kinds.GpuProvider, 'sim');
  await c.get(Kinds.Secret, 'sim-creds', OPERATOR_NS);
  await c.patch(Kinds.GpuRequest, `r${i}`, 'ml', { status: { phase: 'Ready', observedGeneration: 1 } }, { subresource: 'status' });
}

async function resync(c: ClusterPort): Promise<void> {
  for (let i = 0; i < N; i++) await reconcile(c, i);
}

describe('API calls of the client-node adapter', () => {
  let api: FakeApiServer;
  let url: string;
  let handles: WatchHandle[];

  beforeEach(async () => {
    api = new FakeApiServer();
    url = await api.start();
    handles = [];
  });

  afterEach(async () => {
    for (const h of handles) h.stop();
    await api.stop();
  });

  /** The watches an operator's controllers start: several of them watch the same kinds. */
  function watchAsControllers(cluster: ClientNodeCluster): void {
    const kinds = [Kinds.GpuRequest, Kinds.Node, Kinds.GpuMachine, Kinds.Node, Kinds.GpuProvider, Kinds.GpuRequest, Kinds.Node];
    for (const kind of kinds) handles.push(cluster.watch(kind, {}, () => {}));
    handles.push(cluster.watch(Kinds.Secret, { namespace: OPERATOR_NS }, () => {}));
  }

  it('after sync a reconcile costs only its write: one list and one watch per kind, however many controllers watch', async () => {
    await seed(api);
    const cluster = connect(url);
    watchAsControllers(cluster);
    await cluster.waitForSync([Kinds.GpuRequest, Kinds.GpuMachine, Kinds.GpuProvider, Kinds.Node, Kinds.Secret]);
    await waitFor(() => api.openWatches === 5, 'five watches');
    for (const plural of ['gpurequests', 'gpumachines', 'gpuproviders', 'nodes', 'secrets']) {
      expect([plural, api.count({ plural, watch: false }), api.count({ plural, watch: true })]).toEqual([plural, 1, 1]);
    }
    const start = api.requests.length;
    await reconcile(cluster, 0);
    expect(api.requests.slice(start).map((r) => r.method)).toEqual(['PATCH']);

    const beforeResync = api.requests.length;
    await resync(cluster);
    await resync(cluster);
    const calls = api.requests.slice(beforeResync);
    expect(calls).toHaveLength(2 * N);
    expect(calls.every((r) => r.method === 'PATCH')).toBe(true);
    expect(api.count({ watch: true })).toBe(5);
  });

  it('without the cache the same reconcile costs six reads and the write', async () => {
    await seed(api);
    const cluster = connect(url, { cachedKinds: [] });
    const start = api.requests.length;
    await reconcile(cluster, 0);
    expect(api.requests.slice(start).map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'PATCH']);
    await resync(cluster);
    expect(api.requests.length - start).toBe(7 * (N + 1));
  });

  it('sends every call over one kept-alive connection; a watch holds one of its own', async () => {
    await api.cluster.create(Kinds.Pod, pod('p'));
    const cluster = connect(url);
    for (let i = 0; i < 50; i++) await cluster.get(Kinds.Pod, 'p', 'ml');
    await cluster.patch(Kinds.Pod, 'p', 'ml', { metadata: { labels: { a: 'b' } } });
    expect(api.connections).toBe(1);
    handles.push(cluster.watch(Kinds.Node, {}, () => {}));
    await cluster.waitForSync([Kinds.Node]);
    await waitFor(() => api.openWatches === 1, 'the watch');
    for (let i = 0; i < 50; i++) await cluster.get(Kinds.Pod, 'p', 'ml');
    expect(api.connections).toBe(2);
  });

  it('sends a read again, once, when the server reset the kept-alive connection it went out on; never a write', async () => {
    await api.cluster.create(Kinds.Pod, pod('p'));
    const cluster = connect(url);
    await cluster.get(Kinds.Pod, 'p', 'ml');
    api.resetReusedConnections = true;
    expect(await cluster.get(Kinds.Pod, 'p', 'ml')).toBeDefined();
    expect(api.connections).toBe(2);
    await expect(cluster.patch(Kinds.Pod, 'p', 'ml', { metadata: { labels: { a: 'b' } } })).rejects.toThrow();
    expect(api.count({ method: 'PATCH' })).toBe(1);
  });
});

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
function selfSignedCert(): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'gpr-tls-'));
  try {
    const r = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    if (r.status !== 0) return undefined;
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCert();
if (!tls) console.log('TLS connection test skipped: openssl is missing (scripts/ensure-test-tools.sh installs it)');

(tls ? describe : describe.skip)('API calls over TLS', () => {
  it('verifies the server by the kubeconfig CA and makes one TLS handshake for fifty calls', async () => {
    const api = new FakeApiServer();
    const url = await api.start(tls!);
    try {
      await api.cluster.create(Kinds.Pod, pod('p'));
      const cluster = connect(url, {}, tls!.cert);
      for (let i = 0; i < 50; i++) expect(await cluster.get(Kinds.Pod, 'p', 'ml')).toBeDefined();
      expect(api.connections).toBe(1);
      const stranger = connect(url, { requestTimeoutMs: 2000 }, selfSignedCert()!.cert);
      await expect(stranger.get(Kinds.Pod, 'p', 'ml')).rejects.toThrow(/self[- ]signed|certificate/i);
    } finally {
      await api.stop();
    }
  });
});
