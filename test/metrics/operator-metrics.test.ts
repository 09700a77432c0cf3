import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { Labels } from '../../src/api/constants.js';
import type { GpuMachine, GpuRequest } from '../../src/api/types.js';
import { hourlyPrice, isBilled } from '../../src/controller/cost.js';
import { Kinds } from '../../src/kube/types.js';
import { MetricLabels } from '../../src/metrics/labels.js';
import { createOperatorMetrics } from '../../src/metrics/operator-metrics.js';
import { registerStateMetrics } from '../../src/metrics/state-metrics.js';
import { createMetricsRegistry } from '../../src/metrics/server.js';
import { restartOperator } from '../support/operator-fixture.js';
import { scriptedDay, type Day } from '../support/scripted-day.js';

interface Series {
  labels: Record<string, string | number>;
  value: number;
}

async function series(registry: Registry, name: string): Promise<Series[]> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name) as unknown as { values: Series[] } | undefined;
  return m?.values ?? [];
}

describe('the operator’s metrics', () => {
  let day: Day;
  beforeAll(async () => {
    day = await scriptedDay();
  }, 60_000);
  afterAll(() => day.operator.stop(1_000));

  test('names follow gpu_provisioner_<subsystem>_<name>_<unit>, process metrics carry one prefix, labels are the named constants', async () => {
    const metrics = await day.registry.getMetricsAsJSON();
    const names = metrics.map((m) => m.name);
    expect(names).toContain('gpu_provisioner_process_cpu_user_seconds_total');
    expect(names.filter((n) => n.includes('process_process'))).toEqual([]);
    expect(names.filter((n) => !/^gpu_provisioner_[a-z]+_[a-z0-9_]+$/.test(n))).toEqual([]);
    const allowed = new Set<string>([...Object.values(MetricLabels), 'kind', 'le', 'quantile', 'space', 'version', 'major', 'minor', 'patch', 'type']);
    const own = metrics.filter((m) => !/^gpu_provisioner_(process|nodejs)_/.test(m.name));
    expect(own.length).toBeGreaterThan(25);
    for (const m of own) {
      for (const v of (m as unknown as { values: Series[] }).values) {
        expect({ name: m.name, unknown: Object.keys(v.labels).filter((l) => !allowed.has(l)) }).toEqual({ name: m.name, unknown: [] });
        // No instance ID or node name on any series.
        for (const value of Object.values(v.labels)) expect(String(value)).not.toMatch(/^sim-0\d+|^gpr-/);
      }
    }
  });

  test('promtool finds nothing to lint in the operator’s own series', async () => {
    const promtool = spawnSync('promtool', ['--version']).status === 0;
    if (!promtool) return console.warn('promtool not installed (scripts/ensure-test-tools.sh installs it as root); lint not run');
    const r = spawnSync('promtool', ['check', 'metrics'], { input: await day.registry.metrics(), encoding: 'utf8' });
    const lines = (r.stdout + r.stderr).split('\n').filter(Boolean);
    // prom-client's default Node.js gauges (active handles and the like) end in _total; they are not ours to rename.
    const ours = lines.filter((l) => !l.startsWith('gpu_provisioner_nodejs_active_'));
    expect(ours).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  test('spend per namespace and request is the sum of the running machines’ prices; accumulated cost is what the requests record', async () => {
    const machines = await day.cluster.list<GpuMachine>(Kinds.GpuMachine);
    const want = new Map<string, number>();
    for (const m of machines.filter(isBilled)) {
      const key = `${m.metadata.namespace}/${m.metadata.labels?.[Labels.requestName]}/${m.status?.capacityType}`;
      want.set(key, (want.get(key) ?? 0) + hourlyPrice(m));
    }
    const got = new Map((await series(day.registry, 'gpu_provisioner_cost_spend_rate_usd_per_hour')).map((s) => [`${s.labels.namespace}/${s.labels.request}/${s.labels.capacity_type}`, s.value]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k)).toBeCloseTo(v, 6);

    // The requests' status says the same, to the cent at its last write; the gauge is to the second.
    const accumulated = await series(day.registry, 'gpu_provisioner_cost_accumulated_usd');
    expect(accumulated.map((s) => s.labels.request).sort()).toEqual(['explore', 'serve', 'train']);
    for (const r of await day.cluster.list<GpuRequest>(Kinds.GpuRequest)) {
      const s = accumulated.find((a) => a.labels.request === r.metadata.name)!;
      expect(s.value).toBeGreaterThanOrEqual(Number(r.status?.accumulatedCost ?? 0));
    }
  });

  test('after a restart the new operator reports the same accumulated cost: nothing lost, nothing counted twice', async () => {
    const before = await series(day.registry, 'gpu_provisioner_cost_accumulated_usd');
    const second = restartOperator(day);
    const registry = createMetricsRegistry();
    createOperatorMetrics(registry).observe(second, day.cluster, day.clock);
    const after = await series(registry, 'gpu_provisioner_cost_accumulated_usd');
    expect(after.map((s) => [s.labels.request, s.value.toFixed(6)]).sort()).toEqual(before.map((s) => [s.labels.request, s.value.toFixed(6)]).sort());
    expect(after.length).toBe(3);
  });

  test('a standby replica reports no cluster-wide series, so summing over replicas never doubles a dollar', async () => {
    const registry = new Registry();
    registerStateMetrics(registry, { cluster: day.cluster, clock: day.clock, isLeader: () => false, offers: () => day.operator.offers.cached(), queues: () => [] });
    expect(await series(registry, 'gpu_provisioner_cost_spend_rate_usd_per_hour')).toEqual([]);
    expect(await series(registry, 'gpu_provisioner_machine_phase_machines')).toEqual([]);
    expect(await series(registry, 'gpu_provisioner_offer_price_usd_per_hour')).toEqual([]);
    expect(await series(registry, 'gpu_provisioner_leader_is_leader')).toEqual([{ labels: {}, value: 0 }]);
  });
});
