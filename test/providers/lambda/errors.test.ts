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
import { fromHttpFailure, type LambdaOperation } from '../../../src/providers/lambda/errors.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const KEY = 'secret_lambda_key_0123456789abcdef';
const ctx = { secrets: [KEY], now: NOW };

function body(code: string, message: string, suggestion?: string) {
  return { error: { code, message, ...(suggestion ? { suggestion } : {}) } };
}

// Bodies as the spec's ApiError* schemas and examples give them.
const TABLE: [string, number, unknown, LambdaOperation, new (...a: never[]) => Error][] = [
  ['insufficient capacity', 400, body('instance-operations/launch/insufficient-capacity', 'Not enough capacity to fulfill launch request.'), 'launch', InsufficientCapacityError],
  ['quota exceeded', 400, body('global/quota-exceeded', 'Quota exceeded.', 'Contact Support to increase your quota.'), 'launch', QuotaExceededError],
  ['invalid parameters', 400, body('global/invalid-parameters', 'Invalid request data.'), 'launch', InvalidRequestError],
  ['file system in wrong region', 400, body('instance-operations/launch/file-system-in-wrong-region', 'File system is in another region.'), 'launch', InvalidRequestError],
  ['launch names a missing ssh key', 404, body('global/object-does-not-exist', 'Specified SSH key does not exist.', 'Check the name.'), 'launch', InvalidRequestError],
  ['invalid api key', 401, body('global/invalid-api-key', 'API key was invalid, expired, or deleted.', 'Check your API key or create a new one, then try again.'), 'list instances', AuthError],
  ['account inactive', 403, body('global/account-inactive', 'Your account is inactive.'), 'list instances', AuthError],
  ['invalid billing address', 403, body('global/invalid-billing-address', 'Invalid billing address.'), 'launch', AuthError],
  ['instance not found', 404, body('global/object-does-not-exist', 'Specified instance does not exist.'), 'get instance', NotFoundError],
  ['terminate of an unknown instance', 404, body('global/object-does-not-exist', 'Specified instance does not exist.'), 'terminate', NotFoundError],
  ['internal error', 500, body('global/internal-error', 'An internal server error occurred.'), 'list instance types', TransientError],
  ['upstream provider unavailable', 503, body('provider/internal-unavailable', 'Provider unavailable', 'Try again shortly'), 'launch', TransientError],
  ['provider error on a 400', 400, body('provider/internal-unavailable', 'Provider unavailable'), 'launch', TransientError],
  ['bare 502 from a proxy', 502, '<html>Bad Gateway</html>', 'list instances', TransientError],
  ['bare 404', 404, '', 'get instance', NotFoundError],
  ['bare 401', 401, '', 'list instances', AuthError],
  ['too many requests', 429, body('global/too-many-requests', 'Too many requests.'), 'launch', RateLimitedError],
  ['unknown 4xx code', 409, body('global/conflict', 'Conflict.'), 'launch', InvalidRequestError],
];

describe('Lambda error mapping', () => {
  it.each(TABLE)('%s (HTTP %i) becomes the right shared error', (_name, status, b, operation, type) => {
    const err = fromHttpFailure({ status, headers: new Headers(), body: b, operation }, ctx);
    expect(err).toBeInstanceOf(type);
    expect(err.message).toContain(`HTTP ${status}`);
  });

  it("quotes the vendor's code and message", () => {
    const err = fromHttpFailure(
      { status: 400, headers: new Headers(), body: body('global/quota-exceeded', 'Quota exceeded.'), operation: 'launch' },
      ctx,
    );
    expect(err.message).toBe('Lambda launch: HTTP 400: global/quota-exceeded: Quota exceeded.');
  });

  it('never lets the API key into a message, even when the vendor echoes it', () => {
    for (const [, status, , operation] of TABLE) {
      const echoed = body('global/invalid-api-key', `API key ${KEY} was invalid (Authorization: Bearer ${KEY})`);
      const err = fromHttpFailure({ status, headers: new Headers(), body: echoed, operation }, ctx);
      expect(err.message).not.toContain(KEY);
      expect(err.message).toContain('[redacted]');
    }
  });

  describe('retry-after', () => {
    it.each([
      ['Retry-After seconds', { 'retry-after': '12' }, 12_000],
      ['Retry-After HTTP date', { 'retry-after': new Date(NOW + 30_000).toUTCString() }, 30_000],
      ['RateLimit reset', { ratelimit: 'limit=1, remaining=0, reset=5' }, 5_000],
      ['RateLimit structured t=', { ratelimit: '"default";r=0;t=7' }, 7_000],
      ['RateLimit-Reset', { 'ratelimit-reset': '3' }, 3_000],
      ['X-RateLimit-Reset', { 'x-ratelimit-reset': '2' }, 2_000],
      ['nothing said', {}, undefined],
    ])('%s', (_name, headers, expected) => {
      expect(retryAfterMs(new Headers(headers as Record<string, string>), NOW)).toBe(expected);
    });

    it('is carried on the RateLimitedError of a 429', () => {
      const err = fromHttpFailure(
        { status: 429, headers: new Headers({ 'retry-after': '12' }), body: '', operation: 'launch' },
        ctx,
      ) as RateLimitedError;
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(err.retryAfterMs).toBe(12_000);
    });
  });
});
