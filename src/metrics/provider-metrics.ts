/**
 * prom-client behind the provider pipeline's metrics decorator
 * (src/providers/pipeline/metrics.ts): how long each provider call took, by outcome, and
 * which kind of error each failed call ended with.
 */
import { MetricLabels } from './labels.js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { PROVIDER_ERROR_KINDS } from '../providers/errors.js';
import { UNMAPPED_ERROR_KIND, type ProviderCallMetrics } from '../providers/pipeline/metrics.js';
import { PROVIDER_METHODS } from '../providers/pipeline/wrapped-provider.js';

const ProviderCallLabels = { provider: MetricLabels.provider, method: MetricLabels.method, outcome: MetricLabels.outcome, kind: MetricLabels.kind } as const;

export function providerCallMetrics(registry: Registry): ProviderCallMetrics {
  const duration = new Histogram({
    name: 'gpu_provisioner_provider_call_duration_seconds',
    help: 'Time a provider call took as its caller saw it (rate-limit queueing and retries included), by outcome.',
    labelNames: [ProviderCallLabels.provider, ProviderCallLabels.method, ProviderCallLabels.outcome],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gpu_provisioner_provider_errors_total',
    help: 'Provider calls that failed, by the kind of error they ended with (Unmapped: no adapter classified it).',
    labelNames: [ProviderCallLabels.provider, ProviderCallLabels.method, ProviderCallLabels.kind],
    registers: [registry],
  });
  return {
    observe: (l, seconds) => duration.observe({ ...l }, seconds),
    failed: (l) => errors.inc({ ...l }),
    known: (provider) => {
      for (const method of PROVIDER_METHODS) for (const kind of [...PROVIDER_ERROR_KINDS, UNMAPPED_ERROR_KIND]) errors.inc({ provider, method, kind }, 0);
    },
  };
}
