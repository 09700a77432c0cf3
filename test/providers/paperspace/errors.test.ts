import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
} from '../../../src/providers/errors.js';
import { retryAfterMs } from '../../../src/providers/http-errors.js';
import { fromEventError, fromHttpFailure } from '../../../src/providers/paperspace/errors.js';

const KEY = 'ps-secret-key-abc123';
const NOW = Date.parse('2026-01-01T00:00:00Z');
const ctx = { secrets: [KEY], now: NOW };

function failure(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, body, headers: new Headers(headers), operation: 'create machine' };
}

/**
 * Bodies in the shape of the spec's `error` response ({ message, code }); messages as
 * Paperspace's console, CLI and API reference word them.
 */
describe('paperspace HTTP failures', () => {
  it.each([
    [401, 'UNAUTHORIZED', 'Invalid API key', AuthError],
    [403, 'FORBIDDEN', 'You do not have access to this team', AuthError],
    [404, 'NOT_FOUND', 'Machine not found', NotFoundError],
    [402, 'PAYMENT_REQUIRED', 'Your account is not in good standing', QuotaExceededError],
    [400, 'BAD_REQUEST', 'We are currently out of capacity for the selected VM type. Try again in a few minutes, or select a different instance.', InsufficientCapacityError],
    [400, 'BAD_REQUEST', 'No capacity available for machine type H100x8 in region East Coast (NY2)', InsufficientCapacityError],
    [400, 'BAD_REQUEST', 'Machine type A100-80G is not available in this region', InsufficientCapacityError],
    [400, 'BAD_REQUEST', 'You have reached the maximum number of machines allowed for your team', QuotaExceededError],
    [400, 'BAD_REQUEST', 'GPU quota exceeded, contact support to raise it', QuotaExceededError],
    [400, 'BAD_REQUEST', 'Required', InvalidRequestError],
    [422, 'UNPROCESSABLE_ENTITY', 'templateId must be a string', InvalidRequestError],
    [409, 'CONFLICT', 'A machine with this name already exists', InvalidRequestError],
    [408, 'TIMEOUT', 'Request timed out', TransientError],
    [500, 'INTERNAL_SERVER_ERROR', 'Something went wrong', TransientError],
    [503, 'SERVICE_UNAVAILABLE', 'Service unavailable', TransientError],
    [429, 'TOO_MANY_REQUESTS', 'Too many requests', RateLimitedError],
  ])('%i %s "%s"', (status, code, message, type) => {
    const e = fromHttpFailure(failure(status, { code, message }), ctx);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toContain(`HTTP ${status}`);
    expect(e.message).toContain(code);
  });

  it('classifies a non-JSON body by status', () => {
    expect(fromHttpFailure(failure(502, '<html>Bad Gateway</html>'), ctx)).toBeInstanceOf(TransientError);
    expect(fromHttpFailure(failure(400, ''), ctx)).toBeInstanceOf(InvalidRequestError);
  });

  it('redacts the API key wherever the vendor echoes it', () => {
    const e = fromHttpFailure(failure(400, { code: 'BAD_REQUEST', message: `key ${KEY} is malformed` }), ctx);
    expect(e.message).not.toContain(KEY);
    expect(e.message).toContain('[redacted]');
  });

  it('clips very long vendor messages', () => {
    const e = fromHttpFailure(failure(400, { code: 'BAD_REQUEST', message: 'x'.repeat(5000) }), ctx);
    expect(e.message.length).toBeLessThan(400);
  });
});

describe('paperspace Retry-After', () => {
  it.each([
    [{ 'retry-after': '12' }, 12_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': new Date(NOW + 30_000).toUTCString() }, 30_000],
    [{ ratelimit: 'limit=100, remaining=0, reset=9' }, 9_000],
    [{ ratelimit: '"default";r=0;t=4' }, 4_000],
    [{ 'ratelimit-reset': '3' }, 3_000],
    [{ 'x-ratelimit-reset': '2' }, 2_000],
    [{}, undefined],
  ])('%j -> %p ms', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers as Record<string, string>), NOW)).toBe(expected);
    const e = fromHttpFailure(failure(429, { code: 'TOO_MANY_REQUESTS', message: 'slow down' }, headers as Record<string, string>), ctx);
    expect((e as RateLimitedError).retryAfterMs).toBe(expected);
  });
});

describe('paperspace machine event failures', () => {
  it.each([
    ['We are currently out of capacity for the selected VM type.', InsufficientCapacityError],
    ['Team GPU limit exceeded', QuotaExceededError],
    ['Hypervisor error while provisioning', TransientError],
    [null, TransientError],
  ])('%p', (error, type) => {
    expect(fromEventError('create machine', error, ctx)).toBeInstanceOf(type);
  });
});
