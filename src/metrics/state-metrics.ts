/**
 * Gauges computed at scrape time from what the operator sees: the GpuMachines,
 * GpuRequests and GpuBudgets in the cluster (through the cluster port, an informer cache
 * in a cluster), the offer cache and the work queues. Being derived from status, they
 * are exact across restarts and count nothing twice; only the leader reports the
 * cluster-wide ones, so summing over replicas never doubles a dollar.
 */
import { Gauge, type Registry } from 'prom-client';
import { Labels } from '../api/constants.js';
import type { GpuBudget, GpuMachine, GpuRequest } from '../api/types.js';
import { budgetLimits, budgetSpend } from '../controller/budget/spend.js';
import { hourlyPrice, isBilled, spotSavingsPerHour } from '../controller/cost.js';
import { costOf } from '../controller/request/summary.js';
import type { ControllerStats } from '../controller/runtime/manager.js';
import { Kinds, type ClusterPort } from '../kube/types.js';
import type { Offer } from '../providers/types.js';
import type { Clock } from '../util/clock.js';
import { MetricLabels as L } from './labels.js';
import type { KnownLabels } from './lifecycle-metrics.js';

export interface StateSource {
  cluster: ClusterPort;
  clock: Clock;
  isLeader(): boolean;
  /** Offers in the offer cache, without refreshing it. */
  offers(): Offer[];
  queues(): ControllerStats[];
  /** Told at every scrape which providers, regions, budgets and controllers exist, to start their event series at zero. */
  known?(known: KnownLabels & { controllers: string[] }): void;
}

interface Snapshot {
  machines: GpuMachine[];
  requests: GpuRequest[];
  budgets: GpuBudget[];
  now: number;
}

type Labelled = Record<string, string>;

/** Sums `value` per distinct label set. */
function sumBy<T>(items: T[], labels: (x: T) => Labelled, value: (x: T) => number): { labels: Labelled; value: number }[] {
  const out = new Map<string, { labels: Labelled; value: number }>();
  for (const x of items) {
    const l = labels(x);
    const key = JSON.stringify(l);
    const entry = out.get(key) ?? { labels: l, value: 0 };
    entry.value += value(x);
    out.set(key, entry);
  }
  return [...out.values()];
}

function machineLabels(m: GpuMachine): Labelled {
  return {
    [L.namespace]: m.metadata.namespace ?? '',
    [L.request]: m.metadata.labels?.[Labels.requestName] ?? '',
    [L.provider]: m.status?.provider ?? '',
    [L.region]: m.status?.region ?? '',
    [L.capacityType]: m.status?.capacityType ?? '',
  };
}

export function registerStateMetrics(registry: Registry, source: StateSource): void {
  // All gauges of one scrape share one read of the cluster.
  let pending: Promise<Snapshot> | undefined;
  const snapshot = (): Promise<Snapshot> => {
    if (!pending) {
      pending = (async () => {
        const [machines, requests, budgets] = await Promise.all([
          source.cluster.list<GpuMachine>(Kinds.GpuMachine),
          source.cluster.list<GpuRequest>(Kinds.GpuRequest),
          source.cluster.list<GpuBudget>(Kinds.GpuBudget),
        ]);
        const places = new Map(source.offers().map((o) => [`${o.provider}/${o.region}`, { provider: o.provider, region: o.region }]));
        source.known?.({
          places: [...places.values()],
          budgets: budgets.map((b) => ({ namespace: b.metadata.namespace ?? '', budget: b.metadata.name })),
          controllers: source.queues().map((q) => q.name),
        });
        return { machines, requests, budgets, now: source.clock.now() };
      })();
      setImmediate(() => (pending = undefined));
    }
    return pending;
  };
  const registers = [registry];
  const fromCluster = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: Snapshot) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset();
        if (!source.isLeader()) return;
        fill(this, await snapshot());
      },
    });

  const spendLabels = [L.namespace, L.request, L.provider, L.region, L.capacityType];
  fromCluster(
    'gpu_provisioner_cost_spend_rate_usd_per_hour',
    'What the running machines cost now, in USD per hour.',
    spendLabels,
    (g, s) => {
      for (const e of sumBy(s.machines.filter(isBilled), machineLabels, hourlyPrice)) g.set(e.labels, e.value);
    },
  );
  fromCluster(
    'gpu_provisioner_cost_spot_savings_rate_usd_per_hour',
    'What the running spot machines save now against the same instance types on demand, in USD per hour.',
    spendLabels,
    (g, s) => {
      const spot = s.machines.filter((m) => isBilled(m) && m.status?.capacityType === 'spot' && m.status.onDemandPricePerHour);
      for (const e of sumBy(spot, machineLabels, spotSavingsPerHour)) g.set(e.labels, e.value);
    },
  );
  fromCluster(
    'gpu_provisioner_cost_accumulated_usd',
    'What each GpuRequest has cost since it was created, in USD: the final cost of its finished machines plus its running machines so far (status.accumulatedCost, to the second).',
    [L.namespace, L.request],
    (g, s) => {
      for (const req of s.requests) {
        const own = s.machines.filter((m) => m.metadata.namespace === req.metadata.namespace && m.metadata.labels?.[Labels.requestUid] === req.metadata.uid);
        const cost = costOf(req.status ?? {}, own, s.now);
        g.set({ [L.namespace]: req.metadata.namespace ?? '', [L.request]: req.metadata.name }, Number(cost.accumulatedCost ?? 0));
      }
    },
  );
  fromCluster(
    'gpu_provisioner_machine_phase_machines',
    'GpuMachines by namespace, provider and phase.',
    [L.namespace, L.provider, L.phase],
    (g, s) => {
      const labels = (m: GpuMachine) => ({
        [L.namespace]: m.metadata.namespace ?? '',
        [L.provider]: m.status?.provider ?? m.status?.launching?.provider ?? '',
        [L.phase]: m.status?.phase ?? 'Pending',
      });
      for (const e of sumBy(s.machines, labels, () => 1)) g.set(e.labels, e.value);
    },
  );

  const budgetLabels = (b: GpuBudget) => ({ [L.namespace]: b.metadata.namespace ?? '', [L.budget]: b.metadata.name });
  const eachBudget = (s: Snapshot, fn: (b: GpuBudget, spend: ReturnType<typeof budgetSpend>) => void) => {
    for (const b of s.budgets) {
      try {
        fn(b, budgetSpend(b, s.machines, s.now));
      } catch {
        // A time zone Intl does not know: the budget's Valid condition says so; it has no numbers.
      }
    }
  };
  fromCluster('gpu_provisioner_budget_hourly_spend_usd_per_hour', 'What the machines a GpuBudget covers cost now, in USD per hour.', [L.namespace, L.budget], (g, s) =>
    eachBudget(s, (b, spend) => g.set(budgetLabels(b), spend.hourly)),
  );
  fromCluster('gpu_provisioner_budget_hourly_limit_usd_per_hour', 'A GpuBudget\'s maxHourlyCost, in USD per hour.', [L.namespace, L.budget], (g, s) => {
    for (const b of s.budgets) {
      const limit = budgetLimits(b).hourly;
      if (limit !== undefined) g.set(budgetLabels(b), limit);
    }
  });
  fromCluster('gpu_provisioner_budget_period_spend_usd', 'What the machines a GpuBudget covers cost in its current period, in USD.', [L.namespace, L.budget, L.period], (g, s) =>
    eachBudget(s, (b, spend) => g.set({ ...budgetLabels(b), [L.period]: b.spec.period ?? 'month' }, spend.period)),
  );
  fromCluster('gpu_provisioner_budget_period_limit_usd', 'A GpuBudget\'s maxPeriodCost, in USD.', [L.namespace, L.budget, L.period], (g, s) => {
    for (const b of s.budgets) {
      const limit = budgetLimits(b).period;
      if (limit !== undefined) g.set({ ...budgetLabels(b), [L.period]: b.spec.period ?? 'month' }, limit);
    }
  });
  fromCluster(
    'gpu_provisioner_budget_usage_ratio',
    'Spend over limit of a GpuBudget, per limit (hourly, period): 1 means the limit is reached and launches are refused.',
    [L.namespace, L.budget, L.limit],
    (g, s) =>
      eachBudget(s, (b, spend) => {
        const limits = budgetLimits(b);
        if (limits.hourly !== undefined) g.set({ ...budgetLabels(b), [L.limit]: 'hourly' }, spend.hourly / limits.hourly);
        if (limits.period !== undefined) g.set({ ...budgetLabels(b), [L.limit]: 'period' }, spend.period / limits.period);
      }),
  );

  const offerLabelNames = [L.provider, L.region, L.zone, L.instanceType, L.gpuModel, L.gpuCount, L.capacityType];
  const offerLabels = (o: Offer) => ({
    [L.provider]: o.provider,
    [L.region]: o.region,
    [L.zone]: o.zone ?? '',
    [L.instanceType]: o.instanceType,
    [L.gpuModel]: o.gpuModel,
    [L.gpuCount]: String(o.gpuCount),
    [L.capacityType]: o.capacityType,
  });
  new Gauge({
    name: 'gpu_provisioner_offer_price_usd_per_hour',
    help: 'Price of every offer in the offer cache, in USD per instance-hour.',
    labelNames: offerLabelNames,
    registers,
    collect() {
      this.reset();
      if (!source.isLeader()) return;
      for (const o of source.offers()) this.set(offerLabels(o), o.pricePerHour);
    },
  });
  new Gauge({
    name: 'gpu_provisioner_offer_available',
    help: 'Whether the provider said the offer had capacity at the last price refresh (1) or not (0).',
    labelNames: offerLabelNames,
    registers,
    collect() {
      this.reset();
      if (!source.isLeader()) return;
      for (const o of source.offers()) this.set(offerLabels(o), o.available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gpu_provisioner_workqueue_depth_keys',
    help: 'Keys waiting in each controller\'s work queue.',
    labelNames: [L.controller],
    registers,
    collect() {
      this.reset();
      for (const q of source.queues()) this.set({ [L.controller]: q.name }, q.queueDepth);
    },
  });
  new Gauge({
    name: 'gpu_provisioner_leader_is_leader',
    help: 'Whether this replica holds the leader Lease and acts (1) or stands by (0).',
    registers,
    collect() {
      this.set(source.isLeader() ? 1 : 0);
    },
  });
}
