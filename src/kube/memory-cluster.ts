/**
 * An in-memory cluster with the API server's semantics where the operator depends on
 * them: resourceVersion and generation, the status subresource, merge patch with
 * optimistic locking, finalizers, watches, selectors, and PDB-aware eviction. It backs
 * the demo and every controller test, so it also carries failure switches.
 *
 * Stored objects are frozen and handed to readers and watchers as they are (see
 * frozen.ts); a write copies what the caller passed once and shares every unchanged
 * subtree with the version before, so reads cost nothing and writes cost their change.
 */
import { randomUUID } from 'node:crypto';
import { RealClock, type Clock } from '../util/clock.js';
import { evictionAllowed } from './disruption.js';
import { deepFreeze, frozenCopy } from './frozen.js';
import { AlreadyExistsError, ConflictError, InvalidObjectError, KubeNotFoundError } from './errors.js';
import { IndexStore, type IndexStoreOptions } from './index-store.js';
import { applyMergePatch, jsonEqual } from './merge-patch.js';
import {
  apiVersionOf,
  Kinds,
  type ClusterPort,
  type EventRecord,
  type EvictionResult,
  type KubeObject,
  type ListOptions,
  type ObjectRef,
  type PatchOptions,
  type Pod,
  type PodDisruptionBudget,
  type ResourceKind,
  type WatchEvent,
  type WatchEventType,
  type WatchHandle,
} from './types.js';
import { WatchSubscriber } from './watch-subscriber.js';

export type FailableOp = 'create' | 'patch' | 'replace' | 'delete' | 'get' | 'list' | 'evict';

export interface MemoryClusterOptions {
  clock?: Clock;
  /** Returns a message to refuse an object, as the API server does when the CRD schema fails. */
  validate?: (obj: KubeObject) => string | undefined;
  /** Source of object uids (and Event name suffixes); random unless a run must replay exactly. */
  uid?: () => string;
}

export interface EventFilter {
  type?: 'Normal' | 'Warning';
  reason?: string;
  involvedKind?: string;
  involvedName?: string;
  namespace?: string;
}

/**
 * A uuid as one flat string. node's randomUUID concatenates it from hex pairs, and V8
 * keeps such a string as a tree of a few dozen pieces: ten times its size, on every
 * object and Event. The API server's uids arrive flat, parsed from JSON.
 */
const flatUuid = (): string => Buffer.from(randomUUID(), 'latin1').toString('latin1');

function kindKey(kind: ResourceKind): string {
  return `${apiVersionOf(kind)}/${kind.kind}`;
}

/** Repeats of one Event (same object, type, reason and message) fold into one with a count. */
const EVENT_REPEATS = 'event-repeats';

function repeatKey(namespace: string, involved: Partial<ObjectRef>, type: unknown, reason: unknown, message: unknown): string {
  return JSON.stringify([namespace, involved.kind, involved.name, involved.uid, type, reason, message]);
}

/** The indexes each kind's hot paths are served from. */
function storeOptions(kind: ResourceKind): IndexStoreOptions {
  const namespaced = kind.namespaced;
  if (kind.kind === 'Node') return { namespaced, fields: ['spec.providerID'] };
  if (kind.kind === 'Pod') return { namespaced, fields: ['spec.nodeName'] };
  if (kind.kind === 'GpuMachine') return { namespaced, fields: ['status.instanceId'] };
  if (kind.kind === 'Event') {
    return {
      namespaced,
      indexers: {
        [EVENT_REPEATS]: (o) => {
          const ev = o as unknown as Record<string, unknown>;
          const involved = (ev.involvedObject ?? {}) as Partial<ObjectRef>;
          return repeatKey(o.metadata.namespace ?? '', involved, ev.type, ev.reason, ev.message);
        },
      },
    };
  }
  return { namespaced };
}

/** Everything but metadata and status: what metadata.generation tracks. */
function desiredState(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj as unknown as Record<string, unknown>;
  return rest;
}

export class MemoryCluster implements ClusterPort {
  private readonly clock: Clock;
  private readonly validate: ((obj: KubeObject) => string | undefined) | undefined;
  private readonly uid: () => string;
  /** kind key -> the objects of that kind, keyed "namespace/name" */
  private readonly objects = new Map<string, IndexStore>();
  /** kind key -> its watchers */
  private readonly watchers = new Map<string, Set<WatchSubscriber>>();
  private readonly eventLog: EventRecord[] = [];
  private readonly failures = new Map<FailableOp, { err: Error; times: number }[]>();
  private conflicts = 0;
  private revision = 0;

  constructor(opts: MemoryClusterOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.validate = opts.validate;
    this.uid = opts.uid ?? flatUuid;
  }

  /** The next `times` calls of `op` throw `err` instead of doing anything. */
  failNext(op: FailableOp, err: Error, times = 1): void {
    const list = this.failures.get(op) ?? [];
    list.push({ err, times });
    this.failures.set(op, list);
  }

  /** The next `times` patch/replace calls that carry a resourceVersion lose the race to another writer. */
  conflictNext(times = 1): void {
    this.conflicts += times;
  }

  /** Every event recorded so far, oldest first. */
  events(filter: EventFilter = {}): EventRecord[] {
    return this.eventLog.filter(
        (e) =>
          (filter.type === undefined || e.type === filter.type) &&
          (filter.reason === undefined || e.reason === filter.reason) &&
          (filter.involvedKind === undefined || e.involved.kind === filter.involvedKind) &&
          (filter.involvedName === undefined || e.involved.name === filter.involvedName) &&
          (filter.namespace === undefined || e.involved.namespace === filter.namespace),
    );
  }

  async get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined> {
    this.maybeFail('get');
    const obj = this.bucket(kind).get(this.key(kind, name, namespace));
    return obj as T | undefined;
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<T[]> {
    this.maybeFail('list');
    return this.select(kind, opts) as T[];
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.maybeFail('create');
    return this.createNow(kind, obj) as T;
  }

  async replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.maybeFail('replace');
    const current = this.mustGet(kind, obj.metadata.name, obj.metadata.namespace);
    const precondition = obj.metadata.resourceVersion;
    this.checkPrecondition(kind, current, precondition);
    return this.update(kind, current, frozenCopy(obj), false) as T;
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
    opts: PatchOptions = {},
  ): Promise<T> {
    this.maybeFail('patch');
    if (opts.subresource === 'status' && !kind.statusSubresource) {
      throw new KubeNotFoundError(`${kind.plural} has no status subresource`);
    }
    const current = this.mustGet(kind, name, namespace);
    const bodyVersion = (patch.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    const precondition = opts.resourceVersion ?? (typeof bodyVersion === 'string' ? bodyVersion : undefined);
    this.checkPrecondition(kind, current, precondition);
    const next = applyMergePatch(current, patch) as KubeObject;
    return this.update(kind, current, next, opts.subresource === 'status') as T;
  }

  async delete(kind: ResourceKind, name: string, namespace?: string): Promise<void> {
    this.maybeFail('delete');
    this.deleteNow(kind, name, namespace);
  }

  watch<T extends KubeObject>(kind: ResourceKind, opts: ListOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    const watcher = new WatchSubscriber({ opts, onEvent: onEvent as (e: WatchEvent) => void });
    for (const obj of this.select(kind, opts)) watcher.push('ADDED', obj);
    const k = kindKey(kind);
    let set = this.watchers.get(k);
    if (!set) {
      set = new Set();
      this.watchers.set(k, set);
    }
    set.add(watcher);
    return {
      stop: () => {
        watcher.stop();
        set.delete(watcher);
      },
    };
  }

  /** Nothing is cached here: every read sees the store. */
  synced(_kind: ResourceKind): boolean {
    return true;
  }

  async waitForSync(_kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
  }

  async evict(podName: string, namespace: string): Promise<EvictionResult> {
    this.maybeFail('evict');
    const pod = this.bucket(Kinds.Pod).get(this.key(Kinds.Pod, podName, namespace)) as Pod | undefined;
    if (!pod) return 'not-found';
    const budgets = this.select(Kinds.PodDisruptionBudget, { namespace }) as PodDisruptionBudget[];
    const pods = this.select(Kinds.Pod, { namespace }) as Pod[];
    if (!evictionAllowed(pod, budgets, pods)) return 'blocked-by-pdb';
    this.deleteNow(Kinds.Pod, podName, namespace);
    return 'evicted';
  }

  async recordEvent(e: EventRecord): Promise<void> {
    this.eventLog.push(frozenCopy(e));
    try {
      this.storeEvent(e);
    } catch {
      // The port promises events never fail the caller; the record above is kept regardless.
    }
  }

  private storeEvent(e: EventRecord): void {
    const namespace = e.involved.namespace ?? 'default';
    const now = new Date(this.clock.now()).toISOString();
    const repeat = repeatKey(namespace, e.involved, e.type, e.reason, e.message);
    const existing = this.bucket(Kinds.Event).byIndex(EVENT_REPEATS, repeat)[0];
    // Repeats are folded into one Event with a count, as the client-go recorder does.
    if (existing) {
      const count = Number((existing as unknown as { count?: number }).count ?? 1) + 1;
      this.update(Kinds.Event, existing, { ...existing, count, lastTimestamp: now } as KubeObject, false);
      return;
    }
    this.createNow(Kinds.Event, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${e.involved.name}.${this.uid().replaceAll('-', '').slice(0, 16)}`, namespace },
      involvedObject: { ...e.involved },
      type: e.type,
      reason: e.reason,
      message: e.message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      reportingComponent: 'gpu-provisioner',
      source: { component: 'gpu-provisioner' },
    } as KubeObject);
  }

  private maybeFail(op: FailableOp): void {
    const list = this.failures.get(op);
    const first = list?.[0];
    if (!list || !first) return;
    first.times -= 1;
    if (first.times <= 0) list.shift();
    throw first.err;
  }

  private bucket(kind: ResourceKind): IndexStore {
    const k = kindKey(kind);
    let b = this.objects.get(k);
    if (!b) {
      b = new IndexStore(storeOptions(kind));
      this.objects.set(k, b);
    }
    return b;
  }

  private key(kind: ResourceKind, name: string, namespace: string | undefined): string {
    return kind.namespaced ? `${namespace ?? ''}/${name}` : `/${name}`;
  }

  private describe(kind: ResourceKind, name: string, namespace: string | undefined): string {
    return kind.namespaced ? `${kind.plural} "${namespace ?? ''}/${name}"` : `${kind.plural} "${name}"`;
  }

  private mustGet(kind: ResourceKind, name: string, namespace: string | undefined): KubeObject {
    const obj = this.bucket(kind).get(this.key(kind, name, namespace));
    if (!obj) throw new KubeNotFoundError(`${this.describe(kind, name, namespace)} not found`);
    return obj;
  }

  private select(kind: ResourceKind, opts: ListOptions): KubeObject[] {
    return this.bucket(kind).select(opts);
  }

  private nextVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  private checkValid(obj: KubeObject): void {
    const message = this.validate?.(obj);
    if (message !== undefined) throw new InvalidObjectError(message);
  }

  private checkPrecondition(kind: ResourceKind, current: KubeObject, precondition: string | undefined): void {
    if (precondition === undefined) return;
    const what = this.describe(kind, current.metadata.name, current.metadata.namespace);
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      throw new ConflictError(`Operation cannot be fulfilled on ${what}: the object has been modified`);
    }
    if (precondition !== current.metadata.resourceVersion) {
      throw new ConflictError(`Operation cannot be fulfilled on ${what}: the object has been modified`);
    }
  }

  private createNow(kind: ResourceKind, input: KubeObject): KubeObject {
    const given = frozenCopy(input);
    const { name, namespace } = given.metadata ?? {};
    if (!name) throw new InvalidObjectError(`${kind.kind} is invalid: metadata.name: Required value`);
    if (kind.namespaced && !namespace) {
      throw new InvalidObjectError(`${kind.kind} "${name}" is invalid: metadata.namespace: Required value`);
    }
    const bucket = this.bucket(kind);
    const key = this.key(kind, name, namespace);
    if (bucket.has(key)) throw new AlreadyExistsError(`${this.describe(kind, name, namespace)} already exists`);
    // The given object is frozen: the stored one is built around it, sharing its parts.
    const obj: KubeObject = { ...given, apiVersion: apiVersionOf(kind), kind: kind.kind, metadata: { ...given.metadata } };
    if (!kind.namespaced) delete obj.metadata.namespace;
    // The kubelet registers a Node with its status; for every other kind the server owns it.
    if (kind.statusSubresource && kind.kind !== 'Node') {
      if (kind.kind === 'Pod') obj.status = { phase: 'Pending' };
      else delete obj.status;
    }
    delete obj.metadata.deletionTimestamp;
    obj.metadata.uid = this.uid();
    obj.metadata.creationTimestamp = new Date(this.clock.now()).toISOString();
    obj.metadata.generation = 1;
    this.checkValid(obj);
    obj.metadata.resourceVersion = this.nextVersion();
    deepFreeze(obj);
    bucket.set(obj);
    this.notify(kind, 'ADDED', obj, undefined);
    return obj;
  }

  /** Writes `next` over `current`, keeping what a client may not change. */
  private update(kind: ResourceKind, current: KubeObject, next: KubeObject, statusWrite: boolean): KubeObject {
    const cur = current.metadata;
    let merged: KubeObject;
    // `next` is the store's own (a patch result or a copy): shallow copies suffice where fields are set.
    if (statusWrite) {
      merged = { ...current, metadata: { ...cur } };
      if (next.status === undefined) delete merged.status;
      else merged.status = next.status;
    } else {
      merged = { ...next };
      merged.apiVersion = apiVersionOf(kind);
      merged.kind = kind.kind;
      if (kind.statusSubresource) {
        if (current.status === undefined) delete merged.status;
        else merged.status = current.status;
      }
      merged.metadata = {
        ...(merged.metadata ?? {}),
        name: cur.name,
        uid: cur.uid,
        creationTimestamp: cur.creationTimestamp,
        generation: cur.generation,
      };
      if (kind.namespaced) merged.metadata.namespace = cur.namespace;
      else delete merged.metadata.namespace;
      if (cur.deletionTimestamp) merged.metadata.deletionTimestamp = cur.deletionTimestamp;
      else delete merged.metadata.deletionTimestamp;
      for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
        if (merged.metadata[k] === undefined) delete merged.metadata[k];
      }
    }
    if (cur.deletionTimestamp) {
      const before = new Set(cur.finalizers ?? []);
      const added = (merged.metadata.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length > 0) {
        throw new InvalidObjectError(
          `${kind.kind} "${cur.name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        );
      }
    }
    if (!jsonEqual(desiredState(merged), desiredState(current))) {
      merged.metadata.generation = (cur.generation ?? 1) + 1;
    }
    merged.metadata.resourceVersion = cur.resourceVersion;
    if (jsonEqual(merged, current)) return current;
    this.checkValid(merged);
    merged.metadata.resourceVersion = this.nextVersion();
    deepFreeze(merged);
    const bucket = this.bucket(kind);
    const key = this.key(kind, cur.name, cur.namespace);
    if (merged.metadata.deletionTimestamp && (merged.metadata.finalizers ?? []).length === 0) {
      bucket.delete(key);
      this.notify(kind, 'DELETED', merged, current);
    } else {
      bucket.set(merged);
      this.notify(kind, 'MODIFIED', merged, current);
    }
    return merged;
  }

  private deleteNow(kind: ResourceKind, name: string, namespace: string | undefined): void {
    const bucket = this.bucket(kind);
    const key = this.key(kind, name, namespace);
    const current = bucket.get(key);
    if (!current) return;
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return;
      const next = deepFreeze({
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: new Date(this.clock.now()).toISOString(), resourceVersion: this.nextVersion() },
      });
      bucket.set(next);
      this.notify(kind, 'MODIFIED', next, current);
      return;
    }
    const gone = deepFreeze({ ...current, metadata: { ...current.metadata, resourceVersion: this.nextVersion() } });
    bucket.delete(key);
    this.notify(kind, 'DELETED', gone, current);
  }

  /**
   * Fans a committed change out to watchers. A watcher filtered by labels sees an
   * object enter as ADDED and leave as DELETED, as a label-selected watch does.
   */
  private notify(kind: ResourceKind, type: WatchEventType, obj: KubeObject, previous: KubeObject | undefined): void {
    for (const w of this.watchers.get(kindKey(kind)) ?? []) w.offer(type, obj, previous);
  }
}
