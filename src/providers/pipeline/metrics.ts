/**
 * The metrics decorator: every call of a provider timed and every failure counted, from
 * outside the adapter (Karpenter's `metrics.Decorate(cloudProvider)`), so adapters hold
 * no metrics code. It is the outermost step of the pipeline, so a call's duration is
 * what its caller waited (queueing behind the rate limit and retries included), and an
 * error is counted once, as the caller saw it.
 */
import { isProviderError } from '../errors.js';
import type { CloudProvider } from '../types.js';
import { WrappedProvider, type ProviderMethod } from './wrapped-provider.js';
import type { Clock } from '../../util/clock.js';

export type { ProviderMethod };

/** `success`; `error` (the call failed); `aborted` (the caller gave up, e.g. at shutdown). */
export type CallOutcome = 'success' | 'error' | 'aborted';

/** A failure no adapter mapped onto a shared error type. */
export const UNMAPPED_ERROR_KIND = 'Unmapped';

/** What the decorator reports; prom-client behind it in the operator (src/metrics/provider-metrics.ts). */
export interface ProviderCallMetrics {
  observe(labels: { provider: string; method: ProviderMethod; outcome: CallOutcome }, seconds: number): void;
  failed(labels: { provider: string; method: ProviderMethod; kind: string }): void;
  /** A provider was built: its error series start at zero, so its first failure shows in rate(). */
  known?(provider: string): void;
}

export const noProviderCallMetrics: ProviderCallMetrics = { observe: () => undefined, failed: () => undefined };

export function withMetrics(provider: CloudProvider, metrics: ProviderCallMetrics, clock: Clock): CloudProvider {
  return new MeteredProvider(provider, metrics, clock);
}

class MeteredProvider extends WrappedProvider {
  constructor(
    inner: CloudProvider,
    private readonly metrics: ProviderCallMetrics,
    private readonly clock: Clock,
  ) {
    super(inner);
    metrics.known?.(inner.name);
  }

  protected async around<T>(method: ProviderMethod, signal: AbortSignal | undefined, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const started = this.clock.now();
    const provider = this.inner.name;
    const seconds = () => Math.max(0, this.clock.now() - started) / 1000;
    try {
      const out = await fn(signal);
      this.metrics.observe({ provider, method, outcome: 'success' }, seconds());
      return out;
    } catch (e) {
      if (signal?.aborted) {
        this.metrics.observe({ provider, method, outcome: 'aborted' }, seconds());
      } else {
        this.metrics.observe({ provider, method, outcome: 'error' }, seconds());
        this.metrics.failed({ provider, method, kind: isProviderError(e) ? e.kind : UNMAPPED_ERROR_KIND });
      }
      throw e;
    }
  }
}
