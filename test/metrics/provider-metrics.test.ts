import { applyDefaults } from '../../src/api/validate.js';
import type { GpuRequest } from '../../src/api/types.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type KubeObject } from '../../src/kube/types.js';
import { providerCallMetrics } from '../../src/metrics/provider-metrics.js';
import { createMetricsRegistry, startHealthServer } from '../../src/metrics/server.js';
import { Operator } from '../../src/operator.js';
import { TransientError } from '../../src/providers/errors.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { drive } from '../support/operator-fixture.js';

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const have = inner.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

it('/metrics shows the provider call histogram and error counter with real values for the sim', async () => {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  const cloud = new SimCloud({ clock, bootMs: 2_000, terminateMs: 500 });
  const registry = createMetricsRegistry();
  const operator = new Operator({
    cluster,
    clock,
    logger: silentLogger(),
    namespace: 'gpu-provisioner',
    factories: { sim: simProviderFactory(cloud) },
    providerMetrics: providerCallMetrics(registry),
    lifecycle: { clusterName: 'metrics', pollMs: 1_000 },
  });
  await cluster.create(Kinds.GpuProvider, applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: 'sim' }, spec: { type: 'sim' } } as KubeObject));
  await drive(clock, operator.providerController.reconcile('sim'));

  // The first launch call fails with a 503 on every attempt the pipeline makes (one
  // call and its three retries), so it counts as one failed call; the machine's next
  // reconcile launches it. Two more requests then launch without trouble.
  cloud.failNextCreate(new TransientError('sim: create failed with 503 Service Unavailable'), 4);
  operator.start();
  for (const name of ['a', 'b', 'c']) {
    const req = applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuRequest', metadata: { name, namespace: 'ml' }, spec: { gpu: { model: 'H100', count: 1 } } } as KubeObject) as GpuRequest;
    await cluster.create(Kinds.GpuRequest, req);
    for (let i = 0; i < 600 && (await cluster.get<GpuRequest>(Kinds.GpuRequest, name, 'ml'))?.status?.phase !== 'Ready'; i++) await clock.advance(100);
  }
  const allReady = async () => (await cluster.list<GpuRequest>(Kinds.GpuRequest)).every((r) => r.status?.phase === 'Ready');
  for (let i = 0; i < 600 && !(await allReady()); i++) await clock.advance(100);
  expect(await allReady()).toBe(true);
  await drive(clock, operator.registry.get('sim')!.list());

  const server = await startHealthServer({ port: 0, host: '127.0.0.1', ready: () => ({ ok: true, message: 'ok' }), alive: () => ({ ok: true, message: 'ok' }), registry });
  try {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const count = (method: string, outcome: string) =>
      sample(text, 'gpu_provisioner_provider_call_duration_seconds_count', { provider: 'sim', method, outcome });
    expect(count('create', 'success')).toBe(3);
    expect(count('checkCredentials', 'success')).toBeGreaterThanOrEqual(1);
    expect(count('list', 'success')).toBeGreaterThanOrEqual(1);
    // Each sim call costs its latency (20 ms) on the clock: the sums are real durations.
    expect(sample(text, 'gpu_provisioner_provider_call_duration_seconds_sum', { provider: 'sim', method: 'create', outcome: 'success' })).toBeGreaterThanOrEqual(0.06);
    // Every method's error series exists from the start (at zero); the failures add up across them.
    const failed = text
      .split('\n')
      .filter((l) => l.startsWith('gpu_provisioner_provider_errors_total{') && l.includes('provider="sim"') && l.includes('kind="Transient"'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sample(text, 'gpu_provisioner_provider_errors_total', { provider: 'sim', method: 'delete', kind: 'Auth' })).toBe(0);
    const errored = text.split('\n').filter((l) => l.startsWith('gpu_provisioner_provider_call_duration_seconds_count{') && l.includes('outcome="error"'));
    expect(failed).toBe(1);
    expect(sample(text, 'gpu_provisioner_provider_call_duration_seconds_count', { provider: 'sim', method: 'create', outcome: 'error' })).toBe(1);
    expect(errored.length).toBeGreaterThanOrEqual(1);
  } finally {
    await server.close();
    await operator.stop();
  }
});
