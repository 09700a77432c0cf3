/**
 * `npm run bench`: speed and memory of the operator on the sim cloud, measured with a
 * real clock (no fake time): how long N GpuRequests take to reach Ready, how many
 * price calls that costs, the reaction to interruption notices (notice delivered to
 * the operator -> replacement launch call), and the heap used.
 */
import { performance } from 'node:perf_hooks';
import type { GpuRequest } from '../src/api/types.js';
import { applyDefaults } from '../src/api/validate.js';
import { MemoryCluster } from '../src/kube/memory-cluster.js';
import { Kinds, type KubeObject } from '../src/kube/types.js';
import { Operator } from '../src/operator.js';
import { SimCloud } from '../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../src/providers/sim/sim-provider.js';
import { RealClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';

const N = Number(process.env.BENCH_REQUESTS ?? 100);
const INTERRUPTIONS = Number(process.env.BENCH_INTERRUPTIONS ?? 20);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function until(clock: RealClock, done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await done()) return true;
    await clock.sleep(50);
  }
  return done();
}

async function main(): Promise<void> {
  const clock = new RealClock();
  const cluster = new MemoryCluster({ clock });
  const cloud = new SimCloud({ clock, bootMs: 500, terminateMs: 100 });
  const operator = new Operator({
    cluster,
    clock,
    logger: silentLogger(),
    namespace: 'gpu-provisioner',
    factories: { sim: simProviderFactory(cloud) },
    // Notices are handed over below as a push provider (AWS's queue) would; polling is idle.
    lifecycle: { clusterName: 'bench', pollMs: 250, interruptionPollMs: 3_600_000 },
  });
  await cluster.create(Kinds.GpuProvider, applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: 'sim' }, spec: { type: 'sim', sim: { callLatencyMs: 20 } } } as KubeObject));
  operator.start();
  await until(clock, async () => !!(await cluster.get<KubeObject & { status?: { offers?: number } }>(Kinds.GpuProvider, 'sim'))?.status?.offers, 10_000);
  const heapBefore = process.memoryUsage().heapUsed;

  // Models with room for every request and a replacement each (see the sim catalogue).
  const models = ['L4', 'A10', 'L40S', 'H100'];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    await cluster.create(Kinds.GpuRequest, applyDefaults({
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuRequest',
      metadata: { name: `bench-${i}`, namespace: 'bench' },
      spec: { gpu: { model: models[i % models.length], count: 1 }, capacityTypes: ['spot', 'on-demand'] },
    } as KubeObject));
  }
  const all = () => cluster.list<GpuRequest>(Kinds.GpuRequest);
  const settled = await until(clock, async () => (await all()).every((r) => r.status?.phase === 'Ready' || r.status?.phase === 'Pending' && !!r.status.message), 120_000);
  const toSettled = performance.now() - t0;
  const requests = await all();
  const ready = requests.filter((r) => r.status?.phase === 'Ready');
  const offerCalls = cloud.calls.filter((c) => c.method === 'listOffers').length;

  // Interruptions: a notice is handed to the operator; time until the replacement's launch call.
  const reaction: number[] = [];
  let noCapacity = 0;
  for (const r of ready.slice(0, INTERRUPTIONS)) {
    const slot = r.status!.nodes![0]!;
    const creates = cloud.calls.filter((c) => c.method === 'create').length;
    const notice = cloud.interrupt(slot.instanceId, 'spot-interruption', 120_000);
    const delivered = performance.now();
    const key = await operator.requestController.deliver({ ...notice, receivedAt: clock.now() });
    if (key) operator.manager.enqueue(operator.requestController.name, key);
    await until(clock, async () => cloud.calls.filter((c) => c.method === 'create').length > creates, 10_000);
    const took = performance.now() - delivered;
    if (took > 5_000) {
      noCapacity++;
      continue;
    }
    reaction.push(took);
  }
  const heapAfter = process.memoryUsage().heapUsed;
  await operator.stop(5_000);

  reaction.sort((a, b) => a - b);
  console.log(`requests: ${N}, Ready: ${ready.length}, not fitting: ${requests.length - ready.length}, settled: ${settled}`);
  console.log(`time until all settled: ${(toSettled / 1000).toFixed(2)} s (sim boot 0.5 s, 20 ms per provider call)`);
  console.log(`price-list calls to the provider for ${N} requests: ${offerCalls}`);
  console.log(
    `interruption reaction (notice delivered -> replacement launch call), n=${reaction.length}: ` +
      `p50 ${quantile(reaction, 0.5).toFixed(0)} ms, p95 ${quantile(reaction, 0.95).toFixed(0)} ms, max ${(reaction.at(-1) ?? NaN).toFixed(0)} ms` +
      (noCapacity ? ` (${noCapacity} more had no capacity left for a replacement)` : ''),
  );
  console.log(`heap used: ${(heapBefore / 2 ** 20).toFixed(1)} MiB before, ${(heapAfter / 2 ** 20).toFixed(1)} MiB after`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
