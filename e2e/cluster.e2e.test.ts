/**
 * Against a real API server: runs when KUBECONFIG points at a cluster (e.g. K3s or
 * kind), and reports itself as skipped otherwise. It installs the CRDs, checks that the
 * API server refuses a bad GpuRequest naming the field, and takes a GpuRequest on the
 * sim cloud to Ready and back to nothing through the client-node adapter.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { GpuRequest } from '../src/api/types.js';
import { ClientNodeCluster } from '../src/kube/client-node-cluster.js';
import { Kinds, type KubeObject } from '../src/kube/types.js';
import { Operator } from '../src/operator.js';
import { SimCloud } from '../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../src/providers/sim/sim-provider.js';
import { RealClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';

function clusterReachable(): boolean {
  const path = process.env.KUBECONFIG;
  if (!path || !existsSync(path)) return false;
  try {
    execFileSync('kubectl', ['version', '--request-timeout=5s'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const reachable = clusterReachable();
if (!reachable) console.log('e2e skipped: no reachable cluster (set KUBECONFIG to run these tests)');
const maybe = reachable ? describe : describe.skip;

maybe('on a real cluster', () => {
  const clock = new RealClock();
  const kc = new KubeConfig();
  let cluster: ClientNodeCluster;
  let operator: Operator;
  const ns = `gpr-e2e-${Date.now().toString(36)}`;

  beforeAll(async () => {
    kc.loadFromDefault();
    cluster = new ClientNodeCluster(kc, { logger: silentLogger(), clock });
    execFileSync('kubectl', ['apply', '-f', 'crds/'], { stdio: 'inherit' });
    execFileSync('kubectl', ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s'], { stdio: 'inherit' });
    execFileSync('kubectl', ['create', 'namespace', ns], { stdio: 'inherit' });
    operator = new Operator({
      cluster,
      clock,
      logger: silentLogger(),
      namespace: ns,
      factories: { sim: simProviderFactory(new SimCloud({ clock, bootMs: 2_000, terminateMs: 500 })) },
      lifecycle: { clusterName: 'e2e', pollMs: 1_000 },
    });
    await cluster.create(Kinds.GpuProvider, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: `sim-${ns}` },
      spec: { type: 'sim' },
    } as KubeObject);
    operator.start();
  }, 120_000);

  afterAll(async () => {
    await operator?.stop(5_000);
    execFileSync('kubectl', ['delete', 'namespace', ns, '--wait=false'], { stdio: 'ignore' });
    execFileSync('kubectl', ['delete', 'gpuprovider', `sim-${ns}`, '--wait=false'], { stdio: 'ignore' });
  });

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

  test('a GpuRequest reaches Ready on the sim cloud and deleting it leaves nothing', async () => {
    const req = await cluster.create<GpuRequest>(Kinds.GpuRequest, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuRequest',
      metadata: { name: 'one', namespace: ns },
      spec: { gpu: { model: 'L4', count: 1 }, providers: [`sim-${ns}`] },
    } as GpuRequest);
    const until = async (done: () => Promise<boolean>) => {
      for (let i = 0; i < 120 && !(await done()); i++) await clock.sleep(500);
      return done();
    };
    expect(await until(async () => (await cluster.get<GpuRequest>(Kinds.GpuRequest, 'one', ns))?.status?.phase === 'Ready')).toBe(true);
    await cluster.delete(Kinds.GpuRequest, req.metadata.name, ns);
    expect(await until(async () => (await cluster.get(Kinds.GpuRequest, 'one', ns)) === undefined)).toBe(true);
    expect((await Promise.all(operator.registry.all().map((p) => p.list()))).flat()).toHaveLength(0);
  }, 120_000);
});
