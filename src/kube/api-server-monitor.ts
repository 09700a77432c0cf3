/**
 * Connects to the API server and keeps checking that it answers: loads the
 * configuration, sends one cheap request, and on failure says once, in one line,
 * what failed, where the configuration came from and what to do; then retries with
 * capped exponential backoff, repeating the line at most once a minute. Readiness
 * reads `state`; start-up waits for `connected()`.
 */
import { backoffDelay } from '../controller/runtime/backoff.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { RepeatedFailureLog } from '../util/repeated-failure-log.js';
import { KubeError, isKubeNotFound } from './errors.js';
import { KubeConfigError } from './kubeconfig.js';
import type { ClusterPort } from './types.js';

export interface Connection {
  cluster: ClusterPort;
  /** Where the configuration came from, e.g. `KUBECONFIG=/path`. */
  source: string;
  server: string;
}

export interface ApiServerMonitorOptions {
  /** Loads the configuration; throws KubeConfigError when there is none usable. */
  connect: () => Connection;
  /** One cheap request that only a working API server with our CRDs answers. */
  probe: (cluster: ClusterPort) => Promise<unknown>;
  clock: Clock;
  logger: Logger;
  /** Pause after a success. Default 10 s. */
  intervalMs?: number;
  /** Retry delays after failures: doubled from `initialMs` up to `maxMs`. Default 1 s to 30 s. */
  backoff?: { initialMs: number; maxMs: number };
}

export interface ApiServerState {
  reachable: boolean;
  /** What is wrong and what to do; empty while reachable. */
  problem: string;
}

export class ApiServerMonitor {
  private readonly opts: ApiServerMonitorOptions;
  private readonly failures: RepeatedFailureLog;
  private connection: Connection | undefined;
  private current: ApiServerState = { reachable: false, problem: 'not yet connected to the API server' };
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly waiters: ((c: ClusterPort) => void)[] = [];

  constructor(opts: ApiServerMonitorOptions) {
    this.opts = opts;
    this.failures = new RepeatedFailureLog({
      logger: opts.logger,
      clock: opts.clock,
      level: 'error',
      message: 'cannot use the Kubernetes API server; retrying',
      recovered: 'the Kubernetes API server answers again',
    });
  }

  get state(): ApiServerState {
    return { ...this.current };
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Resolves with the cluster port once the API server has answered, or undefined when stopped first. */
  connected(): Promise<ClusterPort | undefined> {
    if (this.current.reachable && this.connection) return Promise.resolve(this.connection.cluster);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.abort?.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { clock, intervalMs = 10_000, backoff = { initialMs: 1_000, maxMs: 30_000 } } = this.opts;
    while (!signal.aborted) {
      let delay = intervalMs;
      try {
        this.connection ??= this.opts.connect();
        await this.opts.probe(this.connection.cluster);
        this.current = { reachable: true, problem: '' };
        this.failures.success({ server: this.connection.server });
        for (const resolve of this.waiters.splice(0)) resolve(this.connection.cluster);
      } catch (err) {
        if (signal.aborted) break;
        // A configuration that failed may be fixed (a mounted file appears); read it again.
        if (err instanceof KubeConfigError) this.connection = undefined;
        delay = backoffDelay(this.failures.consecutiveFailures, { baseMs: backoff.initialMs, factor: 2, maxMs: backoff.maxMs });
        const problem = this.describe(err);
        this.current = { reachable: false, problem };
        this.failures.failure(problem, { retryInMs: delay });
      }
      try {
        await clock.sleep(delay, signal);
      } catch {
        break;
      }
    }
  }

  private describe(err: unknown): string {
    if (err instanceof KubeConfigError) return err.message;
    const message = err instanceof Error ? err.message : String(err);
    const where = this.connection ? `the API server at ${this.connection.server} (from ${this.connection.source})` : 'the API server';
    if (isKubeNotFound(err)) {
      return `${where} does not serve the gpu-provisioner.dev CRDs (${message}); install them: helm install does, or kubectl apply -f crds/`;
    }
    if (err instanceof KubeError && (err.code === 401 || err.code === 403)) {
      return `${where} refused the credentials (${message}); check the service account and its RBAC, which the Helm chart installs`;
    }
    if (err instanceof KubeError && err.code >= 400) {
      return `${where} answered with an error (${message})`;
    }
    return `cannot reach ${where}: ${message}; check that the cluster is up and the address is right`;
  }
}
