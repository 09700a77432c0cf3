import { describe, expect, it } from '@jest/globals';
import type { ProviderErrorKind } from '../../../src/providers/errors.js';
import { redact } from '../../../src/providers/http-errors.js';
import { fromGraphQLErrors, fromHttpFailure, retryAfterMs, vendorMessage } from '../../../src/providers/runpod/errors.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const KEY = 'rpa_SECRETSECRETSECRET0123456789';
const ctx = { secrets: [KEY], now: NOW };

interface Case {
  name: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  kind: ProviderErrorKind;
  retryAfterMs?: number;
}

// Bodies from openapi/runpod-v2.openapi.json (components.responses examples), the v1
// spec's UnauthorizedError schema, and messages RunPod users have reported.
const cases: Case[] = [
  { name: 'v2 401 missing bearer token', status: 401, body: { title: 'Unauthorized', status: 401, detail: 'missing bearer token' }, kind: 'Auth' },
  { name: 'v2 403 access denied', status: 403, body: { title: 'Forbidden', status: 403, detail: 'access denied' }, kind: 'Auth' },
  { name: 'v1 401 message', status: 401, body: { message: 'Unauthorized' }, kind: 'Auth' },
  { name: 'v2 404 not found', status: 404, body: { title: 'Not Found', status: 404, detail: 'pod not found' }, kind: 'NotFound' },
  { name: 'v1 404 without a body', status: 404, body: undefined, kind: 'NotFound' },
  { name: 'v2 400 bad request', status: 400, body: { title: 'Bad Request', status: 400, detail: 'request could not be processed' }, kind: 'InvalidRequest' },
  {
    name: 'v2 422 validation',
    status: 422,
    body: { title: 'Unprocessable Entity', status: 422, detail: 'Request validation failed.', errors: ["$: additional properties 'bogus' not allowed"] },
    kind: 'InvalidRequest',
  },
  {
    name: '429 with Retry-After seconds',
    status: 429,
    body: { title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' },
    headers: { 'Retry-After': '12' },
    kind: 'RateLimited',
    retryAfterMs: 12_000,
  },
  {
    name: '429 with only the RateLimit header',
    status: 429,
    body: { title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' },
    headers: { RateLimit: '"minute";r=0;t=12, "hour";r=2800;t=1812, "day";r=49500;t=45012' },
    kind: 'RateLimited',
    retryAfterMs: 12_000,
  },
  { name: '429 with no hint', status: 429, body: '', kind: 'RateLimited' },
  {
    name: 'no longer any instances (REST 400)',
    status: 400,
    body: { error: 'create pod: There are no longer any instances available with the requested specifications. Please refresh and try again.' },
    kind: 'InsufficientCapacity',
  },
  {
    name: 'no longer any instances (500)',
    status: 500,
    body: { error: 'There are no longer any instances available with the request specifications. Please try again later.' },
    kind: 'InsufficientCapacity',
  },
  { name: 'no instances currently available', status: 400, body: { error: 'There are no instances currently available' }, kind: 'InsufficientCapacity' },
  {
    name: 'not enough free GPUs',
    status: 400,
    body: { error: 'There are not enough free GPUs on the host machine to start this pod.' },
    kind: 'InsufficientCapacity',
  },
  {
    name: 'no instances with enough disk space',
    status: 400,
    body: { error: 'There are no longer any instances available with enough disk space.' },
    kind: 'InsufficientCapacity',
  },
  { name: '402 payment required', status: 402, body: { error: 'payment required' }, kind: 'QuotaExceeded' },
  { name: 'insufficient balance', status: 400, body: { error: 'Insufficient balance to create this pod' }, kind: 'QuotaExceeded' },
  { name: '500 plain text', status: 500, body: 'Internal Server Error', kind: 'Transient' },
  { name: '502 gateway', status: 502, body: '<html>Bad Gateway</html>', kind: 'Transient' },
  { name: '503 unavailable', status: 503, body: undefined, kind: 'Transient' },
  { name: '409 conflict', status: 409, body: { error: 'conflict' }, kind: 'InvalidRequest' },
];

describe('RunPod HTTP failures -> shared errors', () => {
  it.each(cases)('$name -> $kind', (c) => {
    const err = fromHttpFailure({ status: c.status, headers: new Headers(c.headers ?? {}), body: c.body, operation: 'create pod' }, ctx);
    expect(err.kind).toBe(c.kind);
    expect(err.message).toMatch(/^RunPod create pod: HTTP \d+/);
    if (c.retryAfterMs !== undefined) expect((err as { retryAfterMs?: number }).retryAfterMs).toBe(c.retryAfterMs);
  });

  it('quotes the vendor message', () => {
    const err = fromHttpFailure(
      { status: 404, headers: new Headers(), body: { title: 'Not Found', status: 404, detail: 'pod not found' }, operation: 'get pod' },
      ctx,
    );
    expect(err.message).toBe('RunPod get pod: HTTP 404: pod not found');
  });

  it('never carries the API key, even when the vendor echoes it', () => {
    for (const c of cases) {
      const body = { error: `${vendorMessage(c.body)} (Authorization: Bearer ${KEY})` };
      const err = fromHttpFailure({ status: c.status, headers: new Headers(c.headers ?? {}), body, operation: 'create pod' }, ctx);
      expect(err.message).not.toContain(KEY);
      expect(err.message).toContain('[redacted]');
    }
    const gql = fromGraphQLErrors([{ message: `bad key ${KEY}` }], 'query spot prices', ctx);
    expect(gql.message).not.toContain(KEY);
  });
});

describe('retryAfterMs', () => {
  it('reads an HTTP-date Retry-After against the clock', () => {
    const h = new Headers({ 'Retry-After': new Date(NOW + 30_000).toUTCString() });
    expect(retryAfterMs(h, NOW)).toBe(30_000);
  });

  it('waits for the longest exhausted window', () => {
    const h = new Headers({ RateLimit: '"minute";r=0;t=12, "hour";r=0;t=1812, "day";r=49500;t=45012' });
    expect(retryAfterMs(h, NOW)).toBe(1_812_000);
  });

  it('falls back to RateLimit-Reset', () => {
    expect(retryAfterMs(new Headers({ 'RateLimit-Reset': '7' }), NOW)).toBe(7_000);
  });

  it('is undefined without any hint', () => {
    expect(retryAfterMs(new Headers(), NOW)).toBeUndefined();
  });
});

describe('GraphQL errors', () => {
  it.each([
    ['There are no longer any instances available with the requested specifications. Please refresh and try again.', 'InsufficientCapacity'],
    ['Unauthorized', 'Auth'],
    ['Cannot query field "bogus" on type "GpuType".', 'InvalidRequest'],
  ])('%s -> %s', (message, kind) => {
    expect(fromGraphQLErrors([{ message }], 'query spot prices', ctx).kind).toBe(kind);
  });
});

describe('redact', () => {
  it('replaces every occurrence', () => {
    expect(redact(`a ${KEY} b ${KEY}`, [KEY])).toBe('a [redacted] b [redacted]');
  });
});
