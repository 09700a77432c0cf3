/**
 * One watch handler with its own ordered queue, delivered on a microtask so a handler
 * never runs inside the call that caused the change (nor inside `watch()` itself).
 * Both the in-memory cluster and the informer cache fan changes out through these.
 */
import { matchesListOptions } from './index-store.js';
import type { KubeObject, ListOptions, WatchEvent, WatchEventType } from './types.js';

export interface WatchSubscriberOptions {
  opts: ListOptions;
  onEvent: (e: WatchEvent) => void;
  /** Called with a handler's error; without it the error is rethrown (after the rest is rescheduled). */
  onError?: (err: unknown) => void;
}

export class WatchSubscriber {
  readonly opts: ListOptions;
  private readonly onEvent: (e: WatchEvent) => void;
  private readonly onError: ((err: unknown) => void) | undefined;
  private queue: WatchEvent[] = [];
  private scheduled = false;
  private stopped = false;

  constructor(o: WatchSubscriberOptions) {
    this.opts = o.opts;
    this.onEvent = o.onEvent;
    this.onError = o.onError;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** Queues `type` for `obj`: a frozen object of the store, shared with every reader (see frozen.ts). */
  push(type: WatchEventType, obj: KubeObject): void {
    if (this.stopped) return;
    this.queue.push({ type, object: obj });
    this.reschedule();
  }

  /**
   * Offers a committed change. A handler filtered by a selector sees an object enter it
   * as ADDED and leave it as DELETED, as a selected watch on the API server does.
   */
  offer(type: WatchEventType, obj: KubeObject, previous: KubeObject | undefined): void {
    const now = matchesListOptions(obj, this.opts);
    const before = previous !== undefined && matchesListOptions(previous, this.opts);
    if (type === 'ADDED') {
      if (now) this.push('ADDED', obj);
    } else if (type === 'DELETED') {
      if (before || now) this.push('DELETED', obj);
    } else if (now && before) {
      this.push('MODIFIED', obj);
    } else if (now) {
      this.push('ADDED', obj);
    } else if (before) {
      this.push('DELETED', obj);
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  private reschedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      // Drained a batch at a time: shifting a long queue one by one would cost its length each time.
      while (!this.stopped && this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (let i = 0; i < batch.length && !this.stopped; i++) {
          try {
            this.onEvent(batch[i]!);
          } catch (err) {
            if (this.onError) {
              this.onError(err);
              continue;
            }
            // A failing handler must not swallow the events behind it.
            this.queue = batch.slice(i + 1).concat(this.queue);
            if (this.queue.length > 0) this.reschedule();
            throw err;
          }
        }
      }
    });
  }
}
