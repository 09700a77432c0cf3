/**
 * Logging for something retried until it works (the API server, the Lease): the first
 * failure is logged at once, a different failure too, the same one again at most once
 * per `everyMs` with how often it happened meanwhile, and the recovery once. A dead
 * API server then costs a line a minute, not one every retry.
 */
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

export interface RepeatedFailureLogOptions {
  logger: Logger;
  clock: Clock;
  /** The line logged for a failure; its meta carries the error and the count. */
  message: string;
  /** The line logged once when it works again. */
  recovered: string;
  level?: 'warn' | 'error';
  /** The same failure is logged again at most this often. Default 60 s. */
  everyMs?: number;
}

export class RepeatedFailureLog {
  private readonly opts: Required<RepeatedFailureLogOptions>;
  private lastError: string | undefined;
  private lastLoggedAt = 0;
  private suppressed = 0;
  private failures = 0;

  constructor(opts: RepeatedFailureLogOptions) {
    this.opts = { level: 'warn', everyMs: 60_000, ...opts };
  }

  /** Failures in a row since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  failure(error: string, meta: Record<string, unknown> = {}): void {
    this.failures++;
    const now = this.opts.clock.now();
    if (error === this.lastError && now - this.lastLoggedAt < this.opts.everyMs) {
      this.suppressed++;
      return;
    }
    const repeats = error === this.lastError && this.suppressed > 0 ? { repeatedSinceLastLog: this.suppressed } : {};
    this.opts.logger[this.opts.level](this.opts.message, { error, ...meta, ...repeats });
    this.lastError = error;
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }

  success(meta: Record<string, unknown> = {}): void {
    if (this.failures > 0) this.opts.logger.info(this.opts.recovered, { ...meta, failedAttempts: this.failures });
    this.failures = 0;
    this.lastError = undefined;
    this.suppressed = 0;
  }
}
