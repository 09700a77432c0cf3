/**
 * /metrics, /healthz and /readyz on one small HTTP server, beside the controllers.
 * A failing probe answers 503 with the reason as its body, so `kubectl describe pod`
 * and a curl both say what is wrong.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** One probe's answer: ok, or not with a message saying why. */
export interface ProbeResult {
  ok: boolean;
  message: string;
}

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** /readyz: the API server answers and, when leading, the caches have synced. */
  ready: () => ProbeResult;
  /** /healthz: the process is doing its work (no reconcile stuck). */
  alive: () => ProbeResult;
  registry?: Registry;
}

/** A registry with Node's process metrics, named gpu_provisioner_process_* and gpu_provisioner_nodejs_*. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gpu_provisioner_' });
  return registry;
}

function answer(res: http.ServerResponse, probe: () => ProbeResult): void {
  let result: ProbeResult;
  try {
    result = probe();
  } catch (err) {
    result = { ok: false, message: `probe failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  res.writeHead(result.ok ? 200 : 503, { 'content-type': 'text/plain' }).end(result.message);
}

export async function startHealthServer(opts: HealthServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const registry = opts.registry ?? createMetricsRegistry();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      answer(res, opts.alive);
    } else if (path === '/readyz') {
      answer(res, opts.ready);
    } else if (path === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
