/**
 * Offerings that just failed for lack of capacity. The launcher skips them for a few
 * minutes and moves on at once to the next offer, instead of backing off on one that
 * will fail again (Karpenter's unavailable-offerings cache).
 */
import type { Clock } from '../util/clock.js';

export const DEFAULT_UNAVAILABLE_TTL_MS = 3 * 60 * 1000;

interface Entry {
  reason: string;
  expiresAt: number;
}

export class UnavailableOfferings {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** Marks the offering (see offerKey()) unavailable for `ttlMs`; marking again extends it. */
  mark(key: string, reason: string, ttlMs = DEFAULT_UNAVAILABLE_TTL_MS): void {
    this.prune();
    this.entries.set(key, { reason, expiresAt: this.clock.now() + ttlMs });
  }

  isUnavailable(key: string): boolean {
    return this.live(key) !== undefined;
  }

  reason(key: string): string | undefined {
    return this.live(key)?.reason;
  }

  /** Offerings still marked, for status and metrics. */
  keys(): string[] {
    this.prune();
    return [...this.entries.keys()];
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(key);
  }
}
