/**
 * Consumer of the SQS queue that EventBridge fills with EC2 interruption events (spot
 * interruption warnings, capacity-reservation interruption warnings, rebalance
 * recommendations, state changes, scheduled health events), as Karpenter sets it up.
 *
 * One poll is one long-poll ReceiveMessage. A message that names one of this
 * cluster's instances is deleted only when its notices are acknowledged, that is once
 * the operator has recorded them on their GpuMachines: a crash in between has SQS
 * deliver it again after its visibility timeout. Every other message (unreadable, about
 * someone else's instance, or a repeat of a notice already returned) is deleted once
 * read: the queue usually serves the whole account, and a message left behind would
 * come back for ever.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { InterruptionNotice } from '../types.js';
import { type EventParseResult, type ParsedNotice, parseInterruptionEvent } from './interruption-events.js';
import { callSdk } from './sdk-call.js';

/** SQS allows at most 20 s of long polling and 10 messages per receive. */
export const MAX_WAIT_SECONDS = 20;
export const MAX_MESSAGES = 10;

const HOUR = 3_600_000;

/** An instance an event names, with the region the event came from. */
export interface InstanceRef {
  instanceId: string;
  region?: string;
}

export interface InterruptionQueueOptions {
  /** GpuProvider name the notices carry. */
  provider: string;
  queueUrl: string;
  client: SQSClient;
  clock: Clock;
  logger: Logger;
  /** Of the instances named, the ids this cluster owns. A failure leaves their messages queued. */
  ownedAmong(refs: readonly InstanceRef[], signal?: AbortSignal): Promise<Set<string>>;
  /** Values that must never show in a message. */
  secrets?: readonly string[];
  /** Long-poll wait (default and maximum 20 s). */
  waitTimeSeconds?: number;
  /** How long a notice already returned is not returned again (default 1 h). */
  dedupeMs?: number;
}

export class InterruptionQueue {
  private readonly opts: InterruptionQueueOptions;
  private readonly waitTimeSeconds: number;
  private readonly dedupeMs: number;
  private readonly logger: Logger;
  /** `<instance>/<kind>` -> when it was returned; EventBridge delivers at least once. */
  private readonly returned = new Map<string, number>();

  constructor(opts: InterruptionQueueOptions) {
    this.opts = opts;
    this.waitTimeSeconds = Math.min(MAX_WAIT_SECONDS, Math.max(0, opts.waitTimeSeconds ?? MAX_WAIT_SECONDS));
    this.dedupeMs = opts.dedupeMs ?? HOUR;
    this.logger = opts.logger.child({ queue: queueName(opts.queueUrl) });
  }

  /** Waits up to the long-poll time for messages and returns the notices for own instances. */
  async poll(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const out = await this.sdk(
      'ReceiveMessage',
      signal,
      (s) =>
        this.opts.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.opts.queueUrl,
            MaxNumberOfMessages: MAX_MESSAGES,
            WaitTimeSeconds: this.waitTimeSeconds,
          }),
          { abortSignal: s },
        ),
    );
    const messages = (out?.Messages ?? []).filter((m): m is Message & { ReceiptHandle: string } => !!m.ReceiptHandle);
    if (messages.length === 0) return [];

    const now = this.opts.clock.now();
    const read = messages.map((message) => ({ message, result: parseInterruptionEvent(message.Body, now) }));
    for (const { message, result } of read) this.logIgnored(message, result);
    const named = read.flatMap(({ result }) => (result.parsed ? result.notices : []));

    let owned: Set<string>;
    try {
      owned = named.length > 0 ? await this.opts.ownedAmong(refsOf(named), signal) : new Set();
    } catch (e) {
      // Messages that name instances wait for the next receive; the rest are done with.
      await this.delete(read.filter(({ result }) => !result.parsed || result.notices.length === 0).map((r) => r.message));
      throw e;
    }
    for (const [key, at] of this.returned) if (now - at >= this.dedupeMs) this.returned.delete(key);
    const notices: InterruptionNotice[] = [];
    const doneWith: (Message & { ReceiptHandle: string })[] = [];
    read.forEach(({ result }, i) => {
      const message = messages[i]!;
      const fresh = this.fresh((result.parsed ? result.notices : []).filter((n) => owned.has(n.instanceId)), now);
      if (fresh.length === 0) {
        doneWith.push(message);
        return;
      }
      // The message goes once every notice it carried is recorded.
      let left = fresh.length;
      const ack = async () => {
        if (--left === 0) await this.delete([message]);
      };
      for (const n of fresh) notices.push({ ...n, ack });
    });
    await this.delete(doneWith);
    return notices;
  }

  /** The notices not returned within the dedupe window, remembered as returned now. */
  private fresh(notices: ParsedNotice[], now: number): InterruptionNotice[] {
    const out: InterruptionNotice[] = [];
    for (const n of notices) {
      const key = `${n.instanceId}/${n.kind}`;
      if (this.returned.has(key)) continue;
      this.returned.set(key, now);
      out.push({
        provider: this.opts.provider,
        instanceId: n.instanceId,
        kind: n.kind,
        receivedAt: n.receivedAt,
        ...(n.deadline !== undefined ? { deadline: n.deadline } : {}),
      });
    }
    return out;
  }

  /**
   * Deletes in one batch (a receive returns at most ten). A failure is logged, not
   * thrown: the messages come back after their visibility timeout and their notices
   * are recognised as already returned.
   */
  private async delete(messages: readonly (Message & { ReceiptHandle: string })[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const out = await this.sdk(
        'DeleteMessageBatch',
        undefined,
        (s) =>
          this.opts.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.opts.queueUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
            { abortSignal: s },
          ),
      );
      for (const f of out?.Failed ?? []) {
        const m = messages[Number(f.Id)];
        this.logger.warn('could not delete an interruption message', { messageId: m?.MessageId, code: f.Code });
      }
    } catch (e) {
      this.logger.warn('could not delete interruption messages', {
        count: messages.length,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  private logIgnored(message: Message, result: EventParseResult): void {
    if (result.parsed) return;
    this.logger.debug('ignoring a queue message', {
      messageId: message.MessageId,
      ...(result.eventId ? { eventId: result.eventId } : {}),
      ...(result.detailType ? { detailType: result.detailType } : {}),
      reason: result.reason,
    });
  }

  private sdk<T>(operation: string, signal: AbortSignal | undefined, fn: (s: AbortSignal | undefined) => Promise<T>) {
    return callSdk(operation, signal, fn, { now: () => this.opts.clock.now(), secrets: this.opts.secrets ?? [] });
  }
}

function refsOf(notices: readonly ParsedNotice[]): InstanceRef[] {
  const byId = new Map<string, InstanceRef>();
  for (const n of notices) {
    if (!byId.has(n.instanceId)) byId.set(n.instanceId, n.region ? { instanceId: n.instanceId, region: n.region } : { instanceId: n.instanceId });
  }
  return [...byId.values()];
}

/**
 * The region of a queue URL: `https://sqs.<region>.amazonaws.com/<account>/<name>` and
 * the legacy `https://<region>.queue.amazonaws.com/...`; undefined for other endpoints.
 */
export function queueRegion(url: string): string | undefined {
  const m = /^https?:\/\/(?:sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?|([a-z]{2}(?:-[a-z]+)+-\d+)\.queue\.amazonaws\.com(?:\.cn)?)\//.exec(url);
  return m?.[1] ?? m?.[2];
}

function queueName(url: string): string {
  return url.replace(/\/+$/, '').split('/').at(-1) ?? url;
}
