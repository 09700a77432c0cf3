/**
 * Against a real API server. Where a Docker engine is reachable, K3s starts in a
 * container (@testcontainers/k3s) and the operator's image is built from the
 * Dockerfile and imported into it; else the cluster in KUBECONFIG is used (the chart
 * test then needs E2E_IMAGE, an image that cluster can pull); else everything here is
 * skipped, and the skipped test's name says why.
 *
 * On the cluster: the API server refuses a bad GpuRequest naming the field; the
 * operator, run in this process through the client-node adapter, takes a sim
 * GpuRequest to Ready and back to nothing; then the Helm chart is installed and the
 * operator it runs does the same.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GpuRequest } from '../src/api/types.js';
import { ClientNodeCluster } from '../src/kube/client-node-cluster.js';
import { loadKubeConfig } from '../src/kube/kubeconfig.js';
import { Kinds, type KubeObject } from '../src/kube/types.js';
import { Operator } from '../src/operator.js';
import { SimCloud } from '../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../src/providers/sim/sim-provider.js';
import { RealClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { CHART, helmBinary, ROOT } from '../test/support/helm.js';

const K3S_IMAGE = 'rancher/k3s:v1.31.5-k3s1';
const BUILT_IMAGE = 'gpu-provisioner:e2e';

interface Target {
  kubeconfig: string;
  /** Image reference the cluster can run without pulling, or pull. */
  image?: { repository: string; tag: string; pullPolicy: string };
  stop: () => Promise<void>;
}

type Choice = { target: Target } | { skip: string };

async function dockerReachable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

function clusterInKubeconfig(): boolean {
  const file = process.env.KUBECONFIG;
  if (!file || !existsSync(file)) return false;
  try {
    execFileSync('kubectl', ['version', '--request-timeout=5s'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** K3s in a container with the operator image built and imported. */
async function startK3s(): Promise<Target> {
  const { GenericContainer } = await import('testcontainers');
  const { K3sContainer } = await import('@testcontainers/k3s');
  await GenericContainer.fromDockerfile(ROOT).build(BUILT_IMAGE, { deleteOnExit: false });
  const k3s = await new K3sContainer(K3S_IMAGE).start();
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-k3s-'));
  const tar = path.join(dir, 'image.tar');
  // K3s runs containerd, not the Docker engine that built the image: hand it over.
  execFileSync('docker', ['save', '-o', tar, BUILT_IMAGE]);
  await k3s.copyFilesToContainer([{ source: tar, target: '/tmp/image.tar' }]);
  const imported = await k3s.exec(['ctr', '-n', 'k8s.io', 'images', 'import', '/tmp/image.tar']);
  if (imported.exitCode !== 0) throw new Error(`importing the image into K3s failed: ${imported.output}`);
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, k3s.getKubeConfig());
  const [repository, tag] = BUILT_IMAGE.split(':') as [string, string];
  return {
    kubeconfig,
    image: { repository: `docker.io/library/${repository}`, tag, pullPolicy: 'Never' },
    stop: async () => {
      await k3s.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function choose(): Promise<Choice> {
  if (await dockerReachable()) return { target: await startK3s() };
  if (clusterInKubeconfig()) {
    const ref = process.env.E2E_IMAGE;
    const at = ref ? ref.lastIndexOf(':') : -1;
    return {
      target: {
        kubeconfig: process.env.KUBECONFIG!,
        ...(ref && at > 0 ? { image: { repository: ref.slice(0, at), tag: ref.slice(at + 1), pullPolicy: 'IfNotPresent' } } : {}),
        stop: async () => undefined,
      },
    };
  }
  return { skip: 'no Docker engine for K3s (testcontainers found none) and no reachable cluster in KUBECONFIG' };
}

const choice = await choose();
if ('skip' in choice) console.log(`e2e skipped: ${choice.skip}`);
const target = 'target' in choice ? choice.target : undefined;
const run = target ? describe : describe.skip;

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, { encoding: 'utf8', input, env: { ...process.env, KUBECONFIG: target!.kubeconfig } });
}

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

if (!target) {
  test.skip(`e2e on a real cluster: skipped, ${'skip' in choice ? choice.skip : ''}`, () => undefined);
}

run('on a real cluster', () => {
  const clock = new RealClock();
  let cluster: ClientNodeCluster;
  const ns = `gpr-e2e-${Date.now().toString(36)}`;

  beforeAll(() => {
    cluster = new ClientNodeCluster(loadKubeConfig({ env: { KUBECONFIG: target!.kubeconfig } }).kc, { logger: silentLogger(), clock });
    kubectl(['apply', '-f', path.join(ROOT, 'crds')]);
    kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    kubectl(['create', 'namespace', ns]);
  }, 120_000);

  afterAll(async () => {
    kubectl(['delete', 'namespace', ns, '--wait=false']);
    await target!.stop();
  }, 120_000);

  test('the API server refuses a bad GpuRequest and names the field', async () => {
    await expect(
      cluster.create(Kinds.GpuRequest, {
        apiVersion: 'gpu-provisioner.dev/v1alpha1',
        kind: 'GpuRequest',
        metadata: { name: 'bad', namespace: ns },
        spec: { gpu: { model: 'H100', count: 0 } },
      } as KubeObject),
    ).rejects.toThrow(/spec\.gpu\.count/);
  });

  const phase = async (name: string) => (await cluster.get<GpuRequest>(Kinds.GpuRequest, name, ns))?.status?.phase;
  const gpuRequest = (name: string, provider: string): GpuRequest =>
    ({
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuRequest',
      metadata: { name, namespace: ns },
      spec: { gpu: { model: 'L4', count: 1 }, providers: [provider] },
    }) as GpuRequest;

  test('the operator in this process takes a sim GpuRequest to Ready and back to nothing', async () => {
    const provider = `sim-${ns}`;
    const operator = new Operator({
      cluster,
      clock,
      logger: silentLogger(),
      namespace: ns,
      factories: { sim: simProviderFactory(new SimCloud({ clock, bootMs: 2_000, terminateMs: 500 })) },
      lifecycle: { clusterName: 'e2e', pollMs: 1_000 },
    });
    await cluster.create(Kinds.GpuProvider, { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: provider }, spec: { type: 'sim' } } as KubeObject);
    operator.start();
    try {
      await cluster.create(Kinds.GpuRequest, gpuRequest('in-process', provider));
      await until('Ready', async () => (await phase('in-process')) === 'Ready', 60_000);
      await cluster.delete(Kinds.GpuRequest, 'in-process', ns);
      await until('the request gone', async () => (await phase('in-process')) === undefined && (await cluster.get(Kinds.GpuRequest, 'in-process', ns)) === undefined, 60_000);
      expect((await Promise.all(operator.registry.all().map((p) => p.list()))).flat()).toHaveLength(0);
    } finally {
      await operator.stop(5_000);
      await cluster.delete(Kinds.GpuProvider, provider);
    }
  }, 120_000);

  (target?.image ? test : test.skip)('the chart installs an operator that takes a sim GpuRequest to Ready and back to nothing', async () => {
    const image = target!.image!;
    const helm = (args: string[]) => execFileSync(helmBinary(), args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: target!.kubeconfig } });
    const release = 'gpu-provisioner';
    const opNs = `${ns}-op`;
    helm([
      'install', release, CHART, '--namespace', opNs, '--create-namespace', '--wait', '--timeout', '5m',
      '--set', `image.repository=${image.repository}`, '--set', `image.tag=${image.tag}`, '--set', `image.pullPolicy=${image.pullPolicy}`,
      '--set', 'clusterName=e2e-chart', '--set', 'rbac.simNodes=true', '--set', 'logFormat=text',
    ]);
    try {
      // helm --wait returned: both replicas answer /readyz.
      expect(kubectl(['-n', opNs, 'get', 'deployment', release, '-o', 'jsonpath={.status.readyReplicas}'])).toBe('2');
      await cluster.create(Kinds.GpuProvider, { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: 'sim-chart' }, spec: { type: 'sim' } } as KubeObject);
      await cluster.create(Kinds.GpuRequest, gpuRequest('from-chart', 'sim-chart'));
      await until('Ready', async () => (await phase('from-chart')) === 'Ready');
      await cluster.delete(Kinds.GpuRequest, 'from-chart', ns);
      await until('the request gone', async () => (await cluster.get(Kinds.GpuRequest, 'from-chart', ns)) === undefined);
      expect(kubectl(['get', 'nodes', '-l', 'gpu-provisioner.dev/cluster=e2e-chart', '-o', 'name']).trim()).toBe('');
    } finally {
      await cluster.delete(Kinds.GpuProvider, 'sim-chart');
      helm(['uninstall', release, '--namespace', opNs, '--wait']);
      kubectl(['delete', 'namespace', opNs, '--wait=false']);
    }
  }, 600_000);
});
