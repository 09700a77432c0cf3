/**
 * Every gpu_provisioner_* series of one operator on one registry: what the controllers
 * report as it happens (lifecycle, reconciles, queue waits) and what is read at scrape
 * time (spend, machines, budgets, offers, queue depth, leadership).
 */
import type { Registry } from 'prom-client';
import type { ClusterPort } from '../kube/types.js';
import type { Operator, OperatorOptions } from '../operator.js';
import type { Clock } from '../util/clock.js';
import { lifecycleMetrics } from './lifecycle-metrics.js';
import { reconcileMetrics } from './reconcile-metrics.js';
import { registerStateMetrics } from './state-metrics.js';

export interface OperatorMetrics {
  /** Spread into the Operator's options. */
  operatorOptions: Pick<OperatorOptions, 'metrics' | 'onReconcile' | 'onQueueWait'>;
  /** Registers the scrape-time gauges over the running operator. */
  observe(operator: Operator, cluster: ClusterPort, clock: Clock): void;
}

export function createOperatorMetrics(registry: Registry): OperatorMetrics {
  const reconciles = reconcileMetrics(registry);
  const lifecycle = lifecycleMetrics(registry);
  return {
    operatorOptions: { metrics: lifecycle, onReconcile: reconciles.onReconcile, onQueueWait: reconciles.onQueueWait },
    observe: (operator, cluster, clock) =>
      registerStateMetrics(registry, {
        cluster,
        clock,
        isLeader: () => operator.isLeader,
        offers: () => operator.offers.cached(),
        queues: () => operator.manager.stats(),
        known: ({ controllers, ...rest }) => {
          lifecycle.zero(rest);
          reconciles.zero(controllers);
        },
      }),
  };
}
