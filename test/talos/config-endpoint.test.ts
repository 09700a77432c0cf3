import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createServer, type RequestListener, type Server } from 'node:http';
import { ConfigStore, configHandler, createConfigServer } from '../../src/talos/config-endpoint.js';
import { FakeClock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/logger.js';

const CONFIG = 'version: v1alpha1\nmachine:\n  token: FAKEMACHINETOKEN.abcdef0123456789\n';

describe('config endpoint', () => {
  let clock: FakeClock;
  let logs: string;
  let store: ConfigStore;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    clock = new FakeClock();
    logs = '';
    const stream = new PassThrough();
    stream.on('data', (d: Buffer) => (logs += d.toString()));
    const logger = createLogger({ format: 'json', level: 'debug', stream });
    // The store needs the URL, which needs the port: the handler is bound once both exist.
    let handler: RequestListener = () => undefined;
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = new ConfigStore({ clock, logger, baseUrl: `${base}/` });
    handler = configHandler(store);
  });

  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };

  it('serves the config once to the right token, then refuses it', async () => {
    const { url, tokenId } = store.issue('gpu-7f3a-0-0', CONFIG, 10 * 60_000);
    expect(url).toMatch(new RegExp(`^${base}/config/gpu-7f3a-0-0\\?token=[A-Za-z0-9_-]{43}$`));
    expect(tokenId).toMatch(/^[0-9a-f]{12}$/);
    expect(await get(url)).toEqual({ status: 200, body: CONFIG, type: 'application/yaml' });
    expect(await get(url)).toMatchObject({ status: 403, body: 'forbidden\n' });
    expect(store.pending).toBe(0);
  });

  it('accepts the token as a bearer header too', async () => {
    const { url } = store.issue('k1', CONFIG, 60_000);
    const token = new URL(url).searchParams.get('token')!;
    expect((await get(`${base}/config/k1`, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('refuses a token after its expiry', async () => {
    const { url } = store.issue('k1', CONFIG, 60_000);
    await clock.advance(59_999);
    expect(store.pending).toBe(1);
    await clock.advance(1);
    expect((await get(url)).status).toBe(403);
  });

  it('refuses a wrong token and another instance’s token, and leaves the right one working', async () => {
    const a = store.issue('a', CONFIG, 60_000);
    const b = store.issue('b', 'other', 60_000);
    const tokenB = new URL(b.url).searchParams.get('token')!;
    expect((await get(`${base}/config/a?token=${tokenB}`)).status).toBe(403);
    expect((await get(`${base}/config/a?token=nope`)).status).toBe(403);
    expect((await get(`${base}/config/a`)).status).toBe(403);
    expect((await get(a.url)).status).toBe(200);
  });

  it('answers 404 for an unknown instance and other paths, 405 for other methods', async () => {
    expect((await get(`${base}/config/nobody?token=x`)).status).toBe(404);
    expect((await get(`${base}/other`)).status).toBe(404);
    const { url } = store.issue('k1', CONFIG, 60_000);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    expect((await get(url)).status).toBe(200);
  });

  it('replaces the token when the same instance is issued again', async () => {
    const first = store.issue('k1', CONFIG, 60_000);
    const second = store.issue('k1', CONFIG, 60_000);
    expect((await get(first.url)).status).toBe(403);
    expect((await get(second.url)).status).toBe(200);
  });

  it('forgets used and expired entries after a while', async () => {
    const { url } = store.issue('k1', CONFIG, 60_000);
    await clock.advance(60_000 + 10 * 60_000);
    expect((await get(url)).status).toBe(404);
  });

  it('logs token ids, never tokens or config', async () => {
    const { url, tokenId } = store.issue('k1', CONFIG, 60_000);
    const token = new URL(url).searchParams.get('token')!;
    await get(url);
    await get(url);
    await get(`${base}/config/k1?token=guess`);
    expect(logs).toContain(tokenId);
    expect(logs).toContain('machine config served');
    expect(logs).toContain('token already used');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('guess');
    expect(logs).not.toContain('FAKEMACHINETOKEN');
  });
});

it('createConfigServer serves the same handler', async () => {
  const clock = new FakeClock();
  const logger = createLogger({ silent: true });
  const store = new ConfigStore({ clock, logger, baseUrl: 'http://unused' });
  const { url } = store.issue('k1', 'version: v1alpha1\n', 60_000);
  const server = createConfigServer(store);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const res = await fetch(url.replace('http://unused', `http://127.0.0.1:${port}`));
    expect(await res.text()).toBe('version: v1alpha1\n');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
