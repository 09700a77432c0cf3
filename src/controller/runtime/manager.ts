/**
 * Runs controllers the way controller-runtime does: watches feed keys into one work
 * queue per controller, a few workers reconcile them, failures back off per key, and
 * a periodic resync re-checks every object so that nothing depends on an event that
 * was missed. Only the leader calls `start`.
 */
import type { ClusterPort, KubeObject, ResourceKind, WatchHandle } from '../../kube/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { BackoffOptions } from './backoff.js';
import { WorkQueue } from './work-queue.js';

export interface ReconcileResult {
  /** Reconcile again after this long, even if nothing changes. */
  requeueAfterMs?: number;
}

/**
 * What of an object a watch cares about: an update whose fingerprint equals the last
 * one seen for that object wakes nothing. This is how a controller's own status writes
 * (and a kubelet's heartbeats) do not re-enqueue work.
 */
export type Fingerprint = (obj: KubeObject) => string;

export interface SecondaryWatch {
  kind: ResourceKind;
  map: (obj: KubeObject) => string[];
  /** Default: every change wakes the mapped keys. */
  fingerprint?: Fingerprint;
}

export interface Controller {
  name: string;
  /** Primary kind: its objects' keys are `namespace/name` or `name`. */
  kind: ResourceKind;
  /** Which changes of a primary object wake it; default `specAndMetadata` (status writes do not). */
  fingerprint?: Fingerprint;
  /** Other kinds to watch, each mapped onto primary keys (e.g. Node labels -> machine key). */
  watches?: SecondaryWatch[];
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void>;
  /** Keys reconciled in parallel; never the same key twice at once. Default 2. */
  workers?: number;
}

/**
 * A failure that says when to try again, e.g. a rate limit with Retry-After. The
 * work queue honours the delay instead of its own backoff.
 */
export class RequeueError extends Error {
  constructor(
    message: string,
    readonly requeueAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The delay an error asks for, from a RequeueError or any error carrying `requeueAfterMs`. */
export function requeueAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const ms = (err as { requeueAfterMs?: unknown }).requeueAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export type ReconcileOutcome = 'success' | 'error' | 'requeue-error';

/** What one reconcile did; the hook for metrics. */
export interface ReconcileEvent {
  controller: string;
  key: string;
  outcome: ReconcileOutcome;
  durationMs: number;
  /** The next attempt, when one was scheduled by result or error. */
  requeueAfterMs?: number;
  error?: unknown;
}

export interface ControllerStats {
  name: string;
  reconciles: number;
  errors: number;
  /** Keys waiting to be processed. */
  queueDepth: number;
  /** Keys being reconciled right now. */
  processing: number;
  /** Keys waiting for a requeue deadline or backoff. */
  waiting: number;
}

export interface ControllerManagerOptions {
  cluster: ClusterPort;
  clock: Clock;
  logger: Logger;
  /** Every known primary object is reconciled again this often. Default 5 minutes. */
  resyncPeriodMs?: number;
  backoff?: BackoffOptions;
  /** Called after every reconcile, e.g. to record metrics. Must not throw. */
  onReconcile?: (e: ReconcileEvent) => void;
  /**
   * The one place that decides what a failed reconcile of any controller waits for:
   * returns a result (a race that can go round again at once) or throws (a
   * RequeueError with its delay, or the error for the queue's backoff). Default: throw.
   */
  errorPolicy?: (err: unknown) => ReconcileResult;
  /** Called with how long each key waited in a controller's queue. Must not throw. */
  onQueueWait?: (controller: string, waitedMs: number) => void;
}

/**
 * The generation (which the API server bumps on spec changes only) and the metadata a
 * controller acts on: an update of status alone leaves it unchanged.
 */
export const specAndMetadata: Fingerprint = (obj) => {
  const m = obj.metadata;
  return JSON.stringify([m.generation, m.deletionTimestamp, m.finalizers, m.labels, m.annotations]);
};

/**
 * A 53-bit hash of a fingerprint (cyrb53): what a watch remembers per object, so that
 * 10,000 objects cost 10,000 numbers rather than 10,000 copies of their status. Two
 * different fingerprints of one object hashing alike would skip one wake-up, which
 * the periodic resync makes up for; at 2^-53 that is not a practical concern.
 */
export function fingerprintHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Enqueues the keys an event maps to, unless the object's fingerprint is what was last seen. */
function filtered(fingerprint: Fingerprint | undefined, enqueue: (obj: KubeObject, type: string) => void) {
  const seen = new Map<string, number>();
  return (e: { type: string; object: KubeObject }) => {
    const key = keyOf(e.object);
    if (fingerprint && e.type !== 'DELETED') {
      const fp = fingerprintHash(fingerprint(e.object));
      if (seen.get(key) === fp) return;
      seen.set(key, fp);
    } else {
      seen.delete(key);
    }
    enqueue(e.object, e.type);
  };
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export const DEFAULT_RESYNC_PERIOD_MS = 5 * 60_000;
const DEFAULT_WORKERS = 4;

/** One controller's running parts; rebuilt on every start. */
interface Running {
  queue: WorkQueue;
  watches: WatchHandle[];
  workers: Promise<void>[];
  /** Primary keys seen and not deleted, for resync. */
  known: Set<string>;
}

/** One start-to-stop span of the manager. */
interface Run {
  abort: AbortController;
  controllers: Map<string, Running>;
  cancelResync?: () => void;
}

interface Counters {
  reconciles: number;
  errors: number;
}

export class ControllerManager {
  private readonly cluster: ClusterPort;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly resyncPeriodMs: number;
  private readonly backoff: BackoffOptions | undefined;
  private readonly onReconcile: ((e: ReconcileEvent) => void) | undefined;
  private readonly errorPolicy: (err: unknown) => ReconcileResult;
  private readonly onQueueWait: ((controller: string, waitedMs: number) => void) | undefined;
  private readonly controllers: Controller[] = [];
  private readonly counters = new Map<string, Counters>();
  private run: Run | undefined;
  /** When each reconcile in flight began, by `controller key`; for the liveness probe. */
  private readonly inFlight = new Map<string, number>();
  /** The stop under way, if any: a new start waits for it. */
  private stopping: Promise<void> | undefined;

  constructor(opts: ControllerManagerOptions) {
    this.cluster = opts.cluster;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.resyncPeriodMs = opts.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS;
    this.backoff = opts.backoff;
    this.onReconcile = opts.onReconcile;
    this.onQueueWait = opts.onQueueWait;
    this.errorPolicy = opts.errorPolicy ?? rethrow;
  }

  register(controller: Controller): this {
    if (this.counters.has(controller.name)) {
      throw new Error(`controller ${controller.name} is registered twice`);
    }
    this.controllers.push(controller);
    this.counters.set(controller.name, { reconciles: 0, errors: 0 });
    return this;
  }

  get started(): boolean {
    return this.run !== undefined;
  }

  /**
   * Starts watches, workers and resync. Starting a started manager does nothing.
   * While an earlier stop is still waiting for reconciles, the start waits for it, so
   * that a key is never reconciled by the old and the new workers at once.
   */
  start(): void {
    if (this.run) return;
    const run: Run = { abort: new AbortController(), controllers: new Map() };
    this.run = run;
    const begin = () => {
      // Stopped again before the previous stop had finished.
      if (this.run !== run) return;
      for (const c of this.controllers) run.controllers.set(c.name, this.startController(c, run.abort.signal));
      this.scheduleResync(run);
      this.logger.info('controllers started', { controllers: this.controllers.map((c) => c.name) });
    };
    if (this.stopping) void this.stopping.then(begin);
    else begin();
  }

  /**
   * Stops watching and handing out work, then waits for reconciles in flight. After
   * `timeoutMs` their signals are aborted and the manager resolves without waiting
   * further: a reconcile that ignores its signal must not hold up shutdown.
   */
  stop(timeoutMs = 30_000): Promise<void> {
    const run = this.run;
    if (!run) return this.stopping ?? Promise.resolve();
    this.run = undefined;
    const stopping = (this.stopping ?? Promise.resolve()).then(() => this.stopRun(run, timeoutMs));
    this.stopping = stopping;
    void stopping.then(() => {
      if (this.stopping === stopping) this.stopping = undefined;
    });
    return stopping;
  }

  stats(): ControllerStats[] {
    return this.controllers.map((c) => {
      const counters = this.counters.get(c.name)!;
      const queue = this.run?.controllers.get(c.name)?.queue;
      return {
        name: c.name,
        reconciles: counters.reconciles,
        errors: counters.errors,
        queueDepth: queue?.len ?? 0,
        processing: queue?.processing ?? 0,
        waiting: queue?.waiting ?? 0,
      };
    });
  }

  /**
   * True once running and every watch has delivered its initial list, so that the
   * controllers see every existing object (a port whose watches do not say counts as
   * synced). False while stopped.
   */
  synced(): boolean {
    const run = this.run;
    if (!run || run.controllers.size < this.controllers.length) return false;
    return this.controllers.every((c) => [c.kind, ...(c.watches ?? []).map((w) => w.kind)].every((k) => this.cluster.synced(k)));
  }

  /** The reconcile in flight that has been running longest (`controller key`), if any. */
  longestReconcile(): { key: string; runningMs: number } | undefined {
    let oldest: { key: string; startedAt: number } | undefined;
    for (const [key, startedAt] of this.inFlight) if (!oldest || startedAt < oldest.startedAt) oldest = { key, startedAt };
    return oldest && { key: oldest.key, runningMs: this.clock.now() - oldest.startedAt };
  }

  /** Queues every known object of every controller now, as the periodic resync does (the bench times one). */
  resyncNow(): void {
    const run = this.run;
    if (run) this.resync(run);
  }

  private resync(run: Run): void {
    for (const r of run.controllers.values()) for (const key of r.known) r.queue.add(key);
  }

  /** Queues `key` of controller `name` now, e.g. from a webhook or a test. */
  enqueue(name: string, key: string): void {
    this.run?.controllers.get(name)?.queue.add(key);
  }

  private startController(c: Controller, signal: AbortSignal): Running {
    const onWait = this.onQueueWait;
    const queue = new WorkQueue({
      clock: this.clock,
      ...(this.backoff ? { backoff: this.backoff } : {}),
      ...(onWait ? { onWait: (ms: number) => onWait(c.name, ms) } : {}),
    });
    const known = new Set<string>();
    const log = this.logger.child({ controller: c.name });
    const watches: WatchHandle[] = [
      this.cluster.watch(
        c.kind,
        {},
        filtered(c.fingerprint ?? specAndMetadata, (obj, type) => {
          const key = keyOf(obj);
          if (type === 'DELETED') known.delete(key);
          else known.add(key);
          queue.add(key);
        }),
      ),
    ];
    for (const w of c.watches ?? []) {
      watches.push(
        this.cluster.watch(
          w.kind,
          {},
          filtered(w.fingerprint, (obj) => {
            let keys: string[];
            try {
              keys = w.map(obj);
            } catch (err) {
              log.error('mapping a watched object to keys failed', { kind: w.kind.kind, error: messageOf(err) });
              return;
            }
            for (const key of keys) queue.add(key);
          }),
        ),
      );
    }
    const workers = Array.from({ length: Math.max(1, c.workers ?? DEFAULT_WORKERS) }, () =>
      this.work(c, queue, signal, log),
    );
    return { queue, watches, workers, known };
  }

  private async work(c: Controller, queue: WorkQueue, signal: AbortSignal, log: Logger): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileOne(c, queue, key, signal, log);
      } finally {
        queue.done(key);
      }
      // Between reconciles, timers and I/O get their turn (see Clock.yieldToEvents).
      await this.clock.yieldToEvents();
    }
  }

  private async reconcileOne(
    c: Controller,
    queue: WorkQueue,
    key: string,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    const counters = this.counters.get(c.name)!;
    const startedAt = this.clock.now();
    const flightKey = `${c.name} ${key}`;
    this.inFlight.set(flightKey, startedAt);
    let event: ReconcileEvent;
    try {
      const result = await c.reconcile(key, signal).catch((err: unknown) => this.errorPolicy(err));
      counters.reconciles++;
      queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined) queue.addAfter(key, after);
      event = { controller: c.name, key, outcome: 'success', durationMs: this.clock.now() - startedAt };
      if (after !== undefined) event.requeueAfterMs = after;
    } catch (err) {
      counters.reconciles++;
      counters.errors++;
      const after = requeueAfterOf(err);
      if (after !== undefined) {
        queue.addAfter(key, after);
      } else {
        queue.addRateLimited(key);
      }
      // Only the message: errors may carry request details that are not for logs.
      if (!signal.aborted) {
        log.error('reconcile failed', { key, error: messageOf(err), requeueAfterMs: after });
      }
      event = {
        controller: c.name,
        key,
        outcome: after !== undefined ? 'requeue-error' : 'error',
        durationMs: this.clock.now() - startedAt,
        error: err,
      };
      if (after !== undefined) event.requeueAfterMs = after;
    } finally {
      this.inFlight.delete(flightKey);
    }
    this.notify(event, log);
  }

  private notify(event: ReconcileEvent, log: Logger): void {
    if (!this.onReconcile) return;
    try {
      this.onReconcile(event);
    } catch (err) {
      log.warn('reconcile hook failed', { error: messageOf(err) });
    }
  }

  private scheduleResync(run: Run): void {
    if (this.resyncPeriodMs <= 0) return;
    run.cancelResync = this.clock.setTimer(this.resyncPeriodMs, () => {
      this.resync(run);
      this.scheduleResync(run);
    });
  }

  private async stopRun(run: Run, timeoutMs: number): Promise<void> {
    run.cancelResync?.();
    const running = [...run.controllers.values()];
    for (const r of running) {
      for (const w of r.watches) w.stop();
      r.queue.shutdown();
    }
    const finished = Promise.all(running.flatMap((r) => r.workers)).then(() => true);
    const timer = new AbortController();
    const timedOut = this.clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    const inTime = await Promise.race([finished, timedOut]);
    timer.abort();
    if (!inTime) {
      const inFlight = running.reduce((n, r) => n + r.queue.processing, 0);
      this.logger.warn('reconciles still running at shutdown deadline; aborting them', { inFlight, timeoutMs });
      run.abort.abort(new Error('controller manager stopped'));
    }
    this.logger.info('controllers stopped');
  }
}

function rethrow(err: unknown): never {
  throw err;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
