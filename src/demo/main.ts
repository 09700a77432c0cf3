/**
 * `npm run demo`: the operator's own controllers against an in-memory cluster and the
 * sim cloud, with no cluster and no credentials. It applies the manifests in
 * examples/, shows the GpuRequests moving through their phases as `kubectl get -w`
 * would (including one capacity failover and one delete), and prints a summary.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { applyDefaults, formatInvalid, validateObject } from '../api/validate.js';
import type { GpuProvider, GpuRequest } from '../api/types.js';
import { MemoryCluster } from '../kube/memory-cluster.js';
import { Kinds, type KubeObject } from '../kube/types.js';
import { Operator } from '../operator.js';
import { InsufficientCapacityError } from '../providers/errors.js';
import { SimCloud } from '../providers/sim/sim-cloud.js';
import { simProviderFactory } from '../providers/sim/sim-provider.js';
import { RealClock } from '../util/clock.js';
import { createLogger } from '../util/logger.js';
import { COLUMNS, requestRow, row } from './table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEADLINE_MS = 50_000;
const DEMO_BOOT_SECONDS = 3;

function loadExamples(): KubeObject[] {
  const dir = path.join(ROOT, 'examples');
  const docs: KubeObject[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (obj?.kind) docs.push(obj);
    }
  }
  return docs;
}

const kindOf = (obj: KubeObject) => Object.values(Kinds).find((k) => k.kind === obj.kind);

async function main(): Promise<void> {
  const started = Date.now();
  const clock = new RealClock();
  const logger = createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'error', format: 'text' });
  const cluster = new MemoryCluster({
    clock,
    validate: (obj) => {
      const issues = validateObject(obj);
      return issues.length ? formatInvalid(obj, issues) : undefined;
    },
  });
  const cloud = new SimCloud({ clock, bootMs: 2500, terminateMs: 600 });
  const operator = new Operator({
    cluster,
    clock,
    logger,
    namespace: 'gpu-provisioner',
    factories: { sim: simProviderFactory(cloud) },
    lifecycle: { clusterName: 'demo', pollMs: 400, joinTimeoutMs: 30_000, noFitRequeueMs: 5_000, interruptionPollMs: 500 },
  });

  // Only the sim cloud can be reached without credentials; the other GpuProviders in
  // examples/ are applied too and say on their status what they are missing.
  const manifests = loadExamples();
  const requests = manifests.filter((m) => m.kind === 'GpuRequest') as GpuRequest[];
  // The example Secrets hold placeholders: the demo never calls a real cloud, so the
  // real-cloud GpuProviders report the missing credentials on their status instead.
  const others = manifests.filter((m) => m.kind !== 'GpuRequest' && m.kind !== 'Secret');
  // Machines of the example sim account boot in 45 s; the demo has a minute in all.
  const simProvider = others.find((m) => m.kind === 'GpuProvider' && (m.spec as GpuProvider['spec']).type === 'sim');
  if (simProvider) (simProvider.spec as GpuProvider['spec']).sim = { ...(simProvider.spec as GpuProvider['spec']).sim, bootSeconds: DEMO_BOOT_SECONDS };

  // The first launch meets an offer the catalogue still lists but that just ran out:
  // the controller must mark it unavailable and buy the next one in the same reconcile.
  cloud.failNextCreate(new InsufficientCapacityError('no capacity left in this zone for the requested instance type'));

  console.log(`gpu-provisioner demo: in-memory cluster, sim cloud (machines boot in ${DEMO_BOOT_SECONDS} s here), ${requests.length} GpuRequests from examples/\n`);
  console.log(row(COLUMNS));
  const lastRow = new Map<string, string>();
  const firstSeen = new Map<string, number>();
  const readyAt = new Map<string, number>();
  const print = (r: GpuRequest, deleted = false) => {
    const key = `${r.metadata.namespace}/${r.metadata.name}`;
    const text = requestRow(r, clock.now(), deleted ? 'Deleted' : undefined);
    const compare = text.replace(/\S+$/, '');
    if (lastRow.get(key) === compare) return;
    lastRow.set(key, compare);
    console.log(text);
  };
  const watch = cluster.watch<GpuRequest>(Kinds.GpuRequest, {}, (e) => {
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (!firstSeen.has(key)) firstSeen.set(key, Date.now());
    if (e.object.status?.phase === 'Ready' && !readyAt.has(key)) readyAt.set(key, Date.now());
    print(e.object, e.type === 'DELETED');
  });

  operator.start();
  const applyAll = async (objs: KubeObject[]) => {
    for (const obj of objs) {
      const kind = kindOf(obj);
      if (!kind) continue;
      try {
        await cluster.create(kind, applyDefaults(obj));
      } catch (e) {
        console.log(`refused ${obj.kind}/${obj.metadata.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  // As an admin would: providers first, and wait until each has said whether it works.
  await applyAll(others);
  const providersChecked = async () =>
    (await cluster.list<GpuProvider>(Kinds.GpuProvider)).every((p) => p.status?.conditions?.some((c) => c.type === 'Ready'));
  while (Date.now() - started < 10_000 && !(await providersChecked())) await clock.sleep(100);
  await applyAll(requests);

  const list = () => cluster.list<GpuRequest>(Kinds.GpuRequest);
  const settled = (r: GpuRequest) => r.status?.phase === 'Ready' || (r.status?.phase === 'Pending' && !!r.status.message);
  while (Date.now() - started < DEADLINE_MS && !(await list()).every(settled)) await clock.sleep(200);

  // A spot machine gets its two-minute warning: the node is fenced, a replacement is
  // bought on another pool at once, and the old machine is drained and terminated.
  const spot = (await list()).find((r) => r.status?.phase === 'Ready' && r.status.nodes?.some((n) => n.capacityType === 'spot'));
  const doomed = spot?.status?.nodes?.find((n) => n.capacityType === 'spot');
  if (spot && doomed) {
    console.log(`
(the sim cloud sends a spot interruption notice for ${doomed.instanceId}, node ${doomed.nodeName})`);
    cloud.interrupt(doomed.instanceId, 'spot-interruption', 120_000);
    const replaced = async () => {
      const r = await cluster.get<GpuRequest>(Kinds.GpuRequest, spot.metadata.name, spot.metadata.namespace);
      return r?.status?.phase === 'Ready' && !r.status.retiring?.length && !r.status.nodes?.some((n) => n.instanceId === doomed.instanceId);
    };
    while (Date.now() - started < DEADLINE_MS && !(await replaced())) await clock.sleep(200);
  }

  const ready = (await list()).filter((r) => r.status?.phase === 'Ready');
  const snapshot = await list();
  const victim = ready.find((r) => r.metadata.name !== spot?.metadata.name) ?? ready[0];
  if (victim) {
    console.log(`\n$ kubectl delete gpurequest -n ${victim.metadata.namespace} ${victim.metadata.name}`);
    await cluster.delete(Kinds.GpuRequest, victim.metadata.name, victim.metadata.namespace);
    while (Date.now() - started < DEADLINE_MS && (await cluster.get(Kinds.GpuRequest, victim.metadata.name, victim.metadata.namespace))) {
      await clock.sleep(200);
    }
  }

  const running = (await Promise.all(operator.registry.all().map((p) => p.list()))).flat();
  const liveSlots = (await list()).flatMap((r) => (r.status?.nodes ?? []).filter((n) => n.instanceId && n.state !== 'Terminated'));
  watch.stop();
  await operator.stop(5_000);

  console.log('\nEvents (kubectl get events):');
  for (const e of cluster.events()) {
    if (e.type === 'Warning' || ['Launched', 'NodeReady', 'Terminated', 'Adopted', 'Interrupted'].includes(e.reason)) {
      console.log(`  ${e.type.padEnd(7)} ${e.reason.padEnd(20)} ${e.involved.kind}/${e.involved.name}: ${e.message}`);
    }
  }

  console.log('\nSummary');
  let hourly = 0;
  for (const r of snapshot) {
    const key = `${r.metadata.namespace}/${r.metadata.name}`;
    const s = r.status ?? {};
    const t = readyAt.get(key);
    const took = t ? `${((t - (firstSeen.get(key) ?? t)) / 1000).toFixed(1)}s to Ready` : (s.message ?? s.phase ?? '');
    hourly += Number(s.hourlyCost ?? 0);
    const where = (s.nodes ?? [])
      .filter((n) => n.state !== 'Terminated')
      .map((n) => `${n.instanceType}@${n.zone ?? n.region} ${n.capacityType} $${n.pricePerHour}/h`)
      .join(', ');
    console.log(`  ${key.padEnd(28)} ${String(s.phase).padEnd(8)} ${took}${where ? `  [${where}]` : ''}`);
  }
  const providers = await cluster.list<GpuProvider>(Kinds.GpuProvider);
  for (const p of providers) {
    const readyCond = p.status?.conditions?.find((c) => c.type === 'Ready');
    console.log(`  GpuProvider ${p.metadata.name.padEnd(12)} ${readyCond?.status === 'True' ? 'Ready' : 'NotReady'}: ${readyCond?.message ?? ''}`);
  }
  const unaccounted = running.filter((i) => !liveSlots.some((n) => n.instanceId === i.id));
  console.log(`  hourly cost of what was Ready: $${hourly.toFixed(2)}/h`);
  console.log(`  machines running at the end: ${running.length}, each held by a GpuRequest; unaccounted for: ${unaccounted.length}`);
  console.log(`  finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
