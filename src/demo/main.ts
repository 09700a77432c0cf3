/**
 * `npm run demo`: the operator's own controllers against an in-memory cluster and the
 * sim cloud, with no cluster and no credentials. It applies the manifests in
 * examples/, shows the GpuRequests moving through their phases as `kubectl get -w`
 * would (one capacity failover, one spot interruption fenced, replaced and drained,
 * one delete), then the GpuMachines left, and a summary of what was spent and saved.
 * Every line fits 100 columns.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { applyDefaults, formatInvalid, validateObject } from '../api/validate.js';
import type { GpuMachine, GpuProvider, GpuRequest } from '../api/types.js';
import { MemoryCluster } from '../kube/memory-cluster.js';
import { Kinds, type KubeObject } from '../kube/types.js';
import { Operator } from '../operator.js';
import { Labels } from '../api/constants.js';
import { InsufficientCapacityError } from '../providers/errors.js';
import { SIM_REGIONS } from '../providers/sim/catalog.js';
import { SimCloud } from '../providers/sim/sim-cloud.js';
import { simProviderFactory } from '../providers/sim/sim-provider.js';
import { RealClock } from '../util/clock.js';
import { createLogger } from '../util/logger.js';
import { spentBy, spotSaving, unaccounted, wrap } from './ledger.js';
import { TERMINAL_WIDTH, fitCell, machineTable, requestCells, requestTable } from './table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEADLINE_MS = 50_000;
const DEMO_BOOT_SECONDS = 3;
const SHOWN_EVENTS = ['Launched', 'Terminated', 'Adopted', 'Interrupted', 'MachineCreated', 'Replaced'];

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
const keyOf = (obj: KubeObject) => `${obj.metadata.namespace}/${obj.metadata.name}`;
const say = (text = '') => console.log(fitCell(text, TERMINAL_WIDTH).trimEnd());
const usd = (n: number) => `$${n.toFixed(4)}`;

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
    // A minute in all: quick polls, and cost brought up to date every few seconds so the summary is current.
    lifecycle: { clusterName: 'demo', pollMs: 400, joinTimeoutMs: 30_000, noFitRequeueMs: 5_000, interruptionPollMs: 500, costIntervalMs: 3_000 },
  });
  const problems: string[] = [];
  const waitFor = async (what: string, done: () => Promise<boolean>): Promise<boolean> => {
    while (Date.now() - started < DEADLINE_MS) {
      if (await done()) return true;
      await clock.sleep(200);
    }
    problems.push(`${what} did not happen within ${DEADLINE_MS / 1000} s`);
    return false;
  };

  // Only the sim cloud can be reached without credentials; the other GpuProviders in
  // examples/ are applied too and say on their status what they are missing.
  const manifests = loadExamples();
  const requests = manifests.filter((m) => m.kind === 'GpuRequest') as GpuRequest[];
  // The example Secrets hold placeholders: the demo never calls a real cloud.
  const others = manifests.filter((m) => m.kind !== 'GpuRequest' && m.kind !== 'Secret');
  // Machines of the example simulated account boot in 45 s; the demo has a minute in all.
  for (const m of others) {
    const spec = m.spec as GpuProvider['spec'] | undefined;
    if (m.kind === 'GpuProvider' && spec?.sim) spec.sim = { ...spec.sim, bootSeconds: DEMO_BOOT_SECONDS };
  }

  // The first launch meets an offer the catalogue still lists but that just ran out:
  // the controller must mark it unavailable and buy the next one in the same reconcile.
  cloud.failNextCreate(new InsufficientCapacityError('no capacity left in this zone for the requested instance type'));

  say(`gpu-provisioner demo: in-memory cluster, sim cloud (machines boot in ${DEMO_BOOT_SECONDS} s here),`);
  say(`${requests.length} GpuRequests from examples/`);
  say();
  say('$ kubectl get gpurequests -A -w');
  const table = requestTable(requests, SIM_REGIONS.map((r) => r.name));
  console.log(table.header());

  const printed = new Map<string, string>();
  const phases = new Map<string, string[]>();
  const latest = new Map<string, GpuRequest>();
  const deleted = new Set<string>();
  const firstSeen = new Map<string, number>();
  const readyAt = new Map<string, number>();
  // Every GpuMachine as last seen, those deleted since included: their run time is what spot saved.
  const machinesSeen = new Map<string, GpuMachine>();

  const requestWatch = cluster.watch<GpuRequest>(Kinds.GpuRequest, {}, (e) => {
    const key = keyOf(e.object);
    const gone = e.type === 'DELETED';
    if (gone) deleted.add(key);
    latest.set(key, e.object);
    if (!firstSeen.has(key)) firstSeen.set(key, Date.now());
    if (e.object.status?.phase === 'Ready' && !readyAt.has(key)) readyAt.set(key, Date.now());
    // Every change of what the table shows is printed, so no phase passes unseen.
    const cells = requestCells(e.object, gone ? 'Deleted' : undefined);
    const line = table.row(cells);
    if (printed.get(key) === line) return;
    printed.set(key, line);
    const phase = cells.at(-1)!;
    const seen = phases.get(key) ?? [];
    if (phase && seen.at(-1) !== phase) phases.set(key, [...seen, phase]);
    console.log(line);
  });
  const machineWatch = cluster.watch<GpuMachine>(Kinds.GpuMachine, {}, (e) => machinesSeen.set(keyOf(e.object), e.object));

  operator.start();
  const applyAll = async (objs: KubeObject[]) => {
    for (const obj of objs) {
      const kind = kindOf(obj);
      if (!kind) continue;
      try {
        await cluster.create(kind, applyDefaults(obj));
      } catch (e) {
        say(`refused ${obj.kind}/${obj.metadata.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  // As an admin would: providers first, and wait until each has said whether it works.
  await applyAll(others);
  await waitFor('every GpuProvider reporting Ready or not', async () =>
    (await cluster.list<GpuProvider>(Kinds.GpuProvider)).every((p) => p.status?.conditions?.some((c) => c.type === 'Ready')),
  );
  await applyAll(requests);

  const listRequests = () => cluster.list<GpuRequest>(Kinds.GpuRequest);
  const listMachines = () => cluster.list<GpuMachine>(Kinds.GpuMachine);
  const settled = (r: GpuRequest) => r.status?.phase === 'Ready' || (r.status?.phase === 'Pending' && !!r.status.message);
  await waitFor('every GpuRequest Ready or saying why not', async () => (await listRequests()).every(settled));

  // A spot machine gets its two-minute warning: the node is fenced, a replacement is
  // bought on another pool at once, and the old machine is drained and terminated.
  const doomed = (await listMachines()).find((m) => m.status?.phase === 'Ready' && m.status.capacityType === 'spot');
  const doomedRequest = doomed?.metadata.labels?.[Labels.requestName];
  if (doomed?.status?.instanceId) {
    say();
    say(`(the sim cloud sends a spot interruption notice for ${doomed.status.instanceId}, GpuMachine of ${doomed.metadata.namespace}/${doomedRequest})`);
    cloud.interrupt(doomed.status.instanceId, 'spot-interruption', 120_000);
    const replaced = await waitFor('the interrupted machine replaced and drained', async () => {
      const machines = await listMachines();
      const req = await cluster.get<GpuRequest>(Kinds.GpuRequest, doomedRequest ?? '', doomed.metadata.namespace);
      return (
        req?.status?.phase === 'Ready' &&
        !machines.some((m) => m.metadata.name === doomed.metadata.name) &&
        machines.some((m) => m.spec.replaces === doomed.metadata.name && m.status?.phase === 'Ready')
      );
    });
    if (replaced) {
      const by = (await listMachines()).find((m) => m.spec.replaces === doomed.metadata.name)!;
      say(`(${by.metadata.name} replaced it on ${by.status?.instanceType} ${by.status?.capacityType} in ${by.status?.zone};`);
      say(` the old node was cordoned, drained and its instance terminated)`);
    }
  } else {
    problems.push('no Ready spot machine to interrupt');
  }

  const ready = (await listRequests()).filter((r) => r.status?.phase === 'Ready');
  const victim = ready.find((r) => r.metadata.name !== doomedRequest) ?? ready[0];
  if (victim) {
    say();
    say(`$ kubectl delete gpurequest -n ${victim.metadata.namespace} ${victim.metadata.name}`);
    await cluster.delete(Kinds.GpuRequest, victim.metadata.name, victim.metadata.namespace);
    await waitFor(`GpuRequest ${victim.metadata.name} gone`, async () => !(await cluster.get(Kinds.GpuRequest, victim.metadata.name, victim.metadata.namespace)));
  } else {
    problems.push('no Ready GpuRequest to delete');
  }

  const machines = await listMachines();
  const billed = cloud.ledger().filter((i) => i.state !== 'terminated');
  const orphans = unaccounted(billed, machines);
  const now = Date.now();
  requestWatch.stop();
  machineWatch.stop();
  await operator.stop(5_000);

  say();
  say('$ kubectl get gpumachines -A');
  for (const line of machineTable(machines)) console.log(line);

  say();
  say('Events (kubectl get events -A), launches, failures, interruptions and terminations:');
  for (const e of cluster.events()) {
    if (e.type !== 'Warning' && !SHOWN_EVENTS.includes(e.reason)) continue;
    const lines = wrap(`${e.type} ${e.reason} ${e.involved.kind}/${e.involved.name}: ${e.message}`, TERMINAL_WIDTH, '  ');
    lines.forEach((l, i) => console.log(i === 0 ? l : `    ${l.trimStart()}`));
  }

  say();
  say('Summary');
  let hourly = 0;
  let spent = 0;
  for (const [key, r] of [...latest.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const s = r.status ?? {};
    const gone = deleted.has(key);
    const t = readyAt.get(key);
    const took = t ? `${((t - (firstSeen.get(key) ?? t)) / 1000).toFixed(1)} s to Ready` : 'never Ready';
    if (!gone) hourly += Number(s.hourlyCost ?? 0);
    spent += spentBy(r);
    const now = gone ? 'Deleted' : (s.phase ?? '');
    const cost = `spent ${usd(spentBy(r))}, ${gone ? 'out of the totals below' : `now $${Number(s.hourlyCost ?? 0).toFixed(2)}/h`}`;
    say(`  ${key.padEnd(24)} ${now.padEnd(8)} ${took.padEnd(15)} ${cost}`);
    say(`  ${''.padEnd(24)} phases: ${(phases.get(key) ?? []).join(' → ')}`);
    if (!t && s.message) for (const l of wrap(s.message, TERMINAL_WIDTH, `  ${''.padEnd(24)} `)) console.log(l);
  }
  for (const p of await cluster.list<GpuProvider>(Kinds.GpuProvider)) {
    const readyCond = p.status?.conditions?.find((c) => c.type === 'Ready');
    say(`  GpuProvider ${p.metadata.name.padEnd(11)} ${readyCond?.status === 'True' ? 'Ready' : 'NotReady'}: ${readyCond?.message ?? ''}`);
  }
  const spot = [...machinesSeen.values()].filter((m) => m.status?.capacityType === 'spot' && m.status.launchedAt);
  const saved = spot.reduce((sum, m) => sum + spotSaving(m, now), 0);
  const live = [...latest.keys()].filter((k) => !deleted.has(k)).length;
  say(`  hourly cost now: $${hourly.toFixed(2)}/h for the ${live} GpuRequests left (deleted ones leave the total)`);
  say(`  spent: ${usd(spent)} in all (status.accumulatedCost of every GpuRequest, deleted ones included)`);
  say(`  saved by spot: ${usd(saved)} (on-demand less spot price of ${spot.length} spot GpuMachines, over their run)`);
  const unlaunched = machines.filter((m) => !m.status?.instanceId).length;
  say(`  machines running at the end: ${billed.length} billed by the sim cloud, held by ${billed.length - orphans.length} GpuMachines`);
  say(`    (${machines.length} GpuMachines, ${unlaunched} with nothing bought); unaccounted for: ${orphans.length}`);
  for (const i of orphans) say(`    ${i.id} ${i.instanceType} ${i.state}: no GpuMachine holds it`);
  for (const p of problems) say(`  problem: ${p}`);
  say(`  finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (problems.length || orphans.length) throw new Error(`the demo did not go as it should: ${[...problems, ...orphans.map((i) => `${i.id} unaccounted for`)].join('; ')}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
