/**
 * Offers per provider, refreshed once per TTL however many GpuRequests ask: lru-cache's
 * fetch joins concurrent callers onto one provider call (single flight), and once the
 * TTL has passed it hands out the old offers while one refresh runs behind them
 * (stale-while-revalidate). A refresh that fails keeps the old offers for a while and
 * remembers the error, so one flaky provider neither hides its offers at once nor
 * stops the others from being priced.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { describeError } from '../providers/errors.js';
import type { CloudProvider, Offer } from '../providers/types.js';

export const DEFAULT_OFFER_TTL_MS = 5 * 60 * 1000;
/** After a failed refresh, how long the old offers are served before the next try. */
export const DEFAULT_RETRY_AFTER_FAILURE_MS = 30 * 1000;
/** Offers older than this are dropped rather than shown as today's prices. */
export const DEFAULT_MAX_STALE_MS = 60 * 60 * 1000;

export interface OfferCacheOptions {
  clock: Clock;
  logger?: Logger;
  ttlMs?: number;
  retryAfterFailureMs?: number;
  maxStaleMs?: number;
  /** How many providers to hold offers for. */
  maxProviders?: number;
}

export interface RefreshFailure {
  error: unknown;
  /** epoch ms */
  at: number;
}

export interface ProviderOffersError {
  provider: string;
  error: unknown;
  /** Whether older offers of this provider are in `offers` despite the error. */
  servedStale: boolean;
}

export interface AllOffers {
  offers: Offer[];
  errors: ProviderOffersError[];
}

export class OfferCache {
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly retryAfterFailureMs: number;
  private readonly maxStaleMs: number;
  private readonly cache: LRUCache<string, Offer[], CloudProvider>;
  private readonly refreshedAt = new Map<string, number>();
  private readonly failures = new Map<string, RefreshFailure>();
  private readonly forceNext = new Set<string>();
  /** Per-provider refresh interval (GpuProvider spec.priceRefreshInterval), over the default TTL. */
  private readonly ttls = new Map<string, number>();

  constructor(opts: OfferCacheOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.retryAfterFailureMs = opts.retryAfterFailureMs ?? DEFAULT_RETRY_AFTER_FAILURE_MS;
    this.maxStaleMs = opts.maxStaleMs ?? DEFAULT_MAX_STALE_MS;
    this.cache = new LRUCache<string, Offer[], CloudProvider>({
      max: opts.maxProviders ?? 1000,
      ttl: opts.ttlMs ?? DEFAULT_OFFER_TTL_MS,
      // 0: read the clock on every lookup; the default caches "now" behind a real timer.
      ttlResolution: 0,
      perf: { now: () => this.clock.now() },
      allowStale: true,
      noDeleteOnFetchRejection: true,
      fetchMethod: (name, stale, { options, context }) => this.refresh(name, stale, options, context),
    });
  }

  /** The provider's offers; calls the provider at most once per TTL. */
  async getOffers(provider: CloudProvider): Promise<Offer[]> {
    const force = this.forceNext.delete(provider.name);
    const ttl = this.ttls.get(provider.name);
    const offers = await this.cache.fetch(provider.name, {
      context: provider,
      forceRefresh: force,
      allowStale: !force,
      ...(ttl !== undefined ? { ttl } : {}),
    });
    return offers ?? [];
  }

  /** Offers of every provider; a provider that fails is reported in `errors`, never thrown. */
  async getAll(providers: CloudProvider[]): Promise<AllOffers> {
    const results = await Promise.all(
      providers.map(async (p) => {
        try {
          return { provider: p.name, offers: await this.getOffers(p) };
        } catch (error) {
          return { provider: p.name, offers: [] as Offer[], error };
        }
      }),
    );
    const offers: Offer[] = [];
    const errors: ProviderOffersError[] = [];
    for (const r of results) {
      offers.push(...r.offers);
      if ('error' in r) {
        errors.push({ provider: r.provider, error: r.error, servedStale: false });
        continue;
      }
      const failure = this.failures.get(r.provider);
      if (failure) errors.push({ provider: r.provider, error: failure.error, servedStale: r.offers.length > 0 });
    }
    return { offers, errors };
  }

  /** The next getOffers for this provider waits for fresh offers (e.g. after its spec changed). */
  invalidate(provider: string): void {
    this.forceNext.add(provider);
  }

  /** How long this provider's offers stay fresh; the next refresh uses it. */
  setTtl(provider: string, ttlMs: number): void {
    this.ttls.set(provider, ttlMs);
  }

  /** Forgets a provider that no longer exists. */
  forget(provider: string): void {
    this.ttls.delete(provider);
    this.cache.delete(provider);
    this.refreshedAt.delete(provider);
    this.failures.delete(provider);
    this.forceNext.delete(provider);
  }

  /** Every offer held now, stale ones included, without calling any provider (for metrics). */
  cached(): Offer[] {
    const out: Offer[] = [];
    for (const name of this.cache.keys()) out.push(...(this.cache.peek(name, { allowStale: true }) ?? []));
    return out;
  }

  /** epoch ms of the last successful refresh. */
  lastRefreshed(provider: string): number | undefined {
    return this.refreshedAt.get(provider);
  }

  /** The error of the last refresh when it failed; cleared by the next success. */
  lastError(provider: string): RefreshFailure | undefined {
    return this.failures.get(provider);
  }

  private async refresh(
    name: string,
    stale: Offer[] | undefined,
    options: LRUCache.FetcherFetchOptions<string, Offer[], CloudProvider>,
    provider: CloudProvider,
  ): Promise<Offer[]> {
    try {
      const offers = await provider.listOffers();
      this.refreshedAt.set(name, this.clock.now());
      this.failures.delete(name);
      return offers;
    } catch (error) {
      const now = this.clock.now();
      this.failures.set(name, { error, at: now });
      const refreshedAt = this.refreshedAt.get(name);
      const usable = stale !== undefined && refreshedAt !== undefined && now - refreshedAt <= this.maxStaleMs;
      this.logger?.warn('offer refresh failed', { provider: name, error: describeError(error), servingStale: usable });
      if (usable) {
        // Keep the old offers, but only until the next try, so a recovered provider
        // is priced again soon rather than after a whole TTL.
        options.ttl = this.retryAfterFailureMs;
        return stale;
      }
      // Too old to pass for current prices: drop them, and let the caller see the error.
      options.noDeleteOnFetchRejection = false;
      throw error;
    }
  }
}
