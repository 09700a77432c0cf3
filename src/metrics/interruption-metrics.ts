/**
 * What the interruption handling measures: notices by provider, region and kind; time
 * from notice to the replacement's launch call; time from notice to drained and gone.
 */
import { MetricLabels } from './labels.js';
import { Counter, Histogram, type Registry } from 'prom-client';

export const InterruptionLabels = { provider: MetricLabels.provider, region: MetricLabels.region, kind: MetricLabels.kind } as const;

export interface InterruptionLabelValues {
  provider: string;
  region: string;
  kind: string;
}

export interface InterruptionMetrics {
  noticed(labels: InterruptionLabelValues): void;
  replacementLaunched(seconds: number, labels: InterruptionLabelValues): void;
  drained(seconds: number, labels: InterruptionLabelValues): void;
}

export const noInterruptionMetrics: InterruptionMetrics = {
  noticed: () => undefined,
  replacementLaunched: () => undefined,
  drained: () => undefined,
};

const labelNames = [InterruptionLabels.provider, InterruptionLabels.region, InterruptionLabels.kind];

const KINDS = ['spot-interruption', 'rebalance', 'scheduled-maintenance', 'stopped', 'terminated'];

export interface PrometheusInterruptionMetrics extends InterruptionMetrics {
  /** Starts every kind's series of this provider and region at zero, so the first notice shows in rate(). */
  zero(provider: string, region: string): void;
}

export function interruptionMetrics(registry: Registry): PrometheusInterruptionMetrics {
  const notices = new Counter({
    name: 'gpu_provisioner_interruption_notices_total',
    help: 'Interruption notices acted on, by provider, region and kind.',
    labelNames,
    registers: [registry],
  });
  const toLaunch = new Histogram({
    name: 'gpu_provisioner_interruption_replacement_launch_seconds',
    help: 'Time from an interruption notice to the launch call of its replacement.',
    labelNames,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const toDrained = new Histogram({
    name: 'gpu_provisioner_interruption_drain_seconds',
    help: 'Time from an interruption notice until the machine was drained and terminated.',
    labelNames,
    buckets: [1, 5, 15, 30, 60, 90, 120, 180, 300, 600],
    registers: [registry],
  });
  return {
    zero: (provider, region) => {
      for (const kind of KINDS) {
        notices.inc({ provider, region, kind }, 0);
        toLaunch.zero({ provider, region, kind });
        toDrained.zero({ provider, region, kind });
      }
    },
    noticed: (l) => notices.inc({ ...l }),
    replacementLaunched: (s, l) => toLaunch.observe({ ...l }, s),
    drained: (s, l) => toDrained.observe({ ...l }, s),
  };
}
