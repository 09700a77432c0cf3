/**
 * Shared informers over an API server: one list+watch per kind and namespace scope,
 * whatever the number of handlers, each keeping an indexed store that reads are served
 * from once its first list is in. Like client-go's reflector, an informer lists (page by
 * page), watches from the list's resourceVersion, resumes from the last version it saw
 * when a stream drops, and re-lists on 410 Gone, telling its handlers the difference.
 *
 * Writes stay with the API server; their answers are fed back (`observe`) so a writer
 * reads what it wrote before the watch brings it. Both paths keep the newest version of
 * an object, comparing resourceVersions as the etcd revisions they are, so a late watch
 * event never rolls a written object back.
 */
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { freezeShared } from './frozen.js';
import { IndexStore, objectKey, storeKey, type IndexStoreOptions } from './index-store.js';
import {
  apiVersionOf,
  type KubeObject,
  type ListOptions,
  type ResourceKind,
  type WatchEvent,
  type WatchEventType,
  type WatchHandle,
} from './types.js';
import { WatchSubscriber } from './watch-subscriber.js';

/** What an informer needs from the API: a whole (paginated) list, and one watch stream. */
export interface ReflectorSource {
  list(kind: ResourceKind, opts: ListOptions, signal: AbortSignal): Promise<{ items: KubeObject[]; resourceVersion?: string }>;
  /** Streams events after `resourceVersion` until the stream ends, or answers 'gone' when that version is too old. */
  watch(
    kind: ResourceKind,
    opts: ListOptions,
    resourceVersion: string | undefined,
    signal: AbortSignal,
    onEvent: (type: WatchEventType | 'BOOKMARK', obj: KubeObject) => void,
  ): Promise<'ended' | 'gone'>;
}

export interface InformerCacheOptions {
  source: ReflectorSource;
  clock: Clock;
  logger: Logger;
  /** Kinds whose watches share informers and whose reads come from them; others watch on their own and read from the API. */
  cachedKinds: readonly ResourceKind[];
  /** Reconnect delays after a failed watch or list: doubled from `initialMs` up to `maxMs`. */
  backoff: { initialMs: number; maxMs: number };
}

/** Field selectors the API server does not serve; informers filter them themselves. */
export const CLIENT_SIDE_FIELDS: ReadonlySet<string> = new Set(['spec.providerID', 'status.instanceId']);

/** The part of `opts` an API server can select on. */
export function serverSelectable(opts: ListOptions): ListOptions {
  const fields = Object.entries(opts.fieldSelector ?? {}).filter(([path]) => !CLIENT_SIDE_FIELDS.has(path));
  const { fieldSelector: _f, ...rest } = opts;
  return fields.length > 0 ? { ...rest, fieldSelector: Object.fromEntries(fields) } : rest;
}

function kindKey(kind: ResourceKind): string {
  return `${apiVersionOf(kind)}/${kind.kind}`;
}

/** The indexes a cached kind is read through, beyond the label and namespace ones every store keeps. */
function storeOptions(kind: ResourceKind): IndexStoreOptions {
  if (kind.kind === 'Node' && kind.group === '') return { namespaced: kind.namespaced, fields: ['spec.providerID'] };
  if (kind.kind === 'GpuMachine') return { namespaced: kind.namespaced, fields: ['status.instanceId'] };
  return { namespaced: kind.namespaced, fields: [] };
}

/**
 * Whether version `a` is newer than `b`. Kubernetes resourceVersions are etcd revisions
 * (decimal integers); anything else cannot be ordered, so the newcomer wins.
 */
export function isNewer(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class Informer {
  readonly store: IndexStore;
  private readonly subscribers = new Set<WatchSubscriber>();
  /** Objects this client deleted, by key, with the version they were deleted at: older events for them are stale. */
  private readonly tombstones = new Map<string, string>();
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private hasSynced = false;

  constructor(
    private readonly kind: ResourceKind,
    /** What the list and watch ask the server for. */
    private readonly scope: ListOptions,
    private readonly deps: InformerCacheOptions,
    private readonly onSyncChange: () => void,
  ) {
    this.store = new IndexStore(storeOptions(kind));
    this.log = deps.logger.child({ watch: kind.plural, ...(scope.namespace ? { namespace: scope.namespace } : {}) });
  }

  get synced(): boolean {
    return this.hasSynced;
  }

  get handlers(): number {
    return this.subscribers.size;
  }

  start(): void {
    void this.run(this.abort.signal);
  }

  stop(): void {
    this.abort.abort();
    for (const s of this.subscribers) s.stop();
    this.subscribers.clear();
  }

  /** Adds a handler: an ADDED for every object cached now that it selects, then every change. */
  subscribe(opts: ListOptions, onEvent: (e: WatchEvent) => void): WatchSubscriber {
    const sub = new WatchSubscriber({
      opts,
      onEvent,
      onError: (err) => this.log.error('watch handler failed', { error: errorText(err) }),
    });
    for (const obj of this.store.select(opts)) sub.push('ADDED', obj);
    this.subscribers.add(sub);
    return sub;
  }

  unsubscribe(sub: WatchSubscriber): void {
    sub.stop();
    this.subscribers.delete(sub);
  }

  /** Takes an object the API server answered with (a write's result or a watch event). */
  observe(obj: KubeObject): void {
    const key = objectKey(obj);
    const current = this.store.get(key);
    const version = obj.metadata.resourceVersion;
    if (current && !isNewer(version, current.metadata.resourceVersion)) return;
    if (this.tombstones.has(key)) {
      if (!isNewer(version, this.tombstones.get(key))) return;
      this.tombstones.delete(key);
    }
    // Shared with every reader and handler from here on (see frozen.ts).
    freezeShared(obj);
    this.store.set(obj);
    this.offer(current ? 'MODIFIED' : 'ADDED', obj, current);
  }

  /** The object is gone: a watch's DELETED (`obj` at the deletion's version) or this client's delete. */
  forget(key: string, obj: KubeObject | undefined, byThisClient: boolean): void {
    const current = this.store.get(key);
    const version = obj?.metadata.resourceVersion ?? current?.metadata.resourceVersion;
    if (byThisClient && version !== undefined) this.tombstones.set(key, version);
    else this.tombstones.delete(key);
    if (!current) return;
    // A copy newer than the deletion was created again since.
    if (obj && isNewer(current.metadata.resourceVersion, version)) return;
    this.store.delete(key);
    this.offer('DELETED', freezeShared(obj ?? current), current);
  }

  private offer(type: WatchEventType, obj: KubeObject, previous: KubeObject | undefined): void {
    for (const s of this.subscribers) s.offer(type, obj, previous);
  }

  /** A fresh list replaces the store; handlers hear what changed since they last heard. */
  private replace(items: KubeObject[], listVersion: string | undefined): void {
    const listed = new Set<string>();
    for (const obj of items) {
      listed.add(objectKey(obj));
      this.observe(obj);
    }
    for (const key of [...this.store.keys()]) {
      if (listed.has(key)) continue;
      const current = this.store.get(key)!;
      // Written by this client after the list was taken: the list cannot know it yet.
      if (listVersion !== undefined && isNewer(current.metadata.resourceVersion, listVersion)) continue;
      this.store.delete(key);
      this.offer('DELETED', current, current);
    }
    for (const [key, version] of this.tombstones) {
      if (listVersion === undefined || !isNewer(version, listVersion)) this.tombstones.delete(key);
    }
    if (!this.hasSynced) {
      this.hasSynced = true;
      this.onSyncChange();
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { source, backoff, clock } = this.deps;
    let version: string | undefined;
    let delay = backoff.initialMs;
    while (!signal.aborted) {
      try {
        if (version === undefined) {
          const listed = await source.list(this.kind, this.scope, signal);
          if (signal.aborted) break;
          this.replace(listed.items, listed.resourceVersion);
          version = listed.resourceVersion;
          delay = backoff.initialMs;
        }
        let events = 0;
        const outcome = await source.watch(this.kind, this.scope, version, signal, (type, obj) => {
          if (signal.aborted) return;
          if (obj.metadata?.resourceVersion) version = obj.metadata.resourceVersion;
          events++;
          if (type === 'BOOKMARK') return;
          if (type === 'DELETED') this.forget(objectKey(obj), obj, false);
          else this.observe(obj);
        });
        if (outcome === 'gone') {
          this.log.info('watch version expired; re-listing', { resourceVersion: version });
          version = undefined;
          continue;
        }
        if (events > 0) {
          delay = backoff.initialMs;
          continue;
        }
      } catch (err) {
        if (signal.aborted) break;
        this.log.warn('watch interrupted; reconnecting', { error: errorText(err), retryInMs: delay });
      }
      if (signal.aborted) break;
      try {
        await clock.sleep(delay, signal);
      } catch {
        break;
      }
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
}

export class InformerCache {
  /** `kind key|namespace` ('' for all namespaces) -> the shared informer of that scope. */
  private readonly shared = new Map<string, Informer>();
  private readonly cachedKinds: Set<string>;
  private readonly syncWaiters = new Set<() => void>();

  constructor(private readonly opts: InformerCacheOptions) {
    this.cachedKinds = new Set(opts.cachedKinds.map(kindKey));
  }

  isCached(kind: ResourceKind): boolean {
    return this.cachedKinds.has(kindKey(kind));
  }

  /**
   * A handler on the shared informer of `kind` in `opts.namespace` (or all namespaces),
   * started by the first handler and stopped with the last; the selectors filter what
   * this handler hears. An uncached kind gets a list+watch of its own, selected by the server.
   */
  watch(kind: ResourceKind, opts: ListOptions, onEvent: (e: WatchEvent) => void): WatchHandle {
    if (!this.isCached(kind)) {
      const informer = new Informer(kind, serverSelectable(opts), this.opts, () => {});
      informer.subscribe(opts, onEvent);
      informer.start();
      return { stop: () => informer.stop() };
    }
    const all = `${kindKey(kind)}|`;
    const namespace = kind.namespaced && !this.shared.has(all) ? (opts.namespace ?? '') : '';
    const key = `${all}${namespace}`;
    let informer = this.shared.get(key);
    if (!informer) {
      informer = new Informer(kind, namespace ? { namespace } : {}, this.opts, () => this.syncChanged());
      this.shared.set(key, informer);
      informer.start();
    }
    const sub = informer.subscribe(opts, onEvent);
    const owner = informer;
    let stopped = false;
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        owner.unsubscribe(sub);
        if (owner.handlers > 0) return;
        owner.stop();
        this.shared.delete(key);
        this.syncChanged();
      },
    };
  }

  /** The synced store that holds every object of `kind` in `namespace` (all namespaces when undefined). */
  reader(kind: ResourceKind, namespace: string | undefined): IndexStore | undefined {
    if (!this.isCached(kind)) return undefined;
    const all = this.shared.get(`${kindKey(kind)}|`);
    if (all?.synced) return all.store;
    if (!kind.namespaced || namespace === undefined) return undefined;
    const scoped = this.shared.get(`${kindKey(kind)}|${namespace}`);
    return scoped?.synced ? scoped.store : undefined;
  }

  /** A write's answer: every informer holding that object takes it. */
  observe(kind: ResourceKind, obj: KubeObject): void {
    for (const informer of this.holding(kind, obj.metadata.namespace)) informer.observe(obj);
  }

  /** This client deleted the object; `obj` is the server's last copy of it when it sent one. */
  observeDeleted(kind: ResourceKind, name: string, namespace: string | undefined, obj: KubeObject | undefined): void {
    const key = storeKey(kind.namespaced ? namespace : undefined, name);
    for (const informer of this.holding(kind, namespace)) informer.forget(key, obj, true);
  }

  synced(kind: ResourceKind): boolean {
    if (!this.isCached(kind)) return true;
    const prefix = `${kindKey(kind)}|`;
    let any = false;
    for (const [key, informer] of this.shared) {
      if (!key.startsWith(prefix)) continue;
      if (!informer.synced) return false;
      any = true;
    }
    return any;
  }

  waitForSync(kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (signal?.aborted) {
          done();
          reject(signal.reason);
        } else if (kinds.every((k) => this.synced(k))) {
          done();
          resolve();
        }
      };
      const done = () => {
        this.syncWaiters.delete(check);
        signal?.removeEventListener('abort', check);
      };
      this.syncWaiters.add(check);
      signal?.addEventListener('abort', check);
      check();
    });
  }

  /** Stops every shared informer (their handlers hear nothing more). */
  stop(): void {
    for (const informer of this.shared.values()) informer.stop();
    this.shared.clear();
    this.syncChanged();
  }

  private holding(kind: ResourceKind, namespace: string | undefined): Informer[] {
    if (!this.isCached(kind)) return [];
    const out: Informer[] = [];
    const all = this.shared.get(`${kindKey(kind)}|`);
    if (all) out.push(all);
    if (kind.namespaced && namespace) {
      const scoped = this.shared.get(`${kindKey(kind)}|${namespace}`);
      if (scoped) out.push(scoped);
    }
    return out;
  }

  private syncChanged(): void {
    for (const check of [...this.syncWaiters]) check();
  }
}
