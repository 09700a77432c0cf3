/**
 * Asks every provider that can tell for interruption notices and hands each to the
 * router, which records it on its GpuMachine. Providers are polled independently: a
 * provider that long-polls (AWS's queue waits up to 20 s for a message) never delays
 * another, and a provider still answering is not asked again until it has. A notice for
 * an instance no GpuMachine records yet (its launch answer is being written) is tried
 * again on the next rounds for a while instead of being dropped.
 */
import { describeError } from '../../providers/errors.js';
import type { CloudProvider, InterruptionNotice } from '../../providers/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ProviderLookup } from '../context.js';

/** What became of a notice: only `unknown-instance` is tried again. */
export type NoticeOutcome = 'recorded' | 'duplicate' | 'ignored' | 'unknown-instance';

export interface InterruptionPollerOptions {
  providers: ProviderLookup;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  onNotice: (notice: InterruptionNotice) => Promise<NoticeOutcome>;
  /** How long a notice for an instance nobody records yet is kept and retried. */
  unknownRetryMs?: number;
}

const DEFAULT_UNKNOWN_RETRY_MS = 2 * 60_000;

export class InterruptionPoller {
  private cancel?: () => void;
  private abort?: AbortController;
  /** Polls under way, by provider name. */
  private readonly inFlight = new Map<string, Promise<number>>();
  /** Notices not recorded yet (no GpuMachine holds the instance yet, or the write failed), with when they came. */
  private retry: { notice: InterruptionNotice; since: number }[] = [];

  constructor(private readonly opts: InterruptionPollerOptions) {}

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.tick();
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.abort?.abort();
    this.abort = undefined;
    await Promise.allSettled(this.inFlight.values());
  }

  private tick(): void {
    void this.pollOnce();
    this.cancel = this.opts.clock.setTimer(this.opts.intervalMs, () => {
      if (this.abort) this.tick();
    });
  }

  /** Starts a poll of every provider not already being polled; resolves with how many notices were handed on. */
  async pollOnce(): Promise<number> {
    await this.retryPending();
    const started = this.opts.providers
      .all()
      .filter((p) => p.pollInterruptions && !this.inFlight.has(p.name))
      .map((p) => this.startPoll(p));
    return (await Promise.all(started)).reduce((a, b) => a + b, 0);
  }

  /**
   * One poll of one provider. A poll that waited (a long poll, as AWS's queue does) or
   * brought notices is followed by the next at once, so a provider that pushes is never
   * left unheard for a poll interval; a quick empty answer waits for the next tick.
   */
  private startPoll(p: CloudProvider): Promise<number> {
    const began = this.opts.clock.now();
    const poll = this.pollProvider(p).finally(() => this.inFlight.delete(p.name));
    this.inFlight.set(p.name, poll);
    void poll.then((handed) => {
      const waited = this.opts.clock.now() - began >= this.opts.intervalMs;
      if (this.abort && !this.abort.signal.aborted && (handed > 0 || waited) && !this.inFlight.has(p.name)) void this.startPoll(p);
    });
    return poll;
  }

  private async pollProvider(provider: CloudProvider): Promise<number> {
    let handed = 0;
    try {
      const notices = await provider.pollInterruptions!(this.abort?.signal);
      // Each notice concerns its own machine: recorded side by side, none waits for the others' writes.
      const now = this.opts.clock.now();
      await Promise.all(notices.map((notice) => this.hand(notice, now)));
      handed = notices.length;
    } catch (e) {
      if (!this.abort?.signal.aborted) {
        this.opts.logger.warn('polling for interruptions failed', { provider: provider.name, error: describeError(e) });
      }
    }
    return handed;
  }

  /** Hands one notice to the router; one that could not be recorded is kept for the next rounds. */
  private async hand(notice: InterruptionNotice, since: number): Promise<void> {
    try {
      if ((await this.opts.onNotice(notice)) === 'unknown-instance') {
        this.retry.push({ notice, since });
        return;
      }
    } catch (e) {
      this.retry.push({ notice, since });
      this.opts.logger.warn('recording an interruption notice failed; will retry', { provider: notice.provider, error: describeError(e) });
      return;
    }
    // Recorded (or known to need nothing): only now may the provider forget it.
    await notice.ack?.().catch((e: unknown) => this.opts.logger.warn('acknowledging an interruption notice failed', { provider: notice.provider, error: describeError(e) }));
  }

  private async retryPending(): Promise<void> {
    const now = this.opts.clock.now();
    const ttl = this.opts.unknownRetryMs ?? DEFAULT_UNKNOWN_RETRY_MS;
    const pending = this.retry;
    this.retry = [];
    for (const { notice, since } of pending) {
      // Past the provider's deadline the machine is gone anyway; past the TTL nobody is coming for it.
      if (now - since < ttl && now < (notice.deadline ?? Infinity)) await this.hand(notice, since);
      else this.opts.logger.info('interruption notice for an instance no GpuMachine holds; dropped', { provider: notice.provider, instanceId: notice.instanceId });
    }
  }
}
