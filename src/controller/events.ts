import type { KubeObject } from '../kube/types.js';
import type { ControllerContext } from './context.js';

/**
 * The Events one reconcile sends: each goes as it comes, and the reconcile awaits them
 * together before it ends. The step after an Event does not wait for it (Events are
 * best effort), and a worker never has more writes in flight than its own reconcile made.
 */
export class PendingEvents {
  private readonly sent: Promise<void>[] = [];

  add(sent: Promise<void>): void {
    this.sent.push(sent);
  }

  async settle(): Promise<void> {
    while (this.sent.length > 0) await Promise.all(this.sent.splice(0));
  }
}

/** Runs one reconcile with its Events collected (`ctx.events`), and settles them before it returns. */
export async function withPendingEvents<T>(reconcile: (events: PendingEvents) => Promise<T>): Promise<T> {
  const events = new PendingEvents();
  try {
    return await reconcile(events);
  } finally {
    await events.settle();
  }
}

/**
 * Records a core/v1 Event on the object; never throws (events are best effort). Within a
 * reconcile that collects its Events (`ctx.events`) it returns at once.
 */
export async function recordEvent(
  ctx: Pick<ControllerContext, 'cluster' | 'events'>,
  obj: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
): Promise<void> {
  const sent = ctx.cluster.recordEvent({
    involved: {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
    },
    type,
    reason,
    message,
  });
  if (ctx.events) ctx.events.add(sent);
  else await sent;
}
