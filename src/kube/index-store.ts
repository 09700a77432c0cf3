/**
 * A store of objects of one kind, keyed `namespace/name`, with the indexes both the
 * in-memory cluster and the informer cache answer selectors from: one per label key,
 * one per namespace, one per indexed field path, and named indexes for anything else.
 * A selected list costs the size of the smallest matching index bucket, never a scan
 * over every object; results come in key order, as the API server sorts them.
 */
import type { KubeObject, ListOptions } from './types.js';

/** Maps an object to the one value it is filed under in a named index (undefined: not filed). */
export type Indexer<T extends KubeObject = KubeObject> = (obj: T) => string | undefined;

export interface IndexStoreOptions<T extends KubeObject = KubeObject> {
  /** False for cluster-scoped kinds: a namespace in a selector is then ignored, as the API server does. */
  namespaced?: boolean;
  /** Field paths (`spec.providerID`) that field selectors on them are served from. */
  fields?: readonly string[];
  /** Named indexes, read with `byIndex`. */
  indexers?: Record<string, Indexer<T>>;
}

/** The store key of an object: `namespace/name`, `/name` for a cluster-scoped one. */
export function storeKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function objectKey(o: KubeObject): string {
  return storeKey(o.metadata.namespace, o.metadata.name);
}

export function fieldValue(obj: KubeObject, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function fieldString(obj: KubeObject, path: string): string {
  return String(fieldValue(obj, path) ?? '');
}

/** Whether `obj` passes the namespace, label and field parts of `opts`, as the API server decides it. */
export function matchesListOptions(obj: KubeObject, opts: ListOptions): boolean {
  if (opts.namespace !== undefined && obj.metadata.namespace !== undefined && obj.metadata.namespace !== opts.namespace) {
    return false;
  }
  const labels = obj.metadata.labels ?? {};
  for (const [k, v] of Object.entries(opts.labelSelector ?? {})) if (labels[k] !== v) return false;
  for (const [path, want] of Object.entries(opts.fieldSelector ?? {})) if (fieldString(obj, path) !== want) return false;
  return true;
}

/** value -> keys, for one index. */
class Buckets {
  private readonly map = new Map<string, Set<string>>();

  add(value: string, key: string): void {
    let set = this.map.get(value);
    if (!set) {
      set = new Set();
      this.map.set(value, set);
    }
    set.add(key);
  }

  remove(value: string, key: string): void {
    const set = this.map.get(value);
    if (!set) return;
    set.delete(key);
    if (set.size === 0) this.map.delete(value);
  }

  get(value: string): ReadonlySet<string> {
    return this.map.get(value) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

export class IndexStore<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly byNamespace = new Buckets();
  private readonly byLabel = new Map<string, Buckets>();
  private readonly byField = new Map<string, Buckets>();
  private readonly named = new Map<string, { indexer: Indexer<T>; buckets: Buckets }>();
  private readonly namespaced: boolean;

  constructor(opts: IndexStoreOptions<T> = {}) {
    this.namespaced = opts.namespaced ?? true;
    for (const path of opts.fields ?? []) this.byField.set(path, new Buckets());
    for (const [name, indexer] of Object.entries(opts.indexers ?? {})) this.named.set(name, { indexer, buckets: new Buckets() });
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  has(key: string): boolean {
    return this.objects.has(key);
  }

  keys(): IterableIterator<string> {
    return this.objects.keys();
  }

  values(): IterableIterator<T> {
    return this.objects.values();
  }

  /** Stores `obj` under its key, moving it between index buckets; returns what it replaced. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const previous = this.objects.get(key);
    if (previous) this.unfile(key, previous);
    this.objects.set(key, obj);
    this.file(key, obj);
    return previous;
  }

  delete(key: string): T | undefined {
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    this.unfile(key, previous);
    this.objects.delete(key);
    return previous;
  }

  clear(): void {
    for (const key of [...this.objects.keys()]) this.delete(key);
  }

  /** The objects filed under `value` in the named index, in key order. */
  byIndex(name: string, value: string): T[] {
    const index = this.named.get(name);
    if (!index) throw new Error(`no index named ${name}`);
    return this.sorted(index.buckets.get(value));
  }

  /**
   * The objects `opts` selects, in key order. Candidates come from the smallest index
   * bucket any part of the selector names; the rest of the selector filters those.
   */
  select(opts: ListOptions = {}): T[] {
    let candidates: ReadonlySet<string> | undefined;
    const narrow = (set: ReadonlySet<string>) => {
      if (candidates === undefined || set.size < candidates.size) candidates = set;
    };
    if (!this.namespaced && opts.namespace !== undefined) opts = { ...opts, namespace: undefined };
    if (opts.namespace !== undefined) narrow(this.byNamespace.get(opts.namespace));
    for (const [k, v] of Object.entries(opts.labelSelector ?? {})) narrow(this.byLabel.get(k)?.get(v) ?? EMPTY);
    for (const [path, want] of Object.entries(opts.fieldSelector ?? {})) {
      const index = this.byField.get(path);
      if (index) narrow(index.get(want));
    }
    if (candidates === undefined) return this.sorted(this.objects.keys(), opts);
    return this.sorted(candidates, opts);
  }

  private sorted(keys: Iterable<string>, opts?: ListOptions): T[] {
    const out: [string, T][] = [];
    for (const key of keys) {
      const obj = this.objects.get(key);
      if (obj && (!opts || matchesListOptions(obj, opts))) out.push([key, obj]);
    }
    out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return out.map(([, o]) => o);
  }

  private file(key: string, obj: T): void {
    this.byNamespace.add(obj.metadata.namespace ?? '', key);
    for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
      let index = this.byLabel.get(k);
      if (!index) {
        index = new Buckets();
        this.byLabel.set(k, index);
      }
      index.add(v, key);
    }
    for (const [path, index] of this.byField) index.add(fieldString(obj, path), key);
    for (const { indexer, buckets } of this.named.values()) {
      const value = indexer(obj);
      if (value !== undefined) buckets.add(value, key);
    }
  }

  private unfile(key: string, obj: T): void {
    this.byNamespace.remove(obj.metadata.namespace ?? '', key);
    for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) this.byLabel.get(k)?.remove(v, key);
    for (const [path, index] of this.byField) index.remove(fieldString(obj, path), key);
    for (const { indexer, buckets } of this.named.values()) {
      const value = indexer(obj);
      if (value !== undefined) buckets.remove(value, key);
    }
  }
}
