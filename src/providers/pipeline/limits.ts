import Bottleneck from 'bottleneck';
import { isProviderError } from '../errors.js';
import type { CloudProvider } from '../types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ProviderLimits } from './limit-settings.js';
import { WrappedProvider, type ProviderMethod } from './wrapped-provider.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry.js';
import { callWithTimeout } from './timeout.js';

export interface LimitOptions extends ProviderLimits, Partial<RetryPolicy> {
  clock: Clock;
  logger: Logger;
  /** Per attempt, not per call: each retry gets the full time again. Default 30s. */
  timeoutMs?: number;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
  /**
   * The adapter's error mapper, for whatever an attempt throws that is not yet a shared
   * provider error; without one such errors pass as they are (and are not retried).
   */
  mapError?: (e: unknown, method: ProviderMethod) => unknown;
}

/** A limited provider holds a timer while it rate-limits; `close` releases it. */
export interface LimitedProvider extends CloudProvider {
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Bottleneck refills on a heartbeat; refilling more often than this buys nothing. */
const MIN_REFILL_INTERVAL_MS = 50;

type Method = ProviderMethod;

/**
 * Wraps a provider so that every call is rate limited, bounded in concurrency, timed
 * out per attempt, mapped onto the shared error types, and retried with full-jitter
 * exponential backoff on rate limits and transient failures. Adapters make exactly one
 * attempt per call and set no timeouts of their own; this is the one place that bounds
 * an attempt and decides to try again.
 *
 * `create` is retried like everything else. That is safe only because every adapter's
 * create is idempotent by the request's key (AWS ClientToken; elsewhere a lookup of the
 * unique name or tag before launching): a retry after a timeout whose launch did reach
 * the cloud finds that instance and returns it instead of buying a second one.
 */
export function withLimits(provider: CloudProvider, opts: LimitOptions): LimitedProvider {
  return new LimitedCloudProvider(provider, opts);
}

class LimitedCloudProvider extends WrappedProvider implements LimitedProvider {
  private readonly limiter?: Bottleneck;
  private readonly createLimiter?: Bottleneck;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly mapError?: (e: unknown, method: Method) => unknown;

  constructor(inner: CloudProvider, opts: LimitOptions) {
    super(inner);
    this.clock = opts.clock;
    this.logger = opts.logger.child({ provider: inner.name });
    this.policy = {
      maxRetries: opts.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: opts.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: opts.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.random = opts.random ?? Math.random;
    this.mapError = opts.mapError;
    this.limiter = buildLimiter(opts);
    if (opts.createMinIntervalMs !== undefined && opts.createMinIntervalMs > 0) {
      this.createLimiter = new Bottleneck({ maxConcurrent: 1, minTime: opts.createMinIntervalMs });
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.limiter?.disconnect(false), this.createLimiter?.disconnect(false)]);
  }

  protected async around<T>(method: Method, signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const what = `${this.inner.name}.${method}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.schedule(method, () =>
          callWithTimeout(fn, { clock: this.clock, timeoutMs: this.timeoutMs, what, signal }).catch((e: unknown) => {
            throw this.mapped(e, method, signal);
          }),
        );
      } catch (e) {
        if (signal?.aborted) throw e;
        const delay = retryDelayMs(attempt, e, this.policy, this.random);
        if (delay === undefined) throw e;
        this.logger.debug('provider call failed, retrying', {
          method,
          attempt: attempt + 1,
          delayMs: delay,
          error: isProviderError(e) ? e.kind : 'Error',
          message: e instanceof Error ? e.message : String(e),
        });
        // Sleeping outside the limiter: a call waiting to retry holds no concurrency slot.
        await this.clock.sleep(delay, signal);
      }
    }
  }

  /** Provider errors and the caller's own abort pass as they are; anything else goes through the mapper. */
  private mapped(e: unknown, method: Method, signal?: AbortSignal): unknown {
    if (isProviderError(e) || signal?.aborted || !this.mapError) return e;
    return this.mapError(e, method);
  }

  private schedule<T>(method: Method, job: () => Promise<T>): Promise<T> {
    const limited = this.limiter ? () => this.limiter!.schedule(job) : job;
    if (method === 'create' && this.createLimiter) return this.createLimiter.schedule(limited);
    return limited();
  }
}

/**
 * A token bucket on bottleneck's reservoir: `burst` tokens to start, refilled at
 * `requestsPerSecond`. No limiter at all when nothing is limited, so unthrottled
 * providers (the sim) pay nothing and never touch real timers.
 */
function buildLimiter(opts: ProviderLimits): Bottleneck | undefined {
  const { requestsPerSecond: rps, maxConcurrent } = opts;
  const hasRate = rps !== undefined && rps > 0;
  const hasConcurrency = maxConcurrent !== undefined && maxConcurrent > 0;
  if (!hasRate && !hasConcurrency) return undefined;
  const settings: Bottleneck.ConstructorOptions & { heartbeatInterval?: number } = {
    maxConcurrent: hasConcurrency ? maxConcurrent : null,
  };
  if (hasRate) {
    const intervalMs = Math.max(MIN_REFILL_INTERVAL_MS, 1000 / rps);
    const perRefill = Math.max(1, Math.round((rps * intervalMs) / 1000));
    const size = Math.max(perRefill, Math.floor(opts.burst ?? Math.ceil(rps)));
    Object.assign(settings, {
      reservoir: size,
      reservoirIncreaseAmount: perRefill,
      reservoirIncreaseInterval: intervalMs,
      reservoirIncreaseMaximum: size,
      heartbeatInterval: Math.max(10, Math.floor(intervalMs / 4)),
    });
  }
  return new Bottleneck(settings);
}
