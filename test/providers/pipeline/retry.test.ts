import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  UnsupportedError,
  isRetryable,
} from '../../../src/providers/errors.js';
import { retryDelayMs, type RetryPolicy } from '../../../src/providers/pipeline/retry.js';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('retry decisions', () => {
  it.each([
    ['TransientError', true, new TransientError('503')],
    ['RateLimitedError', true, new RateLimitedError('429')],
    ['InsufficientCapacityError', false, new InsufficientCapacityError('no capacity')],
    ['QuotaExceededError', false, new QuotaExceededError('quota')],
    ['AuthError', false, new AuthError('401')],
    ['InvalidRequestError', false, new InvalidRequestError('400')],
    ['NotFoundError', false, new NotFoundError('404')],
    ['UnsupportedError', false, new UnsupportedError('no')],
    ['a plain Error (a bug, not the cloud)', false, new Error('boom')],
    ['an AbortError', false, new DOMException('aborted', 'AbortError')],
  ])('%s retryable: %s', (_name, expected, error) => {
    expect(isRetryable(error)).toBe(expected);
    const delay = retryDelayMs(0, error, policy, () => 0.5);
    expect(delay === undefined).toBe(!expected);
  });
});

describe('backoff delays', () => {
  it.each([
    // attempt, random, expected: full jitter below min(max, base * 2^attempt)
    [0, 0, 0],
    [0, 0.5, 250],
    [0, 0.999, 499],
    [1, 0.5, 500],
    [2, 0.999, 1998],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(retryDelayMs(attempt, new TransientError('x'), policy, () => random)).toBe(expected);
  });

  it('caps the exponential at maxDelayMs', () => {
    const many: RetryPolicy = { ...policy, maxRetries: 50 };
    expect(retryDelayMs(20, new TransientError('x'), many, () => 0.999_999)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(20, new TransientError('x'), many, () => 0.999_999)).toBeGreaterThan(29_000);
  });

  it('stays within [0, cap] for any random value, even out-of-range ones', () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      for (const r of [-1, 0, 0.1, 0.37, 0.5, 0.9, 1, 2, Number.NaN]) {
        const d = retryDelayMs(attempt, new TransientError('x'), policy, () => r)!;
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('gives up after maxRetries', () => {
    expect(retryDelayMs(2, new TransientError('x'), policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, new TransientError('x'), policy, () => 0)).toBeUndefined();
  });

  it.each([
    // retryAfterMs, attempt, random, expected
    [5_000, 0, 0, 5_000], // Retry-After is a floor over a short jitter
    [100, 1, 0.999, 999], // jitter longer than Retry-After wins
    [30_000, 0, 0, 30_000], // exactly the cap is still waited for
  ])('a rate limit asking for %i ms (attempt %i, random %f) waits %i ms', (after, attempt, random, expected) => {
    expect(retryDelayMs(attempt, new RateLimitedError('429', after), policy, () => random)).toBe(expected);
  });

  it('does not hold a call open when the provider asks for more than maxDelayMs', () => {
    expect(retryDelayMs(0, new RateLimitedError('daily quota', 3_600_000), policy, () => 0)).toBeUndefined();
  });

  it('a rate limit without Retry-After backs off like a transient error', () => {
    expect(retryDelayMs(1, new RateLimitedError('429'), policy, () => 0.5)).toBe(500);
  });
});
