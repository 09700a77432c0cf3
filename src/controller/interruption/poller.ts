/**
 * Asks every provider that can tell for interruption notices, on a fixed interval, and
 * hands each to the GpuRequest controller. Providers that push (AWS's queue) and those
 * that are polled (state changes) look the same from here.
 */
import { describeError } from '../../providers/errors.js';
import type { InterruptionNotice } from '../../providers/types.js';
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
  private running = false;
  private inFlight?: Promise<void>;

  constructor(private readonly opts: InterruptionPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.();
    await this.inFlight;
  }

  private schedule(ms: number): void {
    this.cancel = this.opts.clock.setTimer(ms, () => {
      this.inFlight = this.pollOnce().then(
        () => undefined,
        () => undefined,
      );
      void this.inFlight.finally(() => {
        if (this.running) this.schedule(this.opts.intervalMs);
      });
    });
  }

  /** One round over every provider; returns how many notices were handed on. */
  async pollOnce(): Promise<number> {
    let handed = 0;
    await Promise.all(
      this.opts.providers.all().map(async (provider) => {
        if (!provider.pollInterruptions) return;
        try {
          for (const notice of await provider.pollInterruptions()) {
            await this.opts.onNotice(notice);
            handed++;
          }
        } catch (e) {
          this.opts.logger.warn('polling for interruptions failed', { provider: provider.name, error: describeError(e) });
        }
      }),
    );
    return handed;
  }
}
