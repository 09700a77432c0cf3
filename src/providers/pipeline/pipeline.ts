/**
 * The one call pipeline every provider is built with, in the order a call meets it:
 *
 *   metrics -> retries (full jitter, Retry-After as a floor) -> rate limit and
 *   concurrency (bottleneck) -> per-attempt timeout and abort -> the adapter's error
 *   mapper -> the adapter (one attempt, no timeouts of its own)
 *
 * The operator's GpuProvider controller and `gpu-provisioner offers` both build their
 * providers here, so what a cloud is called with does not depend on who calls it.
 */
import type { ProviderDefinition } from '../definition.js';
import type { CloudProvider, ProviderConfig, ProviderContext, ProviderFactory } from '../types.js';
import { resolveLimits } from './limit-settings.js';
import { withLimits } from './limits.js';
import { noProviderCallMetrics, withMetrics, type ProviderCallMetrics } from './metrics.js';
import type { RetryPolicy } from './retry.js';

export interface PipelineOptions {
  /** Where call durations and errors go; the operator passes prom-client's (src/metrics/provider-metrics.ts). */
  metrics?: ProviderCallMetrics;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
  /** The factory to build the adapter with; a fresh one of the definition's when absent. */
  factory?: ProviderFactory;
}

/** A provider inside its pipeline; `close` releases the rate limiter's timers. */
export interface PipelinedProvider extends CloudProvider {
  close(): Promise<void>;
}

/** Rejects when the adapter cannot be built, its module not loaded included. */
export async function buildProvider(
  def: ProviderDefinition,
  config: ProviderConfig,
  ctx: ProviderContext,
  opts: PipelineOptions = {},
): Promise<PipelinedProvider> {
  const adapter = await (opts.factory ?? def.factory())(config, ctx);
  const secrets = Object.values(ctx.credentials).filter((v) => v.length > 0);
  const limited = withLimits(adapter, {
    ...resolveLimits(def.limits, config.spec.rateLimit),
    ...opts.retry,
    clock: ctx.clock,
    logger: ctx.logger,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    mapError: (e, method) => def.mapError(e, method, { secrets, now: ctx.clock.now() }),
  });
  const metered = withMetrics(limited, opts.metrics ?? noProviderCallMetrics, ctx.clock);
  return Object.assign(metered, { close: () => limited.close() });
}
