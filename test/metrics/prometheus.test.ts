/**
 * Every dashboard panel on a real Prometheus (Debian's prometheus package, installed by
 * scripts/ensure-test-tools.sh): Prometheus scrapes /metrics of an operator running a
 * scripted day on the sim cloud every second, then each panel's query (with the
 * dashboard variables set to All, as Grafana sends them) is evaluated through the HTTP
 * API and its series checked against what the cluster says: spend equals the sum of the
 * running machines' prices, accumulated cost equals what the requests record, and so on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../src/api/constants.js';
import type { GpuBudget, GpuMachine, GpuRequest } from '../../src/api/types.js';
import { budgetSpend } from '../../src/controller/budget/spend.js';
import { hourlyPrice, isBilled, spotSavingsPerHour } from '../../src/controller/cost.js';
import { costOf } from '../../src/controller/request/summary.js';
import { Kinds } from '../../src/kube/types.js';
import { startHealthServer } from '../../src/metrics/server.js';
import { scriptedDay, type Day } from '../support/scripted-day.js';
import { ROOT } from './alert-rules.js';

const prometheusBinary = spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).status === 0;
if (!prometheusBinary) {
  console.warn('prometheus.test: no prometheus binary (Debian package prometheus; scripts/ensure-test-tools.sh installs it when run as root with apt); skipping');
}
const describeWithPrometheus = prometheusBinary ? describe : describe.skip;


interface Sample {
  metric: Record<string, string>;
  value: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

function panels(): { dashboard: string; panel: Panel }[] {
  const out: { dashboard: string; panel: Panel }[] = [];
  for (const f of readdirSync(join(ROOT, 'dashboards')).sort()) {
    const d = JSON.parse(readFileSync(join(ROOT, 'dashboards', f), 'utf8')) as { panels: Panel[] };
    for (const p of d.panels) if (p.type !== 'row') out.push({ dashboard: f, panel: p });
  }
  return out;
}

/** When the scripted day began (real time): rate() windows reach back to it, however slow the machine. */
let startedAt = Date.now();

/** The query as Grafana sends it with every variable at All (or as given), rates over the whole run. */
function substitute(expr: string, vars: Record<string, string> = {}): string {
  const window = `${Math.ceil((Date.now() - startedAt) / 1000) + 5}s`;
  return expr
    .replaceAll('$namespace', vars.namespace ?? '.*')
    .replaceAll('$provider', vars.provider ?? '.*')
    .replaceAll('$__rate_interval', window);
}

type Key = string;
const keyOf = (metric: Record<string, string>, labels: string[]): Key => labels.map((l) => metric[l] ?? '').join('/');

/** Sums `value` of the machines per label tuple. */
function sumBy(machines: GpuMachine[], labels: (m: GpuMachine) => string, value: (m: GpuMachine) => number): Record<Key, number> {
  const out: Record<Key, number> = {};
  for (const m of machines) out[labels(m)] = (out[labels(m)] ?? 0) + value(m);
  return out;
}

describeWithPrometheus('dashboards on a real Prometheus', () => {
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let promUrl: string;
  let day: Day;
  let health: { port: number; close(): Promise<void> };
  let machines: GpuMachine[];
  let requests: GpuRequest[];
  let budgets: GpuBudget[];
  let now: number;

  async function query(expr: string): Promise<Sample[]> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    if (body.data.resultType !== 'vector') throw new Error(`${expr}: ${body.data.resultType}, not a vector`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    let registryRef: Day['registry'] | undefined;
    day = await scriptedDay({
      beforeLaunches: async (f) => {
        registryRef = f.registry;
        health = await startHealthServer({ port: 0, host: '127.0.0.1', ready: () => ({ ok: true, message: 'ok' }), alive: () => ({ ok: true, message: 'ok' }), registry: f.registry });
        writeFileSync(
          join(dir, 'prometheus.yml'),
          `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: gpu-provisioner\n    static_configs: [{ targets: ['127.0.0.1:${health.port}'] }]\n`,
        );
        prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let log = '';
        prometheus.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
        // Until the first scrape has seen the event series at zero: the day's first events then show in rate().
        for (let i = 0; ; i++) {
          if (i > 300) throw new Error(`prometheus did not scrape the operator: ${log}`);
          await sleep(100);
          try {
            startedAt = Date.now();
            if ((await query('gpu_provisioner_machine_failovers_total{provider="sim"}')).length > 0) break;
          } catch {
            // not up yet
          }
        }
      },
    });
    if (!registryRef) throw new Error('the scripted day never reached its launches');
    // Two more scrapes of the final state.
    const end = Date.now() / 1000;
    for (let i = 0; ; i++) {
      if (i > 100) throw new Error('prometheus stopped scraping');
      const [s] = await query('timestamp(gpu_provisioner_leader_is_leader)');
      if (s && s.value > end + 1.5) break;
      await sleep(200);
    }
    machines = await day.cluster.list<GpuMachine>(Kinds.GpuMachine);
    requests = await day.cluster.list<GpuRequest>(Kinds.GpuRequest);
    budgets = await day.cluster.list<GpuBudget>(Kinds.GpuBudget);
    now = day.clock.now();
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await health?.close();
    await day?.operator.stop(1_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const billed = () => machines.filter(isBilled);
  const ns = (m: GpuMachine) => m.metadata.namespace ?? '';
  const accumulated = (r: GpuRequest) => {
    const own = machines.filter((m) => m.metadata.namespace === r.metadata.namespace && m.metadata.labels?.[Labels.requestUid] === r.metadata.uid);
    return Number(costOf(r.status ?? {}, own, now).accumulatedCost ?? 0);
  };
  const research = () => budgets.find((b) => b.metadata.name === 'research-cap')!;

  /** The expected series of each panel, by title: exact values, or a check on each value. */
  type Expect = { labels: string[]; values: Record<Key, number | ((v: number) => boolean)> };
  const positive = (v: number) => v > 0;
  const zeroOrMore = (v: number) => Number.isFinite(v) && v >= 0;
  /**
   * The bucket that holds the 90th percentile of what the operator observed (its own
   * histogram, all observations being after the first scrape): histogram_quantile must
   * land inside it.
   */
  const p90Bucket = (name: string) => async (): Promise<(v: number) => boolean> => {
    const metric = (await day.registry.getMetricsAsJSON()).find((m) => m.name === name) as unknown as {
      values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
    };
    const buckets = new Map<number, number>();
    for (const v of metric.values) {
      if (!v.metricName?.endsWith('_bucket') || v.labels.provider !== 'sim') continue;
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    }
    const bounds = [...buckets.keys()].sort((a, b) => a - b);
    const total = buckets.get(Infinity) ?? 0;
    const i = bounds.findIndex((le) => buckets.get(le)! >= 0.9 * total);
    const lo = i > 0 ? bounds[i - 1]! : 0;
    const hi = bounds[i]!;
    return (v: number) => total > 0 && v >= lo && v <= hi;
  };
  const histogram = (name: string) => async (): Promise<Expect> => ({ labels: ['provider'], values: { sim: await p90Bucket(name)() } });
  const CONTROLLERS = ['gpubudget', 'gpumachine', 'gpuprovider', 'gpurequest'];
  const perController = (check: (v: number) => boolean) => Object.fromEntries(CONTROLLERS.map((c) => [c, check]));

  const expectations: Record<string, () => Expect | Promise<Expect>> = {
    'Spend now': () => ({ labels: [], values: { '': billed().reduce((s, m) => s + hourlyPrice(m), 0) } }),
    'Spot savings now': () => ({ labels: [], values: { '': billed().reduce((s, m) => s + spotSavingsPerHour(m), 0) } }),
    'Accumulated cost': () => ({ labels: [], values: { '': requests.reduce((s, r) => s + accumulated(r), 0) } }),
    'Spend per namespace': () => ({ labels: ['namespace'], values: sumBy(billed(), ns, hourlyPrice) }),
    'Spend per provider and capacity type': () => ({
      labels: ['provider', 'capacity_type'],
      values: sumBy(billed(), (m) => `${m.status?.provider}/${m.status?.capacityType}`, hourlyPrice),
    }),
    'Accumulated cost per request': () => ({
      labels: ['namespace', 'request'],
      values: Object.fromEntries(requests.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, accumulated(r)])),
    }),
    'Spot savings per namespace': () => ({
      labels: ['namespace'],
      values: sumBy(billed().filter((m) => spotSavingsPerHour(m) > 0), ns, spotSavingsPerHour),
    }),
    'Budget usage': () => {
      const spend = budgetSpend(research(), machines, now);
      return { labels: ['namespace', 'budget', 'limit'], values: { 'research/research-cap/hourly': spend.hourly / 0.9, 'research/research-cap/period': spend.period / 50 } };
    },
    'Hourly headroom': () => ({ labels: ['namespace', 'budget'], values: { 'research/research-cap': 0.9 - budgetSpend(research(), machines, now).hourly } }),
    'Headroom in the period': () => ({ labels: ['namespace', 'budget', 'period'], values: { 'research/research-cap/day': 50 - budgetSpend(research(), machines, now).period } }),
    'Cheapest offer per GPU': () => {
      const values: Record<Key, number> = {};
      for (const o of day.operator.offers.cached()) {
        const k = `${o.provider}/${o.gpuModel}/${o.gpuCount}/${o.capacityType}`;
        values[k] = Math.min(values[k] ?? Infinity, o.pricePerHour);
      }
      return { labels: ['provider', 'gpu_model', 'gpu_count', 'capacity_type'], values };
    },
    'Machines by phase': () => ({ labels: ['phase'], values: sumBy(machines, (m) => m.status?.phase ?? 'Pending', () => 1) }),
    Launches: () => ({ labels: ['provider', 'capacity_type'], values: { 'sim/spot': positive, 'sim/on-demand': positive } }),
    'Created → launch call (p90)': histogram('gpu_provisioner_machine_create_to_launch_seconds'),
    'Launch → Registered (p90)': histogram('gpu_provisioner_machine_launch_to_registered_seconds'),
    'Launch → Ready (p90)': histogram('gpu_provisioner_machine_launch_to_ready_seconds'),
    'Capacity failovers': () => ({
      labels: ['provider', 'reason'],
      values: { 'sim/InsufficientCapacity': positive, 'sim/QuotaExceeded': 0, 'sim/LaunchFailed': 0 },
    }),
    'Launches refused by a budget': () => ({ labels: ['namespace', 'budget'], values: { 'research/research-cap': positive } }),
    'Provider call latency (p90)': () => ({ labels: ['provider'], values: { sim: zeroOrMore } }),
    'Provider errors': () => ({ labels: ['provider'], values: { sim: positive } }),
    'Reconcile duration (p99)': () => ({ labels: ['controller'], values: perController(zeroOrMore) }),
    // The provider's 5xx run out the launch retries once: gpumachine fails; the others keep at zero.
    'Reconcile errors': () => ({ labels: ['controller'], values: { ...perController((v) => v === 0), gpumachine: positive } }),
    'Work queue depth': () => ({ labels: ['controller'], values: perController((v) => v === 0) }),
    'Work queue wait (p90)': () => ({ labels: ['controller'], values: perController(zeroOrMore) }),
    Leader: () => ({ labels: [], values: { '': 1 } }),
    'Interruption notices': () => ({ labels: ['provider', 'kind'], values: { 'sim/spot-interruption': positive, 'sim/rebalance': 0, 'sim/scheduled-maintenance': 0, 'sim/stopped': 0, 'sim/terminated': 0 } }),
    'Notice → replacement launch (p90)': histogram('gpu_provisioner_interruption_replacement_launch_seconds'),
    'Notice → drained (p90)': histogram('gpu_provisioner_interruption_drain_seconds'),
    'Machines not serving': () => ({
      labels: ['namespace', 'phase'],
      values: sumBy(machines.filter((m) => ['NotReady', 'Interrupted', 'Terminating', 'Pending'].includes(m.status?.phase ?? 'Pending')), (m) => `${ns(m)}/${m.status?.phase ?? 'Pending'}`, () => 1),
    }),
    'Join timeouts': () => ({ labels: ['provider'], values: { sim: positive } }),
    'Node repairs': () => ({ labels: ['provider', 'reason'], values: { 'sim/NodeLost': positive, 'sim/InstanceLost': 0, 'sim/NodeRepair': 0 } }),
    'Orphan instances terminated': () => ({ labels: ['provider'], values: { sim: positive } }),
    'Orphan Nodes deleted': () => ({ labels: [], values: { '': 0 } }),
  };

  test('every panel has an expectation, and the scripted day produced what the panels show', () => {
    expect(panels().map((p) => p.panel.title).filter((t) => !expectations[t])).toEqual([]);
    // Not a quiet day: a research machine is held back by its budget, flaky is gone.
    expect(machines.some((m) => m.metadata.namespace === 'research' && !m.status?.instanceId)).toBe(true);
    expect(requests.map((r) => r.metadata.name).sort()).toEqual(['explore', 'serve', 'train']);
  });

  test.each(panels().map((p) => [p.dashboard, p.panel.title, p.panel] as const))('%s: %s', async (_dashboard, title, panel) => {
    const expr = panel.targets?.[0]?.expr ?? '';
    const want = await expectations[title]!();
    const got = await query(substitute(expr));
    const actual = Object.fromEntries(got.map((s) => [keyOf(s.metric, want.labels), s.value]));
    expect(Object.keys(actual).sort()).toEqual(Object.keys(want.values).sort());
    for (const [key, expected] of Object.entries(want.values)) {
      const value = actual[key]!;
      if (typeof expected === 'number') expect({ key, value: Number(value.toFixed(6)) }).toEqual({ key, value: Number(expected.toFixed(6)) });
      else expect({ key, value, ok: expected(value) }).toEqual({ key, value, ok: true });
    }
  });

  test('spend of namespace ml, provider sim, equals the sum of its running machines’ prices', async () => {
    const panel = panels().find((p) => p.panel.title === 'Spend now')!.panel;
    const [s] = await query(substitute(panel.targets![0]!.expr, { namespace: 'ml', provider: 'sim' }));
    const ml = billed().filter((m) => m.metadata.namespace === 'ml');
    expect(ml.length).toBeGreaterThanOrEqual(3);
    expect(s!.value).toBeCloseTo(ml.reduce((sum, m) => sum + Number(m.status!.pricePerHour), 0), 6);
  });

  test('the namespace and provider variables list what runs', async () => {
    const values = async (label: string, metric: string) => {
      const res = await fetch(`${promUrl}/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric)}`);
      return ((await res.json()) as { data: string[] }).data.sort();
    };
    expect(await values('namespace', 'gpu_provisioner_machine_phase_machines')).toEqual(['ml', 'research']);
    expect(await values('provider', 'gpu_provisioner_offer_price_usd_per_hour')).toEqual(['sim']);
  });
});
