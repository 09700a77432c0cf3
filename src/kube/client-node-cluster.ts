/**
 * The cluster port over a real API server. Requests are plain HTTP(S) built from a
 * KubeConfig (its TLS options carry the CA, client certificates and
 * insecure-skip-tls-verify; its authenticators add the token), because the generic object
 * API cannot send a merge patch to a status subresource or stream a watch we can resume
 * by resourceVersion. Every call goes over one kept-alive agent; watches of the cached
 * kinds share informers (informer-cache.ts) that `get` and `list` read from once synced.
 */
import http from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { RealClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidObjectError,
  KubeError,
  KubeNotFoundError,
} from './errors.js';
import { freezeShared } from './frozen.js';
import { matchesListOptions, storeKey } from './index-store.js';
import { CLIENT_SIDE_FIELDS, InformerCache, serverSelectable } from './informer-cache.js';
import {
  apiVersionOf,
  Kinds,
  type ClusterPort,
  type EventRecord,
  type EvictionResult,
  type KubeObject,
  type ListOptions,
  type PatchOptions,
  type ResourceKind,
  type WatchEvent,
  type WatchEventType,
  type WatchHandle,
} from './types.js';

export interface ClientNodeClusterOptions {
  clock?: Clock;
  logger: Logger;
  /** Per-request socket timeout for everything but watches. */
  requestTimeoutMs?: number;
  /** How long the server keeps one watch open before we reconnect. */
  watchTimeoutSeconds?: number;
  /** Reconnect delays after a failed watch or list: doubled from `initialMs` up to `maxMs`. */
  watchBackoff?: { initialMs: number; maxMs: number };
  /** Kinds whose watches share informers and whose reads come from them (default `CACHED_KINDS`). */
  cachedKinds?: readonly ResourceKind[];
  /** Objects per page of a list (the API server's `limit`). */
  listPageSize?: number;
  /** How long an idle kept-alive connection stays open. */
  idleConnectionMs?: number;
}

/**
 * What the operator reads through the cache. Secrets are cached per namespace watched:
 * watch them in the namespaces they are read from, not cluster-wide.
 */
export const CACHED_KINDS: readonly ResourceKind[] = [
  Kinds.GpuRequest,
  Kinds.GpuMachine,
  Kinds.GpuProvider,
  Kinds.GpuBudget,
  Kinds.Node,
  Kinds.Secret,
];

const COMPONENT = 'gpu-provisioner';
const MERGE_PATCH = 'application/merge-patch+json';

interface Status {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/** Errors a kept-alive connection the server closed while idle shows on the next request. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

interface RawWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject | Status;
}

interface Response {
  status: number;
  body: unknown;
}

/** The API server refused with a Status; maps it onto the port's error classes. */
export function toKubeError(status: number, body: unknown, what: string): KubeError {
  const s = (typeof body === 'object' && body !== null ? body : {}) as Status;
  const detail = s.message ?? (typeof body === 'string' && body ? body.slice(0, 300) : `HTTP ${status}`);
  const message = `${what}: ${detail}`;
  if (status === 404) return new KubeNotFoundError(message);
  if (status === 409) return s.reason === 'AlreadyExists' ? new AlreadyExistsError(message) : new ConflictError(message);
  if (status === 422 || status === 400) return new InvalidObjectError(message);
  return new KubeError(message, status);
}

export function resourcePath(kind: ResourceKind, namespace?: string, name?: string, subresource?: string): string {
  let path = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  if (kind.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${kind.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

function selectorString(sel: Record<string, string> | undefined): string | undefined {
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The whole answer, parsed when it is JSON. Listeners rather than an async iterator: a
 * burst of writes reads thousands of small answers, and each iterator costs more than
 * the answer it reads.
 */
function readAll(res: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('close', () => {
      if (!ended) reject(new KubeError('the connection closed before the answer ended', 0));
    });
    res.on('end', () => {
      ended = true;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      if (!text) return resolve(undefined);
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        resolve(text);
      }
    });
  });
}

/**
 * How long one reading of the kubeconfig's credentials (the bearer token its
 * authenticators give, TLS options) serves the calls after it. client-node re-reads a
 * service account's token file once a minute at most; reading it again on every call of
 * a burst costs more than the call. A 401 answer drops it at once.
 */
const CREDENTIALS_REUSE_MS = 10_000;

export class ClientNodeCluster implements ClusterPort {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly requestTimeoutMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly pageSize: number;
  private readonly idleConnectionMs: number;
  private readonly cache: InformerCache;
  /** Made on the first call and used for every one after. */
  private agent: http.Agent | undefined;
  /** The last reading of the kubeconfig's credentials, and when it was made. */
  private credentials: { at: number; options: https.RequestOptions } | undefined;

  constructor(
    private readonly kc: KubeConfig,
    opts: ClientNodeClusterOptions,
  ) {
    this.clock = opts.clock ?? new RealClock();
    this.logger = opts.logger;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? 300;
    this.pageSize = opts.listPageSize ?? 500;
    this.idleConnectionMs = opts.idleConnectionMs ?? 30_000;
    this.cache = new InformerCache({
      source: {
        list: (kind, o, signal) => this.listAll(kind, o, signal),
        watch: (kind, o, version, signal, onEvent) => this.streamWatch(kind, o, version, signal, onEvent),
      },
      clock: this.clock,
      logger: this.logger,
      cachedKinds: opts.cachedKinds ?? CACHED_KINDS,
      backoff: opts.watchBackoff ?? { initialMs: 500, maxMs: 30_000 },
    });
  }

  async get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined> {
    const cached = this.cache.reader(kind, namespace);
    if (cached) {
      const obj = cached.get(storeKey(kind.namespaced ? namespace : undefined, name));
      return obj as T | undefined;
    }
    const res = await this.call('GET', resourcePath(kind, namespace, name));
    if (res.status === 404) return undefined;
    this.check(res, `get ${kind.plural} ${name}`);
    return this.typed(kind, res.body as T);
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<T[]> {
    const cached = this.cache.reader(kind, opts.namespace);
    if (cached) return cached.select(opts) as T[];
    return (await this.listAll(kind, opts)).items as T[];
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const body = { ...obj, apiVersion: apiVersionOf(kind), kind: kind.kind };
    const res = await this.call('POST', resourcePath(kind, obj.metadata.namespace), { body });
    this.check(res, `create ${kind.plural} ${obj.metadata.name}`);
    return this.written(kind, res.body as T);
  }

  async replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const body = { ...obj, apiVersion: apiVersionOf(kind), kind: kind.kind };
    const res = await this.call('PUT', resourcePath(kind, obj.metadata.namespace, obj.metadata.name), { body });
    this.check(res, `replace ${kind.plural} ${obj.metadata.name}`);
    return this.written(kind, res.body as T);
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
    opts: PatchOptions = {},
  ): Promise<T> {
    let body = patch;
    // The server does optimistic locking on a merge patch when the body names a resourceVersion.
    if (opts.resourceVersion !== undefined) {
      const metadata = (patch.metadata ?? {}) as Record<string, unknown>;
      body = { ...patch, metadata: { ...metadata, resourceVersion: opts.resourceVersion } };
    }
    const res = await this.call('PATCH', resourcePath(kind, namespace, name, opts.subresource), {
      body,
      contentType: MERGE_PATCH,
    });
    this.check(res, `patch ${kind.plural} ${name}${opts.subresource ? '/status' : ''}`);
    return this.written(kind, res.body as T);
  }

  async delete(kind: ResourceKind, name: string, namespace?: string): Promise<void> {
    const res = await this.call('DELETE', resourcePath(kind, namespace, name), {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
    });
    if (res.status !== 404) this.check(res, `delete ${kind.plural} ${name}`);
    // The answer is the object: still there with a deletionTimestamp while finalizers hold it, else its last copy.
    const body = res.body as Partial<KubeObject> | undefined;
    const last = res.status !== 404 && body?.metadata && body.kind !== 'Status' ? this.typed(kind, body as KubeObject) : undefined;
    if (last && (last.metadata.finalizers ?? []).length > 0) this.cache.observe(kind, last);
    else this.cache.observeDeleted(kind, name, namespace, last);
  }

  async evict(podName: string, namespace: string): Promise<EvictionResult> {
    const res = await this.call('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}/eviction`, {
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: podName, namespace } },
    });
    if (res.status === 429) return 'blocked-by-pdb';
    if (res.status === 404) return 'not-found';
    this.check(res, `evict pod ${namespace}/${podName}`);
    return 'evicted';
  }

  async recordEvent(e: EventRecord): Promise<void> {
    const namespace = e.involved.namespace ?? 'default';
    const now = new Date(this.clock.now()).toISOString();
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${e.involved.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: e.involved,
      type: e.type,
      reason: e.reason,
      message: e.message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      reportingInstance: hostname(),
    };
    try {
      const res = await this.call('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, { body });
      this.check(res, 'create event');
    } catch (err) {
      this.logger.warn('could not record event', { reason: e.reason, involved: `${namespace}/${e.involved.name}`, error: errorText(err) });
    }
  }

  watch<T extends KubeObject>(kind: ResourceKind, opts: ListOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    return this.cache.watch(kind, opts, onEvent as (e: WatchEvent) => void);
  }

  synced(kind: ResourceKind): boolean {
    return this.cache.synced(kind);
  }

  waitForSync(kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void> {
    return this.cache.waitForSync(kinds, signal);
  }

  private async streamWatch(
    kind: ResourceKind,
    opts: ListOptions,
    version: string | undefined,
    signal: AbortSignal,
    onEvent: (type: WatchEventType | 'BOOKMARK', obj: KubeObject) => void,
  ): Promise<'ended' | 'gone'> {
    const path =
      resourcePath(kind, opts.namespace) +
      query({
        watch: 'true',
        allowWatchBookmarks: 'true',
        resourceVersion: version,
        timeoutSeconds: String(this.watchTimeoutSeconds),
        labelSelector: selectorString(opts.labelSelector),
        fieldSelector: selectorString(opts.fieldSelector),
      });
    // A silent dead connection must not stall the watch past the server's own timeout.
    const res = await this.send('GET', path, { signal, timeoutMs: (this.watchTimeoutSeconds + 30) * 1000 });
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const body = await readAll(res);
      if (status === 410) return 'gone';
      throw toKubeError(status, body, `watch ${kind.plural}`);
    }
    res.setEncoding('utf8');
    let buffer = '';
    for await (const chunk of res) {
      buffer += chunk as string;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as RawWatchEvent;
        if (ev.type === 'ERROR') {
          const st = ev.object as Status;
          if (st.code === 410) return 'gone';
          throw toKubeError(st.code ?? 500, st, `watch ${kind.plural}`);
        }
        onEvent(ev.type, this.typed(kind, ev.object as KubeObject));
      }
    }
    return 'ended';
  }

  /**
   * The whole list, a page at a time. A continue token that expired (410) starts the list
   * over. Field selectors the server cannot serve are applied here.
   */
  private async listAll(
    kind: ResourceKind,
    opts: ListOptions,
    signal?: AbortSignal,
  ): Promise<{ items: KubeObject[]; resourceVersion: string | undefined }> {
    const server = serverSelectable(opts);
    let items: KubeObject[] = [];
    let resourceVersion: string | undefined;
    let next: string | undefined;
    for (;;) {
      const path =
        resourcePath(kind, opts.namespace) +
        query({
          labelSelector: selectorString(server.labelSelector),
          fieldSelector: selectorString(server.fieldSelector),
          limit: String(this.pageSize),
          continue: next,
        });
      const res = await this.call('GET', path, { signal });
      if (res.status === 410 && next !== undefined) {
        this.logger.info('list continue token expired; listing again', { kind: kind.plural });
        items = [];
        next = undefined;
        continue;
      }
      this.check(res, `list ${kind.plural}`);
      const body = res.body as { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
      for (const o of body.items ?? []) items.push(this.typed(kind, o));
      resourceVersion = body.metadata?.resourceVersion;
      next = body.metadata?.continue || undefined;
      if (next === undefined) break;
    }
    const clientSide = Object.entries(opts.fieldSelector ?? {}).filter(([path]) => CLIENT_SIDE_FIELDS.has(path));
    if (clientSide.length > 0) {
      const fieldSelector = Object.fromEntries(clientSide);
      items = items.filter((o) => matchesListOptions(o, { fieldSelector }));
    }
    return { items, resourceVersion };
  }

  /**
   * A write's answer, typed, and given to the cache so the writer reads it back at once.
   * A write that released the last finalizer of an object being deleted removed it.
   */
  private written<T extends KubeObject>(kind: ResourceKind, obj: T): T {
    const out = this.typed(kind, obj);
    const { name, namespace, deletionTimestamp, finalizers } = out.metadata;
    // Frozen: the writer and the cache's readers share it (see frozen.ts).
    freezeShared(out);
    if (deletionTimestamp && (finalizers ?? []).length === 0) this.cache.observeDeleted(kind, name, namespace, out);
    else this.cache.observe(kind, out);
    return out;
  }

  /** List items come without apiVersion and kind; callers expect whole objects. */
  private typed<T extends KubeObject>(kind: ResourceKind, obj: T): T {
    if (obj && typeof obj === 'object') {
      obj.apiVersion ??= apiVersionOf(kind);
      obj.kind ??= kind.kind;
    }
    return obj;
  }

  private check(res: Response, what: string): void {
    if (res.status >= 200 && res.status < 300) return;
    throw toKubeError(res.status, res.body, what);
  }

  private async call(
    method: string,
    path: string,
    init: { body?: unknown; contentType?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const res = await this.send(method, path, { ...init, timeoutMs: this.requestTimeoutMs });
    return { status: res.statusCode ?? 0, body: await readAll(res) };
  }

  private async send(
    method: string,
    path: string,
    init: { body?: unknown; contentType?: string; signal?: AbortSignal; timeoutMs: number },
  ): Promise<http.IncomingMessage> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeError('kubeconfig has no current cluster', 0);
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const credentials = await this.credentialOptions();
    const options: https.RequestOptions = {
      ...credentials,
      method,
      headers: {
        ...credentials.headers,
        Accept: 'application/json',
        'User-Agent': COMPONENT,
        ...(payload !== undefined
          ? { 'Content-Type': init.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {}),
      },
    };
    options.agent = this.keptAlive(url, credentials);
    const transport = url.protocol === 'https:' ? https : http;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
          const req = transport.request(url, { ...options, signal: init.signal }, resolve);
          req.on('error', (err) => reject(req.reusedSocket ? Object.assign(err, { reusedSocket: true }) : err));
          req.setTimeout(init.timeoutMs, () => {
            req.destroy(new KubeError(`${method} ${url.pathname} timed out after ${init.timeoutMs}ms`, 0));
          });
          req.end(payload);
        });
        // Credentials the server no longer takes are read again for the next call.
        if (res.statusCode === 401) this.credentials = undefined;
        return res;
      } catch (err) {
        // A read sent on a connection the server had just closed is safe to send again, once.
        const e = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
        if (attempt > 1 || method !== 'GET' || !e.reusedSocket || !STALE_CONNECTION.has(e.code ?? '')) throw err;
      }
    }
  }

  /**
   * Headers (the token, refreshed by the kubeconfig's authenticators) and TLS options,
   * read at most every CREDENTIALS_REUSE_MS. The agent client-node makes with them each
   * time is set aside for the one kept alive.
   */
  private async credentialOptions(): Promise<https.RequestOptions> {
    const now = this.clock.now();
    if (this.credentials && now - this.credentials.at < CREDENTIALS_REUSE_MS) return this.credentials.options;
    const options: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(options);
    this.credentials = { at: now, options };
    return options;
  }

  /**
   * One agent for every call, keeping connections open between them (client-node makes a
   * new agent, so a new TCP connection and TLS handshake, for each request). It takes the
   * TLS options of the first call; behind a proxy it is client-node's proxy agent, kept.
   */
  private keptAlive(url: URL, options: https.RequestOptions): http.Agent {
    if (this.agent) return this.agent;
    if (this.kc.getCurrentCluster()?.proxyUrl && options.agent) {
      this.agent = options.agent as http.Agent;
    } else if (url.protocol === 'https:') {
      const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = options;
      this.agent = new https.Agent({
        keepAlive: true,
        timeout: this.idleConnectionMs,
        ca,
        cert,
        key,
        pfx,
        passphrase,
        servername,
        ...(rejectUnauthorized !== undefined ? { rejectUnauthorized } : {}),
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true, timeout: this.idleConnectionMs });
    }
    return this.agent;
  }
}
