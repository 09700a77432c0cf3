import { TransientError } from '../errors.js';
import type { Clock } from '../../util/clock.js';

export interface TimeoutOptions {
  clock: Clock;
  timeoutMs: number;
  /** Names the call in the timeout message, e.g. `lambda-prod.create`. */
  what: string;
  /** The caller's signal: aborting it aborts the call with the caller's reason. */
  signal?: AbortSignal;
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs` (measured on the injected clock)
 * or when the caller's signal aborts. The result settles at that moment even if `fn`
 * ignores its signal, so a hung socket cannot hold a reconcile. A timeout is a
 * TransientError, which the retry policy may try again; a caller's abort is not.
 */
export async function callWithTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, opts: TimeoutOptions): Promise<T> {
  const { clock, timeoutMs, what, signal } = opts;
  if (signal?.aborted) throw abortReason(signal);
  const controller = new AbortController();
  // Registered before `fn` runs so that this rejection wins the race against whatever
  // error `fn` raises when it sees its own signal abort.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(abortReason(controller.signal)), { once: true });
  });
  const onCallerAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  const cancelTimer = clock.setTimer(timeoutMs, () => {
    controller.abort(new TransientError(`${what} timed out after ${timeoutMs}ms`));
  });
  try {
    return await Promise.race([fn(controller.signal), aborted]);
  } finally {
    cancelTimer();
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}
