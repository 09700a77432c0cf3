/**
 * Asks every provider that can tell for interruption notices and hands each to the
 * GpuRequest controller. Providers are polled independently: a provider that long-polls
 * (AWS's queue waits up to 20 s for a message) never delays another, and a provider
 * still answering is not asked again until it has.
 *
 * A provider returns a notice once. One that could not be recorded (the API server
 * failed, or no GpuMachine records its instance yet) is kept and handed on again at
 * every poll until it is, or until its deadline has passed.
 */
import { describeError } from '../../providers/errors.js';
import type { CloudProvider, InterruptionNotice } from '../../providers/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ProviderLookup } from '../context.js';

export interface InterruptionPollerOptions {
  providers: ProviderLookup;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** Records a notice; resolves false when nothing holds its instance yet, to be offered again. */
  onNotice: (notice: InterruptionNotice) => Promise<boolean | void>;
}

/** How long a notice without a deadline is offered again. */
const KEEP_UNDELIVERED_MS = 10 * 60_000;

export class InterruptionPoller {
  private cancel?: () => void;
  private abort?: AbortController;
  /** Polls under way, by provider name. */
  private readonly inFlight = new Map<string, Promise<number>>();
  /** Notices returned but not recorded yet, by provider name, each with when to give up on it. */
  private readonly undelivered = new Map<string, { notice: InterruptionNotice; until: number }[]>();

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
    const started = this.opts.providers
      .all()
      .filter((p) => p.pollInterruptions && !this.inFlight.has(p.name))
      .map((p) => {
        const poll = this.pollProvider(p).finally(() => this.inFlight.delete(p.name));
        this.inFlight.set(p.name, poll);
        return poll;
      });
    return (await Promise.all(started)).reduce((a, b) => a + b, 0);
  }

  private async pollProvider(provider: CloudProvider): Promise<number> {
    let fresh: InterruptionNotice[] = [];
    try {
      fresh = await provider.pollInterruptions!(this.abort?.signal);
    } catch (e) {
      if (!this.abort?.signal.aborted) {
        this.opts.logger.warn('polling for interruptions failed', { provider: provider.name, error: describeError(e) });
      }
    }
    const now = this.opts.clock.now();
    const due = [
      ...(this.undelivered.get(provider.name) ?? []).filter((k) => now < k.until),
      ...fresh.map((notice) => ({ notice, until: notice.deadline ?? now + KEEP_UNDELIVERED_MS })),
    ];
    const kept: typeof due = [];
    let handed = 0;
    for (const entry of due) {
      try {
        if ((await this.opts.onNotice(entry.notice)) === false) kept.push(entry);
        else handed++;
      } catch (e) {
        kept.push(entry);
        this.opts.logger.warn('recording an interruption notice failed; trying again at the next poll', {
          provider: provider.name,
          instanceId: entry.notice.instanceId,
          error: describeError(e),
        });
      }
    }
    if (kept.length) this.undelivered.set(provider.name, kept);
    else this.undelivered.delete(provider.name);
    return handed;
  }
}
