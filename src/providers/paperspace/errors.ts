/**
 * The one place where Paperspace's answers and fetch failures become the shared
 * provider errors. Paperspace answers failures as `{ message, code, details? }`. Its
 * codes are coarse (`BAD_REQUEST`, `UNAUTHORIZED`, `NOT_FOUND` ...), so a 400 is told
 * apart by its message: "out of capacity" is a capacity problem, a limit on machines is
 * a quota problem, anything else is a bad request.
 *
 * Every message built here goes through `redact`, so a vendor echoing a header back
 * cannot put the API key into a condition or an event.
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
import { clip, isRecord, redact, retryAfterMs, type ErrorContext, type HttpFailure } from '../http-errors.js';

/**
 * Messages Paperspace gives when a machine type has no room in a region, from the
 * console and CLI ("We are currently out of capacity for the selected VM type"), the
 * machine event errors, and the availability wording of the API reference.
 */
const CAPACITY_PATTERNS: readonly RegExp[] = [
  /out of capacity/i,
  /no capacity/i,
  /insufficient capacity/i,
  /not (?:currently )?available in (?:this|the selected|that) region/i,
  /machine type is (?:currently )?unavailable/i,
  /no (?:machines|instances) available/i,
  /sold out/i,
];

const QUOTA_PATTERNS: readonly RegExp[] = [
  /quota/i,
  /limit (?:reached|exceeded)/i,
  /exceed(?:s|ed)? (?:your|the) (?:account |team )?limit/i,
  /maximum number of (?:machines|gpus)/i,
  /account (?:standing|balance)/i,
  /payment|billing/i,
];

/** `{ message, code }` -> its parts; anything else -> the text of it. */
export function vendorError(body: unknown): { code?: string; message: string } {
  if (isRecord(body) && (typeof body.message === 'string' || typeof body.code === 'string')) {
    return {
      code: typeof body.code === 'string' ? body.code : undefined,
      message: clip(typeof body.message === 'string' ? body.message : ''),
    };
  }
  if (body === undefined || body === null || body === '') return { message: '' };
  return { message: clip(typeof body === 'string' ? body : JSON.stringify(body)) };
}

/** Capacity or quota wording in a message (a 400 body or a failed machine event). */
export function classifyMessage(message: string): 'InsufficientCapacity' | 'QuotaExceeded' | undefined {
  if (CAPACITY_PATTERNS.some((p) => p.test(message))) return 'InsufficientCapacity';
  if (QUOTA_PATTERNS.some((p) => p.test(message))) return 'QuotaExceeded';
  return undefined;
}

export function fromHttpFailure(f: HttpFailure, ctx: ErrorContext): ProviderError {
  const { code, message } = vendorError(f.body);
  const detail = [code, message].filter((s) => s !== undefined && s !== '').join(': ');
  const text = redact(`paperspace ${f.operation}: HTTP ${f.status}${detail ? ` ${detail}` : ''}`, ctx.secrets);
  if (f.status === 429) return new RateLimitedError(text, retryAfterMs(f.headers, ctx.now));
  if (f.status === 401 || f.status === 403) return new AuthError(text);
  if (f.status === 402) return new QuotaExceededError(text);
  if (f.status === 404) return new NotFoundError(text);
  if (f.status >= 500 || f.status === 408) return new TransientError(text);
  const byMessage = classifyMessage(message);
  if (byMessage === 'InsufficientCapacity') return new InsufficientCapacityError(text);
  if (byMessage === 'QuotaExceeded') return new QuotaExceededError(text);
  return new InvalidRequestError(text);
}

/** A machine event that ended in `error` (the machine was accepted, then failed). */
export function fromEventError(operation: string, error: string | null | undefined, ctx: ErrorContext): ProviderError {
  const message = clip(error ?? 'no reason given');
  const text = redact(`paperspace ${operation}: machine event failed: ${message}`, ctx.secrets);
  const kind = classifyMessage(message);
  if (kind === 'InsufficientCapacity') return new InsufficientCapacityError(text);
  if (kind === 'QuotaExceeded') return new QuotaExceededError(text);
  // The request was valid; whatever broke on Paperspace's side may not break again.
  return new TransientError(text);
}
