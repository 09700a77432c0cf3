import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { PricingServiceException } from '@aws-sdk/client-pricing';
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  isRetryable,
} from '../../../src/providers/errors.js';
import { retryAfterMs, scrub, mapAwsError as mapAny } from '../../../src/providers/aws/errors.js';

/** The mapped error of an AWS-shaped failure (these are always mapped onto an Error). */
const mapAwsError = (e: unknown, operation: string, opts?: Parameters<typeof mapAny>[2]) => mapAny(e, operation, opts) as Error;

function ec2Error(
  code: string,
  status: number,
  message = 'message',
  headers: Record<string, string> = {},
): EC2ServiceException {
  const e = new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'ea966190-f9aa-478e-9ede-example' },
    message,
  });
  // The SDK's deserializer attaches the raw response after construction, as here.
  e.$response = { statusCode: status, headers, body: undefined };
  return e;
}

// Codes and HTTP statuses as the EC2 API error-codes reference lists them: EC2 answers
// several capacity shortages with 500 and throttling with 503, so status alone misleads.
const TABLE: [code: string, status: number, expected: new (...args: never[]) => Error][] = [
  ['InsufficientInstanceCapacity', 500, InsufficientCapacityError],
  ['InsufficientCapacity', 500, InsufficientCapacityError],
  ['InsufficientHostCapacity', 500, InsufficientCapacityError],
  ['InsufficientCapacityOnHost', 500, InsufficientCapacityError],
  ['InsufficientReservedInstanceCapacity', 500, InsufficientCapacityError],
  ['ReservationCapacityExceeded', 400, InsufficientCapacityError],
  ['UnfulfillableCapacity', 400, InsufficientCapacityError],
  ['SpotMaxPriceTooLow', 400, InsufficientCapacityError],
  ['InsufficientFreeAddressesInSubnet', 400, InsufficientCapacityError],
  ['Unsupported', 400, InsufficientCapacityError],
  ['VcpuLimitExceeded', 400, QuotaExceededError],
  ['InstanceLimitExceeded', 400, QuotaExceededError],
  ['MaxSpotInstanceCountExceeded', 400, QuotaExceededError],
  ['RequestLimitExceeded', 503, RateLimitedError],
  ['Throttling', 400, RateLimitedError],
  ['ThrottlingException', 400, RateLimitedError],
  ['AuthFailure', 401, AuthError],
  ['UnauthorizedOperation', 403, AuthError],
  ['InvalidClientTokenId', 403, AuthError],
  ['SignatureDoesNotMatch', 403, AuthError],
  ['OptInRequired', 401, AuthError],
  ['Blocked', 403, AuthError],
  ['AccessDeniedException', 400, AuthError],
  ['InvalidInstanceID.NotFound', 400, NotFoundError],
  ['InvalidInstanceID.Malformed', 400, InvalidRequestError],
  ['InvalidParameterValue', 400, InvalidRequestError],
  ['InvalidParameterCombination', 400, InvalidRequestError],
  ['MissingParameter', 400, InvalidRequestError],
  ['InvalidAMIID.NotFound', 400, InvalidRequestError],
  ['InvalidAMIID.Malformed', 400, InvalidRequestError],
  ['InvalidAMIID.Unavailable', 400, InvalidRequestError],
  ['InvalidSubnetID.NotFound', 400, InvalidRequestError],
  ['IdempotentParameterMismatch', 400, InvalidRequestError],
  ['InternalError', 500, TransientError],
  ['InternalFailure', 500, TransientError],
  ['ServiceUnavailable', 503, TransientError],
  ['Unavailable', 503, TransientError],
  ['SomethingNewAndServerSide', 502, TransientError],
  ['SomethingNewAndClientSide', 400, InvalidRequestError],
  ['InvalidKeyPair.NotFound', 400, InvalidRequestError],
  ['Http429', 429, RateLimitedError],
];

describe('AWS errors: codes to shared error types', () => {
  it.each(TABLE)('%s (HTTP %i)', (code, status, expected) => {
    const err = mapAwsError(ec2Error(code, status), 'RunInstances');
    expect(err).toBeInstanceOf(expected);
    expect(err.message).toContain(code);
    expect(err.message).toContain('RunInstances');
  });

  it('reads Pricing API exceptions the same way', () => {
    const e = new PricingServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 429 },
      message: 'Rate exceeded',
    });
    expect(mapAwsError(e, 'GetProducts')).toBeInstanceOf(RateLimitedError);
  });

  it('takes retryAfterMs from a Retry-After header in seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const seconds = mapAwsError(ec2Error('RequestLimitExceeded', 503, 'Request limit exceeded.', { 'retry-after': '7' }), 'X', { now });
    expect((seconds as RateLimitedError).retryAfterMs).toBe(7000);
    const date = mapAwsError(
      ec2Error('Throttling', 400, 'Rate exceeded', { 'Retry-After': 'Thu, 01 Jan 2026 00:00:12 GMT' }),
      'X',
      { now },
    );
    expect((date as RateLimitedError).retryAfterMs).toBe(12000);
    const none = mapAwsError(ec2Error('RequestLimitExceeded', 503), 'X');
    expect((none as RateLimitedError).retryAfterMs).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });

  it('treats network failures, SDK timeouts and unparseable answers as transient', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(mapAwsError(reset, 'DescribeInstances')).toBeInstanceOf(TransientError);
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    expect(mapAwsError(timeout, 'DescribeInstances')).toBeInstanceOf(TransientError);
    expect(mapAwsError(new SyntaxError('Unexpected token < in JSON'), 'GetProducts')).toBeInstanceOf(TransientError);
  });

  it('leaves what is neither an AWS answer nor a network failure unmapped, so it is not retried', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'InstanceId')");
    expect(mapAny(bug, 'RunInstances')).toBe(bug);
    expect(mapAny('weird', 'GetProducts')).toBe('weird');
    expect(isRetryable(mapAny(bug, 'RunInstances'))).toBe(false);
  });

  it('maps a missing default credential chain to AuthError', () => {
    const e = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(mapAwsError(e, 'DescribeAvailabilityZones')).toBeInstanceOf(AuthError);
  });

  it('drops the encoded authorization blob of UnauthorizedOperation and keeps messages short', () => {
    const blob = 'x'.repeat(3000);
    const err = mapAwsError(
      ec2Error(
        'UnauthorizedOperation',
        403,
        `You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`,
      ),
      'RunInstances',
    );
    expect(err.message).toContain('You are not authorized to perform this operation.');
    expect(err.message).not.toContain('xxxx');
    expect(err.message.length).toBeLessThan(400);
  });

  it('never quotes credentials, even when AWS echoes them', () => {
    const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const err = mapAwsError(
      ec2Error(
        'SignatureDoesNotMatch',
        403,
        `The request signature we calculated does not match. String-to-sign: AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/ec2/aws4_request ${secret}`,
      ),
      'DescribeInstances',
      { secrets: [accessKeyId, secret] },
    );
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).not.toContain(accessKeyId);
    expect(err.message).not.toContain(secret);
    // Access key ids are recognisable even when the caller did not list them.
    expect(scrub(`key ASIAXXXXXXXXXXXXXXXX used`, [])).toBe('key [redacted] used');
  });

  it('passes shared errors through unchanged', () => {
    const original = new QuotaExceededError('already mapped');
    expect(mapAwsError(original, 'X')).toBe(original);
  });
});
