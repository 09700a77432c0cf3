/**
 * The one place where RunPod's HTTP answers, GraphQL errors and fetch failures become
 * the shared provider errors. RunPod reports "no capacity" only in prose (often with a
 * 400 or 500 status), so messages are matched before status codes.
 *
 * Every message built here goes through `redact`: a vendor echoing a request header
 * back must not put the API key into a condition or an event.
 */
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  type ProviderError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
} from '../errors.js';
import { clip, isRecord, redact, retryAfterHeaderMs, secondsToMs, type ErrorContext, type HttpFailure } from '../http-errors.js';

/** Messages RunPod gives when the requested GPUs are not free; seen from REST, GraphQL and runpodctl. */
export const CAPACITY_PATTERNS: readonly RegExp[] = [
  /no longer any instances available/i,
  /no instances currently available/i,
  /not enough free gpus/i,
  /no (?:gpus?|machines?|hosts?|instances?) (?:are )?(?:currently )?available/i,
];

/** RunPod bills from prepaid credit: an empty balance or a spend limit stops every launch on the account. */
export const QUOTA_PATTERNS: readonly RegExp[] = [
  /insufficient (?:funds|balance|credits?)/i,
  /(?:balance|credit) is too low/i,
  /spend(?:ing)? limit/i,
  /maximum number of (?:pods|gpus)/i,
];

const AUTH_PATTERNS: readonly RegExp[] = [/unauthori[sz]ed/i, /invalid api key/i, /api key (?:is )?(?:missing|invalid)/i];

/**
 * The vendor's own words from any of RunPod's error shapes: v2 problem+json
 * (`title`, `detail`, `errors`), v1 REST (`error` or `message`), GraphQL (`errors[].message`).
 */
export function vendorMessage(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return clip(body);
  if (Array.isArray(body)) return clip(body.map(vendorMessage).filter(Boolean).join('; '));
  if (!isRecord(body)) return clip(String(body));
  if (Array.isArray(body.errors) && body.errors.some(isRecord)) {
    return clip(body.errors.map((e) => (isRecord(e) && typeof e.message === 'string' ? e.message : '')).filter(Boolean).join('; '));
  }
  const parts: string[] = [];
  if (typeof body.detail === 'string') parts.push(body.detail);
  else if (typeof body.title === 'string') parts.push(body.title);
  if (typeof body.error === 'string') parts.push(body.error);
  else if (isRecord(body.error) && typeof body.error.message === 'string') parts.push(body.error.message);
  if (typeof body.message === 'string') parts.push(body.message);
  if (Array.isArray(body.errors)) parts.push(...body.errors.filter((e): e is string => typeof e === 'string'));
  return clip(parts.length > 0 ? parts.join(': ') : JSON.stringify(body));
}

/**
 * How long RunPod asked us to wait. Retry-After (seconds or an HTTP date) wins; else the
 * structured `RateLimit` header (`"minute";r=0;t=12, "hour";r=2800;t=1812`): the longest
 * reset among exhausted windows, or the shortest reset when none says r=0; else the
 * older `RateLimit-Reset` (seconds).
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const fromRetryAfter = retryAfterHeaderMs(headers, now);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const rateLimit = headers.get('ratelimit');
  if (rateLimit) {
    const windows = rateLimit.split(',').map((member) => {
      const r = /;\s*r=(\d+)/.exec(member);
      const t = /;\s*t=(\d+)/.exec(member);
      return { remaining: r ? Number(r[1]) : undefined, reset: t ? Number(t[1]) : undefined };
    });
    const resets = (ws: typeof windows) => ws.map((w) => w.reset).filter((t): t is number => t !== undefined);
    const exhausted = resets(windows.filter((w) => w.remaining === 0));
    if (exhausted.length > 0) return secondsToMs(Math.max(...exhausted));
    const any = resets(windows);
    if (any.length > 0) return secondsToMs(Math.min(...any));
  }
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return secondsToMs(Number(reset));
  return undefined;
}

function matches(patterns: readonly RegExp[], text: string): boolean {
  return patterns.some((p) => p.test(text));
}

/** A failed HTTP answer -> one shared error type. */
export function fromHttpFailure(f: HttpFailure, ctx: ErrorContext): ProviderError {
  const said = redact(vendorMessage(f.body), ctx.secrets);
  const message = `RunPod ${f.operation}: HTTP ${f.status}${said ? `: ${said}` : ''}`;
  if (f.status === 401 || f.status === 403) return new AuthError(message);
  if (f.status === 429) return new RateLimitedError(message, retryAfterMs(f.headers, ctx.now));
  if (matches(CAPACITY_PATTERNS, said)) return new InsufficientCapacityError(message);
  if (f.status === 402 || matches(QUOTA_PATTERNS, said)) return new QuotaExceededError(message);
  if (f.status === 404) return new NotFoundError(message);
  if (f.status >= 500 || f.status === 408) return new TransientError(message);
  return new InvalidRequestError(message);
}

/** GraphQL answers failures with HTTP 200 and an `errors` array. */
export function fromGraphQLErrors(errors: unknown, operation: string, ctx: ErrorContext): ProviderError {
  const said = redact(vendorMessage({ errors }), ctx.secrets);
  const message = `RunPod ${operation}: ${said || 'GraphQL error'}`;
  if (matches(AUTH_PATTERNS, said)) return new AuthError(message);
  if (matches(CAPACITY_PATTERNS, said)) return new InsufficientCapacityError(message);
  if (matches(QUOTA_PATTERNS, said)) return new QuotaExceededError(message);
  if (/rate limit|too many requests/i.test(said)) return new RateLimitedError(message);
  return new InvalidRequestError(message);
}
