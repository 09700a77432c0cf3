/**
 * What the GpuRequest and GpuMachine controllers are built from. Everything comes in
 * through here, so tests assemble the same controllers around the in-memory cluster
 * and the sim cloud.
 */
import type { BootstrapBuilder, CloudProvider } from '../providers/types.js';
import type { ClusterPort } from '../kube/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { OfferCache } from '../pricing/offer-cache.js';
import type { UnavailableOfferings } from '../pricing/unavailable-offerings.js';
import type { LifecycleMetrics } from '../metrics/lifecycle-metrics.js';
import type { BudgetGuard } from './budget/guard.js';
import type { PendingEvents } from './events.js';
import type { InstanceCensus } from './machine/instance-census.js';

/** The live providers, by GpuProvider name. */
export interface ProviderLookup {
  get(name: string): CloudProvider | undefined;
  all(): CloudProvider[];
}

/** The Talos seam; defined with the cloud boundary types (src/providers/types.ts). */
export type { BootstrapBuilder };

export interface LifecycleOptions {
  /** Identifies this cluster in instance names and tags. */
  clusterName: string;
  /** How long a launched machine may take to register and become Ready. */
  joinTimeoutMs: number;
  /** A Node that was Ready and has not been for this long is replaced (Karpenter's node repair). */
  repairAfterMs: number;
  /** Requeue when nothing fits: slow, never a hot loop. */
  noFitRequeueMs: number;
  /** Requeue while waiting on a machine or a Node. */
  pollMs: number;
  /** Drain timeout when the request does not say. */
  defaultDrainTimeoutMs: number;
  /** How long an offer that failed for capacity is skipped. */
  unavailableTtlMs: number;
  /** How often providers are asked for interruption notices. */
  interruptionPollMs: number;
  /** A machine no GpuMachine holds is terminated once it is this old. */
  orphanGraceMs: number;
  /** How often every provider's machines are checked against the GpuMachines. */
  orphanScanMs: number;
  /** accumulatedCost on a request is brought up to date at least this often. */
  costIntervalMs: number;
  /** GpuRequests reconciled at once. */
  requestWorkers: number;
  /** GpuMachines reconciled at once: launches wait on the provider, so many. */
  machineWorkers: number;
}

export const defaultLifecycleOptions: LifecycleOptions = {
  clusterName: 'default',
  joinTimeoutMs: 20 * 60_000,
  repairAfterMs: 10 * 60_000,
  noFitRequeueMs: 60_000,
  pollMs: 5_000,
  defaultDrainTimeoutMs: 2 * 60_000,
  unavailableTtlMs: 3 * 60_000,
  interruptionPollMs: 5_000,
  orphanGraceMs: 10 * 60_000,
  orphanScanMs: 2 * 60_000,
  costIntervalMs: 10 * 60_000,
  requestWorkers: 32,
  machineWorkers: 256,
};

export interface ControllerContext {
  cluster: ClusterPort;
  providers: ProviderLookup;
  offers: OfferCache;
  unavailable: UnavailableOfferings;
  bootstrap: BootstrapBuilder;
  clock: Clock;
  logger: Logger;
  options: LifecycleOptions;
  metrics: LifecycleMetrics;
  /** Checks every launch against the namespace's GpuBudgets before the call. */
  budgets: BudgetGuard;
  /** The Events of the reconcile under way, awaited before it ends (see PendingEvents); absent elsewhere. */
  events?: PendingEvents;
  /** Whether instances are gone, from one listing per provider for every machine. */
  census: InstanceCensus;
  /** Settings a GpuProvider gives its machines (join timeout). */
  providerSettings: (provider: string) => { joinTimeoutMs?: number };
}
