/**
 * The world a chaos scenario runs in: the in-memory cluster, the sim cloud and the real
 * Operator on one FakeClock. The operator reaches the cluster and the cloud only through
 * ports this file wraps, which is how a process is killed: each Operator is one
 * incarnation; killing it marks the incarnation dead, and from that instant every call
 * it makes fails and every watch event it would get is dropped, while calls already on
 * the wire still land (their answers are lost). A restart is a new Operator built on
 * the same cluster, cloud and clock, as a new pod would be.
 */
import { applyDefaults, formatInvalid, validateObject } from '../../src/api/validate.js';
import { KubeError } from '../../src/kube/errors.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import {
  Kinds,
  type ClusterPort,
  type EventRecord,
  type EvictionResult,
  type KubeObject,
  type ListOptions,
  type PatchOptions,
  type ResourceKind,
  type WatchEvent,
  type WatchHandle,
} from '../../src/kube/types.js';
import type { LifecycleOptions } from '../../src/controller/context.js';
import { Operator } from '../../src/operator.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { createSimProvider } from '../../src/providers/sim/sim-provider.js';
import { markStaleNodesUnknown } from '../../src/providers/sim/node-lifecycle.js';
import type { CloudProvider, Instance, InterruptionNotice, LaunchRequest, Offer } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import type { Random } from './prng.js';

export const CLUSTER_NAME = 'chaos';
/** How long a counted API failure (the next N calls, conflicts) is taken to last. */
const API_TROUBLE_MS = 60_000;
export const NAMESPACE = 'ml';

/** The operator's settings in every scenario: the production defaults. */
export const LIFECYCLE: Partial<LifecycleOptions> = { clusterName: CLUSTER_NAME };

/** The sim GpuProvider: a join timeout short enough for machines that never join to be replaced within a scenario. */
const SIM_PROVIDER_SPEC = { type: 'sim', joinTimeout: '2m' };

/** What the operator is doing when it can be killed: a port call, before or after it is made. */
export type CallName =
  | `${'create' | 'replace' | 'patch' | 'delete'} ${string}`
  | `${'get' | 'list'} ${string}`
  | `provider ${'create' | 'delete' | 'get' | 'list' | 'listOffers' | 'pollInterruptions' | 'checkCredentials'}`;

/** Writes to the cluster and the cloud: what a crash can leave half done. */
export const isSideEffect = (call: CallName) => /^(create|replace|patch|delete) /.test(call) || call === 'provider create' || call === 'provider delete';

export interface CrashPoint {
  /** A call, or any side effect (counted with `skip`: the operator dies at its Nth write from now). */
  call: CallName | 'any side effect';
  when: 'before' | 'after';
  /** Matching calls let through before the one that kills. */
  skip: number;
  /** How long the operator stays down. */
  downMs: number;
}

/** A call-shaped hook: the harness acting as a user at a precise moment (delete mid-launch). */
export type CallHook = (call: CallName, when: 'before' | 'after', detail: { name?: string; instance?: Instance }) => boolean;

/** Thrown at an operator whose process is gone. */
export class ProcessKilled extends Error {
  constructor(what: string) {
    super(`operator process killed (${what})`);
    this.name = 'ProcessKilled';
  }
}

interface ChaosWatch {
  kind: ResourceKind;
  opts: ListOptions;
  onEvent: (e: WatchEvent) => void;
  /** What this watcher last saw of each object, to tell deletions on a re-list. */
  seen: Map<string, KubeObject>;
  dropping: boolean;
  handle: WatchHandle;
}

class Incarnation {
  dead = false;
  readonly watches = new Set<ChaosWatch>();
  constructor(readonly n: number) {}

  check(what: string): void {
    if (this.dead) throw new ProcessKilled(what);
  }
}

function objKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The cluster port as one incarnation of the operator sees it. */
class ChaosCluster implements ClusterPort {
  constructor(
    private readonly world: World,
    private readonly life: Incarnation,
  ) {}

  private get raw(): MemoryCluster {
    return this.world.cluster;
  }

  synced(kind: ResourceKind): boolean {
    return this.raw.synced(kind);
  }

  waitForSync(kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void> {
    return this.raw.waitForSync(kinds, signal);
  }

  get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined> {
    return this.world.around(this.life, `get ${kind.kind}`, { name }, () => this.raw.get<T>(kind, name, namespace));
  }

  list<T extends KubeObject>(kind: ResourceKind, opts?: ListOptions): Promise<T[]> {
    return this.world.around(this.life, `list ${kind.kind}`, {}, () => this.raw.list<T>(kind, opts));
  }

  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    return this.world.around(this.life, `create ${kind.kind}`, { name: obj.metadata.name }, () => this.raw.create(kind, obj));
  }

  replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    return this.world.around(this.life, `replace ${kind.kind}`, { name: obj.metadata.name }, () => this.raw.replace(kind, obj));
  }

  patch<T extends KubeObject>(
    kind: ResourceKind,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
    opts?: PatchOptions,
  ): Promise<T> {
    const call = `patch ${kind.kind}${opts?.subresource === 'status' ? '/status' : ''}` as const;
    return this.world.around(this.life, call, { name }, () => this.raw.patch<T>(kind, name, namespace, patch, opts));
  }

  delete(kind: ResourceKind, name: string, namespace?: string): Promise<void> {
    return this.world.around(this.life, `delete ${kind.kind}`, { name }, () => this.raw.delete(kind, name, namespace));
  }

  evict(podName: string, namespace: string): Promise<EvictionResult> {
    return this.world.around(this.life, 'create Eviction', { name: podName }, () => this.raw.evict(podName, namespace));
  }

  async recordEvent(e: EventRecord): Promise<void> {
    // The port never fails the caller; a dead process simply records nothing.
    if (!this.life.dead) await this.raw.recordEvent(e);
  }

  watch<T extends KubeObject>(kind: ResourceKind, opts: ListOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    const life = this.life;
    const w: ChaosWatch = {
      kind,
      opts,
      onEvent: onEvent as (e: WatchEvent) => void,
      seen: new Map(),
      dropping: this.world.watchesDropped,
      handle: { stop: () => undefined },
    };
    w.handle = this.raw.watch(kind, opts, (e) => {
      if (life.dead || w.dropping) return;
      deliver(w, e);
    });
    life.watches.add(w);
    return {
      stop: () => {
        w.handle.stop();
        life.watches.delete(w);
      },
    };
  }
}

function deliver(w: ChaosWatch, e: WatchEvent): void {
  if (e.type === 'DELETED') w.seen.delete(objKey(e.object));
  else w.seen.set(objKey(e.object), e.object);
  w.onEvent(e);
}

/** The sim provider as one incarnation of the operator sees it. */
class ChaosProvider implements CloudProvider {
  readonly pollInterruptions: (signal?: AbortSignal) => Promise<InterruptionNotice[]>;

  constructor(
    private readonly inner: CloudProvider,
    private readonly world: World,
    private readonly life: Incarnation,
  ) {
    this.pollInterruptions = async (signal) => {
      const notices = await this.world.around(this.life, 'provider pollInterruptions', {}, () => this.inner.pollInterruptions!(signal));
      for (const n of notices) this.world.onNotice?.(n);
      return notices;
    };
  }

  get name() {
    return this.inner.name;
  }
  get type() {
    return this.inner.type;
  }
  get capabilities() {
    return this.inner.capabilities;
  }

  listOffers(signal?: AbortSignal): Promise<Offer[]> {
    return this.world.around(this.life, 'provider listOffers', {}, () => this.inner.listOffers(signal));
  }
  create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    return this.world.around(this.life, 'provider create', { name: req.name }, () =>
      this.slowly(signal, (s) => {
        if (this.world.idempotentCloud) return this.inner.create(req, s);
        // What the name-keyed adapters do: look the name up, and launch with nothing the cloud could deduplicate by.
        return this.inner.list(s).then((all) => {
          const existing = all.find((i) => i.name === req.name);
          return existing ?? this.inner.create({ ...req, idempotencyKey: `${req.idempotencyKey}/${++this.world.launchCalls}` }, s);
        });
      }, true),
    );
  }

  /** A call made now whose answer may come late (SlowCalls); a late-landing call no longer hears its abort. */
  private async slowly<T>(signal: AbortSignal | undefined, call: (signal?: AbortSignal) => Promise<T>, create = false): Promise<T> {
    const slow = this.world.takeSlow(create);
    if (!slow) return call(signal);
    if (slow.lands === 'late') {
      await this.world.clock.sleep(slow.delayMs);
      return call(undefined);
    }
    const out = await call(signal);
    await this.world.clock.sleep(slow.delayMs);
    return out;
  }

  get(id: string, signal?: AbortSignal): Promise<Instance> {
    return this.world.around(this.life, 'provider get', {}, () => this.slowly(signal, (s) => this.inner.get(id, s)));
  }
  list(signal?: AbortSignal): Promise<Instance[]> {
    return this.world.around(this.life, 'provider list', {}, () => this.slowly(signal, (s) => this.inner.list(s)));
  }
  delete(id: string, signal?: AbortSignal): Promise<void> {
    return this.world.around(this.life, 'provider delete', {}, () => this.slowly(signal, (s) => this.inner.delete(id, s)));
  }
  checkCredentials(signal?: AbortSignal): Promise<void> {
    return this.world.around(this.life, 'provider checkCredentials', {}, () => this.inner.checkCredentials(signal));
  }
}

export interface WorldOptions {
  rng: { names: Random; uids: Random };
  /** See Plan.idempotentCloud. */
  idempotentCloud: boolean;
  bootMs: number;
  terminateMs: number;
  log: (line: string) => void;
}

/**
 * The next `left` provider calls answer `delayMs` late, longer than the client waits:
 * `at-once` calls take effect when made (only the answer is slow), `late` creates take
 * effect when the answer would have come, after the client has given up and retried.
 */
interface SlowCalls {
  left: number;
  delayMs: number;
  lands: 'at-once' | 'late';
  /** Which calls are slow: any provider call, or only creates. */
  calls: 'any' | 'create';
}

/** A failure of the API server for the operator's calls of one kind (a 500, a timeout). */
interface KubeFailure {
  verb: CallName;
  left: number;
}

/** kube-controller-manager's --node-monitor-period. */
const NODE_MONITOR_PERIOD_MS = 5_000;

export class World {
  readonly clock = new FakeClock();
  readonly cluster: MemoryCluster;
  readonly cloud: SimCloud;
  operator: Operator | undefined;
  /** Fake time the current operator started (the collectors' timers start then). */
  startedAt = 0;
  incarnations = 0;
  watchesDropped = false;
  readonly idempotentCloud: boolean;
  /** Sees every interruption notice a live operator has received from the cloud. */
  onNotice: ((notice: InterruptionNotice) => void) | undefined;
  /** Spans of fake time in which the API server was made to fail (brownouts, injected errors and conflicts). */
  readonly apiTrouble: { from: number; to: number }[] = [];
  /** When each operator was killed. */
  readonly deaths: number[] = [];
  /** Create calls that reached the cloud, for keys no cloud deduplicates by. */
  launchCalls = 0;
  /** Reconciles by controller name, every incarnation together. */
  readonly reconciles = new Map<string, number>();
  private life: Incarnation | undefined;
  private restart: (() => void) | undefined;
  private crashes: CrashPoint[] = [];
  private hooks: CallHook[] = [];
  private kubeFailures: KubeFailure[] = [];
  private brownout: { until: number; p: number; rng: Random } | undefined;
  private slow: SlowCalls | undefined;
  private readonly usedNames = new Set<string>();
  private readonly stopping: Promise<void>[] = [];

  constructor(private readonly opts: WorldOptions) {
    this.idempotentCloud = opts.idempotentCloud;
    this.cluster = new MemoryCluster({
      clock: this.clock,
      uid: () => opts.rng.uids.uuid(),
      validate: (obj) => {
        const issues = validateObject(obj);
        return issues.length ? formatInvalid(obj, issues) : undefined;
      },
    });
    this.cloud = new SimCloud({ clock: this.clock, bootMs: opts.bootMs, terminateMs: opts.terminateMs });
    this.monitorNodes();
  }

  /**
   * What kube-controller-manager's node lifecycle controller does in a real cluster: a
   * Node whose kubelet stopped renewing its Lease goes Unknown. Without it a Node of a
   * machine the cloud took away would stay Ready for ever, which no cluster does.
   */
  private monitorNodes(): void {
    this.clock.setTimer(NODE_MONITOR_PERIOD_MS, () => {
      void markStaleNodesUnknown(this.cluster, this.clock)
        .catch((e: unknown) => this.log(`node monitor failed: ${String(e)}`))
        .finally(() => this.monitorNodes());
    });
  }

  get now(): number {
    return this.clock.now();
  }

  get alive(): boolean {
    return !!this.life && !this.life.dead;
  }

  log(line: string): void {
    this.opts.log(`t=${((this.now - START) / 1000).toFixed(1)}s ${line}`);
  }

  async createProvider(): Promise<void> {
    await this.cluster.create(
      Kinds.GpuProvider,
      applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: 'sim' }, spec: SIM_PROVIDER_SPEC } as KubeObject),
    );
  }

  /** A new operator process on the same cluster, cloud and clock. */
  startOperator(): void {
    this.restart = undefined;
    const life = new Incarnation(++this.incarnations);
    this.life = life;
    const names = this.opts.rng.names;
    this.operator = new Operator({
      cluster: new ChaosCluster(this, life),
      clock: this.clock,
      logger: silentLogger(),
      namespace: 'gpu-provisioner',
      // The kubelet of a sim machine is not the operator: its Node registers on the real cluster.
      factories: { sim: (config, ctx) => new ChaosProvider(createSimProvider(config, { ...ctx, cluster: this.cluster }, this.cloud), this, life) },
      lifecycle: LIFECYCLE,
      onReconcile: (e) => this.reconciles.set(e.controller, (this.reconciles.get(e.controller) ?? 0) + 1),
      machineNames: () => {
        for (;;) {
          const s = Array.from({ length: 5 }, () => names.pick([...'bcdfghjklmnpqrstvwxz2456789'])).join('');
          if (!this.usedNames.has(s)) {
            this.usedNames.add(s);
            return s;
          }
        }
      },
    });
    this.startedAt = this.now;
    this.operator.start();
    this.log(`operator #${life.n} started`);
  }

  /**
   * Kills the operator process: nothing it does from now on reaches the cluster or the
   * cloud, and its watches go quiet. It is then stopped only to free its timers; with
   * every call failing, stopping it changes nothing in the world.
   */
  kill(why: string, downMs: number): void {
    const life = this.life;
    if (!life || life.dead) return;
    life.dead = true;
    this.deaths.push(this.now);
    for (const w of life.watches) w.handle.stop();
    life.watches.clear();
    const op = this.operator;
    this.operator = undefined;
    if (op) this.stopping.push(op.stop(1).catch(() => undefined));
    this.log(`operator #${life.n} killed ${why}; back in ${(downMs / 1000).toFixed(1)}s`);
    const cancel = this.clock.setTimer(downMs, () => this.startOperator());
    this.restart = () => {
      cancel();
      this.startOperator();
    };
  }

  /** Brings a killed operator back now, if it is down. */
  ensureRunning(): void {
    if (this.alive) return;
    if (this.restart) this.restart();
    else this.startOperator();
  }

  /** The operator dies at the matching call; several points can be armed at once. */
  armCrash(point: CrashPoint): void {
    this.crashes.push({ ...point });
  }

  disarmCrashes(): void {
    this.crashes = [];
  }

  addHook(hook: CallHook): void {
    this.hooks.push(hook);
  }

  clearHooks(): void {
    this.hooks = [];
  }

  /** The operator's next `times` calls of `verb` (e.g. "patch GpuMachine/status") fail with a 500. */
  failKube(verb: CallName, times: number): void {
    this.kubeFailures.push({ verb, left: times });
    this.noteApiTrouble(API_TROUBLE_MS);
  }

  /** Remembers that the API server fails for a while from now (for the checks that must allow for it). */
  noteApiTrouble(forMs: number): void {
    this.apiTrouble.push({ from: this.now, to: this.now + forMs });
  }

  /** Ends every injected failure of calls: API server errors, brownouts, slow answers. */
  clearCallFaults(): void {
    this.kubeFailures = [];
    this.brownout = undefined;
    this.slow = undefined;
  }

  /**
   * For `forMs`, each of the operator's API server calls fails with a 500 with chance
   * `p`: half before the server acts, half after it has (the answer is what is lost).
   */
  brownOut(forMs: number, p: number, rng: Random): void {
    this.brownout = { until: this.now + forMs, p, rng };
    this.noteApiTrouble(forMs);
  }

  private brownedOut(call: CallName): 'before' | 'after' | undefined {
    const b = this.brownout;
    if (!b || this.now >= b.until || call.startsWith('provider ') || b.rng.next() >= b.p) return undefined;
    return b.rng.chance(0.5) ? 'before' : 'after';
  }

  /** See SlowCalls. */
  slowDown(left: number, delayMs: number, lands: SlowCalls['lands'], calls: SlowCalls['calls'] = 'any'): void {
    this.slow = { left, delayMs, lands, calls };
  }

  /** The delay and kind of the next slow call, if it is one. */
  takeSlow(create: boolean): SlowCalls | undefined {
    const s = this.slow;
    if (!s || s.left <= 0 || (s.calls === 'create' && !create)) return undefined;
    s.left--;
    return s;
  }

  /** The next `times` writes with a resourceVersion lose the race (as MemoryCluster.conflictNext). */
  conflictNext(times: number): void {
    this.cluster.conflictNext(times);
    this.noteApiTrouble(API_TROUBLE_MS);
  }

  /** Every watch of the operator stops receiving events (a dropped connection). */
  dropWatches(): void {
    this.watchesDropped = true;
    for (const w of this.life?.watches ?? []) w.dropping = true;
  }

  /** The watches reconnect and re-list, as an informer does: ADDED for what exists, DELETED for what went. */
  async resumeWatches(): Promise<void> {
    this.watchesDropped = false;
    const life = this.life;
    for (const w of [...(life?.watches ?? [])]) {
      if (!w.dropping) continue;
      const objects = await this.cluster.list(w.kind, w.opts);
      w.dropping = false;
      if (life?.dead) return;
      const present = new Set(objects.map(objKey));
      for (const [key, last] of [...w.seen]) if (!present.has(key)) deliver(w, { type: 'DELETED', object: last });
      for (const o of objects) deliver(w, { type: 'ADDED', object: o });
    }
  }

  /** The one door every operator call goes through: death, injected failures, crash points, hooks. */
  async around<T>(life: Incarnation, call: CallName, detail: { name?: string }, fn: () => Promise<T>): Promise<T> {
    life.check(call);
    const failure = this.kubeFailures.find((f) => f.verb === call && f.left > 0);
    if (failure) {
      failure.left--;
      throw new KubeError(`etcdserver: request timed out (${call})`, 500);
    }
    const brownout = this.brownedOut(call);
    if (brownout === 'before') throw new KubeError(`etcdserver: request timed out (${call})`, 500);
    this.runHooks(call, 'before', detail);
    this.maybeCrash(life, call, 'before');
    const out = await fn();
    life.check(call);
    if (brownout === 'after') throw new KubeError(`etcdserver: leader changed (${call}); the write may have happened`, 500);
    this.runHooks(call, 'after', { ...detail, instance: call === 'provider create' ? (out as Instance) : undefined });
    this.maybeCrash(life, call, 'after');
    return out;
  }

  private runHooks(call: CallName, when: 'before' | 'after', detail: { name?: string; instance?: Instance }): void {
    // A hook that has done its work says so and is dropped.
    this.hooks = this.hooks.filter((h) => !h(call, when, detail));
  }

  private maybeCrash(life: Incarnation, call: CallName, when: 'before' | 'after'): void {
    const p = this.crashes.find((c) => (c.call === call || (c.call === 'any side effect' && isSideEffect(call))) && c.when === when);
    if (!p) return;
    if (p.skip > 0) {
      p.skip--;
      return;
    }
    this.crashes = this.crashes.filter((c) => c !== p);
    this.kill(`${when} ${call}`, p.downMs);
    throw new ProcessKilled(`${when} ${call}`);
  }

  /** Stops the operator at the end and lets the stops of killed ones finish. */
  async shutdown(): Promise<void> {
    const op = this.operator;
    this.operator = undefined;
    if (this.life) this.life.dead = true;
    const done = Promise.all([...this.stopping, op?.stop(1000)]);
    let finished = false;
    void done.finally(() => (finished = true));
    for (let i = 0; i < 200 && !finished; i++) await this.clock.advance(100);
  }
}

export const START = new FakeClock().now();
