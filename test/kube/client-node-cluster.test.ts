import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeCluster, resourcePath } from '../../src/kube/client-node-cluster.js';
import { AlreadyExistsError, ConflictError, InvalidObjectError, KubeError } from '../../src/kube/errors.js';
import { Kinds, type KubeObject, type WatchEvent, type WatchHandle } from '../../src/kube/types.js';
import { FakeClock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { waitFor } from './fake-api-server.js';

const TOKEN = 'sekret-token-do-not-log';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

type Route = (req: Seen, res: http.ServerResponse) => void;

/** Plays the API server: every request is recorded and answered by the test's route. */
class FakeApiServer {
  readonly requests: Seen[] = [];
  route: Route = (_req, res) => reply(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'not found' });
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const seen: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      this.requests.push(seen);
      this.route(seen, res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (msg: string, meta?: Record<string, unknown>) => {
    lines.push(`${level} ${msg} ${JSON.stringify(meta ?? {})}`);
  };
  const logger: Logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger };
  return logger;
}

function gr(name: string, rv: string): KubeObject {
  return { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuRequest', metadata: { name, namespace: 'ml', resourceVersion: rv } };
}

describe('ClientNodeCluster', () => {
  let api: FakeApiServer;
  let cluster: ClientNodeCluster;
  let logs: string[];
  let handle: WatchHandle | undefined;
  let server: string;

  beforeEach(async () => {
    api = new FakeApiServer();
    server = await api.start();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server, skipTLSVerify: true }],
      users: [{ name: 'op', token: TOKEN }],
      contexts: [{ name: 'test', cluster: 'test', user: 'op' }],
      currentContext: 'test',
    });
    logs = [];
    cluster = new ClientNodeCluster(kc, {
      logger: recordingLogger(logs),
      requestTimeoutMs: 2000,
      watchBackoff: { initialMs: 5, maxMs: 20 },
    });
  });

  afterEach(async () => {
    handle?.stop();
    handle = undefined;
    await api.stop();
  });

  it.each([
    ['GpuRequest', 'ml', 'a', undefined, '/apis/gpu-provisioner.dev/v1alpha1/namespaces/ml/gpurequests/a'],
    ['GpuProvider', 'ignored', 'p', 'status', '/apis/gpu-provisioner.dev/v1alpha1/gpuproviders/p/status'],
    ['Pod', undefined, undefined, undefined, '/api/v1/pods'],
    ['Node', undefined, 'n1', undefined, '/api/v1/nodes/n1'],
  ] as const)('resourcePath(%s, %s, %s, %s)', (kind, ns, name, sub, want) => {
    expect(resourcePath(Kinds[kind], ns, name, sub)).toBe(want);
  });

  it('lists with selectors and the bearer token, filling in apiVersion and kind', async () => {
    api.route = (_req, res) => reply(res, 200, { metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'a', namespace: 'ml' } }] });
    const items = await cluster.list(Kinds.GpuRequest, { namespace: 'ml', labelSelector: { a: '1', b: '2' } });
    expect(items).toEqual([{ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuRequest', metadata: { name: 'a', namespace: 'ml' } }]);
    const req = api.requests[0]!;
    expect(req.path).toBe('/apis/gpu-provisioner.dev/v1alpha1/namespaces/ml/gpurequests');
    expect(req.query.get('labelSelector')).toBe('a=1,b=2');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('reads the credentials again after 10 s, and at once after a 401', async () => {
    const clock = new FakeClock();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server, skipTLSVerify: true }],
      users: [{ name: 'op', token: 'first' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'op' }],
      currentContext: 'test',
    });
    const rotating = new ClientNodeCluster(kc, { clock, logger: recordingLogger(logs), requestTimeoutMs: 2000 });
    api.route = (_req, res) => reply(res, 200, { metadata: {}, items: [] });
    const user = kc.getCurrentUser() as { token?: string };
    const bearer = () => api.requests.at(-1)!.headers.authorization;
    await rotating.list(Kinds.Pod);
    expect(bearer()).toBe('Bearer first');
    user.token = 'second';
    await clock.advance(9_999);
    await rotating.list(Kinds.Pod);
    expect(bearer()).toBe('Bearer first');
    await clock.advance(1);
    await rotating.list(Kinds.Pod);
    expect(bearer()).toBe('Bearer second');
    user.token = 'third';
    api.route = (_req, res) => reply(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    await expect(rotating.list(Kinds.Pod)).rejects.toThrow(KubeError);
    expect(bearer()).toBe('Bearer second');
    api.route = (_req, res) => reply(res, 200, { metadata: {}, items: [] });
    await rotating.list(Kinds.Pod);
    expect(bearer()).toBe('Bearer third');
  });

  it('an answer cut off before its end is an error, not a wait', async () => {
    api.route = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"metadata":');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    await expect(cluster.list(Kinds.Pod)).rejects.toThrow();
  });

  it('get returns undefined on 404; pods on a node use a field selector', async () => {
    expect(await cluster.get(Kinds.Node, 'gone')).toBeUndefined();
    api.route = (_req, res) => reply(res, 200, { metadata: {}, items: [] });
    await cluster.list(Kinds.Pod, { fieldSelector: { 'spec.nodeName': 'n1' } });
    expect(api.requests[1]!.path).toBe('/api/v1/pods');
    expect(api.requests[1]!.query.get('fieldSelector')).toBe('spec.nodeName=n1');
  });

  it('patches with a JSON merge patch, to /status when asked, carrying the resourceVersion for locking', async () => {
    api.route = (req, res) => reply(res, 200, { ...gr('a', '9'), status: (req.body as { status?: unknown }).status });
    const out = await cluster.patch(Kinds.GpuRequest, 'a', 'ml', { status: { phase: 'Ready' } }, { subresource: 'status', resourceVersion: '8' });
    const req = api.requests[0]!;
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe('/apis/gpu-provisioner.dev/v1alpha1/namespaces/ml/gpurequests/a/status');
    expect(req.headers['content-type']).toBe('application/merge-patch+json');
    expect(req.body).toEqual({ status: { phase: 'Ready' }, metadata: { resourceVersion: '8' } });
    expect(out.status).toEqual({ phase: 'Ready' });
  });

  it.each([
    [409, 'Conflict', ConflictError, 409],
    [409, 'AlreadyExists', AlreadyExistsError, 409],
    [422, 'Invalid', InvalidObjectError, 422],
    [400, 'BadRequest', InvalidObjectError, 422],
    [403, 'Forbidden', KubeError, 403],
  ])('maps HTTP %i %s onto the port error class, without the token in the message', async (code, reason, cls, errCode) => {
    api.route = (_req, res) => reply(res, code, status(code, reason, `refused (${reason})`));
    const err = await cluster.patch(Kinds.GpuRequest, 'a', 'ml', { spec: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as KubeError).code).toBe(errCode);
    expect((err as Error).message).toContain(`refused (${reason})`);
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('create posts the whole object and maps AlreadyExists', async () => {
    api.route = (_req, res) => reply(res, 409, status(409, 'AlreadyExists', 'gpurequests "a" already exists'));
    await expect(cluster.create(Kinds.GpuRequest, gr('a', ''))).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(api.requests[0]!.method).toBe('POST');
    expect(api.requests[0]!.path).toBe('/apis/gpu-provisioner.dev/v1alpha1/namespaces/ml/gpurequests');
    expect((api.requests[0]!.body as KubeObject).metadata.name).toBe('a');
  });

  it('delete treats 404 as done', async () => {
    await expect(cluster.delete(Kinds.Node, 'n1')).resolves.toBeUndefined();
    expect(api.requests[0]!.method).toBe('DELETE');
    api.route = (_req, res) => reply(res, 500, status(500, 'InternalError', 'etcd down'));
    await expect(cluster.delete(Kinds.Node, 'n1')).rejects.toThrow(/etcd down/);
  });

  it.each([
    [429, 'blocked-by-pdb'],
    [201, 'evicted'],
    [404, 'not-found'],
  ] as const)('eviction answered %i -> %s', async (code, want) => {
    api.route = (_req, res) => reply(res, code, code === 201 ? { kind: 'Status', status: 'Success' } : status(code, 'x', 'y'));
    expect(await cluster.evict('web-0', 'ml')).toBe(want);
    const req = api.requests[0]!;
    expect(req.path).toBe('/api/v1/namespaces/ml/pods/web-0/eviction');
    expect(req.body).toEqual({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0', namespace: 'ml' } });
  });

  it('records a core/v1 Event, and only logs when that fails', async () => {
    api.route = (_req, res) => reply(res, 201, {});
    const involved = { kind: 'GpuRequest', apiVersion: 'gpu-provisioner.dev/v1alpha1', name: 'a', namespace: 'ml', uid: 'u' };
    await cluster.recordEvent({ involved, type: 'Warning', reason: 'LaunchFailed', message: 'no capacity' });
    const ev = api.requests[0]!.body as Record<string, unknown>;
    expect(api.requests[0]!.path).toBe('/api/v1/namespaces/ml/events');
    expect(ev).toMatchObject({ kind: 'Event', involvedObject: involved, type: 'Warning', reason: 'LaunchFailed', reportingComponent: 'gpu-provisioner' });
    expect(ev.firstTimestamp).toEqual(ev.lastTimestamp);
    api.route = (_req, res) => reply(res, 403, status(403, 'Forbidden', 'events is forbidden'));
    await expect(cluster.recordEvent({ involved, type: 'Normal', reason: 'R', message: 'm' })).resolves.toBeUndefined();
    expect(logs.some((l) => l.startsWith('warn could not record event') && l.includes('forbidden'))).toBe(true);
  });

  it('watch: lists, streams, resumes from the last version, re-lists on 410 Gone and backs off after errors', async () => {
    let watchCalls = 0;
    let lists = 0;
    api.route = (req, res) => {
      if (req.query.get('watch') !== 'true') {
        lists++;
        if (lists === 1) return reply(res, 200, { metadata: { resourceVersion: '12' }, items: [gr('a', '10'), gr('b', '11')] });
        return reply(res, 200, { metadata: { resourceVersion: '21' }, items: [gr('a', '13'), gr('c', '20')] });
      }
      watchCalls++;
      res.writeHead(watchCalls === 3 ? 500 : 200, { 'Content-Type': 'application/json' });
      const send = (type: string, object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');
      if (watchCalls === 1) {
        send('MODIFIED', gr('a', '13'));
        send('BOOKMARK', { kind: 'GpuRequest', metadata: { resourceVersion: '15' } });
        res.end();
      } else if (watchCalls === 2) {
        send('ERROR', status(410, 'Expired', 'too old resource version: 15 (20)'));
        res.end();
      } else if (watchCalls === 3) {
        res.end(JSON.stringify(status(500, 'InternalError', 'try again')));
      } else {
        send('ADDED', gr('d', '22'));
        // Held open until the handle stops.
      }
    };
    const events: WatchEvent[] = [];
    handle = cluster.watch(Kinds.GpuRequest, { namespace: 'ml' }, (e) => events.push(e));
    await waitFor(() => events.length >= 6, 'six watch events');
    expect(events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`)).toEqual([
      'ADDED a 10',
      'ADDED b 11',
      'MODIFIED a 13',
      'ADDED c 20',
      'DELETED b 11',
      'ADDED d 22',
    ]);
    const watches = api.requests.filter((r) => r.query.get('watch') === 'true');
    expect(watches.map((r) => r.query.get('resourceVersion'))).toEqual(['12', '15', '21', '21']);
    expect(watches.every((r) => r.query.get('allowWatchBookmarks') === 'true')).toBe(true);
    expect(watches[0]!.path).toBe('/apis/gpu-provisioner.dev/v1alpha1/namespaces/ml/gpurequests');
    expect(lists).toBe(2);
    expect(logs.some((l) => l.includes('watch interrupted') && l.includes('try again'))).toBe(true);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(events.every((e) => e.object.kind === 'GpuRequest')).toBe(true);
  });

  it('a watch keeps retrying while the API server is down, and stop() ends it', async () => {
    api.route = (_req, res) => reply(res, 503, status(503, 'ServiceUnavailable', 'apiserver starting'));
    const events: WatchEvent[] = [];
    handle = cluster.watch(Kinds.Node, {}, (e) => events.push(e));
    await waitFor(() => api.requests.length >= 3, 'three list attempts');
    handle.stop();
    const after = api.requests.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(api.requests.length).toBe(after);
    expect(events).toEqual([]);
    expect(api.requests.every((r) => r.path === '/api/v1/nodes' && r.query.get('watch') === null)).toBe(true);
  });

  it('a throwing handler is logged and the watch carries on', async () => {
    let n = 0;
    api.route = (req, res) => {
      if (req.query.get('watch') !== 'true') return reply(res, 200, { metadata: { resourceVersion: '1' }, items: [gr('a', '1')] });
      if (n++ === 0) {
        res.writeHead(200);
        res.write(JSON.stringify({ type: 'ADDED', object: gr('b', '2') }) + '\n');
      }
    };
    const names: string[] = [];
    handle = cluster.watch(Kinds.GpuRequest, {}, (e) => {
      names.push(e.object.metadata.name);
      if (e.object.metadata.name === 'a') throw new Error('handler bug');
    });
    await waitFor(() => names.length >= 2, 'both events');
    expect(names).toEqual(['a', 'b']);
    expect(logs.some((l) => l.startsWith('error watch handler failed') && l.includes('handler bug'))).toBe(true);
  });
});
