import Bottleneck from 'bottleneck';
import { isProviderError } from '../errors.js';
import type { CloudProvider, Instance, InterruptionNotice, LaunchRequest, Offer } from '../types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Decorator } from './decorator.js';
import type { ProviderLimits } from './default-limits.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import { callWithTimeout } from './timeout.js';

export interface LimitOptions extends ProviderLimits, Partial<RetryPolicy> {
  clock: Clock;
  logger: Logger;
  /** Per attempt, not per call: each retry gets the full time again. Default 30s. */
  timeoutMs?: number;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
}

/** A limited provider holds a timer while it rate-limits; `close` releases it. */
export interface LimitedProvider extends CloudProvider {
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Bottleneck refills on a heartbeat; refilling more often than this buys nothing. */
const MIN_REFILL_INTERVAL_MS = 50;

type Method = 'listOffers' | 'create' | 'get' | 'list' | 'delete' | 'checkCredentials' | 'pollInterruptions';

/**
 * Wraps a provider so that every call is rate limited, bounded in concurrency, timed
 * out per attempt, and retried with full-jitter exponential backoff on rate limits and
 * transient failures. Adapters make exactly one attempt per call; this is the one place
 * that decides to try again.
 *
 * `create` is retried like everything else. That is safe only because every adapter's
 * create is idempotent by the request's key (AWS ClientToken; elsewhere a lookup of the
 * unique name or tag before launching): a retry after a timeout whose launch did reach
 * the cloud finds that instance and returns it instead of buying a second one.
 */
export function withLimits(provider: CloudProvider, opts: LimitOptions): LimitedProvider {
  return new LimitedCloudProvider(provider, opts);
}

/** `withLimits` as a {@link Decorator}, for `decorate(provider, limits(opts), metrics)`. */
export function limits(opts: LimitOptions): Decorator {
  return (p) => withLimits(p, opts);
}

class LimitedCloudProvider implements LimitedProvider {
  readonly pollInterruptions?: (signal?: AbortSignal) => Promise<InterruptionNotice[]>;
  private readonly limiter?: Bottleneck;
  private readonly createLimiter?: Bottleneck;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly inner: CloudProvider,
    opts: LimitOptions,
  ) {
    this.clock = opts.clock;
    this.logger = opts.logger.child({ provider: inner.name });
    this.policy = {
      maxRetries: opts.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: opts.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: opts.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.random = opts.random ?? Math.random;
    this.limiter = buildLimiter(opts);
    if (opts.createMinIntervalMs !== undefined && opts.createMinIntervalMs > 0) {
      this.createLimiter = new Bottleneck({ maxConcurrent: 1, minTime: opts.createMinIntervalMs });
    }
    if (inner.pollInterruptions) {
      const poll = inner.pollInterruptions.bind(inner);
      this.pollInterruptions = (signal) => this.call('pollInterruptions', (s) => poll(s), signal);
    }
  }

  get name(): string {
    return this.inner.name;
  }

  get type() {
    return this.inner.type;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  listOffers(signal?: AbortSignal): Promise<Offer[]> {
    return this.call('listOffers', (s) => this.inner.listOffers(s), signal);
  }

  create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    return this.call('create', (s) => this.inner.create(req, s), signal);
  }

  get(id: string, signal?: AbortSignal): Promise<Instance> {
    return this.call('get', (s) => this.inner.get(id, s), signal);
  }

  list(signal?: AbortSignal): Promise<Instance[]> {
    return this.call('list', (s) => this.inner.list(s), signal);
  }

  delete(id: string, signal?: AbortSignal): Promise<void> {
    return this.call('delete', (s) => this.inner.delete(id, s), signal);
  }

  checkCredentials(signal?: AbortSignal): Promise<void> {
    return this.call('checkCredentials', (s) => this.inner.checkCredentials(s), signal);
  }

  async close(): Promise<void> {
    await Promise.all([this.limiter?.disconnect(false), this.createLimiter?.disconnect(false)]);
  }

  private async call<T>(method: Method, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const what = `${this.inner.name}.${method}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.schedule(method, () =>
          callWithTimeout(fn, { clock: this.clock, timeoutMs: this.timeoutMs, what, signal }),
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
