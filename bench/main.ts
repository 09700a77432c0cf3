/**
 * `npm run bench`: the operator's production wiring (Operator with the default
 * lifecycle options, RealClock, the client-node adapter and its informer cache),
 * compiled to JavaScript and run by plain node as the image runs `dist/main.js`, in a
 * process of its own (operator-process.ts). Its world runs in another process, as a
 * cluster and a cloud do: an API server over HTTP on the in-memory cluster
 * (test/kube/fake-api-server.ts), the sim cloud at a set provider latency served over
 * HTTP (remote-sim.ts), and the sim's kubelets. RSS and CPU are the operator process's
 * alone. One line per scenario, each with fresh processes:
 *
 *   - N single-node GpuRequests (--sizes, default 1000,10000): time to all Ready, create →
 *     launch call over the sim latency (from each request's creation to the start of its
 *     first create call in the sim cloud's call log), price listings per provider per
 *     refresh, peak RSS, CPU of one full resync once all are Ready; at the first size
 *     also capacity error → next launch call (the cheapest offers are out of capacity)
 *     and notice → replacement launch call for simultaneous interruptions, reaching the
 *     operator's own InterruptionPoller through the sim's long poll, which answers as
 *     soon as a notice is sent, as SQS does for AWS (for a provider that can only be
 *     polled, the poller's production interval would be the floor);
 *   - --rate-limited single-node GpuRequests (default 1000) against a sim GpuProvider
 *     that keeps to AWS's default rate limit: the same figures, and create → launch call
 *     over the provider's own time for each request (its latency plus the wait its rate
 *     limit alone imposes), which is what is left of the launch time for the operator
 *     to add when a provider's limit, not its latency, decides when launches go;
 *   - one GpuRequest of --nodes nodes (default 100): time to all Ready.
 *
 * A scenario that does not finish within --cap-s says what it reached. `--json` prints
 * the headline figures as one JSON object on the last line.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { Labels } from '../src/api/constants.js';
import { parseDuration } from '../src/api/duration.js';
import type { GpuMachine, GpuProvider, GpuRequest } from '../src/api/types.js';
import { applyDefaults } from '../src/api/validate.js';
import { defaultLifecycleOptions } from '../src/controller/context.js';
import type { ControllerStats } from '../src/controller/runtime/manager.js';
import { Kinds, type KubeObject } from '../src/kube/types.js';
import { awsDefinition } from '../src/providers/aws/definition.js';
import { isInsufficientCapacity } from '../src/providers/errors.js';
import { SimCloud, type SimAccount } from '../src/providers/sim/sim-cloud.js';
import type { Instance, LaunchRequest } from '../src/providers/types.js';
import { RealClock } from '../src/util/clock.js';
import { FakeApiServer } from '../test/kube/fake-api-server.js';
import { heapLimitMi } from './heap-limit.js';
import type { OperatorAsk, OperatorStart, ResyncFigures } from './operator-process.js';
import { serveSim } from './remote-sim.js';

const SCRIPT = fileURLToPath(import.meta.url);
/**
 * The heap limit the chart gives the operator with its default memory limit: the
 * operator process runs with it, as it runs in the cluster.
 */
const CHART_VALUES = fileURLToPath(new URL(SCRIPT.endsWith('.ts') ? '../charts/gpu-provisioner/values.yaml' : '../../charts/gpu-provisioner/values.yaml', import.meta.url));
const CHART_MEMORY_LIMIT = (parseYaml(readFileSync(CHART_VALUES, 'utf8')) as { resources?: { limits?: { memory?: string } } }).resources?.limits?.memory;
const HEAP_LIMIT_MI = heapLimitMi(CHART_MEMORY_LIMIT);
/** Next to this file, compiled (.js) or not (.ts, under tsx as the test runs it). */
const OPERATOR_SCRIPT = SCRIPT.replace(/main\.(ts|js)$/, 'operator-process.$1');
const API_VERSION = 'gpu-provisioner.dev/v1alpha1';
/** One instance type for every request, so capacity is set in one place and every request prices the same offers. */
const INSTANCE_TYPE = 'g-l4x1';
const GPU_MODEL = 'L4';
/** The cheapest offers of that type: out of capacity in the run that measures failover. */
const EXHAUSTED = ['sim-us-east-1/sim-us-east-1a/g-l4x1/spot', 'sim-us-east-1/sim-us-east-1b/g-l4x1/spot'];

interface Settings {
  sizes: number[];
  nodes: number;
  latencyMs: number;
  bootMs: number;
  capS: number;
  interruptions: number;
  /** Requests in the scenario whose sim GpuProvider keeps to AWS's default rate limit (0: none). */
  rateLimited: number;
  json: boolean;
}

type RateLimit = { requestsPerSecond: number; burst: number; maxConcurrent: number };

type Scenario =
  | { kind: 'requests'; n: number; failover: boolean; interruptions: number; rateLimit?: RateLimit }
  | { kind: 'nodes'; n: number };

/**
 * The limits the operator keeps to with an AWS account by default, set on the sim
 * GpuProvider's spec.rateLimit: the scenario in which the provider's rate limit, not its
 * latency, decides when a burst's launch calls can go.
 */
const AWS_LIMITS: RateLimit = {
  requestsPerSecond: awsDefinition.limits.requestsPerSecond!,
  burst: awsDefinition.limits.burst!,
  maxConcurrent: awsDefinition.limits.maxConcurrent!,
};

/** What one scenario measured; absent figures were not reached. */
interface Result {
  scenario: Scenario;
  requested: number;
  ready: number;
  readyS?: number;
  /** When the bench gave up waiting, in s from the first create: the cap, or later when timers were starved. */
  cappedAtS?: number;
  capS: number;
  launchOverLatency: { p50: number; p95: number; n: number };
  /**
   * With a rate limit: create → launch call over the provider's own time for it, its
   * latency plus the wait its token bucket alone imposes on the i-th request of the
   * burst (see providerTime).
   */
  launchOverProviderTime?: { p50: number; p95: number; n: number };
  /** Calls the operator made of the sim cloud, by method. */
  providerCalls: Record<string, number>;
  /** Medians of each leg of create → launch call: the GpuRequest created → its GpuMachine created → the launch call. */
  launchLegsP50Ms: { machineCreated: number; launchCall: number };
  listingsPerProviderPerRefresh: number;
  listings: number;
  refreshes: number;
  refreshMs: number;
  rssMb: number;
  /** The operator's heap after a full GC at the end: what it holds, as against its peak RSS. */
  liveHeapMb: number;
  cpuToReadyS: number;
  resync?: ResyncFigures;
  failover?: { p50Ms: number; p95Ms: number; n: number };
  interruption?: {
    p50Ms: number;
    p95Ms: number;
    n: number;
    replaced: number;
    pollMs: number;
    /** Medians of each leg: notice → recorded on the GpuMachine → replacement GpuMachine created → its launch call. */
    legsP50Ms: { recorded: number; replacementCreated: number; launchCall: number };
  };
  reconciles: Record<string, number>;
  /** Requests the operator made of the API server (watches apart), by method and resource. */
  apiCalls: Record<string, number>;
}

function parseArgs(argv: string[]): Settings & { scenario?: Scenario } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of 0 or more, not "${raw}"`);
    return n;
  };
  const sizes = (value('--sizes') ?? '1000,10000').split(',').filter(Boolean).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--sizes must be whole numbers above 0 separated by commas, not "${s}"`);
    return n;
  });
  const scenario = value('--scenario');
  return {
    sizes,
    nodes: number('--nodes', 100),
    latencyMs: number('--latency-ms', 50),
    bootMs: number('--boot-ms', 500),
    capS: number('--cap-s', 300),
    interruptions: number('--interruptions', 100),
    rateLimited: number('--rate-limited', 1000),
    json: argv.includes('--json'),
    scenario: scenario ? (JSON.parse(scenario) as Scenario) : undefined,
  };
}

/**
 * The provider's own time for each request of a burst, in creation order: its latency,
 * plus the wait for the token the provider's rate limit lets the i-th launch have (the
 * bucket full at the first create, refilled at requestsPerSecond), as if nothing but
 * launches used tokens and each launch were asked for the instant its request was made.
 * The operator's own calls (price listings, interruption polls) come out of the same
 * bucket, so anything they take shows as the operator's.
 */
function providerTime(limit: RateLimit, latencyMs: number, t0: number, createdAt: number[]): number[] {
  return createdAt.map((c, i) => {
    const token = t0 + (Math.max(0, i + 1 - limit.burst) * 1000) / limit.requestsPerSecond;
    return Math.max(0, token - c) + latencyMs;
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The sim cloud, remembering when each create failed for capacity (the call log has only call starts). */
class TimedSimCloud extends SimCloud {
  readonly capacityErrors: { key: string; at: number }[] = [];

  override create(account: SimAccount, req: LaunchRequest): Instance {
    try {
      return super.create(account, req);
    } catch (e) {
      if (isInsufficientCapacity(e)) this.capacityErrors.push({ key: req.idempotencyKey, at: Date.now() });
      throw e;
    }
  }
}

/** Start of each GpuMachine's create calls, by machine name, oldest first. */
function createCalls(cloud: SimCloud): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const c of cloud.calls) {
    if (c.method !== 'create') continue;
    const key = /key=(\S+)/.exec(c.args)?.[1];
    if (!key) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), c.at]);
  }
  return byKey;
}

/** The operator's process, asked one question at a time over IPC. */
class OperatorProcess {
  private readonly child: ChildProcess;
  private pending: ((m: Record<string, unknown>) => void) | undefined;

  constructor() {
    // --expose-gc only so the live heap can be told apart from the peak at the end.
    const heap = HEAP_LIMIT_MI === undefined ? [] : [`--max-old-space-size=${HEAP_LIMIT_MI}`];
    this.child = fork(OPERATOR_SCRIPT, [], { execArgv: [...process.execArgv, ...heap, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Record<string, unknown>) => {
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(m);
    });
    this.child.on('exit', (code) => {
      if (code !== 0 && this.pending) throw new Error(`the operator process exited with ${code}`);
    });
  }

  private exchange(message: OperatorStart | OperatorAsk): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.child.send(message);
    });
  }

  async start(start: OperatorStart): Promise<void> {
    await this.exchange(start);
  }
  async stats(): Promise<ControllerStats[]> {
    return (await this.exchange({ ask: 'stats' })).stats as ControllerStats[];
  }
  async cpuS(): Promise<number> {
    return (await this.exchange({ ask: 'cpu' })).cpuS as number;
  }
  async resync(capS: number): Promise<ResyncFigures> {
    return (await this.exchange({ ask: 'resync', capS })).resync as ResyncFigures;
  }
  /** Stops the operator; its reconcile counts at the end and its peak RSS. */
  async stop(): Promise<{ stats: ControllerStats[]; rssMb: number; liveHeapMb: number }> {
    return (await this.exchange({ ask: 'stop' })) as { stats: ControllerStats[]; rssMb: number; liveHeapMb: number };
  }
}

async function runScenario(s: Settings, scenario: Scenario): Promise<Result> {
  const clock = new RealClock();
  const api = new FakeApiServer();
  const cluster = api.cluster;
  const apiUrl = await api.start();
  const cloud = new TimedSimCloud({ clock, bootMs: s.bootMs, terminateMs: 100 });
  cloud.setCapacity((o) => o.instanceType.name === INSTANCE_TYPE, 3 * scenario.n + 1000);
  const sim = await serveSim(cloud, cluster, clock);
  const operator = new OperatorProcess();
  const provider = applyDefaults({
    apiVersion: API_VERSION,
    kind: 'GpuProvider',
    metadata: { name: 'sim' },
    spec: {
      type: 'sim',
      sim: { callLatencyMs: s.latencyMs },
      ...(scenario.kind === 'requests' && scenario.rateLimit ? { rateLimit: scenario.rateLimit } : {}),
    },
  } as KubeObject) as GpuProvider;
  await cluster.create(Kinds.GpuProvider, provider);
  const operatorStart = Date.now();
  await operator.start({ apiUrl, simUrl: sim.url, clusterName: 'bench' });
  const until = async (done: () => boolean, deadline: number): Promise<boolean> => {
    while (Date.now() < deadline) {
      if (done()) return true;
      await clock.sleep(20);
    }
    return done();
  };
  let providerReady = false;
  const providerWatch = cluster.watch<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(Kinds.GpuProvider, {}, (e) => {
    providerReady = !!e.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  });
  if (!(await until(() => providerReady, Date.now() + 30_000))) {
    const gp = await cluster.get<GpuProvider>(Kinds.GpuProvider, 'sim');
    throw new Error(`the sim GpuProvider did not become Ready within 30 s: ${JSON.stringify(gp?.status ?? {})}`);
  }
  providerWatch.stop();
  if (scenario.kind === 'requests' && scenario.failover) for (const key of EXHAUSTED) cloud.insufficientCapacity(key);

  // Ready is seen on the watch, as a client would see it; no list of everything while the operator works.
  const readyAt = new Map<string, number>();
  const requestWatch = cluster.watch<GpuRequest>(Kinds.GpuRequest, {}, (e) => {
    if (e.object.status?.phase === 'Ready' && !readyAt.has(e.object.metadata.name)) readyAt.set(e.object.metadata.name, Date.now());
  });
  const cpuBefore = await operator.cpuS();
  const createdAt = new Map<string, number>();
  const t0 = Date.now();
  const deadline = t0 + s.capS * 1000;
  const count = scenario.kind === 'requests' ? scenario.n : 1;
  for (let i = 0; i < count; i++) {
    const name = `bench-${i}`;
    createdAt.set(name, Date.now());
    await cluster.create(
      Kinds.GpuRequest,
      applyDefaults({
        apiVersion: API_VERSION,
        kind: 'GpuRequest',
        metadata: { name, namespace: 'bench' },
        spec: { gpu: { model: GPU_MODEL, count: 1 }, nodes: scenario.kind === 'nodes' ? scenario.n : 1, capacityTypes: ['spot', 'on-demand'] },
      } as KubeObject),
    );
  }
  const allReady = await until(() => readyAt.size >= count, deadline);
  const readyS = allReady ? (Math.max(...readyAt.values()) - t0) / 1000 : undefined;
  const cpuToReady = (await operator.cpuS()) - cpuBefore;

  const machines = await cluster.list<GpuMachine>(Kinds.GpuMachine);
  const calls = createCalls(cloud);
  const firstLaunch: number[] = [];
  const machineCreated: number[] = [];
  const machineToLaunch: number[] = [];
  for (const m of machines) {
    const request = m.metadata.labels?.[Labels.requestName];
    const at = calls.get(m.metadata.name)?.[0];
    if (!request || at === undefined || m.spec.replaces) continue;
    firstLaunch.push(at - createdAt.get(request)!);
    const madeAt = Date.parse(m.metadata.creationTimestamp!);
    machineCreated.push(madeAt - createdAt.get(request)!);
    machineToLaunch.push(at - madeAt);
  }
  const overLatency = firstLaunch.map((ms) => ms / s.latencyMs);
  let overProviderTime: number[] | undefined;
  if (scenario.kind === 'requests' && scenario.rateLimit) {
    const own = providerTime(scenario.rateLimit, s.latencyMs, t0, [...createdAt.values()]);
    const names = [...createdAt.keys()];
    const launchOf = new Map<string, number>();
    for (const m of machines) {
      const request = m.metadata.labels?.[Labels.requestName];
      const at = calls.get(m.metadata.name)?.[0];
      if (request && at !== undefined && !m.spec.replaces) launchOf.set(request, at);
    }
    overProviderTime = names.flatMap((name, i) => {
      const at = launchOf.get(name);
      return at === undefined ? [] : [(at - createdAt.get(name)!) / own[i]!];
    });
  }
  // Listings by provider and by refresh interval since the operator started (its credential check lists too):
  // the most any provider made in one interval.
  const refreshMs = parseDuration(provider.spec.priceRefreshInterval ?? '5m');
  const perWindow = new Map<string, number>();
  for (const c of cloud.calls) {
    if (c.method !== 'listOffers') continue;
    const window = `${c.provider}/${Math.floor((c.at - operatorStart) / refreshMs)}`;
    perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
  }
  const listings = [...perWindow.values()].reduce((a, b) => a + b, 0);
  const refreshes = Math.max(1, Math.ceil((Date.now() - operatorStart) / refreshMs));

  const result: Result = {
    scenario,
    requested: count,
    ready: readyAt.size,
    readyS,
    cappedAtS: allReady ? undefined : (Date.now() - t0) / 1000,
    capS: s.capS,
    launchOverLatency: { p50: quantile(overLatency, 0.5), p95: quantile(overLatency, 0.95), n: overLatency.length },
    launchOverProviderTime: overProviderTime && { p50: quantile(overProviderTime, 0.5), p95: quantile(overProviderTime, 0.95), n: overProviderTime.length },
    providerCalls: {},
    launchLegsP50Ms: { machineCreated: quantile(machineCreated, 0.5), launchCall: quantile(machineToLaunch, 0.5) },
    listingsPerProviderPerRefresh: Math.max(0, ...perWindow.values()),
    listings,
    refreshes,
    refreshMs,
    rssMb: 0,
    liveHeapMb: 0,
    cpuToReadyS: cpuToReady,
    reconciles: {},
    apiCalls: {},
  };

  if (scenario.kind === 'requests' && scenario.failover) {
    const gaps = cloud.capacityErrors
      .map((err) => {
        const next = calls.get(err.key)?.find((at) => at >= err.at);
        return next === undefined ? undefined : next - err.at;
      })
      .filter((ms): ms is number => ms !== undefined);
    result.failover = { p50Ms: quantile(gaps, 0.5), p95Ms: quantile(gaps, 0.95), n: gaps.length };
  }

  if (allReady) result.resync = await operator.resync(s.capS);

  if (allReady && scenario.kind === 'requests' && scenario.interruptions > 0) {
    // Simultaneous notices from the cloud, answered into the operator's open long poll as they are sent.
    const victims = machines.filter((m) => m.status?.capacityType === 'spot' && m.status.instanceId).slice(0, scenario.interruptions);
    const noticeAt = new Map<string, number>();
    const replacements = new Map<string, string>();
    const gaps = new Map<string, number>();
    // The legs of the way, as seen on the watch: the notice recorded on the machine, its replacement created.
    const recordedAt = new Map<string, number>();
    const replacementAt = new Map<string, number>();
    const machineWatch = cluster.watch<GpuMachine>(Kinds.GpuMachine, {}, (e) => {
      const name = e.object.metadata.name;
      if (noticeAt.has(name) && e.object.status?.interruption && !recordedAt.has(name)) recordedAt.set(name, Date.now());
      const replaced = e.object.spec.replaces;
      if (replaced && noticeAt.has(replaced) && !replacements.has(name)) {
        replacements.set(name, replaced);
        replacementAt.set(replaced, Date.now());
      }
    });
    // The watch's first listing of every machine is delivered before the clock starts.
    await new Promise((resolve) => setImmediate(resolve));
    for (const m of victims) noticeAt.set(m.metadata.name, cloud.interrupt(m.status!.instanceId!, 'spot-interruption', 120_000).receivedAt);
    await until(() => {
      const launches = createCalls(cloud);
      for (const [machine, replaced] of replacements) {
        const at = launches.get(machine)?.[0];
        if (at !== undefined && !gaps.has(replaced)) gaps.set(replaced, at - noticeAt.get(replaced)!);
      }
      return gaps.size >= victims.length;
    }, Date.now() + 60_000);
    machineWatch.stop();
    const values = [...gaps.values()];
    const leg = (from: Map<string, number>, to: Map<string, number>) =>
      quantile(
        [...to.entries()].filter(([k]) => from.has(k)).map(([k, at]) => at - from.get(k)!),
        0.5,
      );
    const launchAt = new Map([...gaps.entries()].map(([k, gap]) => [k, noticeAt.get(k)! + gap]));
    result.interruption = {
      p50Ms: quantile(values, 0.5),
      p95Ms: quantile(values, 0.95),
      n: victims.length,
      replaced: values.length,
      pollMs: defaultLifecycleOptions.interruptionPollMs,
      legsP50Ms: { recorded: leg(noticeAt, recordedAt), replacementCreated: leg(recordedAt, replacementAt), launchCall: leg(replacementAt, launchAt) },
    };
  }

  requestWatch.stop();
  const end = await operator.stop();
  for (const c of cloud.calls) result.providerCalls[c.method] = (result.providerCalls[c.method] ?? 0) + 1;
  result.apiCalls = {};
  for (const r of api.requests) {
    if (r.watch) continue;
    const key = `${r.method} ${r.path.split('/').filter((p) => !p.includes('-') && p !== 'bench' && p !== 'namespaces').slice(-2).join('/')}`;
    result.apiCalls[key] = (result.apiCalls[key] ?? 0) + 1;
  }
  for (const c of end.stats) result.reconciles[c.name] = c.reconciles;
  result.rssMb = end.rssMb;
  result.liveHeapMb = end.liveHeapMb;
  await sim.close();
  await api.stop();
  return result;
}

// ---- the parent: one child process per scenario, one line each ----

const fmt = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const thousands = (n: number) => n.toLocaleString('en-US');

function describe(r: Result): string {
  const sc = r.scenario;
  const what =
    sc.kind === 'requests'
      ? `${thousands(sc.n)} GpuRequests × 1 node` +
        (sc.rateLimit ? ` at AWS's default rate limit (${sc.rateLimit.requestsPerSecond}/s, burst ${sc.rateLimit.burst}, ${sc.rateLimit.maxConcurrent} at once)` : '')
      : `1 GpuRequest × ${thousands(sc.n)} nodes`;
  const parts = [
    r.readyS !== undefined ? `all Ready in ${fmt(r.readyS)} s` : `${thousands(r.ready)} of ${thousands(r.requested)} requests Ready after ${fmt(r.cappedAtS, 0)} s (cap ${r.capS} s)`,
    `create → launch call ${fmt(r.launchOverLatency.p50)}× / ${fmt(r.launchOverLatency.p95)}× the sim latency (p50 / p95, n=${r.launchOverLatency.n}` +
      (r.launchOverLatency.n < (sc.kind === 'requests' ? sc.n : sc.n) ? ` of ${sc.n}: the others had no launch call by the cap)` : ')') +
      ` (medians: create → GpuMachine created ${fmt(r.launchLegsP50Ms.machineCreated, 0)} ms → launch call ${fmt(r.launchLegsP50Ms.launchCall, 0)} ms)`,
    ...(r.launchOverProviderTime
      ? [
          `create → launch call ${fmt(r.launchOverProviderTime.p50, 2)}× / ${fmt(r.launchOverProviderTime.p95, 2)}× the provider's own time ` +
            `(p50 / p95, n=${r.launchOverProviderTime.n}: its latency plus the wait its rate limit alone imposes on each request of the burst)`,
        ]
      : []),
    `at most ${r.listingsPerProviderPerRefresh} price listing(s) per provider per refresh (${r.listings} in ${r.refreshes} ${Math.round(r.refreshMs / 1000)} s interval(s))`,
    `peak RSS ${fmt(r.rssMb, 0)} MB (live heap at the end ${fmt(r.liveHeapMb, 0)} MB)`,
    `CPU to Ready ${fmt(r.cpuToReadyS)} s`,
    !r.resync
      ? 'resync not measured (not all Ready)'
      : r.resync.drained
        ? `one full resync ${fmt(r.resync.cpuS, 2)} s CPU (${fmt(r.resync.wallS, 2)} s wall, ${thousands(r.resync.reconciles)} reconciles)`
        : `one full resync not drained within ${r.capS} s (${fmt(r.resync.cpuS, 2)} s CPU so far)`,
  ];
  if (r.failover) parts.push(`capacity error → next launch call p50 ${fmt(r.failover.p50Ms)} ms, p95 ${fmt(r.failover.p95Ms)} ms (n=${r.failover.n})`);
  if (r.interruption) {
    const i = r.interruption;
    parts.push(
      `notice → replacement launch call p50 ${fmt(i.p50Ms, 0)} ms, p95 ${fmt(i.p95Ms, 0)} ms (${i.replaced} of ${i.n} simultaneous; pushed: the sim answers the operator's open long poll as a notice is sent, as SQS does; ` +
        `a polled provider's floor is the ${i.pollMs} ms poll interval; ` +
        `medians: notice → recorded ${fmt(i.legsP50Ms.recorded, 0)} ms → replacement created ${fmt(i.legsP50Ms.replacementCreated, 0)} ms → launch call ${fmt(i.legsP50Ms.launchCall, 0)} ms)`,
    );
  }
  parts.push(`reconciles ${Object.entries(r.reconciles).map(([k, v]) => `${k} ${thousands(v)}`).join(', ')}`);
  const calls = Object.values(r.apiCalls).reduce((a, b) => a + b, 0);
  const machines = sc.kind === 'nodes' ? sc.n : r.requested;
  parts.push(`${fmt(calls / machines, 1)} API calls per machine (${Object.entries(r.apiCalls).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${thousands(v)}`).join(', ')})`);
  parts.push(`sim calls ${Object.entries(r.providerCalls).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${thousands(v)}`).join(', ')}`);
  return `${what}: ${parts.join('; ')}`;
}

function child(s: Settings, scenario: Scenario): Promise<Result> {
  const args = [
    ...process.execArgv,
    SCRIPT,
    '--scenario',
    JSON.stringify(scenario),
    '--latency-ms',
    String(s.latencyMs),
    '--boot-ms',
    String(s.bootMs),
    '--cap-s',
    String(s.capS),
  ];
  return new Promise((resolve, reject) => {
    // The child stops itself at the cap; this only catches one that hangs past it.
    execFile(process.execPath, args, { maxBuffer: 64 * 2 ** 20, timeout: (3 * s.capS + 120) * 1000 }, (error, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (error) return reject(new Error(`scenario ${JSON.stringify(scenario)} failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(last) as Result);
      } catch {
        reject(new Error(`scenario ${JSON.stringify(scenario)} printed no result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  if (s.scenario) {
    console.log(JSON.stringify(await runScenario(s, s.scenario)));
    return;
  }
  const scenarios: Scenario[] = [
    ...s.sizes.map((n, i): Scenario => ({ kind: 'requests', n, failover: i === 0, interruptions: i === 0 ? Math.min(s.interruptions, n) : 0 })),
    ...(s.rateLimited > 0 ? [{ kind: 'requests', n: s.rateLimited, failover: false, interruptions: 0, rateLimit: AWS_LIMITS } as Scenario] : []),
    ...(s.nodes > 0 ? [{ kind: 'nodes', n: s.nodes } as Scenario] : []),
  ];
  console.log(
    `bench: sim GpuProvider at ${s.latencyMs} ms per call, ${s.bootMs / 1000} s boots; Operator with default lifecycle options ` +
      `(clusterName bench), RealClock, client-node adapter, in a process of its own with the chart's heap limit ` +
      `(--max-old-space-size=${HEAP_LIMIT_MI ?? 'none'} for its ${CHART_MEMORY_LIMIT ?? 'missing'} memory limit); ` +
      `API server (in-memory, over HTTP) and sim cloud in another; cap ${s.capS} s per scenario; ` +
      `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs at the start`,
  );
  const results: Result[] = [];
  for (const scenario of scenarios) {
    const r = await child(s, scenario);
    results.push(r);
    console.log(describe(r));
  }
  if (s.json) {
    const single = (n: number) => results.find((r) => r.scenario.kind === 'requests' && !r.scenario.rateLimit && r.scenario.n === n);
    const limited = results.find((r) => r.scenario.kind === 'requests' && r.scenario.rateLimit && r.scenario.n === 1000);
    const first = results.find((r) => r.scenario.kind === 'requests' && r.scenario.failover);
    const nodes = results.find((r) => r.scenario.kind === 'nodes');
    const k1 = single(1000);
    const k10 = single(10000);
    const figures = {
      launch_over_latency_p50_1k: k1?.launchOverLatency.p50,
      launch_over_latency_p95_1k: k1?.launchOverLatency.p95,
      launch_over_provider_time_p50_1k_rate_limited: limited?.launchOverProviderTime?.p50,
      launch_over_provider_time_p95_1k_rate_limited: limited?.launchOverProviderTime?.p95,
      ready_s_1k: k1?.readyS,
      ready_s_10k: k10?.readyS,
      rss_mb_10k: k10?.readyS !== undefined ? k10.rssMb : undefined,
      resync_cpu_s_10k: k10?.resync?.drained ? k10.resync.cpuS : undefined,
      ready_s_100_nodes: nodes?.scenario.n === 100 ? nodes.readyS : undefined,
      capacity_error_to_next_launch_ms_p95: first?.failover?.p95Ms,
      notice_to_replacement_launch_ms_p95: first?.interruption?.p95Ms,
      price_listings_per_provider_per_refresh: Math.max(...results.map((r) => r.listingsPerProviderPerRefresh)),
      sim_latency_ms: s.latencyMs,
    };
    // A figure a capped scenario did not reach is null, never a number it did not measure.
    console.log(JSON.stringify(figures, (_k, v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Number(v.toFixed(3)) : v === undefined || typeof v === "number" ? null : v)));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
