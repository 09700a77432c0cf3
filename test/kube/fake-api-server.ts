/**
 * Enough of the Kubernetes API, over HTTP(S), to run the client-node adapter against:
 * get, list (with limit/continue pages), watch streams from a resourceVersion (410 once
 * that version is compacted away), create, replace, merge patch (status subresource
 * included), delete, eviction and Events. The objects live in a MemoryCluster, so the
 * semantics are the ones the in-memory cluster tests pin down; this adds the wire. Every
 * request and every TCP connection is recorded, so tests can count what a client costs.
 *
 * Simplifications: list pages are cut from the current state rather than a snapshot, and
 * a selected watch filters by the object's new state only.
 */
import http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ClientNodeCluster, type ClientNodeClusterOptions } from '../../src/kube/client-node-cluster.js';
import { AlreadyExistsError, ConflictError, InvalidObjectError, KubeError, KubeNotFoundError } from '../../src/kube/errors.js';
import { matchesListOptions, objectKey } from '../../src/kube/index-store.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { apiVersionOf, Kinds, type KubeObject, type ListOptions, type ResourceKind, type WatchEventType } from '../../src/kube/types.js';
import { silentLogger } from '../../src/util/logger.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  watch: boolean;
}

interface Logged {
  revision: number;
  kind: ResourceKind;
  type: WatchEventType;
  object: KubeObject;
}

interface OpenWatch {
  kind: ResourceKind;
  opts: ListOptions;
  res: http.ServerResponse;
  held: string[];
}

const ALL_KINDS: ResourceKind[] = Object.values(Kinds);

function parseSelector(s: string | null): Record<string, string> | undefined {
  if (!s) return undefined;
  return Object.fromEntries(s.split(',').map((part) => part.split('=', 2) as [string, string]));
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function kubeErrorReply(res: http.ServerResponse, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof KubeNotFoundError) return send(res, 404, status(404, 'NotFound', message));
  if (err instanceof AlreadyExistsError) return send(res, 409, status(409, 'AlreadyExists', message));
  if (err instanceof ConflictError) return send(res, 409, status(409, 'Conflict', message));
  if (err instanceof InvalidObjectError) return send(res, 422, status(422, 'Invalid', message));
  const code = err instanceof KubeError && err.code >= 400 ? err.code : 500;
  send(res, code, status(code, 'InternalError', message));
}

interface Route {
  kind: ResourceKind;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** `/api/v1/namespaces/ml/pods/p/eviction`, `/apis/g/v/gpurequests` ... -> what it names. */
function route(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let rest: string[];
  if (parts[0] === 'api') rest = parts.slice(2);
  else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const kind = ALL_KINDS.find((k) => k.group === group && k.plural === rest[0]);
  if (!kind) return undefined;
  return { kind, namespace, name: rest[1], subresource: rest[2] };
}

export class FakeApiServer {
  readonly cluster = new MemoryCluster();
  readonly requests: ApiRequest[] = [];
  /** TCP connections accepted so far. */
  connections = 0;
  /** Answers the next this many list pages that carry a continue token with 410 Expired. */
  expireContinueTokens = 0;
  /** While true, watch events are kept back (as a slow watch would) until `releaseWatches()`. */
  holdWatches = false;
  /**
   * While true, a request that arrives on a connection already used is answered by
   * resetting it, as when the server closed an idle kept-alive connection just then.
   */
  resetReusedConnections = false;
  private readonly served = new WeakMap<Socket, number>();
  private readonly log: Logged[] = [];
  private revision = 0;
  private compactedAt = 0;
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;

  constructor() {
    for (const kind of ALL_KINDS) {
      this.cluster.watch(kind, {}, (e) => {
        const revision = Number(e.object.metadata.resourceVersion);
        this.revision = Math.max(this.revision, revision);
        const entry = { revision, kind, type: e.type, object: e.object };
        this.log.push(entry);
        for (const w of this.watches) this.stream(w, entry);
      });
    }
  }

  /** Starts listening on 127.0.0.1; with `tls` it speaks HTTPS. Returns the base URL. */
  async start(tls?: { cert: string; key: string }): Promise<string> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    this.server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** API calls of one sort since `from` (an index into `requests`). */
  count(filter: Partial<Pick<ApiRequest, 'method' | 'watch'>> & { plural?: string } = {}, from = 0): number {
    return this.requests.slice(from).filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method) &&
        (filter.watch === undefined || r.watch === filter.watch) &&
        (filter.plural === undefined || route(r.path)?.kind.plural === filter.plural),
    ).length;
  }

  /** Watch streams open now. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Forgets history up to now: a watch resuming from an older version is told 410 Gone. */
  compact(): void {
    this.compactedAt = this.revision;
  }

  /** Ends every open watch stream, as an API server restart or a load balancer would. */
  dropWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  releaseWatches(): void {
    this.holdWatches = false;
    for (const w of this.watches) {
      for (const line of w.held) w.res.write(line);
      w.held = [];
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const watch = url.searchParams.get('watch') === 'true';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, watch });
    const before = this.served.get(req.socket) ?? 0;
    this.served.set(req.socket, before + 1);
    if (this.resetReusedConnections && before > 0) {
      req.socket.resetAndDestroy();
      return;
    }
    const r = route(url.pathname);
    if (!r) return send(res, 404, status(404, 'NotFound', `no such path ${url.pathname}`));
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    try {
      if (r.kind === Kinds.Pod && r.subresource === 'eviction' && method === 'POST') {
        const outcome = await this.cluster.evict(r.name!, r.namespace!);
        if (outcome === 'evicted') return send(res, 201, { kind: 'Status', status: 'Success' });
        if (outcome === 'not-found') return send(res, 404, status(404, 'NotFound', 'pod not found'));
        return send(res, 429, status(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod disruption budget.'));
      }
      if (method === 'GET' && r.name !== undefined) {
        const obj = await this.cluster.get(r.kind, r.name, r.namespace);
        return obj ? send(res, 200, obj) : send(res, 404, status(404, 'NotFound', `${r.kind.plural} "${r.name}" not found`));
      }
      const opts: ListOptions = {
        ...(r.namespace ? { namespace: r.namespace } : {}),
        labelSelector: parseSelector(url.searchParams.get('labelSelector')),
        fieldSelector: parseSelector(url.searchParams.get('fieldSelector')),
      };
      if (method === 'GET' && watch) return this.openWatch(r.kind, opts, url.searchParams, res);
      if (method === 'GET') return await this.list(r.kind, opts, url.searchParams, res);
      if (method === 'POST') {
        const obj = { ...(body as unknown as KubeObject), metadata: { ...(body.metadata as object), namespace: r.namespace } } as KubeObject;
        return send(res, 201, await this.cluster.create(r.kind, obj));
      }
      if (method === 'PUT') return send(res, 200, await this.cluster.replace(r.kind, body as unknown as KubeObject));
      if (method === 'PATCH') {
        const sub = r.subresource === 'status' ? { subresource: 'status' as const } : {};
        return send(res, 200, await this.cluster.patch(r.kind, r.name!, r.namespace, body, sub));
      }
      if (method === 'DELETE') {
        if (!(await this.cluster.get(r.kind, r.name!, r.namespace))) {
          return send(res, 404, status(404, 'NotFound', `${r.kind.plural} "${r.name}" not found`));
        }
        await this.cluster.delete(r.kind, r.name!, r.namespace);
        const still = await this.cluster.get(r.kind, r.name!, r.namespace);
        return send(res, 200, still ?? { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      }
      send(res, 405, status(405, 'MethodNotAllowed', method));
    } catch (err) {
      kubeErrorReply(res, err);
    }
  }

  private async list(kind: ResourceKind, opts: ListOptions, q: URLSearchParams, res: http.ServerResponse): Promise<void> {
    const fields = Object.keys(opts.fieldSelector ?? {});
    const selectable = kind === Kinds.Pod ? ['spec.nodeName', 'metadata.name'] : ['metadata.name', 'spec.unschedulable'];
    const unsupported = fields.find((f) => !selectable.includes(f));
    if (unsupported) return send(res, 400, status(400, 'BadRequest', `field label not supported: ${unsupported}`));
    const token = q.get('continue');
    if (token && this.expireContinueTokens > 0) {
      this.expireContinueTokens--;
      return send(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
    }
    const after = token ? (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { key: string }).key : undefined;
    const all = (await this.cluster.list(kind, opts)).filter((o) => after === undefined || objectKey(o) > after);
    const limit = Number(q.get('limit') ?? 0);
    const page = limit > 0 ? all.slice(0, limit) : all;
    const more = page.length < all.length;
    const next = more ? Buffer.from(JSON.stringify({ key: objectKey(page[page.length - 1]!) })).toString('base64') : undefined;
    // List items carry neither apiVersion nor kind, as the API server sends them.
    const items = page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    send(res, 200, {
      apiVersion: apiVersionOf(kind),
      kind: `${kind.kind}List`,
      metadata: { resourceVersion: String(this.revision), ...(next ? { continue: next } : {}) },
      items,
    });
  }

  private openWatch(kind: ResourceKind, opts: ListOptions, q: URLSearchParams, res: http.ServerResponse): void {
    const from = Number(q.get('resourceVersion') ?? 0);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (from < this.compactedAt) {
      res.end(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${this.compactedAt})`) }) + '\n');
      return;
    }
    const w: OpenWatch = { kind, opts, res, held: [] };
    for (const entry of this.log) if (entry.revision > from) this.stream(w, entry);
    this.watches.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.watches.delete(w);
    });
  }

  private stream(w: OpenWatch, entry: Logged): void {
    if (entry.kind !== w.kind || !matchesListOptions(entry.object, w.opts)) return;
    const line = JSON.stringify({ type: entry.type, object: entry.object }) + '\n';
    if (this.holdWatches) w.held.push(line);
    else w.res.write(line);
  }
}

/** Polls `pred` until it holds; fails naming `what` after `ms`. */
export async function waitFor(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A client-node adapter for `server`, quick to retry, with a bearer token (and `ca` to verify an HTTPS server by). */
export function connect(server: string, opts: Partial<ClientNodeClusterOptions> = {}, ca?: string): ClientNodeCluster {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [ca ? { name: 'test', server, caData: Buffer.from(ca).toString('base64') } : { name: 'test', server, skipTLSVerify: true }],
    users: [{ name: 'op', token: 'test-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'op' }],
    currentContext: 'test',
  });
  return new ClientNodeCluster(kc, {
    logger: silentLogger(),
    requestTimeoutMs: 2000,
    watchBackoff: { initialMs: 5, maxMs: 20 },
    ...opts,
  });
}
