/**
 * The one place that decides what a failed reconcile waits for, for every controller
 * (the manager applies it to each one's failures):
 * a lost optimistic-locking race goes round again at once (nothing was written), a
 * rate limit waits as long as the provider asked, anything else backs off per key in
 * the work queue (exponentially, reset by the next success).
 */
import { isConflict } from '../kube/errors.js';
import { describeError, isRateLimited } from '../providers/errors.js';
import { RequeueError, type ReconcileResult } from './runtime/manager.js';

export function errorPolicy(e: unknown): ReconcileResult {
  if (isConflict(e)) return { requeueAfterMs: 0 };
  if (isRateLimited(e) && e.retryAfterMs !== undefined) throw new RequeueError(describeError(e), e.retryAfterMs, { cause: e });
  throw e;
}

/**
 * A step that wrote what went wrong (condition, Event) and wants the work queue's
 * backoff rather than a fixed requeue: a broken Talos template, a provider that keeps
 * failing. Throwing after the write keeps the failure visible and never loops hot.
 */
export class BackoffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
