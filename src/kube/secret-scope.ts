/**
 * The operator reads Secrets only in the namespaces it is given (its own, plus those
 * the chart's `secretNamespaces` names), as controller-runtime's per-object cache
 * namespaces do: a cluster-wide Secret list or watch becomes one per namespace, and a
 * Secret elsewhere is refused with a message saying how to allow it, instead of the
 * API server's bare 403. Every other kind passes through.
 */
import { KubeError } from './errors.js';
import type {
  ClusterPort,
  EventRecord,
  EvictionResult,
  KubeObject,
  ListOptions,
  PatchOptions,
  ResourceKind,
  WatchEvent,
  WatchHandle,
} from './types.js';

/** A Secret outside the namespaces the operator may read them in. */
export class SecretOutOfScopeError extends KubeError {
  constructor(namespace: string | undefined, name: string | undefined, allowed: readonly string[]) {
    super(
      `Secret ${namespace ?? '(all namespaces)'}${name ? `/${name}` : ''} is outside the namespaces the operator reads Secrets in ` +
        `(${allowed.join(', ')}); move it there or add its namespace to the Helm value secretNamespaces (SECRET_NAMESPACES)`,
      403,
    );
  }
}

const isSecret = (kind: ResourceKind) => kind.group === '' && kind.plural === 'secrets';

export class SecretScopedCluster implements ClusterPort {
  constructor(
    private readonly inner: ClusterPort,
    readonly namespaces: readonly string[],
  ) {
    if (namespaces.length === 0) throw new Error('SecretScopedCluster needs at least one namespace');
  }

  private check(kind: ResourceKind, namespace: string | undefined, name?: string): void {
    if (isSecret(kind) && (namespace === undefined || !this.namespaces.includes(namespace))) {
      throw new SecretOutOfScopeError(namespace, name, this.namespaces);
    }
  }

  async get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined> {
    this.check(kind, namespace, name);
    return this.inner.get<T>(kind, name, namespace);
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<T[]> {
    if (!isSecret(kind) || opts.namespace !== undefined) {
      this.check(kind, opts.namespace);
      return this.inner.list<T>(kind, opts);
    }
    const lists = await Promise.all(this.namespaces.map((namespace) => this.inner.list<T>(kind, { ...opts, namespace })));
    return lists.flat();
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.check(kind, obj.metadata.namespace, obj.metadata.name);
    return this.inner.create(kind, obj);
  }

  async replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.check(kind, obj.metadata.namespace, obj.metadata.name);
    return this.inner.replace(kind, obj);
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
    opts?: PatchOptions,
  ): Promise<T> {
    this.check(kind, namespace, name);
    return this.inner.patch<T>(kind, name, namespace, patch, opts);
  }

  async delete(kind: ResourceKind, name: string, namespace?: string): Promise<void> {
    this.check(kind, namespace, name);
    return this.inner.delete(kind, name, namespace);
  }

  watch<T extends KubeObject>(kind: ResourceKind, opts: ListOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    if (!isSecret(kind) || opts.namespace !== undefined) {
      this.check(kind, opts.namespace);
      return this.inner.watch(kind, opts, onEvent);
    }
    const handles = this.namespaces.map((namespace) => this.inner.watch(kind, { ...opts, namespace }, onEvent));
    return { stop: () => handles.forEach((h) => h.stop()) };
  }

  synced(kind: ResourceKind): boolean {
    return this.inner.synced(kind);
  }

  waitForSync(kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void> {
    return this.inner.waitForSync(kinds, signal);
  }

  evict(podName: string, namespace: string): Promise<EvictionResult> {
    return this.inner.evict(podName, namespace);
  }

  recordEvent(e: EventRecord): Promise<void> {
    return this.inner.recordEvent(e);
  }
}

/** SECRET_NAMESPACES: comma-separated; the operator's own namespace always comes first. */
export function secretNamespaces(own: string, configured: string | undefined): string[] {
  const extra = (configured ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...new Set([own, ...extra])];
}
