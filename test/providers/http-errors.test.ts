import { isRetryable, TransientError } from '../../src/providers/errors.js';
import { httpCall, type HttpVendor } from '../../src/providers/http-call.js';
import { fromThrownFetch } from '../../src/providers/http-errors.js';
import { fromHttpFailure } from '../../src/providers/lambda/errors.js';

const KEY = 'sk-live-0123456789abcdef';
const ctx = { secrets: [KEY], now: 0 };

describe('fromThrownFetch: what a thrown fetch failure means', () => {
  it('a network failure (undici TypeError with its socket cause) is transient, without the key', () => {
    const net = fromThrownFetch('RunPod', new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED ${KEY}`) }), 'list pods', ctx);
    expect(net).toBeInstanceOf(TransientError);
    expect((net as Error).message).toBe('RunPod list pods: network error: connect ECONNREFUSED [redacted]');
    expect(fromThrownFetch('Lambda', new TypeError('fetch failed'), 'launch', ctx)).toBeInstanceOf(TransientError);
  });

  it('a 2xx whose body is not JSON is transient', () => {
    const e = fromThrownFetch('Lambda', new SyntaxError('Unexpected token < in JSON'), 'list instances', ctx);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toBe('Lambda list instances: malformed JSON in the answer');
  });

  it('a TypeError of our own code is a bug: passed on unmapped and not retried', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(fromThrownFetch('Lambda', bug, 'get instance', ctx)).toBe(bug);
    expect(isRetryable(bug)).toBe(false);
  });

  it('an abort passes through as it is', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(fromThrownFetch('paperspace', abort, 'list machines', ctx)).toBe(abort);
  });
});

describe('httpCall: one attempt of an openapi-fetch call', () => {
  const vendor: HttpVendor = { name: 'Lambda', fromHttpFailure, errorContext: () => ctx };

  it('returns the data of a 2xx answer and maps any other through the vendor', async () => {
    const ok = await httpCall(vendor, 'list instances', undefined, async () => ({ data: { data: [] }, response: new Response('{}') }));
    expect(ok).toEqual({ data: [] });
    const failed = await httpCall(vendor, 'list instances', undefined, async () => ({
      error: { error: { code: 'global/internal-error', message: 'oops' } },
      response: new Response('', { status: 500 }),
    })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransientError);
    expect((failed as Error).message).toBe('Lambda list instances: HTTP 500: global/internal-error: oops');
  });

  it("throws the signal's reason when the pipeline's timeout aborted the attempt", async () => {
    const ctrl = new AbortController();
    const reason = new TransientError('lambda-main.listOffers timed out after 30000ms');
    const err = await httpCall(vendor, 'list instance types', ctrl.signal, async () => {
      ctrl.abort(reason);
      throw new DOMException('aborted', 'AbortError');
    }).catch((e: unknown) => e);
    expect(err).toBe(reason);
  });
});
