import { TransientError } from './errors.js';
/**
 * What the HTTP adapters' errors.ts files share: keeping secrets out of messages,
 * one-line vendor text of bounded length, and how long a 429 asked us to wait. Which
 * vendor failure becomes which shared error type stays in each adapter's errors.ts.
 */

const MAX_MESSAGE = 300;

/** Every occurrence of each non-empty secret -> `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('[redacted]');
  return out;
}

/** One line of at most `max` characters: a vendor's HTML error page must not fill a condition. */
export function clip(text: string, max: number = MAX_MESSAGE): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function secondsToMs(s: number): number {
  return Math.max(0, Math.round(s * 1000));
}

/** Retry-After alone, in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterHeaderMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(retryAfter)) return secondsToMs(Number(retryAfter));
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long we were asked to wait: Retry-After (seconds or an HTTP date), else the
 * `RateLimit` header's `reset=` / `t=`, else `RateLimit-Reset` / `X-RateLimit-Reset`
 * in seconds.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const fromRetryAfter = retryAfterHeaderMs(headers, now);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const rateLimit = headers.get('ratelimit');
  if (rateLimit) {
    const resets = [...rateLimit.matchAll(/(?:^|[;,\s])(?:reset|t)=(\d+)/g)].map((m) => Number(m[1]));
    if (resets.length > 0) return secondsToMs(Math.max(...resets));
  }
  for (const name of ['ratelimit-reset', 'x-ratelimit-reset']) {
    const v = headers.get(name)?.trim();
    if (v && /^\d+$/.test(v)) return secondsToMs(Number(v));
  }
  return undefined;
}

/** An HTTP answer that was not a success, as the adapters' errors.ts modules take it. */
export interface HttpFailure<Operation extends string = string> {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** What was being done, e.g. `create pod`; it leads the message. */
  operation: Operation;
}

export interface ErrorContext {
  /** Values that must never appear in a message (the API key). */
  secrets: readonly string[];
  /** epoch ms, for a Retry-After given as an HTTP date. */
  now: number;
}

/**
 * A thrown fetch failure -> TransientError: a network failure (undici's `TypeError:
 * fetch failed`, with the socket error as its cause) or a 2xx whose body is not JSON.
 * Anything else passes as it is, unmapped and so not retried: a TypeError of our own
 * code is a bug, not the cloud. `vendor` leads the message.
 */
export function fromThrownFetch(vendor: string, e: unknown, operation: string, ctx: ErrorContext): unknown {
  // By name, not instanceof: fetch and its errors may come from another realm.
  const name = e instanceof Error || isRecord(e) ? String((e as { name?: unknown }).name) : '';
  if (name === 'SyntaxError') return new TransientError(`${vendor} ${operation}: malformed JSON in the answer`, { cause: e });
  if (name === 'TypeError') {
    const err = e as { message?: unknown; cause?: unknown };
    const cause = err.cause;
    if (cause === undefined && err.message !== 'fetch failed') return e;
    const detail = cause instanceof Error || isRecord(cause) ? String((cause as { message?: unknown }).message) : String(err.message);
    return new TransientError(redact(`${vendor} ${operation}: network error: ${clip(detail)}`, ctx.secrets), { cause: e });
  }
  return e;
}
