/**
 * The simulated cloud itself. State lives here rather than in a provider so that
 * several accounts (GpuProviders of type sim), and a restarted operator building new
 * providers, all see the same machines, as they would with a real cloud.
 *
 * The switches (failNextCreate, insufficientCapacity, interrupt, ...) are production
 * code: the demo, the tests and the benchmark drive failures through them.
 */
import { Labels, GPU_RESOURCE } from '../../api/constants.js';
import { isAlreadyExists, isKubeNotFound } from '../../kube/errors.js';
import { Kinds, type ClusterPort, type Lease, type Node, type NodeCondition } from '../../kube/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  TransientError,
} from '../errors.js';
import type { Bootstrap, Instance, InterruptionKind, InterruptionNotice, LaunchRequest, Offer } from '../types.js';
import { gpuMemoryGiB, simOfferingKey, simOfferings, type SimOffering } from './catalog.js';

export const DEFAULT_BOOT_MS = 3000;
export const DEFAULT_TERMINATE_MS = 1000;
/** Like EC2, a terminated machine stays visible for a while before lookups say not found. */
export const DEFAULT_RETAIN_TERMINATED_MS = 60 * 60 * 1000;
export const DEFAULT_INTERRUPTION_NOTICE_MS = 120_000;
/** How often a kubelet renews its Lease (the kubelet's nodeStatusUpdateFrequency). */
export const DEFAULT_HEARTBEAT_MS = 10_000;
/**
 * How often it posts the Ready condition's heartbeat when nothing changed (the kubelet's
 * nodeStatusReportFrequency): the Lease carries liveness in between, so the Node object,
 * which every controller watching Nodes sees, is written rarely.
 */
export const DEFAULT_STATUS_REPORT_MS = 5 * 60_000;
/** The Lease duration a kubelet announces (its nodeLeaseDurationSeconds). */
export const NODE_LEASE_DURATION_SECONDS = 40;
/** Where kubelets keep their Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface SimCloudOptions {
  clock: Clock;
  logger?: Logger;
  bootMs?: number;
  terminateMs?: number;
  retainTerminatedMs?: number;
  /** How often each registered machine's kubelet renews its Lease (default 10 s). */
  heartbeatMs?: number;
  /** How often it posts the Ready heartbeat on the Node (default 5 min, as a kubelet). */
  statusReportMs?: number;
  /** Replaces the built-in catalogue (tests that want a tiny world). */
  offerings?: SimOffering[];
}

/** One account's view of the cloud: who is calling and where its machines register. */
export interface SimAccount {
  /** GpuProvider name; instances and interruption notices belong to it. */
  name: string;
  clusterName: string;
  cluster?: ClusterPort;
  /** When set, the account only sees and launches in these regions. */
  regions?: string[];
  /** Boot time for this account's machines; the cloud's own when absent. */
  bootMs?: number;
}

/** A record of one call, for tests and the demo. Never carries tags or user data. */
export interface SimCall {
  method: string;
  provider: string;
  args: string;
  at: number;
}

export type OfferingMatcher = string | ((o: SimOffering) => boolean);

interface SimMachine {
  instance: Instance;
  offering: SimOffering;
  bootstrap: Omit<Bootstrap, 'userData'>;
  cluster?: ClusterPort;
  terminatedAt?: number;
  /** Whether the machine went on to register a Node. */
  joined?: boolean;
  cancelTimers: (() => void)[];
  /** The Ready condition its kubelet posts; only the heartbeat time moves. */
  ready?: NodeCondition;
  /** Stops the kubelet's heartbeats, when they run. */
  stopHeartbeats?: () => void;
}

function copyInstance(i: Instance): Instance {
  return { ...i, tags: { ...i.tags } };
}

export class SimCloud {
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly terminateMs: number;
  private readonly retainTerminatedMs: number;
  private readonly heartbeatMs: number;
  private readonly statusReportMs: number;
  private readonly catalogue: SimOffering[];
  private bootMs: number;

  private offerings = new Map<string, SimOffering>();
  private capacityLeft = new Map<string, number>();
  private exhausted = new Set<string>();
  private machines = new Map<string, SimMachine>();
  private byIdempotencyKey = new Map<string, string>();
  private notices = new Map<string, InterruptionNotice[]>();
  /** Long polls waiting for a notice, by account: each wakes when one is queued for it. */
  private noticeWaiters = new Map<string, Set<() => void>>();
  private nextId = 1;

  private createFailures: Error[] = [];
  private lostCreateAnswers = 0;
  private rateLimitsLeft = 0;
  private rateLimitRetryAfterMs = 1000;
  private serverErrorsLeft = 0;
  private joinFails = false;
  private credentialsRejected = false;

  /** Every call any account made, oldest first. */
  calls: SimCall[] = [];

  constructor(opts: SimCloudOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.bootMs = opts.bootMs ?? DEFAULT_BOOT_MS;
    this.terminateMs = opts.terminateMs ?? DEFAULT_TERMINATE_MS;
    this.retainTerminatedMs = opts.retainTerminatedMs ?? DEFAULT_RETAIN_TERMINATED_MS;
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.statusReportMs = opts.statusReportMs ?? DEFAULT_STATUS_REPORT_MS;
    this.catalogue = opts.offerings ?? simOfferings();
    this.restoreCatalogue();
  }

  // ---- the cloud API, as one account sees it ----

  offers(account: SimAccount): Offer[] {
    return [...this.offerings.values()]
      .filter((o) => inRegions(account, o.region))
      .map((o) => {
        const key = simOfferingKey(offeringId(o));
        return {
          provider: account.name,
          providerType: 'sim',
          instanceType: o.instanceType.name,
          gpuModel: o.instanceType.gpuModel,
          gpuCount: o.instanceType.gpuCount,
          gpuMemoryGiB: gpuMemoryGiB(o.instanceType),
          vcpus: o.instanceType.vcpus,
          memoryGiB: o.instanceType.memoryGiB,
          region: o.region,
          zone: o.zone,
          capacityType: o.capacityType,
          pricePerHour: o.pricePerHour,
          available: this.hasCapacity(key),
        };
      });
  }

  create(account: SimAccount, req: LaunchRequest): Instance {
    const failure = this.createFailures.shift();
    if (failure) throw failure;

    const idemKey = `${account.name}/${req.idempotencyKey}`;
    const existingId = this.byIdempotencyKey.get(idemKey);
    const existing = existingId === undefined ? undefined : this.machines.get(existingId);
    if (existing) return copyInstance(existing.instance);

    if (!req.bootstrap.hostname) throw new InvalidRequestError('sim: bootstrap.hostname is required');
    if (!inRegions(account, req.offer.region)) {
      throw new InvalidRequestError(`sim: region ${req.offer.region} is not enabled for ${account.name}`);
    }
    const offering = this.findOffering(req.offer);
    const key = simOfferingKey(offeringId(offering));
    if (!this.hasCapacity(key)) {
      throw new InsufficientCapacityError(
        `sim: no ${offering.capacityType} capacity for ${offering.instanceType.name} in ${offering.zone}`,
      );
    }
    this.capacityLeft.set(key, (this.capacityLeft.get(key) ?? 0) - 1);

    const id = `sim-${(this.nextId++).toString(16).padStart(8, '0')}`;
    const instance: Instance = {
      id,
      name: req.name,
      provider: account.name,
      providerType: 'sim',
      instanceType: offering.instanceType.name,
      region: offering.region,
      zone: offering.zone,
      capacityType: offering.capacityType,
      pricePerHour: offering.pricePerHour,
      state: 'pending',
      idempotencyKey: req.idempotencyKey,
      tags: { ...req.tags },
      launchedAt: this.clock.now(),
      providerID: `sim://${offering.region}/${id}`,
    };
    const { hostname, nodeLabels, nodeTaints } = req.bootstrap;
    const machine: SimMachine = {
      instance,
      offering,
      bootstrap: { hostname, nodeLabels: { ...nodeLabels }, nodeTaints: [...nodeTaints] },
      cluster: account.cluster,
      cancelTimers: [],
    };
    this.machines.set(id, machine);
    this.byIdempotencyKey.set(idemKey, id);
    machine.cancelTimers.push(this.clock.setTimer(account.bootMs ?? this.bootMs, () => this.boot(machine)));
    this.logger?.debug('sim: instance launched', { instanceId: id, instanceType: instance.instanceType, zone: instance.zone });
    if (this.lostCreateAnswers > 0) {
      this.lostCreateAnswers--;
      throw new TransientError('sim: the connection dropped before the create answer arrived');
    }
    return copyInstance(instance);
  }

  get(account: SimAccount, id: string): Instance {
    const m = this.visibleMachine(account, id);
    if (!m) throw new NotFoundError(`sim: instance ${id} not found`);
    return copyInstance(m.instance);
  }

  list(account: SimAccount): Instance[] {
    return [...this.machines.values()]
      .filter(
        (m) =>
          m.instance.provider === account.name &&
          m.instance.tags[Labels.cluster] === account.clusterName &&
          m.instance.state !== 'terminated',
      )
      .map((m) => copyInstance(m.instance));
  }

  delete(account: SimAccount, id: string): void {
    const m = this.visibleMachine(account, id);
    if (!m || m.instance.state === 'terminating' || m.instance.state === 'terminated') return;
    this.cancelTimers(m);
    m.instance.state = 'terminating';
    m.cancelTimers.push(this.clock.setTimer(this.terminateMs, () => this.finishTermination(m)));
  }

  checkCredentials(_account: SimAccount): void {
    if (this.credentialsRejected) throw new AuthError('sim: credentials rejected');
  }

  /**
   * A long poll of the account's interruption notices, as SQS's ReceiveMessage with
   * WaitTimeSeconds: answers as soon as a notice for the account is queued, with every
   * notice queued by the time it wakes (notices sent in one go come back in one
   * answer), or empty once `waitMs` has passed on the clock. An abort ends the wait
   * with the signal's reason and leaves the queue as it was. Each notice is returned
   * once; with `waitMs` 0 the answer is what is queued now.
   */
  async pollInterruptions(account: SimAccount, waitMs = 0, signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const until = this.clock.now() + waitMs;
    for (;;) {
      signal?.throwIfAborted();
      const queued = this.notices.get(account.name);
      if (queued && queued.length > 0) {
        this.notices.delete(account.name);
        return queued;
      }
      const left = until - this.clock.now();
      if (left <= 0) return [];
      // Another poll of the same account may take what woke this one; then this one waits on.
      await this.noticeQueued(account.name, left, signal);
    }
  }

  /** Records a call; providers call it first thing. */
  record(account: SimAccount, method: string, args = ''): void {
    this.calls.push({ method, provider: account.name, args, at: this.clock.now() });
  }

  /** Throws the failure a switch has queued for any call, if one is. */
  throwInjectedFailure(method: string): void {
    if (this.rateLimitsLeft > 0) {
      this.rateLimitsLeft--;
      throw new RateLimitedError(`sim: ${method} rate limited`, this.rateLimitRetryAfterMs);
    }
    if (this.serverErrorsLeft > 0) {
      this.serverErrorsLeft--;
      throw new TransientError(`sim: ${method} failed with 503 Service Unavailable`);
    }
  }

  /** Machines launched since the cloud was made or reset. */
  get launchCount(): number {
    return this.nextId - 1;
  }

  // ---- switches ----

  /** The next `times` creates fail with `err`, before anything is launched. */
  failNextCreate(err: Error, times = 1): void {
    for (let i = 0; i < times; i++) this.createFailures.push(err);
  }

  /**
   * Takes the matching offerings out of capacity (on) or gives them back (off) without
   * touching their counts. A string matches a sim offering key
   * (`region/zone/type/capacityType`), an offer key from offerKey(), or an instance type.
   */
  insufficientCapacity(matcher: OfferingMatcher, on = true): void {
    for (const key of this.matchingKeys(matcher)) {
      if (on) this.exhausted.add(key);
      else this.exhausted.delete(key);
    }
  }

  /** Sets how many more instances the matching offerings can launch. */
  setCapacity(matcher: OfferingMatcher, n: number): void {
    for (const key of this.matchingKeys(matcher)) this.capacityLeft.set(key, Math.max(0, n));
  }

  /** How many more instances the offering can launch (for tests and the demo). */
  capacityOf(matcher: OfferingMatcher): number {
    return this.matchingKeys(matcher).reduce((sum, key) => sum + (this.capacityLeft.get(key) ?? 0), 0);
  }

  /** The next `times` creates make their machine, but the caller gets a TransientError instead of the answer. */
  loseNextCreateAnswers(times = 1): void {
    this.lostCreateAnswers = times;
  }

  /** Every instance launched and not yet forgotten, terminated ones included: the cloud's own ledger. */
  ledger(): Instance[] {
    return [...this.machines.values()].map((m) => copyInstance(m.instance));
  }

  /** The next `times` calls of any kind fail with RateLimitedError. */
  rateLimit(times: number, retryAfterMs = 1000): void {
    this.rateLimitsLeft = times;
    this.rateLimitRetryAfterMs = retryAfterMs;
  }

  /** The next `times` calls of any kind fail with TransientError (a 5xx). */
  serverErrors(times: number): void {
    this.serverErrorsLeft = times;
  }

  /** Boot time for machines launched from now on by accounts without their own. */
  setBootMs(ms: number): void {
    this.bootMs = ms;
  }

  /** While on, machines boot but never register a Node (a broken bootstrap). */
  failJoin(on = true): void {
    this.joinFails = on;
  }

  /** While on, checkCredentials fails with AuthError. */
  rejectCredentials(on = true): void {
    this.credentialsRejected = on;
  }

  /**
   * Sends an interruption notice for the instance: queued for its account, whose open
   * long polls answer with it at once (pollInterruptions returns it once), and the
   * machine reclaimed when the notice runs out.
   */
  interrupt(instanceId: string, kind: InterruptionKind = 'spot-interruption', noticeMs = DEFAULT_INTERRUPTION_NOTICE_MS): InterruptionNotice {
    const m = this.machines.get(instanceId);
    if (!m || m.instance.state === 'terminated') throw new NotFoundError(`sim: instance ${instanceId} not found`);
    const now = this.clock.now();
    const notice: InterruptionNotice = {
      provider: m.instance.provider,
      instanceId,
      kind,
      deadline: now + noticeMs,
      receivedAt: now,
    };
    const queued = this.notices.get(notice.provider) ?? [];
    queued.push(notice);
    this.notices.set(notice.provider, queued);
    for (const wake of [...(this.noticeWaiters.get(notice.provider) ?? [])]) wake();
    const reclaim = () => {
      this.cancelTimers(m);
      this.finishTermination(m);
    };
    if (noticeMs <= 0) reclaim();
    else m.cancelTimers.push(this.clock.setTimer(noticeMs, reclaim));
    return { ...notice };
  }

  /**
   * The machine's kubelet dies: its Lease and Ready heartbeat are no longer renewed,
   * while the machine itself keeps running (and billing). Nothing here marks the Node:
   * on a real cluster the node-lifecycle controller does, after the Lease expires (see
   * markNodeUnknown in node-lifecycle.ts for clusters without one).
   */
  stopHeartbeats(instanceId: string): void {
    const m = this.machines.get(instanceId);
    if (!m) throw new NotFoundError(`sim: instance ${instanceId} not found`);
    m.stopHeartbeats?.();
    m.stopHeartbeats = undefined;
  }

  /** Back to a fresh world: no machines, full capacity, no switches, no call records. */
  reset(): void {
    for (const m of this.machines.values()) this.cancelTimers(m);
    this.machines.clear();
    this.byIdempotencyKey.clear();
    this.notices.clear();
    this.createFailures = [];
    this.lostCreateAnswers = 0;
    this.rateLimitsLeft = 0;
    this.serverErrorsLeft = 0;
    this.joinFails = false;
    this.credentialsRejected = false;
    this.calls = [];
    this.nextId = 1;
    this.restoreCatalogue();
  }

  // ---- inside the cloud ----

  private restoreCatalogue(): void {
    this.offerings = new Map(this.catalogue.map((o) => [simOfferingKey(offeringId(o)), o]));
    this.capacityLeft = new Map(this.catalogue.map((o) => [simOfferingKey(offeringId(o)), o.capacity]));
    this.exhausted = new Set();
  }

  /** Resolves when a notice is queued for the account or after `ms`; rejects when the signal aborts. */
  private noticeQueued(provider: string, ms: number, signal?: AbortSignal): Promise<void> {
    let waiters = this.noticeWaiters.get(provider);
    if (!waiters) this.noticeWaiters.set(provider, (waiters = new Set()));
    const own = waiters;
    return new Promise((resolve, reject) => {
      const end = () => {
        cancelTimer();
        own.delete(wake);
        signal?.removeEventListener('abort', onAbort);
      };
      const wake = () => {
        end();
        resolve();
      };
      const onAbort = () => {
        end();
        reject(signal!.reason);
      };
      const cancelTimer = this.clock.setTimer(ms, wake);
      own.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private hasCapacity(key: string): boolean {
    return (this.capacityLeft.get(key) ?? 0) > 0 && !this.exhausted.has(key);
  }

  private findOffering(offer: Offer): SimOffering {
    const exact = this.offerings.get(simOfferingKey(offer));
    if (exact) return exact;
    if (offer.zone === undefined) {
      // No zone asked for: any zone of the region will do, one with capacity first.
      const inRegion = [...this.offerings.values()].filter(
        (o) => o.region === offer.region && o.instanceType.name === offer.instanceType && o.capacityType === offer.capacityType,
      );
      const withCapacity = inRegion.find((o) => this.hasCapacity(simOfferingKey(offeringId(o))));
      const any = withCapacity ?? inRegion[0];
      if (any) return any;
    }
    throw new InvalidRequestError(`sim: no offering ${simOfferingKey(offer)}`);
  }

  private matchingKeys(matcher: OfferingMatcher): string[] {
    if (typeof matcher === 'function') {
      return [...this.offerings.entries()].filter(([, o]) => matcher(o)).map(([k]) => k);
    }
    const parts = matcher.split('/');
    const asKey = parts.length === 5 ? parts.slice(1).join('/') : matcher;
    if (this.offerings.has(asKey)) return [asKey];
    return [...this.offerings.entries()].filter(([, o]) => o.instanceType.name === matcher).map(([k]) => k);
  }

  private visibleMachine(account: SimAccount, id: string): SimMachine | undefined {
    const m = this.machines.get(id);
    if (!m || m.instance.provider !== account.name) return undefined;
    if (m.terminatedAt !== undefined && this.clock.now() - m.terminatedAt > this.retainTerminatedMs) return undefined;
    return m;
  }

  private cancelTimers(m: SimMachine): void {
    for (const cancel of m.cancelTimers) cancel();
    m.cancelTimers = [];
    m.stopHeartbeats?.();
    m.stopHeartbeats = undefined;
  }

  private boot(m: SimMachine): void {
    if (m.instance.state !== 'pending') return;
    m.instance.state = 'running';
    if (this.joinFails || !m.cluster) return;
    m.joined = true;
    void this.registerNode(m, m.cluster);
  }

  private finishTermination(m: SimMachine): void {
    if (m.instance.state === 'terminated') return;
    m.instance.state = 'terminated';
    m.terminatedAt = this.clock.now();
    const key = simOfferingKey(offeringId(m.offering));
    this.capacityLeft.set(key, (this.capacityLeft.get(key) ?? 0) + 1);
    // A machine that is gone posts nothing more; the Node object stays until someone deletes it.
    m.stopHeartbeats?.();
    m.stopHeartbeats = undefined;
  }

  private async registerNode(m: SimMachine, cluster: ClusterPort): Promise<void> {
    const { instance, offering, bootstrap } = m;
    const t = offering.instanceType;
    const resources = {
      cpu: String(t.vcpus),
      memory: `${t.memoryGiB}Gi`,
      pods: '110',
      [GPU_RESOURCE]: String(t.gpuCount),
    };
    const now = new Date(this.clock.now()).toISOString();
    const ready: NodeCondition = {
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    };
    m.ready = ready;
    const status = { conditions: [ready], capacity: resources, allocatable: { ...resources } };
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: bootstrap.hostname,
        labels: {
          ...bootstrap.nodeLabels,
          'kubernetes.io/hostname': bootstrap.hostname,
          [Labels.instanceType]: t.name,
          [Labels.region]: offering.region,
          [Labels.zone]: offering.zone,
        },
      },
      spec: { providerID: instance.providerID, taints: bootstrap.nodeTaints.map((taint) => ({ ...taint })) },
      status,
    };
    let registered: Node | undefined;
    try {
      // Nodes, unlike most kinds, keep the status they are created with: the kubelet relies on it.
      registered = await cluster.create(Kinds.Node, node);
    } catch (e) {
      if (isAlreadyExists(e)) registered = await this.takeOverNode(node, cluster, instance.id);
      else this.logger?.warn('sim: node registration failed', { instanceId: instance.id, error: String(e) });
    }
    if (!registered || m.instance.state !== 'running') return;
    await this.renewLease(m, cluster, registered);
    this.startHeartbeats(m, cluster, registered);
  }

  /** A machine reusing a hostname takes over the old Node object, as a kubelet would. */
  private async takeOverNode(node: Node, cluster: ClusterPort, instanceId: string): Promise<Node | undefined> {
    try {
      await cluster.patch(Kinds.Node, node.metadata.name, undefined, { metadata: { labels: node.metadata.labels }, spec: node.spec });
      return await cluster.patch<Node>(Kinds.Node, node.metadata.name, undefined, { status: node.status }, { subresource: 'status' });
    } catch (e) {
      this.logger?.warn('sim: node registration failed', { instanceId, error: String(e) });
      return undefined;
    }
  }

  /**
   * The kubelet's loop: every heartbeatMs renew the Lease, and every statusReportMs post
   * Ready with a fresh lastHeartbeatTime, so a real kube-controller-manager keeps the
   * Node Ready (as kwok does for its fake nodes). Stops when the machine ends or
   * stopHeartbeats is called.
   */
  private startHeartbeats(m: SimMachine, cluster: ClusterPort, node: Node): void {
    let stopped = false;
    let cancel = () => undefined as void;
    let lastReport = this.clock.now();
    const beat = async () => {
      if (stopped) return;
      await this.renewLease(m, cluster, node);
      if (this.clock.now() - lastReport >= this.statusReportMs) {
        lastReport = this.clock.now();
        await this.postReady(m, cluster);
      }
      if (!stopped) cancel = this.clock.setTimer(this.heartbeatMs, () => void beat());
    };
    cancel = this.clock.setTimer(this.heartbeatMs, () => void beat());
    m.stopHeartbeats = () => {
      stopped = true;
      cancel();
    };
  }

  /** The Node's Lease in kube-node-lease: named like the Node, held by it, owned by it. */
  private async renewLease(m: SimMachine, cluster: ClusterPort, node: Node): Promise<void> {
    const name = node.metadata.name;
    const now = microTime(this.clock.now());
    const spec = { holderIdentity: name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: now };
    const owner = node.metadata.uid
      ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }]
      : undefined;
    try {
      const current = await cluster.get<Lease>(Kinds.Lease, name, NODE_LEASE_NAMESPACE);
      if (!current) {
        await cluster.create<Lease>(Kinds.Lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace: NODE_LEASE_NAMESPACE, ...(owner ? { ownerReferences: owner } : {}) },
          spec,
        });
      } else {
        const ownedByThisNode = current.metadata.ownerReferences?.some((o) => o.uid === node.metadata.uid);
        await cluster.patch(Kinds.Lease, name, NODE_LEASE_NAMESPACE, {
          ...(owner && !ownedByThisNode ? { metadata: { ownerReferences: owner } } : {}),
          spec,
        });
      }
    } catch (e) {
      // A missed renewal is what a real kubelet meets too; the next beat tries again.
      this.logger?.debug('sim: lease renewal failed', { instanceId: m.instance.id, error: String(e) });
    }
  }

  private async postReady(m: SimMachine, cluster: ClusterPort): Promise<void> {
    if (!m.ready) return;
    m.ready = { ...m.ready, lastHeartbeatTime: new Date(this.clock.now()).toISOString() };
    try {
      await cluster.patch(Kinds.Node, m.bootstrap.hostname, undefined, { status: { conditions: [m.ready] } }, { subresource: 'status' });
    } catch (e) {
      if (isKubeNotFound(e)) {
        // The Node was deleted: a real kubelet would re-register; this machine's life as a node is over.
        m.stopHeartbeats?.();
        m.stopHeartbeats = undefined;
        return;
      }
      this.logger?.debug('sim: node heartbeat failed', { instanceId: m.instance.id, error: String(e) });
    }
  }
}

/** metav1.MicroTime: RFC 3339 with microseconds, as Lease renewTime is written. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function offeringId(o: SimOffering): { region: string; zone: string; instanceType: string; capacityType: string } {
  return { region: o.region, zone: o.zone, instanceType: o.instanceType.name, capacityType: o.capacityType };
}

function inRegions(account: SimAccount, region: string): boolean {
  return !account.regions || account.regions.length === 0 || account.regions.includes(region);
}
