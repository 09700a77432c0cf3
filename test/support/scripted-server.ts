/**
 * A tiny node:http server that answers with scripted responses, for the error paths a
 * spec mock cannot produce (capacity, quota, 429 with Retry-After, 5xx, hangs,
 * malformed JSON). It records every request so tests can check what was sent.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/api/v1/instances?x=1`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body text; '' when there was none. */
  body: string;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings are sent as they are (e.g. malformed JSON). */
  body?: unknown;
  /** Wait this long before answering (to test timeouts). */
  delayMs?: number;
  /** Never answer; the client has to time out or abort. */
  hang?: boolean;
}

export type ScriptedHandler = (req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

/**
 * Routes are `"METHOD /path"` (query string ignored) or `"/path"` for any method. A value
 * that is an array is answered in order, one entry per request, the last repeating.
 */
export type ScriptedRoutes = Record<string, ScriptedResponse | ScriptedResponse[] | ScriptedHandler>;

export interface ScriptedServer {
  baseUrl: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function routeHandler(routes: ScriptedRoutes): ScriptedHandler {
  const counters = new Map<string, number>();
  return (req) => {
    const path = req.path.split('?')[0] ?? req.path;
    const key = [`${req.method} ${path}`, path].find((k) => routes[k] !== undefined);
    if (key === undefined) return { status: 404, body: { error: { code: 'test/no-route', message: `no scripted route for ${req.method} ${path}` } } };
    const route = routes[key]!;
    if (typeof route === 'function') return route(req);
    if (!Array.isArray(route)) return route;
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    return route[Math.min(n, route.length - 1)] ?? { status: 500 };
  };
}

export async function startScriptedServer(script: ScriptedHandler | ScriptedRoutes): Promise<ScriptedServer> {
  const handler = typeof script === 'function' ? script : routeHandler(script);
  const requests: RecordedRequest[] = [];
  const pending = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer(async (req, res) => {
    pending.add(res);
    res.on('close', () => pending.delete(res));
    try {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: await readBody(req),
      };
      requests.push(recorded);
      const answer = await handler(recorded);
      if (answer.hang) return;
      if (answer.delayMs) {
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            timers.delete(t);
            r();
          }, answer.delayMs);
          timers.add(t);
        });
      }
      if (res.destroyed) return;
      const isText = typeof answer.body === 'string';
      const body = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, {
        ...(body !== '' ? { 'content-type': 'application/json' } : {}),
        ...answer.headers,
      });
      res.end(body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`scripted server handler failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
