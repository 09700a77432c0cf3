/**
 * One account's view of the sim cloud, behind the same interface as the real clouds.
 * Every call costs `callLatencyMs` on the injected clock, so the controllers meet the
 * waiting they would meet in production, and tests move time with a FakeClock. The
 * interruption poll is a long poll, as of AWS's SQS queue: a notice reaches the
 * operator when the cloud sends it, through the same poller as in production.
 */
import type { ClusterPort } from '../../kube/types.js';
import type { Clock } from '../../util/clock.js';
import { InvalidRequestError } from '../errors.js';
import type {
  Capabilities,
  CloudProvider,
  Instance,
  InterruptionKind,
  InterruptionNotice,
  LaunchRequest,
  Offer,
  ProviderConfig,
  ProviderContext,
  ProviderFactory,
} from '../types.js';
import { SimCloud, type OfferingMatcher, type SimAccount } from './sim-cloud.js';

export const DEFAULT_CALL_LATENCY_MS = 20;
/**
 * How long an interruption poll waits for a notice: SQS's longest long poll, as AWS's
 * adapter asks for. It must stay under the pipeline's per-attempt timeout
 * (src/providers/pipeline/limits.ts, 30 s), which bounds a long poll like any call.
 */
export const DEFAULT_INTERRUPTION_WAIT_SECONDS = 20;

export interface SimProviderOptions {
  name: string;
  clusterName: string;
  clock: Clock;
  cloud: SimCloud;
  /** Where booted machines register their Nodes. */
  cluster?: ClusterPort;
  callLatencyMs?: number;
  /** How long an interruption poll waits for a notice before answering empty (default 20 s); 0 answers at once. */
  interruptionWaitSeconds?: number;
  /** Boot time of this account's machines; the cloud's own when absent. */
  bootMs?: number;
  regions?: string[];
}

/** The sim does everything a cloud may do, so every code path can be tried on it. */
export const SIM_CAPABILITIES: Capabilities = { unsupported: {} };

export class SimProvider implements CloudProvider {
  readonly type = 'sim' as const;
  readonly capabilities: Capabilities = SIM_CAPABILITIES;
  readonly name: string;
  readonly cloud: SimCloud;
  private readonly clock: Clock;
  private readonly callLatencyMs: number;
  private readonly interruptionWaitMs: number;
  private readonly account: SimAccount;

  constructor(opts: SimProviderOptions) {
    this.name = opts.name;
    this.cloud = opts.cloud;
    this.clock = opts.clock;
    this.callLatencyMs = opts.callLatencyMs ?? DEFAULT_CALL_LATENCY_MS;
    this.interruptionWaitMs = (opts.interruptionWaitSeconds ?? DEFAULT_INTERRUPTION_WAIT_SECONDS) * 1000;
    this.account = {
      name: opts.name,
      clusterName: opts.clusterName,
      cluster: opts.cluster,
      regions: opts.regions,
      bootMs: opts.bootMs,
    };
  }

  listOffers(signal?: AbortSignal): Promise<Offer[]> {
    return this.call('listOffers', '', signal, () => this.cloud.offers(this.account));
  }

  create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    const o = req.offer;
    const args = `${o.instanceType} ${o.zone ?? o.region} ${o.capacityType} key=${req.idempotencyKey}`;
    return this.call('create', args, signal, () => this.cloud.create(this.account, req));
  }

  get(id: string, signal?: AbortSignal): Promise<Instance> {
    return this.call('get', id, signal, () => this.cloud.get(this.account, id));
  }

  list(signal?: AbortSignal): Promise<Instance[]> {
    return this.call('list', '', signal, () => this.cloud.list(this.account));
  }

  delete(id: string, signal?: AbortSignal): Promise<void> {
    return this.call('delete', id, signal, () => this.cloud.delete(this.account, id));
  }

  checkCredentials(signal?: AbortSignal): Promise<void> {
    return this.call('checkCredentials', '', signal, () => this.cloud.checkCredentials(this.account));
  }

  /**
   * A long poll, as a queue is read: the notice comes as soon as the cloud sends it, not
   * at the operator's next poll (the InterruptionPoller asks again as soon as it answers).
   */
  pollInterruptions(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    return this.call('pollInterruptions', '', signal, () => this.cloud.pollInterruptions(this.account, this.interruptionWaitMs, signal));
  }

  // The switches, here too so that whoever holds the provider can drive the cloud.

  failNextCreate(err: Error, times = 1): void {
    this.cloud.failNextCreate(err, times);
  }
  insufficientCapacity(matcher: OfferingMatcher, on = true): void {
    this.cloud.insufficientCapacity(matcher, on);
  }
  setCapacity(matcher: OfferingMatcher, n: number): void {
    this.cloud.setCapacity(matcher, n);
  }
  rateLimit(times: number, retryAfterMs?: number): void {
    this.cloud.rateLimit(times, retryAfterMs);
  }
  serverErrors(times: number): void {
    this.cloud.serverErrors(times);
  }
  /** Boot time of this account's machines launched from now on. */
  setBootMs(ms: number): void {
    this.account.bootMs = ms;
  }
  failJoin(on = true): void {
    this.cloud.failJoin(on);
  }
  rejectCredentials(on = true): void {
    this.cloud.rejectCredentials(on);
  }
  interrupt(instanceId: string, kind?: InterruptionKind, noticeMs?: number): InterruptionNotice {
    return this.cloud.interrupt(instanceId, kind, noticeMs);
  }
  get calls() {
    return this.cloud.calls;
  }
  reset(): void {
    this.cloud.reset();
  }

  private async call<T>(method: string, args: string, signal: AbortSignal | undefined, fn: () => T | Promise<T>): Promise<T> {
    this.cloud.record(this.account, method, args);
    if (this.callLatencyMs > 0) await this.clock.sleep(this.callLatencyMs, signal);
    signal?.throwIfAborted();
    this.cloud.throwInjectedFailure(method);
    return fn();
  }
}

/**
 * Builds a sim provider from a GpuProvider. Without `cloud` each call makes a world of
 * its own; pass one (or use simProviderFactory) so that providers rebuilt after a spec
 * change or a restart still see the machines launched before.
 */
export function createSimProvider(config: ProviderConfig, ctx: ProviderContext, cloud?: SimCloud): SimProvider {
  if (!ctx.cluster) throw new InvalidRequestError('sim provider needs a cluster to register its nodes in');
  const sim = config.spec.sim ?? {};
  return new SimProvider({
    name: config.name,
    clusterName: ctx.clusterName,
    clock: ctx.clock,
    cloud: cloud ?? newCloud(ctx),
    cluster: ctx.cluster,
    callLatencyMs: sim.callLatencyMs,
    interruptionWaitSeconds: sim.interruptionWaitSeconds,
    bootMs: sim.bootSeconds === undefined ? undefined : sim.bootSeconds * 1000,
    regions: config.spec.regions,
  });
}

/** A factory whose providers all share one cloud, made on first use when not given. */
export function simProviderFactory(cloud?: SimCloud): ProviderFactory {
  let shared = cloud;
  return (config, ctx) => {
    shared ??= newCloud(ctx);
    return createSimProvider(config, ctx, shared);
  };
}

function newCloud(ctx: ProviderContext): SimCloud {
  return new SimCloud({ clock: ctx.clock, logger: ctx.logger });
}

// Compile-time check: the plain function is itself a ProviderFactory.
const _isFactory: ProviderFactory = createSimProvider;
