/**
 * What the container image holds, proved without a Docker engine: the package as
 * `npm pack` ships it, with production dependencies only (`npm ci --omit=dev`, as the
 * Dockerfile's runtime stage), started with plain node. It must reach an API server
 * (a scripted one here), become ready, release its Lease on SIGTERM, say clearly when
 * there is no configuration, and run the `offers` command.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../support/scripted-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(path.join(tmpdir(), 'gpu-provisioner-install-'));
const pkg = path.join(work, 'package');
let packed: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** An environment with nothing from this machine's cluster setup in it. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: path.join(work, 'home'), LOG_FORMAT: 'json', ...extra };
}

function kubeconfig(server: string): string {
  const file = path.join(work, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: fake, cluster: { server: "' + server + '", insecure-skip-tls-verify: true } }]',
      'users: [{ name: op, user: { token: test-token } }]',
      'contexts: [{ name: fake, context: { cluster: fake, user: op } }]',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Plays just enough of an API server: empty lists, watches that stay open, a Lease that
 * can be created and replaced. Until `crdsInstalled` it answers 404 for GpuProviders.
 */
async function fakeApiServer(): Promise<ScriptedServer & { crdsInstalled: boolean }> {
  let version = 10;
  let lease: Record<string, unknown> | undefined;
  const state = { crdsInstalled: false };
  const server = await startScriptedServer((req: RecordedRequest) => {
    const url = new URL(req.path, 'http://x');
    const isLease = url.pathname.includes('/leases');
    if (isLease) {
      if (req.method === 'GET') return lease ? { body: lease } : { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound' } };
      const body = JSON.parse(req.body) as { metadata: Record<string, unknown> };
      lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } };
      return { status: req.method === 'POST' ? 201 : 200, body: lease };
    }
    if (url.pathname.includes('gpuproviders') && !state.crdsInstalled) {
      return { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } };
    }
    if (req.method === 'GET' && url.searchParams.get('watch') === 'true') return { hang: true };
    if (req.method === 'GET') return { body: { kind: 'List', metadata: { resourceVersion: String(version) }, items: [] } };
    return { status: 201, body: JSON.parse(req.body || '{}') as unknown };
  });
  return Object.defineProperty(server, 'crdsInstalled', {
    get: () => state.crdsInstalled,
    set: (v: boolean) => (state.crdsInstalled = v),
  }) as ScriptedServer & { crdsInstalled: boolean };
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startOperator(env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: pkg, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function probe(port: number, path: string): Promise<[number, string]> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return [res.status, await res.text()];
  } catch {
    return [0, 'no answer'];
  }
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/gpu-provisioner.js', ...args], { cwd: pkg, timeout: 40_000, env: cleanEnv({}) }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  mkdirSync(path.join(work, 'home'), { recursive: true });
  // prepack builds dist/ first, so the tarball is what a release would be.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packed = info[0]!.files.map((f) => f.path);
  execFileSync('tar', ['-xzf', path.join(work, info[0]!.filename), '-C', work]);
  copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(pkg, 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: pkg, stdio: 'ignore' });
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the package with production dependencies only', () => {
  it('ships the built code, CRDs, chart and LICENSE, and no tests or TypeScript sources', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/main.js', 'dist/cli/entry.js', 'bin/gpu-provisioner.js', 'LICENSE', 'talos/config.schema.json']));
    expect(packed.filter((f) => f.startsWith('crds/')).length).toBeGreaterThan(0);
    expect(packed).toEqual(expect.arrayContaining(['charts/gpu-provisioner/Chart.yaml', 'charts/gpu-provisioner/values.schema.json', 'charts/gpu-provisioner/templates/deployment.yaml']));
    expect(packed.filter((f) => /^(test|e2e|bench|src|scripts)\//.test(f) || f.startsWith('dist/demo/'))).toEqual([]);
    for (const dev of ['tsx', 'typescript', 'jest', 'ts-jest']) expect(existsSync(path.join(pkg, 'node_modules', dev))).toBe(false);
    expect(readFileSync(path.join(pkg, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('node dist/main.js reaches the API server, becomes ready, and releases its Lease on SIGTERM', async () => {
    const api = await fakeApiServer();
    const port = await freePort();
    const op = startOperator(
      cleanEnv({ KUBECONFIG: kubeconfig(api.baseUrl), METRICS_PORT: String(port), POD_NAMESPACE: 'gpu-system', POD_NAME: 'gpu-provisioner-0', CLUSTER_NAME: 'install-test' }),
    );
    try {
      // Not ready from the first answer on: first not yet connected, then the API server's problem.
      const first = await until('an answer from /readyz', () => probe(port, '/readyz'), ([s]) => s !== 0);
      expect(first[0]).toBe(503);
      const [status, body] = await until('the reason on /readyz', () => probe(port, '/readyz'), ([, b]) => b !== 'not yet connected to the API server');
      expect([status, body]).toEqual([503, expect.stringContaining('does not serve the gpu-provisioner.dev CRDs') as string]);
      expect(await probe(port, '/healthz')).toEqual([200, 'ok']);
      api.crdsInstalled = true;
      // A standby answers ok too; this replica is alone, so it takes the Lease and syncs its watches.
      expect(await until('/readyz ok as leader', () => probe(port, '/readyz'), ([, b]) => b === 'ok')).toEqual([200, 'ok']);

      const seen = (pattern: RegExp) => api.requests.some((r) => pattern.test(`${r.method} ${r.path}`));
      expect(seen(/^POST \/apis\/coordination\.k8s\.io\/v1\/namespaces\/gpu-system\/leases$/)).toBe(true);
      // Ready means listed; the watch from that version follows at once.
      for (const plural of ['gpuproviders', 'gpurequests', 'nodes', 'secrets']) {
        const watch = new RegExp(`^GET .*/${plural}\\?.*watch=true`);
        expect(await until(`a ${plural} watch`, async () => seen(watch), (v) => v, 5_000)).toBe(true);
      }
      expect(seen(/^GET \/api\/v1\/namespaces\/gpu-system\/secrets\?.*watch=true/)).toBe(true);
      expect(seen(/^GET \/api\/v1\/secrets/)).toBe(false);
      expect(api.requests.every((r) => r.headers.authorization === 'Bearer test-token')).toBe(true);

      op.child.kill('SIGTERM');
      expect(await op.exited).toBe(0);
      const released = api.requests.filter((r) => r.method === 'PUT' && r.path.includes('/leases/')).at(-1);
      expect((JSON.parse(released!.body) as { spec: { holderIdentity: unknown } }).spec.holderIdentity).toBeNull();
      expect(op.output()).not.toContain('test-token');
    } finally {
      op.child.kill('SIGKILL');
      await api.stop();
    }
  }, 60_000);

  it('without any configuration says where it looked, keeps /readyz failing, and retries quietly', async () => {
    const port = await freePort();
    const op = startOperator(cleanEnv({ METRICS_PORT: String(port) }));
    try {
      const [status, body] = await until('the reason on /readyz', () => probe(port, '/readyz'), ([s, b]) => s !== 0 && b !== 'not yet connected to the API server');
      expect(status).toBe(503);
      expect(body).toContain('no Kubernetes configuration: KUBECONFIG is not set');
      expect(await probe(port, '/healthz')).toEqual([200, 'ok']);
      // Retries at 1, 3 and 7 s; the line is logged once, not per retry.
      await new Promise((r) => setTimeout(r, 4_000));
      const lines = op.output().split('\n').filter((l) => l.includes('no Kubernetes configuration'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', message: 'cannot use the Kubernetes API server; retrying' });
      op.child.kill('SIGTERM');
      expect(await op.exited).toBe(0);
    } finally {
      op.child.kill('SIGKILL');
    }
  }, 30_000);

  it('with an API server that does not answer says which address and where it came from', async () => {
    const port = await freePort();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const config = kubeconfig(dead);
    const op = startOperator(cleanEnv({ KUBECONFIG: config, METRICS_PORT: String(port) }));
    try {
      const [status, body] = await until('the reason on /readyz', () => probe(port, '/readyz'), ([s, b]) => s !== 0 && b !== 'not yet connected to the API server');
      expect(status).toBe(503);
      expect(body).toMatch(new RegExp(`^cannot reach the API server at ${dead} \\(from KUBECONFIG=${config}\\): .*ECONNREFUSED.*; check that the cluster is up and the address is right$`));
      op.child.kill('SIGTERM');
      expect(await op.exited).toBe(0);
    } finally {
      op.child.kill('SIGKILL');
    }
  }, 30_000);

  it('runs the offers command from the installed bin', async () => {
    const [ok, bad] = await Promise.all([cli(['offers', '--provider', 'sim', '--gpu', 'H100', '--spot', '--json']), cli(['offers', '--count', 'many'])]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const offers = JSON.parse(ok.stdout) as { gpuModel: string; capacityType: string; pricePerHour: number }[];
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.every((o) => o.gpuModel === 'H100' && o.capacityType === 'spot')).toBe(true);
    const prices = offers.map((o) => o.pricePerHour);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));

    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('error: --count must be a whole number above 0, not "many"');
    expect(bad.stderr).toContain('usage: gpu-provisioner offers');
  }, 60_000);
});
