/**
 * Asks every provider that can tell for interruption notices and hands each to the
 * GpuRequest controller. Providers are polled independently: a provider that long-polls
 * (AWS's queue waits up to 20 s for a message) never delays another, and a provider
 * still answering is not asked again until it has.
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
  onNotice: (notice: InterruptionNotice) => Promise<void>;
}

export class InterruptionPoller {
  private cancel?: () => void;
  private abort?: AbortController;
  /** Polls under way, by provider name. */
  private readonly inFlight = new Map<string, Promise<number>>();

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
    let handed = 0;
    try {
      for (const notice of await provider.pollInterruptions!(this.abort?.signal)) {
        await this.opts.onNotice(notice);
        handed++;
      }
    } catch (e) {
      if (!this.abort?.signal.aborted) {
        this.opts.logger.warn('polling for interruptions failed', { provider: provider.name, error: describeError(e) });
      }
    }
    return handed;
  }
}
