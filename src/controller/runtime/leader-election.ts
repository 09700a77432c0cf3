/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection:
 * one replica holds the Lease and renews it; the others retry until it is free or
 * has expired. Writes carry the resourceVersion that was read, so of two replicas
 * racing for a free Lease exactly one wins and the other sees a conflict.
 *
 * The leader steps down when it has not renewed for `renewDeadlineMs`, which is
 * shorter than the lease duration: it stops acting before anyone else may take over.
 * While the API server fails, a replica trying to acquire backs off exponentially up
 * to `maxRetryPeriodMs` and logs the failure once a minute, not on every attempt.
 */
import { isAlreadyExists, isConflict } from '../../kube/errors.js';
import { Kinds, type ClusterPort, type Lease } from '../../kube/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { RepeatedFailureLog } from '../../util/repeated-failure-log.js';
import { backoffDelay } from './backoff.js';

export interface LeaderElectorOptions {
  cluster: ClusterPort;
  namespace: string;
  name: string;
  /** Unique per replica, usually the pod name. */
  identity: string;
  /** How long others wait after the last renewal before taking over. Default 15 s. */
  leaseDurationMs?: number;
  /** The leader gives up when it could not renew for this long. Default 10 s. */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  /** Longest pause between attempts to acquire while the API server fails. Default 30 s. */
  maxRetryPeriodMs?: number;
  clock: Clock;
  logger: Logger;
  onStartedLeading: () => void;
  /** Leadership was lost (not released); the caller stops acting at once. */
  onStoppedLeading: () => void;
}

/** metav1.MicroTime: RFC 3339 with microseconds, e.g. `2026-01-01T00:00:00.000000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly cluster: ClusterPort;
  private readonly namespace: string;
  private readonly name: string;
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly maxRetryPeriodMs: number;
  private readonly failures: RepeatedFailureLog;
  /** Whether the last attempt failed for an API error (not a Lease held by another). */
  private lastAttemptFailed = false;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly onStartedLeading: () => void;
  private readonly onStoppedLeading: () => void;
  private leading = false;
  private loop: Promise<void> | undefined;
  private abort: AbortController | undefined;
  /** The Lease write under way, so that `release` does not race it. */
  private attempt: Promise<boolean> | undefined;

  constructor(opts: LeaderElectorOptions) {
    this.cluster = opts.cluster;
    this.namespace = opts.namespace;
    this.name = opts.name;
    this.identity = opts.identity;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.maxRetryPeriodMs = Math.max(this.retryPeriodMs, opts.maxRetryPeriodMs ?? 30_000);
    this.clock = opts.clock;
    this.logger = opts.logger.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
    this.failures = new RepeatedFailureLog({
      logger: this.logger,
      clock: this.clock,
      message: 'lease update failed',
      recovered: 'lease update works again',
    });
    this.onStartedLeading = opts.onStartedLeading;
    this.onStoppedLeading = opts.onStoppedLeading;
    if (!this.identity) throw new Error('leader election needs a non-empty identity');
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error('renewDeadlineMs must be shorter than leaseDurationMs');
    }
    if (this.retryPeriodMs >= this.renewDeadlineMs) {
      throw new Error('retryPeriodMs must be shorter than renewDeadlineMs');
    }
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Begins trying to acquire the Lease, and keeps leading or trying until `release`. */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /**
   * Stops competing and, when leading, frees the Lease so that another replica takes
   * over at once instead of after the lease duration. Call it after the controllers
   * have stopped acting.
   */
  async release(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    await this.attempt;
    this.loop = undefined;
    this.abort = undefined;
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.cluster.get<Lease>(Kinds.Lease, this.name, this.namespace);
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const now = microTime(this.clock.now());
      await this.cluster.replace<Lease>(Kinds.Lease, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: null, renewTime: now, acquireTime: null },
      });
      this.logger.info('released leadership');
    } catch (err) {
      // The Lease then simply expires; the next leader waits the lease duration.
      this.logger.warn('could not release the lease', { error: messageOf(err) });
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) return;
      this.leading = true;
      this.logger.info('became leader');
      this.onStartedLeading();
      await this.renew(signal);
      if (signal.aborted) return;
      this.leading = false;
      this.logger.warn('lost leadership: the lease could not be renewed in time');
      this.onStoppedLeading();
    }
  }

  /** Retries until the Lease is ours; false when stopped first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    let errors = 0;
    for (;;) {
      if (signal.aborted) return false;
      if (await this.attemptOnce()) return true;
      errors = this.lastAttemptFailed ? errors + 1 : 0;
      if (!(await this.sleep(this.acquireRetryMs(errors), signal))) return false;
    }
  }

  /** Renews every retry period; returns when renewal failed past the deadline or when stopped. */
  private async renew(signal: AbortSignal): Promise<void> {
    let lastRenewed = this.clock.now();
    for (;;) {
      if (!(await this.sleep(this.retryPeriodMs, signal))) return;
      const remaining = lastRenewed + this.renewDeadlineMs - this.clock.now();
      const renewed = remaining > 0 && (await this.withDeadline(this.attemptOnce(), remaining, signal));
      if (signal.aborted) return;
      if (renewed) {
        lastRenewed = this.clock.now();
      } else if (this.clock.now() - lastRenewed >= this.renewDeadlineMs) {
        return;
      }
    }
  }

  /**
   * The retry period while the Lease is merely held by another replica; doubled per
   * failed API call in a row, up to the maximum, while the API server fails.
   */
  private acquireRetryMs(errorsInARow: number): number {
    if (errorsInARow === 0) return this.retryPeriodMs;
    return backoffDelay(errorsInARow - 1, { baseMs: this.retryPeriodMs, factor: 2, maxMs: this.maxRetryPeriodMs });
  }

  private attemptOnce(): Promise<boolean> {
    const attempt = this.tryAcquireOrRenew();
    this.attempt = attempt;
    return attempt;
  }

  /** One attempt: true when this replica holds the Lease afterwards. Never throws. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    this.lastAttemptFailed = false;
    const nowMs = this.clock.now();
    const now = microTime(nowMs);
    try {
      const lease = await this.cluster.get<Lease>(Kinds.Lease, this.name, this.namespace);
      if (!lease) {
        await this.cluster.create<Lease>(Kinds.Lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.name, namespace: this.namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds: this.leaseDurationSeconds(),
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        this.failures.success();
        return true;
      }
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const ours = holder === this.identity;
      if (holder && !ours && !this.expired(spec, nowMs)) {
        this.failures.success();
        return false;
      }
      await this.cluster.replace<Lease>(Kinds.Lease, {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: this.identity,
          leaseDurationSeconds: this.leaseDurationSeconds(),
          acquireTime: ours ? (spec.acquireTime ?? now) : now,
          renewTime: now,
          leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
        },
      });
      if (!ours) this.logger.info('took over the lease', { previousHolder: holder || undefined });
      this.failures.success();
      return true;
    } catch (err) {
      // Someone else wrote first; the next attempt reads what they wrote.
      if (isConflict(err) || isAlreadyExists(err)) {
        this.logger.debug('lost a race for the lease');
        this.failures.success();
        return false;
      }
      this.lastAttemptFailed = true;
      this.failures.failure(messageOf(err));
      return false;
    }
  }

  private expired(spec: NonNullable<Lease['spec']>, nowMs: number): boolean {
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
    if (Number.isNaN(renewed)) return true;
    const durationMs = (spec.leaseDurationSeconds ?? this.leaseDurationSeconds()) * 1_000;
    return renewed + durationMs < nowMs;
  }

  private leaseDurationSeconds(): number {
    return Math.max(1, Math.ceil(this.leaseDurationMs / 1_000));
  }

  /** False when stopped while sleeping. */
  private async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** An API call that hangs must not keep a leader that can no longer renew. */
  private async withDeadline(attempt: Promise<boolean>, ms: number, signal: AbortSignal): Promise<boolean> {
    const timer = new AbortController();
    const onAbort = () => timer.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([attempt, this.sleep(ms, timer.signal).then(() => false)]);
    } finally {
      timer.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
