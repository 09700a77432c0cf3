/**
 * One AWS SDK call, one attempt, under the pipeline's signal: an SDK failure comes out
 * as a shared error type (errors.ts), the pipeline's timeout or the caller's abort as
 * the signal's reason. Shared by the EC2 adapter and the interruption queue. No timeout
 * here: the pipeline bounds each attempt (src/providers/pipeline/timeout.ts).
 */
import { mapAwsError } from './errors.js';

export interface SdkCallOptions {
  /** Values that must never show in a message (the credentials in use). */
  secrets: readonly string[];
  now: () => number;
}

export async function callSdk<T>(
  operation: string,
  signal: AbortSignal | undefined,
  fn: (s: AbortSignal | undefined) => Promise<T>,
  opts: SdkCallOptions,
): Promise<T> {
  if (signal?.aborted) throw signal.reason;
  try {
    return await fn(signal);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw mapAwsError(e, operation, { secrets: opts.secrets, now: opts.now() });
  }
}
