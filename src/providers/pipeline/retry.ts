import { isRetryable, RateLimitedError } from '../errors.js';

export interface RetryPolicy {
  /** Attempts after the first one. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * How long to wait before retry number `attempt + 1`, or `undefined` to give up now.
 *
 * Full jitter (a uniform draw below the capped exponential) spreads the retries of
 * many reconciles that failed together. A rate limit's Retry-After is a floor. When
 * the provider asks for a longer wait than `maxDelayMs`, holding the call open is worse
 * than failing it: the RateLimitedError goes up and the controller requeues.
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxRetries || !isRetryable(error)) return undefined;
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(clamp01(random()) * cap);
  if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxDelayMs) return undefined;
    return Math.max(jittered, error.retryAfterMs);
  }
  return jittered;
}

function clamp01(x: number): number {
  if (!Number.isFinite(x) || x < 0) return 0;
  return x >= 1 ? 1 : x;
}
