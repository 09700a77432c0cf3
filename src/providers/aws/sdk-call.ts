/**
 * One AWS SDK call with its own timeout, cancelled with the caller's signal. Shared by
 * the EC2 adapter and the interruption queue so both fail the same way: SDK failures
 * come out as the shared error types, a timeout as TransientError, and a caller's own
 * abort as its reason.
 */
import type { Clock } from '../../util/clock.js';
import { TransientError } from '../errors.js';
import { toProviderError } from './errors.js';

export interface SdkCallOptions {
  clock: Clock;
  timeoutMs: number;
  /** Values that must never show in a message (the credentials in use). */
  secrets: readonly string[];
}

export async function callSdk<T>(
  operation: string,
  signal: AbortSignal | undefined,
  fn: (s: AbortSignal) => Promise<T>,
  opts: SdkCallOptions,
): Promise<T> {
  if (signal?.aborted) throw signal.reason;
  const { clock, timeoutMs } = opts;
  const ctrl = new AbortController();
  let timedOut = false;
  const cancelTimer = clock.setTimer(timeoutMs, () => {
    timedOut = true;
    ctrl.abort(new TransientError(`AWS ${operation} timed out after ${timeoutMs} ms`));
  });
  const onAbort = () => ctrl.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  // The SDK honours abortSignal on the wire; racing it as well bounds calls that never reach the wire.
  const aborted = new Promise<never>((_, reject) => {
    ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([fn(ctrl.signal), aborted]);
  } catch (e) {
    if (timedOut) throw new TransientError(`AWS ${operation} timed out after ${timeoutMs} ms`);
    if (signal?.aborted) throw signal.reason;
    throw toProviderError(e, operation, { secrets: opts.secrets, now: clock.now() });
  } finally {
    cancelTimer();
    signal?.removeEventListener('abort', onAbort);
  }
}
