/**
 * One HTTP call of an openapi-fetch client, one attempt, as every HTTP adapter makes
 * it: the pipeline's signal passed on, a non-2xx answer mapped by the vendor's
 * errors.ts, a thrown failure by `fromThrownFetch`. No timeout here: the pipeline
 * bounds each attempt (src/providers/pipeline/timeout.ts) by aborting the signal.
 */
import { isProviderError, type ProviderError } from './errors.js';
import { fromThrownFetch, type ErrorContext, type HttpFailure } from './http-errors.js';

export interface HttpVendor<Operation extends string = string> {
  /** Leads every message, e.g. `Lambda`. */
  name: string;
  fromHttpFailure(f: HttpFailure<Operation>, ctx: ErrorContext): ProviderError;
  errorContext(): ErrorContext;
}

export interface HttpAnswer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

export async function httpCall<D, Operation extends string>(
  vendor: HttpVendor<Operation>,
  operation: Operation,
  signal: AbortSignal | undefined,
  send: (signal: AbortSignal | undefined) => Promise<HttpAnswer<D>>,
): Promise<D | undefined> {
  try {
    const { data, error, response } = await send(signal);
    if (!response.ok) {
      throw vendor.fromHttpFailure({ status: response.status, headers: response.headers, body: error, operation }, vendor.errorContext());
    }
    return data;
  } catch (e) {
    if (isProviderError(e)) throw e;
    // The pipeline's timeout or the caller's abort: its reason says which.
    if (signal?.aborted) throw signal.reason ?? e;
    throw fromThrownFetch(vendor.name, e, operation, vendor.errorContext());
  }
}
