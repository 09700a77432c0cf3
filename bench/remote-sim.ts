/**
 * The sim cloud in another process, as a real cloud is: the bench's world process
 * serves each account's SimProvider over HTTP on loopback, and the operator process
 * builds sim providers that call it. The operator's call pipeline (limits, retries,
 * timeouts, metrics, error mapping) wraps the remote provider exactly as it wraps the
 * in-process one, and the sim's latency is paid in the world process, where the call
 * is recorded as it starts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  ProviderError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  UnsupportedError,
} from '../src/providers/errors.js';
import type { SimCloud } from '../src/providers/sim/sim-cloud.js';
import { createSimProvider, SIM_CAPABILITIES, type SimProvider } from '../src/providers/sim/sim-provider.js';
import type { CloudProvider, InterruptionNotice, ProviderConfig, ProviderFactory } from '../src/providers/types.js';
import type { ClusterPort } from '../src/kube/types.js';
import type { Clock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';

type Method = 'listOffers' | 'create' | 'get' | 'list' | 'delete' | 'checkCredentials' | 'pollInterruptions';
const METHODS: readonly Method[] = ['listOffers', 'create', 'get', 'list', 'delete', 'checkCredentials', 'pollInterruptions'];

interface Call {
  config: ProviderConfig;
  clusterName: string;
  args: unknown[];
}

interface WireError {
  name: string;
  message: string;
  retryAfterMs?: number;
}

const ERRORS: Record<string, new (message: string) => ProviderError> = {
  InsufficientCapacityError,
  QuotaExceededError,
  TransientError,
  AuthError,
  InvalidRequestError,
  NotFoundError,
  UnsupportedError,
};

function toWire(e: unknown): WireError {
  if (e instanceof RateLimitedError) return { name: e.name, message: e.message, retryAfterMs: e.retryAfterMs };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

function fromWire(w: WireError): Error {
  if (w.name === 'RateLimitedError') return new RateLimitedError(w.message, w.retryAfterMs);
  const Known = ERRORS[w.name];
  return Known ? new Known(w.message) : new TransientError(`sim: ${w.message}`);
}

/** Serves `cloud` on loopback; every account's provider is built here, registering its Nodes in `cluster`. */
export async function serveSim(cloud: SimCloud, cluster: ClusterPort, clock: Clock): Promise<{ url: string; close: () => Promise<void> }> {
  const providers = new Map<string, SimProvider>();
  const providerFor = (call: Call): SimProvider => {
    const key = JSON.stringify([call.config, call.clusterName]);
    let p = providers.get(key);
    if (!p) {
      p = createSimProvider(call.config, { clusterName: call.clusterName, credentials: {}, clock, logger: silentLogger(), cluster }, cloud);
      providers.set(key, p);
    }
    return p;
  };
  const server = http.createServer((req, res) => {
    const method = req.url?.slice(1) as Method;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The caller giving up (the operator stopping a long poll) ends the call here too.
      const abort = new AbortController();
      res.on('close', () => abort.abort(new Error('caller went away')));
      void (async () => {
        try {
          if (!METHODS.includes(method)) throw new InvalidRequestError(`sim: no method ${method}`);
          const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call;
          const provider = providerFor(call);
          const fn = provider[method] as (...a: unknown[]) => Promise<unknown>;
          const result = await fn.apply(provider, [...call.args, abort.signal]);
          // Notices are acknowledged by reading them: nothing to send back for ack.
          const body = method === 'pollInterruptions' ? (result as InterruptionNotice[]).map(({ ack: _ack, ...n }) => n) : result;
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ result: body ?? null }));
        } catch (e) {
          if (!res.destroyed) res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: toWire(e) }));
        }
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds sim providers that call the sim cloud served at `url`. */
export function remoteSimFactory(url: string): ProviderFactory {
  return (config, ctx): CloudProvider => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const call = <T>(method: Method, args: unknown[], signal?: AbortSignal): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const body = JSON.stringify({ config, clusterName: ctx.clusterName, args } satisfies Call);
        const req = http.request(`${url}/${method}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' }, signal }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: T; error?: WireError };
              if (answer.error) reject(fromWire(answer.error));
              else resolve(answer.result as T);
            } catch (e) {
              reject(new TransientError(`sim: unreadable answer: ${String(e)}`));
            }
          });
          res.on('error', (e) => reject(new TransientError(`sim: ${e.message}`)));
        });
        req.on('error', (e) => reject(signal?.aborted ? e : new TransientError(`sim: ${e.message}`)));
        req.end(body);
      });
    return {
      name: config.name,
      type: 'sim',
      capabilities: SIM_CAPABILITIES,
      listOffers: (signal) => call('listOffers', [], signal),
      create: (req, signal) => call('create', [req], signal),
      get: (id, signal) => call('get', [id], signal),
      list: (signal) => call('list', [], signal),
      delete: (id, signal) => call('delete', [id], signal),
      checkCredentials: (signal) => call('checkCredentials', [], signal),
      pollInterruptions: (signal) => call('pollInterruptions', [], signal),
    };
  };
}
