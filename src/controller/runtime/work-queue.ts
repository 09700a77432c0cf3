/**
 * A keyed work queue with the guarantees of client-go's workqueue: a key waits in
 * the queue at most once, and a key is never handed to two workers at the same time.
 * A key added while it is being processed is marked dirty and goes back into the
 * queue when its worker calls `done`, so the change that arrived mid-reconcile is
 * seen by one more reconcile, not lost and not run in parallel.
 */
import type { Clock } from '../../util/clock.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';

export interface WorkQueueOptions {
  clock: Clock;
  backoff?: BackoffOptions;
  /** Told how long each key waited in the queue before a worker took it (metrics). */
  onWait?: (waitedMs: number) => void;
}

interface Delayed {
  at: number;
  cancel: () => void;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly backoff: BackoffOptions;
  /**
   * Keys ready to hand out, in order of arrival, with when each arrived. A Map keeps
   * insertion order, so taking the first is O(1) where an array's shift is linear.
   */
  private readonly queue = new Map<string, number>();
  /** Keys that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions) {
    this.clock = opts.clock;
    this.backoff = opts.backoff ?? defaultBackoff;
    this.onWait = opts.onWait;
  }

  private readonly onWait: ((waitedMs: number) => void) | undefined;

  /** Keys waiting to be handed out (not counting delayed ones). */
  get len(): number {
    return this.queue.size;
  }

  /** Keys handed out and not yet `done`. */
  get processing(): number {
    return this.inFlight.size;
  }

  /** Keys waiting for an `addAfter` deadline. */
  get waiting(): number {
    return this.delayed.size;
  }

  get isShutdown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.inFlight.has(key)) return;
    this.enqueue(key);
  }

  /** Adds `key` after `ms`; when it is already waiting, the earlier deadline wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, cancel });
  }

  /** Adds `key` after a delay that doubles with each failure since the last `forget`. */
  addRateLimited(key: string): void {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    this.addAfter(key, backoffDelay(failures, this.backoff));
  }

  /** Resets the backoff of `key`: its next failure waits the base delay again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Failures of `key` since the last `forget`. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for a key to process; `undefined` once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.first();
    if (key !== undefined) return Promise.resolve(this.take(key));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile, it goes back into the queue. */
  done(key: string): void {
    this.inFlight.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
    if (this.inFlight.size === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /**
   * Stops handing out work: waiting and future `get` calls return `undefined`,
   * adds are ignored, delayed keys are dropped. Keys being processed stay counted
   * until their `done`; `drained()` waits for that.
   */
  shutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.cancel();
    this.delayed.clear();
    this.queue.clear();
    this.dirty.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  /** Resolves when no key is being processed. */
  drained(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(key: string): void {
    this.queue.set(key, this.clock.now());
    this.dispatch();
  }

  private first(): string | undefined {
    const next = this.queue.keys().next();
    return next.done ? undefined : next.value;
  }

  private take(key: string): string {
    const queuedAt = this.queue.get(key);
    this.queue.delete(key);
    if (queuedAt !== undefined) this.onWait?.(this.clock.now() - queuedAt);
    this.dirty.delete(key);
    this.inFlight.add(key);
    return key;
  }

  /** Hands queued keys straight to waiting workers, so each wakes with its own key. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.queue.size > 0) {
      const resolve = this.waiters.shift()!;
      resolve(this.take(this.first()!));
    }
  }
}
