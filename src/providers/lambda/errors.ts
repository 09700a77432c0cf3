/**
 * The one place where Lambda Cloud's answers and fetch failures become the shared
 * provider errors. Lambda answers every failure as `{ error: { code, message,
 * suggestion? } }` and asks clients to branch on `code`, never on the prose, so the
 * code decides first and the HTTP status only where no known code was sent.
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
import { clip, isRecord, redact, retryAfterMs, type ErrorContext, type HttpFailure as SharedHttpFailure } from '../http-errors.js';

/** What the adapter was doing; `launch` changes what "object does not exist" means. */
export type LambdaOperation =
  | 'list instance types'
  | 'list instances'
  | 'get instance'
  | 'launch'
  | 'terminate'
  | 'list ssh keys';

type HttpFailure = SharedHttpFailure<LambdaOperation>;

type Kind = 'InsufficientCapacity' | 'QuotaExceeded' | 'Auth' | 'NotFound' | 'InvalidRequest' | 'Transient' | 'RateLimited';

/** Lambda error codes from the spec's ApiError* schemas and the API reference. */
export const LAMBDA_ERROR_CODES: Readonly<Record<string, Kind>> = {
  'instance-operations/launch/insufficient-capacity': 'InsufficientCapacity',
  'global/quota-exceeded': 'QuotaExceeded',
  'global/invalid-api-key': 'Auth',
  'global/account-inactive': 'Auth',
  'global/invalid-billing-address': 'Auth',
  'global/object-does-not-exist': 'NotFound',
  'global/invalid-parameters': 'InvalidRequest',
  'instance-operations/launch/file-system-in-wrong-region': 'InvalidRequest',
  'global/duplicate': 'InvalidRequest',
  'global/internal-error': 'Transient',
};

/** `{ error: { code, message } }` -> its parts; anything else -> the text of it. */
export function vendorError(body: unknown): { code?: string; message: string } {
  if (isRecord(body) && isRecord(body.error)) {
    const code = typeof body.error.code === 'string' ? body.error.code : undefined;
    const message = typeof body.error.message === 'string' ? body.error.message : '';
    return { code, message: clip(message) };
  }
  if (body === undefined || body === null || body === '') return { message: '' };
  return { message: clip(typeof body === 'string' ? body : JSON.stringify(body)) };
}

function kindOf(f: HttpFailure, code: string | undefined): Kind {
  if (f.status === 429) return 'RateLimited';
  const byCode = code !== undefined ? LAMBDA_ERROR_CODES[code] : undefined;
  // On launch, "does not exist" names the SSH key, image or filesystem asked for: a
  // configuration mistake, not a vanished instance.
  if (byCode === 'NotFound' && f.operation === 'launch') return 'InvalidRequest';
  if (byCode) return byCode;
  // Errors from Lambda's upstream providers (network, availability) pass with time.
  if (code?.startsWith('provider/')) return 'Transient';
  if (f.status === 401 || f.status === 403) return 'Auth';
  if (f.status === 404) return f.operation === 'launch' ? 'InvalidRequest' : 'NotFound';
  if (f.status >= 500 || f.status === 408) return 'Transient';
  return 'InvalidRequest';
}

/** A failed HTTP answer -> one shared error type. */
export function fromHttpFailure(f: HttpFailure, ctx: ErrorContext): ProviderError {
  const { code, message: said } = vendorError(f.body);
  const detail = [code, said].filter((s) => s !== undefined && s !== '').join(': ');
  const message = redact(`Lambda ${f.operation}: HTTP ${f.status}${detail ? `: ${detail}` : ''}`, ctx.secrets);
  switch (kindOf(f, code)) {
    case 'RateLimited':
      return new RateLimitedError(message, retryAfterMs(f.headers, ctx.now));
    case 'InsufficientCapacity':
      return new InsufficientCapacityError(message);
    case 'QuotaExceeded':
      return new QuotaExceededError(message);
    case 'Auth':
      return new AuthError(message);
    case 'NotFound':
      return new NotFoundError(message);
    case 'Transient':
      return new TransientError(message);
    case 'InvalidRequest':
      return new InvalidRequestError(message);
  }
}

/** A 2xx answer whose body is not what the spec promises. */
export function malformedAnswer(operation: LambdaOperation, why: string): TransientError {
  return new TransientError(`Lambda ${operation}: malformed answer: ${why}`);
}
