/**
 * The one place where AWS SDK failures become the shared provider errors.
 *
 * EC2 reports some capacity shortages as HTTP 500 (InsufficientInstanceCapacity) and
 * throttling as 503 (RequestLimitExceeded), so the error code decides first and the
 * status code only for codes not listed here. Quotas are kept apart from capacity:
 * capacity moves on to the next offer at once, a quota will not lift by retrying.
 */
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  isProviderError,
} from '../errors.js';
import { clip, redact } from '../http-errors.js';

type Kind = 'capacity' | 'quota' | 'rate' | 'auth' | 'notfound' | 'invalid' | 'transient' | 'unmapped';

const CODES: Readonly<Record<string, Kind>> = {
  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientCapacityOnHost: 'capacity',
  InsufficientHostCapacity: 'capacity',
  InsufficientReservedInstanceCapacity: 'capacity',
  InsufficientReservedInstancesCapacity: 'capacity',
  ReservationCapacityExceeded: 'capacity',
  UnfulfillableCapacity: 'capacity',
  SpotMaxPriceTooLow: 'capacity',
  // A full subnet blocks this zone only; another offer (zone) may still work.
  InsufficientFreeAddressesInSubnet: 'capacity',
  // EC2 answers Unsupported when a zone has constraints on the instance type right now.
  Unsupported: 'capacity',

  VcpuLimitExceeded: 'quota',
  InstanceLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  VolumeLimitExceeded: 'quota',
  MaxIOPSLimitExceeded: 'quota',

  RequestLimitExceeded: 'rate',
  Throttling: 'rate',
  ThrottlingException: 'rate',
  TooManyRequestsException: 'rate',
  // SQS (the interruption queue).
  RequestThrottled: 'rate',

  AuthFailure: 'auth',
  UnauthorizedOperation: 'auth',
  InvalidClientTokenId: 'auth',
  SignatureDoesNotMatch: 'auth',
  IncompleteSignature: 'auth',
  MissingAuthenticationToken: 'auth',
  ExpiredToken: 'auth',
  AccessDenied: 'auth',
  AccessDeniedException: 'auth',
  OptInRequired: 'auth',
  Blocked: 'auth',
  PendingVerification: 'auth',
  CredentialsProviderError: 'auth',

  'InvalidInstanceID.NotFound': 'notfound',

  InvalidParameter: 'invalid',
  InvalidParameterValue: 'invalid',
  InvalidParameterCombination: 'invalid',
  MissingParameter: 'invalid',
  UnknownParameter: 'invalid',
  ValidationError: 'invalid',
  IdempotentParameterMismatch: 'invalid',
  'InvalidAMIID.NotFound': 'invalid',
  'InvalidAMIID.Malformed': 'invalid',
  'InvalidAMIID.Unavailable': 'invalid',
  'InvalidInstanceID.Malformed': 'invalid',
  'InvalidSubnetID.NotFound': 'invalid',
  'InvalidGroup.NotFound': 'invalid',
  'InvalidCapacityReservationId.NotFound': 'invalid',
  'InvalidCapacityReservationId.Malformed': 'invalid',
  InvalidUserDataEncoding: 'invalid',
  'InvalidUserData.Malformed': 'invalid',
  InvalidBlockDeviceMapping: 'invalid',
  // A wrong spec.aws.interruptionQueueUrl will not start working by retrying.
  QueueDoesNotExist: 'invalid',
  'AWS.SimpleQueueService.NonExistentQueue': 'invalid',

  InternalError: 'transient',
  InternalFailure: 'transient',
  ServiceUnavailable: 'transient',
  Unavailable: 'transient',
  RequestTimeout: 'transient',
  RequestTimeoutException: 'transient',
  // A request signed with a clock that drifted: the next attempt signs afresh.
  RequestExpired: 'transient',
  TimeoutError: 'transient',
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const MAX_MESSAGE = 200;

/** What errors.ts reads from an SDK exception; duck-typed so any SDK client's errors fit. */
interface SdkErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export interface ToProviderErrorOptions {
  /** Values that must never show in a message (the credentials in use). */
  secrets?: readonly string[];
  /** For Retry-After given as an HTTP date. */
  now?: number;
}

/**
 * Maps a failure of one AWS call onto the shared error types. What is neither an AWS
 * answer nor a network or parse failure (a bug of ours or inside the SDK) is returned
 * as it is: unmapped, so it is reported as such and not retried.
 */
export function mapAwsError(err: unknown, operation: string, opts: ToProviderErrorOptions = {}): unknown {
  if (isProviderError(err)) return err;
  if (typeof err !== 'object' || err === null) return err;
  const e = err as SdkErrorLike;
  const code = errorCode(e);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const kind = kindOf(code, status, e);
  if (kind === 'unmapped') return err;
  const message = describe(operation, code, e, opts.secrets ?? []);

  switch (kind) {
    case 'capacity':
      return new InsufficientCapacityError(message);
    case 'quota':
      return new QuotaExceededError(message);
    case 'rate':
      return new RateLimitedError(message, retryAfterMs(e.$response?.headers, opts.now ?? Date.now()));
    case 'auth':
      return new AuthError(message);
    case 'notfound':
      return new NotFoundError(message);
    case 'invalid':
      return new InvalidRequestError(message);
    case 'transient':
      return new TransientError(message);
  }
}

function errorCode(e: SdkErrorLike): string {
  const candidates = [e.Code, e.name, e.code];
  for (const c of candidates) {
    if (typeof c === 'string' && c !== '' && c !== 'Error') return c.replace(/^(Client|Server)\./, '');
  }
  return 'Unknown';
}

function kindOf(code: string, status: number | undefined, e: SdkErrorLike): Kind {
  const known = Object.hasOwn(CODES, code) ? CODES[code] : undefined;
  if (known) return known;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'transient';
  // The SDK's own socket and read timeouts, and an answer that is not the XML/JSON it expects.
  if (code === 'TimeoutError' || code === 'SyntaxError') return 'transient';
  if (status === 429) return 'rate';
  if (status === 401 || status === 403) return 'auth';
  if (status !== undefined && status >= 500) return 'transient';
  if (e.$fault === 'server') return 'transient';
  if (code.endsWith('.NotFound') || code.endsWith('.Malformed')) return 'invalid';
  if (status !== undefined && status >= 400) return 'invalid';
  // A 2xx the SDK could not read (a cut or garbled body): the next answer may be whole.
  if (status !== undefined && status < 300) return 'transient';
  // An AWS answer with a code not listed above is still AWS saying no.
  if (e.$metadata !== undefined || e.$fault !== undefined) return 'invalid';
  return 'unmapped';
}

function describe(operation: string, code: string, e: SdkErrorLike, secrets: readonly string[]): string {
  let text = typeof e.message === 'string' ? e.message : '';
  // UnauthorizedOperation carries a long encoded policy blob: only the sentence before it helps.
  text = text.replace(/\s*Encoded authorization failure message:.*$/s, '');
  text = clip(scrub(text, secrets), MAX_MESSAGE);
  const requestId = e.$metadata?.requestId ? ` (request ${e.$metadata.requestId})` : '';
  return `AWS ${operation} failed: ${code}${text ? `: ${text}` : ''}${requestId}`;
}

/** Removes credential values and anything shaped like an AWS access key id. */
export function scrub(text: string, secrets: readonly string[]): string {
  const redacted = redact(text, secrets.filter((s) => s.length >= 4));
  return redacted.replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted]');
}

/** Retry-After in seconds or as an HTTP date; AWS rarely sends it, so undefined is normal. */
export function retryAfterMs(headers: Record<string, string | undefined> | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
