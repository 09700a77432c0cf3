/**
 * The cluster port over a real API server. Requests are plain HTTP(S) built from a
 * KubeConfig (its agent carries the CA, client certificates and insecure-skip-tls-verify;
 * its authenticators add the token), because the generic object API cannot send a merge
 * patch to a status subresource or stream a watch we can resume by resourceVersion.
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
import {
  apiVersionOf,
  type ClusterPort,
  type EventRecord,
  type EvictionResult,
  type KubeObject,
  type ListOptions,
  type PatchOptions,
  type ResourceKind,
  type WatchEvent,
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
}

const COMPONENT = 'gpu-provisioner';
const MERGE_PATCH = 'application/merge-patch+json';

interface Status {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

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

function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function readAll(res: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class ClientNodeCluster implements ClusterPort {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly requestTimeoutMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly backoff: { initialMs: number; maxMs: number };

  constructor(
    private readonly kc: KubeConfig,
    opts: ClientNodeClusterOptions,
  ) {
    this.clock = opts.clock ?? new RealClock();
    this.logger = opts.logger;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? 300;
    this.backoff = opts.watchBackoff ?? { initialMs: 500, maxMs: 30_000 };
  }

  async get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined> {
    const res = await this.call('GET', resourcePath(kind, namespace, name));
    if (res.status === 404) return undefined;
    this.check(res, `get ${kind.plural} ${name}`);
    return this.typed(kind, res.body as T);
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<T[]> {
    return (await this.listWithVersion<T>(kind, opts)).items;
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const body = { ...obj, apiVersion: apiVersionOf(kind), kind: kind.kind };
    const res = await this.call('POST', resourcePath(kind, obj.metadata.namespace), { body });
    this.check(res, `create ${kind.plural} ${obj.metadata.name}`);
    return this.typed(kind, res.body as T);
  }

  async replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const body = { ...obj, apiVersion: apiVersionOf(kind), kind: kind.kind };
    const res = await this.call('PUT', resourcePath(kind, obj.metadata.namespace, obj.metadata.name), { body });
    this.check(res, `replace ${kind.plural} ${obj.metadata.name}`);
    return this.typed(kind, res.body as T);
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
    return this.typed(kind, res.body as T);
  }

  async delete(kind: ResourceKind, name: string, namespace?: string): Promise<void> {
    const res = await this.call('DELETE', resourcePath(kind, namespace, name), {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
    });
    if (res.status === 404) return;
    this.check(res, `delete ${kind.plural} ${name}`);
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
    const abort = new AbortController();
    let synced = false;
    void this.runWatch(kind, opts, onEvent as (e: WatchEvent) => void, abort.signal, () => (synced = true));
    return { stop: () => abort.abort(), synced: () => synced && !abort.signal.aborted };
  }

  /**
   * List, then watch from the list's version; on a dropped stream resume from the last
   * version seen; on 410 Gone re-list and tell the handler the difference, so it ends
   * up with the same picture as if it had seen every event.
   */
  private async runWatch(
    kind: ResourceKind,
    opts: ListOptions,
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
    onListed: () => void,
  ): Promise<void> {
    const seen = new Map<string, KubeObject>();
    const log = this.logger.child({ watch: kind.plural, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
    const deliver = (type: WatchEvent['type'], object: KubeObject) => {
      if (signal.aborted) return;
      if (type === 'DELETED') seen.delete(objectKey(object));
      else seen.set(objectKey(object), object);
      try {
        onEvent({ type, object: structuredClone(object) });
      } catch (err) {
        log.error('watch handler failed', { error: errorText(err) });
      }
    };
    let version: string | undefined;
    let delay = this.backoff.initialMs;
    while (!signal.aborted) {
      try {
        if (version === undefined) {
          const listed = await this.listWithVersion(kind, opts, signal);
          const current = new Map(listed.items.map((o) => [objectKey(o), o]));
          for (const [key, obj] of current) {
            const before = seen.get(key);
            if (!before) deliver('ADDED', obj);
            else if (before.metadata.resourceVersion !== obj.metadata.resourceVersion) deliver('MODIFIED', obj);
          }
          for (const [key, obj] of [...seen]) if (!current.has(key)) deliver('DELETED', obj);
          version = listed.resourceVersion;
          onListed();
          delay = this.backoff.initialMs;
        }
        let events = 0;
        const outcome = await this.streamWatch(kind, opts, version, signal, (ev) => {
          const obj = this.typed(kind, ev.object as KubeObject);
          if (obj.metadata?.resourceVersion) version = obj.metadata.resourceVersion;
          if (ev.type !== 'BOOKMARK') deliver(ev.type as WatchEvent['type'], obj);
          events++;
        });
        if (outcome === 'gone') {
          log.info('watch version expired; re-listing', { resourceVersion: version });
          version = undefined;
          continue;
        }
        if (events > 0) {
          delay = this.backoff.initialMs;
          continue;
        }
      } catch (err) {
        if (signal.aborted) break;
        log.warn('watch interrupted; reconnecting', { error: errorText(err), retryInMs: delay });
      }
      if (signal.aborted) break;
      try {
        await this.clock.sleep(delay, signal);
      } catch {
        break;
      }
      delay = Math.min(delay * 2, this.backoff.maxMs);
    }
  }

  private async streamWatch(
    kind: ResourceKind,
    opts: ListOptions,
    version: string | undefined,
    signal: AbortSignal,
    onEvent: (ev: RawWatchEvent) => void,
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
        onEvent(ev);
      }
    }
    return 'ended';
  }

  private async listWithVersion<T extends KubeObject>(
    kind: ResourceKind,
    opts: ListOptions,
    signal?: AbortSignal,
  ): Promise<{ items: T[]; resourceVersion: string | undefined }> {
    const path =
      resourcePath(kind, opts.namespace) +
      query({ labelSelector: selectorString(opts.labelSelector), fieldSelector: selectorString(opts.fieldSelector) });
    const res = await this.call('GET', path, { signal });
    this.check(res, `list ${kind.plural}`);
    const body = res.body as { items?: T[]; metadata?: { resourceVersion?: string } };
    return {
      items: (body.items ?? []).map((o) => this.typed(kind, o)),
      resourceVersion: body.metadata?.resourceVersion,
    };
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
    const options: https.RequestOptions = {
      method,
      headers: {
        Accept: 'application/json',
        'User-Agent': COMPONENT,
        ...(payload !== undefined
          ? { 'Content-Type': init.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {}),
      },
    };
    await this.kc.applyToHTTPSOptions(options);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, signal: init.signal }, resolve);
      req.on('error', reject);
      req.setTimeout(init.timeoutMs, () => {
        req.destroy(new KubeError(`${method} ${url.pathname} timed out after ${init.timeoutMs}ms`, 0));
      });
      req.end(payload);
    });
  }
}
