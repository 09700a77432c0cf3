/**
 * The shared error types. Each adapter's own errors.ts is the one place where HTTP
 * and SDK failures become one of these; nothing above the providers looks at status
 * codes or vendor error bodies. Messages must never carry credentials.
 */

export const PROVIDER_ERROR_KINDS = [
  'InsufficientCapacity',
  'QuotaExceeded',
  'RateLimited',
  'Transient',
  'Auth',
  'InvalidRequest',
  'NotFound',
  'Unsupported',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

export abstract class ProviderError extends Error {
  abstract readonly kind: ProviderErrorKind;
  /** Whether trying the same call again later may succeed. */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The offering has no capacity now: mark it unavailable and try the next one at once. */
export class InsufficientCapacityError extends ProviderError {
  readonly kind = 'InsufficientCapacity';
  readonly retryable = false;
}

/** The account's limit is reached; another provider may still serve. */
export class QuotaExceededError extends ProviderError {
  readonly kind = 'QuotaExceeded';
  readonly retryable = false;
}

export class RateLimitedError extends ProviderError {
  readonly kind = 'RateLimited';
  readonly retryable = true;
  constructor(
    message: string,
    /** How long the provider asked us to wait, in ms, when it said. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 5xx, timeouts, connection resets: back off and try again. */
export class TransientError extends ProviderError {
  readonly kind = 'Transient';
  readonly retryable = true;
}

export class AuthError extends ProviderError {
  readonly kind = 'Auth';
  readonly retryable = false;
}

export class InvalidRequestError extends ProviderError {
  readonly kind = 'InvalidRequest';
  readonly retryable = false;
}

export class NotFoundError extends ProviderError {
  readonly kind = 'NotFound';
  readonly retryable = false;
}

export class UnsupportedError extends ProviderError {
  readonly kind = 'Unsupported';
  readonly retryable = false;
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}
export function isInsufficientCapacity(e: unknown): e is InsufficientCapacityError {
  return e instanceof InsufficientCapacityError;
}
export function isQuotaExceeded(e: unknown): e is QuotaExceededError {
  return e instanceof QuotaExceededError;
}
export function isRateLimited(e: unknown): e is RateLimitedError {
  return e instanceof RateLimitedError;
}
export function isNotFound(e: unknown): e is NotFoundError {
  return e instanceof NotFoundError;
}
/**
 * The one definition of "worth trying again": a provider error that says so (rate
 * limits, transient failures). Anything else, an error no adapter mapped included, is
 * not: an unmapped error is a bug or a cause nobody has classified, and retrying it
 * only hides it behind "will retry".
 */
export function isRetryable(e: unknown): boolean {
  return isProviderError(e) && e.retryable;
}

/** Runs `fn`; a NotFoundError becomes `undefined`. Delete and get paths use it. */
export async function ignoreNotFound<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** A short, secret-free description of any error for conditions and events. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
