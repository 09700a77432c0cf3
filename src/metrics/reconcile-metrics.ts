/**
 * The operator's own work: reconcile duration and errors per controller (fed by the
 * manager's onReconcile hook) and how long keys wait in the work queues.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ReconcileEvent } from '../controller/runtime/manager.js';
import { MetricLabels as L } from './labels.js';

export interface ReconcileMetrics {
  onReconcile(e: ReconcileEvent): void;
  onQueueWait(controller: string, waitedMs: number): void;
  /** Starts each controller's series at zero, so its first error shows in rate(). */
  zero(controllers: string[]): void;
}

export function reconcileMetrics(registry: Registry): ReconcileMetrics {
  const registers = [registry];
  const duration = new Histogram({
    name: 'gpu_provisioner_controller_reconcile_duration_seconds',
    help: 'Time one reconcile took, by controller and outcome (success, error, requeue-error).',
    labelNames: [L.controller, L.outcome],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const errors = new Counter({
    name: 'gpu_provisioner_controller_reconcile_errors_total',
    help: 'Reconciles that failed, by controller.',
    labelNames: [L.controller],
    registers,
  });
  const wait = new Histogram({
    name: 'gpu_provisioner_workqueue_wait_duration_seconds',
    help: 'Time a key waited in its controller\'s work queue before a worker took it.',
    labelNames: [L.controller],
    buckets: [0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers,
  });
  const zeroed = new Set<string>();
  return {
    zero: (controllers) => {
      for (const c of controllers) {
        if (zeroed.has(c)) continue;
        zeroed.add(c);
        errors.inc({ [L.controller]: c }, 0);
        wait.zero({ [L.controller]: c });
        for (const outcome of ['success', 'error', 'requeue-error']) duration.zero({ [L.controller]: c, [L.outcome]: outcome });
      }
    },
    onReconcile: (e) => {
      duration.observe({ [L.controller]: e.controller, [L.outcome]: e.outcome }, e.durationMs / 1000);
      if (e.outcome !== 'success') errors.inc({ [L.controller]: e.controller });
    },
    onQueueWait: (controller, ms) => wait.observe({ [L.controller]: controller }, ms / 1000),
  };
}
