/**
 * Exponential backoff for failed reconciles, as client-go's per-item rate limiter:
 * the first failure waits `baseMs`, each further one `factor` times longer, never
 * more than `maxMs`. No jitter: the work queue already spreads keys out, and a
 * deterministic delay keeps the tests exact.
 */

export interface BackoffOptions {
  baseMs: number;
  factor: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = {
  baseMs: 500,
  factor: 2,
  maxMs: 5 * 60_000,
};

/** Delay before the next try, given how many tries have already failed in a row (0 = the first failure). */
export function backoffDelay(failures: number, opts: BackoffOptions = defaultBackoff): number {
  const n = Math.max(0, Math.floor(failures));
  // Capping the exponent keeps the product finite for keys that have failed for days.
  const growth = Math.pow(opts.factor, Math.min(n, 64));
  return Math.min(opts.maxMs, opts.baseMs * growth);
}
