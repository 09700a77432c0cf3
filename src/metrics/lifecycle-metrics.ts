/**
 * What the machine lifecycle measures as it happens: launches and the time from a
 * GpuMachine's creation to its launch call, launch to Registered and to Ready, offers
 * given up for capacity (failovers), machines replaced (join timeouts and node repairs),
 * launches a GpuBudget refused, and what garbage collection found; plus the
 * interruption metrics. Controllers call this interface; a no-op stands in where
 * nothing is measured.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { Reasons } from '../api/constants.js';
import { interruptionMetrics, noInterruptionMetrics, type InterruptionMetrics } from './interruption-metrics.js';
import { MetricLabels as L } from './labels.js';

export interface LaunchLabels {
  provider: string;
  region: string;
  capacityType: string;
}

export interface LifecycleMetrics extends InterruptionMetrics {
  /** A launch call made an instance; `seconds` since the GpuMachine was created. */
  launched(seconds: number, labels: LaunchLabels): void;
  /** The machine's Node registered, `seconds` after the launch. */
  registered(seconds: number, labels: { provider: string }): void;
  /** The Node became Ready with its GPUs, `seconds` after the launch. */
  initialized(seconds: number, labels: { provider: string }): void;
  /** An offer failed (capacity, quota, refusal) and the next one is tried. */
  failedOver(labels: { provider: string; reason: string }): void;
  /** A machine is replaced: JoinTimeout, or a repair (InstanceLost, NodeLost, NodeRepair). */
  replaced(labels: { provider: string; reason: string }): void;
  /** A GpuBudget refused a launch. */
  budgetRefused(labels: { namespace: string; budget: string }): void;
  /** Garbage collection terminated an instance no GpuMachine holds. */
  orphanTerminated(labels: { provider: string }): void;
  /** Garbage collection deleted a Node no GpuMachine holds. */
  orphanNodeDeleted(): void;
}

export const noLifecycleMetrics: LifecycleMetrics = {
  ...noInterruptionMetrics,
  launched: () => undefined,
  registered: () => undefined,
  initialized: () => undefined,
  failedOver: () => undefined,
  replaced: () => undefined,
  budgetRefused: () => undefined,
  orphanTerminated: () => undefined,
  orphanNodeDeleted: () => undefined,
};

/** Where machines can be bought, and the budgets that can refuse them: the series started at zero. */
export interface KnownLabels {
  places: { provider: string; region: string }[];
  budgets: { namespace: string; budget: string }[];
}

export interface PrometheusLifecycleMetrics extends LifecycleMetrics {
  /**
   * Starts the series of these providers, regions and budgets at zero (once each), so
   * that the first event shows in rate() and increase(): Prometheus sees no increase in
   * a series that appears with its first count already in it.
   */
  zero(known: KnownLabels): void;
}

const FAILOVER_REASONS = [Reasons.InsufficientCapacity, Reasons.QuotaExceeded, Reasons.LaunchFailed];
const REPAIR_REASONS = [Reasons.InstanceLost, Reasons.NodeLost, Reasons.NodeRepair];
const CAPACITY_TYPES = ['spot', 'on-demand'];

const LAUNCH_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
const JOIN_BUCKETS = [5, 15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800];

export function lifecycleMetrics(registry: Registry): PrometheusLifecycleMetrics {
  const registers = [registry];
  const launches = new Counter({
    name: 'gpu_provisioner_machine_launches_total',
    help: 'Instances launched, by provider, region and capacity type.',
    labelNames: [L.provider, L.region, L.capacityType],
    registers,
  });
  const toLaunch = new Histogram({
    name: 'gpu_provisioner_machine_create_to_launch_seconds',
    help: 'Time from a GpuMachine being created to the launch call that made its instance.',
    labelNames: [L.provider, L.capacityType],
    buckets: LAUNCH_BUCKETS,
    registers,
  });
  const toRegistered = new Histogram({
    name: 'gpu_provisioner_machine_launch_to_registered_seconds',
    help: 'Time from the launch to the machine\'s Node registering.',
    labelNames: [L.provider],
    buckets: JOIN_BUCKETS,
    registers,
  });
  const toReady = new Histogram({
    name: 'gpu_provisioner_machine_launch_to_ready_seconds',
    help: 'Time from the launch to the Node being Ready with its GPUs allocatable.',
    labelNames: [L.provider],
    buckets: JOIN_BUCKETS,
    registers,
  });
  const failovers = new Counter({
    name: 'gpu_provisioner_machine_failovers_total',
    help: 'Offers that failed to launch (InsufficientCapacity, QuotaExceeded, LaunchFailed) and were passed over for the next one.',
    labelNames: [L.provider, L.reason],
    registers,
  });
  const joinTimeouts = new Counter({
    name: 'gpu_provisioner_machine_join_timeouts_total',
    help: 'Machines replaced because their Node did not become Ready within the join timeout.',
    labelNames: [L.provider],
    registers,
  });
  const repairs = new Counter({
    name: 'gpu_provisioner_machine_repairs_total',
    help: 'Machines replaced after they were running: InstanceLost, NodeLost or NodeRepair (NotReady too long).',
    labelNames: [L.provider, L.reason],
    registers,
  });
  const refused = new Counter({
    name: 'gpu_provisioner_budget_refused_launches_total',
    help: 'Launch attempts not made because they would break a GpuBudget (a waiting machine tries again about once a minute).',
    labelNames: [L.namespace, L.budget],
    registers,
  });
  const orphans = new Counter({
    name: 'gpu_provisioner_garbagecollection_orphan_instances_total',
    help: 'Instances of this cluster no GpuMachine held, terminated by garbage collection.',
    labelNames: [L.provider],
    registers,
  });
  const orphanNodes = new Counter({
    name: 'gpu_provisioner_garbagecollection_orphan_nodes_total',
    help: 'Nodes labelled for a GpuMachine that does not exist, deleted by garbage collection.',
    registers,
  });
  const interruptions = interruptionMetrics(registry);
  const zeroed = new Set<string>();
  const once = (key: string, start: () => void) => {
    if (zeroed.has(key)) return;
    zeroed.add(key);
    start();
  };
  return {
    ...interruptions,
    zero: ({ places, budgets }) => {
      for (const { provider, region } of places) {
        once(`p/${provider}`, () => {
          for (const c of CAPACITY_TYPES) toLaunch.zero({ [L.provider]: provider, [L.capacityType]: c });
          toRegistered.zero({ [L.provider]: provider });
          toReady.zero({ [L.provider]: provider });
          for (const reason of FAILOVER_REASONS) failovers.inc({ [L.provider]: provider, [L.reason]: reason }, 0);
          for (const reason of REPAIR_REASONS) repairs.inc({ [L.provider]: provider, [L.reason]: reason }, 0);
          joinTimeouts.inc({ [L.provider]: provider }, 0);
          orphans.inc({ [L.provider]: provider }, 0);
        });
        once(`r/${provider}/${region}`, () => {
          for (const c of CAPACITY_TYPES) launches.inc({ [L.provider]: provider, [L.region]: region, [L.capacityType]: c }, 0);
          interruptions.zero(provider, region);
        });
      }
      for (const { namespace, budget } of budgets) once(`b/${namespace}/${budget}`, () => refused.inc({ [L.namespace]: namespace, [L.budget]: budget }, 0));
    },
    launched: (s, l) => {
      launches.inc({ [L.provider]: l.provider, [L.region]: l.region, [L.capacityType]: l.capacityType });
      toLaunch.observe({ [L.provider]: l.provider, [L.capacityType]: l.capacityType }, s);
    },
    registered: (s, l) => toRegistered.observe({ [L.provider]: l.provider }, s),
    initialized: (s, l) => toReady.observe({ [L.provider]: l.provider }, s),
    failedOver: (l) => failovers.inc({ [L.provider]: l.provider, [L.reason]: l.reason }),
    replaced: (l) => {
      if (l.reason === Reasons.JoinTimeout) joinTimeouts.inc({ [L.provider]: l.provider });
      else repairs.inc({ [L.provider]: l.provider, [L.reason]: l.reason });
    },
    budgetRefused: (l) => refused.inc({ [L.namespace]: l.namespace, [L.budget]: l.budget }),
    orphanTerminated: (l) => orphans.inc({ [L.provider]: l.provider }),
    orphanNodeDeleted: () => orphanNodes.inc(),
  };
}
