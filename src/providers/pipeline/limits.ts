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

/** `close` disconnects the provider's bottleneck limiters. */
export interface LimitedProvider extends CloudProvider {
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

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
  private readonly bucket?: TokenBucket;
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
    if (opts.maxConcurrent !== undefined && opts.maxConcurrent > 0) this.limiter = new Bottleneck({ maxConcurrent: opts.maxConcurrent });
    if (opts.requestsPerSecond !== undefined && opts.requestsPerSecond > 0) {
      this.bucket = new TokenBucket(this.clock, opts.requestsPerSecond, opts.burst ?? Math.ceil(opts.requestsPerSecond));
    }
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
        return await this.schedule(method, signal, () =>
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

  /** A concurrency slot, then the call's token (waited for in the slot, as bottleneck waits for both), then the call. */
  private schedule<T>(method: Method, signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    const paced = this.bucket ? () => this.bucket!.take(signal).then(job) : job;
    const limited = this.limiter ? () => this.limiter!.schedule(paced) : paced;
    if (method === 'create' && this.createLimiter) return this.createLimiter.schedule(limited);
    return limited();
  }
}

/**
 * A token bucket kept as the time its next token is due (GCRA): `burst` calls at once
 * after a quiet spell, then one every 1/requestsPerSecond. Each call takes its slot when
 * it asks, so slots go in the order asked and none is lost when the event loop is late
 * (bottleneck's reservoir adds one refill per heartbeat that fires, however late it
 * fires, so a busy operator called slower than its provider allowed). A call aborted
 * while it waits leaves its slot unused.
 */
class TokenBucket {
  private readonly intervalMs: number;
  /** Tokens ahead of the schedule a quiet spell lets through. */
  private readonly ahead: number;
  /** When the token after the last one taken is due. */
  private due = -Infinity;

  constructor(
    private readonly clock: Clock,
    requestsPerSecond: number,
    burst: number,
  ) {
    this.intervalMs = 1000 / requestsPerSecond;
    this.ahead = Math.max(1, burst) - 1;
  }

  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const next = Math.max(this.due, now);
    const waitMs = next - this.ahead * this.intervalMs - now;
    this.due = next + this.intervalMs;
    if (waitMs > 0) await this.clock.sleep(waitMs, signal);
  }
}
