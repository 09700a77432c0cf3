/**
 * Serves rendered machine configs to machines that boot Talos by kexec and whose config
 * is too big for the kernel command line (`talos.config=<url>`).
 *
 * Each config is reachable by one URL carrying one random token: it works once, for a
 * short time, for that instance only. Only a hash of the token is kept, and logs name a
 * token by a short hash of it (its id), never the token or the config. TLS is terminated
 * in front (Service/ingress) or by passing cert and key to {@link createConfigServer}.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

export interface IssuedConfig {
  /** The one-time URL, token included: hand it to the machine only. */
  url: string;
  /** Names the token in logs and events. */
  tokenId: string;
}

interface Entry {
  tokenHash: Buffer;
  tokenId: string;
  /** Dropped once served, so a served config is not held in memory. */
  config?: string;
  expiresAt: number;
}

/** How long a used or expired entry is remembered, so late requests get 403 rather than 404. */
const TOMBSTONE_MS = 10 * 60_000;

const hash = (token: string): Buffer => createHash('sha256').update(token).digest();
const idOf = (tokenHash: Buffer): string => tokenHash.toString('hex').slice(0, 12);

export type FetchResult =
  | { status: 200; config: string }
  | { status: 403; reason: 'wrong-token' | 'used' | 'expired' }
  | { status: 404 };

export class ConfigStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      /** Where machines reach the endpoint, e.g. https://gpu-provisioner.example:8443 */
      baseUrl: string;
    },
  ) {}

  /** Makes `config` fetchable once, within `ttlMs`; a new issue for the same instance replaces the old one. */
  issue(instanceKey: string, config: string, ttlMs: number): IssuedConfig {
    this.purge();
    const token = randomBytes(32).toString('base64url');
    const tokenHash = hash(token);
    const tokenId = idOf(tokenHash);
    this.entries.set(instanceKey, { tokenHash, tokenId, config, expiresAt: this.deps.clock.now() + ttlMs });
    this.deps.logger.info('machine config issued', { instanceKey, tokenId, ttlMs });
    const base = this.deps.baseUrl.replace(/\/+$/, '');
    return { url: `${base}/config/${encodeURIComponent(instanceKey)}?token=${token}`, tokenId };
  }

  /** Hands out the config once for the right token; every refusal is logged by token id. */
  fetch(instanceKey: string, token: string): FetchResult {
    this.purge();
    const entry = this.entries.get(instanceKey);
    if (!entry) {
      this.deps.logger.warn('machine config refused: unknown instance', { instanceKey });
      return { status: 404 };
    }
    const presented = hash(token);
    if (!timingSafeEqual(presented, entry.tokenHash)) {
      this.deps.logger.warn('machine config refused: wrong token', { instanceKey, tokenId: idOf(presented) });
      return { status: 403, reason: 'wrong-token' };
    }
    if (entry.config === undefined) {
      this.deps.logger.warn('machine config refused: token already used', { instanceKey, tokenId: entry.tokenId });
      return { status: 403, reason: 'used' };
    }
    if (this.deps.clock.now() >= entry.expiresAt) {
      entry.config = undefined;
      this.deps.logger.warn('machine config refused: token expired', { instanceKey, tokenId: entry.tokenId });
      return { status: 403, reason: 'expired' };
    }
    const config = entry.config;
    entry.config = undefined;
    this.deps.logger.info('machine config served', { instanceKey, tokenId: entry.tokenId });
    return { status: 200, config };
  }

  /** Withdraws an instance's config (the launch failed, or the machine is gone). */
  revoke(instanceKey: string): void {
    this.entries.delete(instanceKey);
  }

  /** Instances with a config still waiting to be fetched. */
  get pending(): number {
    const now = this.deps.clock.now();
    return [...this.entries.values()].filter((e) => e.config !== undefined && now < e.expiresAt).length;
  }

  private purge(): void {
    const now = this.deps.clock.now();
    for (const [key, e] of this.entries) {
      if (now >= e.expiresAt) e.config = undefined;
      if (now >= e.expiresAt + TOMBSTONE_MS) this.entries.delete(key);
    }
  }
}

function tokenFrom(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return url.searchParams.get('token') ?? undefined;
}

function reply(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `GET /config/<instanceKey>?token=<t>` (or `Authorization: Bearer <t>`). */
export function configHandler(store: ConfigStore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://config.local');
    const match = /^\/config\/([^/]+)$/.exec(url.pathname);
    if (!match) return reply(res, 404, 'not found\n');
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return reply(res, 405, 'method not allowed\n');
    }
    let instanceKey: string;
    try {
      instanceKey = decodeURIComponent(match[1]!);
    } catch {
      return reply(res, 404, 'not found\n');
    }
    const token = tokenFrom(req, url);
    if (!token) return reply(res, 403, 'forbidden\n');
    const result = store.fetch(instanceKey, token);
    if (result.status === 200) return reply(res, 200, result.config, 'application/yaml');
    // The body never says which check failed: that would help someone guessing tokens.
    return reply(res, result.status, result.status === 404 ? 'not found\n' : 'forbidden\n');
  };
}

/** An HTTP server, or HTTPS when given a certificate and key, serving {@link configHandler}. */
export function createConfigServer(store: ConfigStore, tls?: { cert: string | Buffer; key: string | Buffer }): Server {
  const handler = configHandler(store);
  return tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
}
