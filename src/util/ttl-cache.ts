/**
 * Values kept for a while, on the injected clock, with single-flight loading: the one
 * TTL helper the adapters use, on lru-cache as the offer cache is. A load that fails
 * caches nothing; what to serve when a refresh fails is the offer cache's decision,
 * not the adapter's.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';

export interface TtlCacheOptions {
  clock: Clock;
  ttlMs: number;
  /** Entries kept at most; the least recently used go first. */
  max?: number;
}

export class TtlCache<K extends NonNullable<unknown>, V> {
  // Values are boxed so that `undefined` ("the price list has none") can be kept too.
  private readonly cache: LRUCache<K, { value: V }, () => Promise<V>>;

  constructor(opts: TtlCacheOptions) {
    this.cache = new LRUCache<K, { value: V }, () => Promise<V>>({
      max: opts.max ?? 10_000,
      ttl: opts.ttlMs,
      // 0: read the clock on every lookup; the default caches "now" behind a real timer.
      ttlResolution: 0,
      perf: { now: () => opts.clock.now() },
      fetchMethod: async (_key, _stale, { context }) => ({ value: await context() }),
    });
  }

  has(key: K): boolean {
    return this.cache.has(key);
  }

  get(key: K): V | undefined {
    return this.cache.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.cache.set(key, { value });
  }

  delete(key: K): void {
    this.cache.delete(key);
  }

  /** The kept value, or what `load` gives (callers asking together share one load). */
  async getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.cache.get(key);
    if (hit) return hit.value;
    const loaded = await this.cache.fetch(key, { context: load });
    return loaded!.value;
  }
}
