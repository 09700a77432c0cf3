/**
 * A Prism mock server serving a vendor's own OpenAPI spec, for adapter tests. With
 * `errors` on (the default) Prism answers 422 to any request that breaks the spec, so
 * an adapter that sends a wrong field or path fails its test.
 *
 * Prism runs in its own session (`setsid`) so that stop() can kill its whole process
 * group and nothing is left running after the tests.
 *
 * Start-up times measured on the build machine (spawn to first answer):
 * lambda 2.4 s, paperspace 2.5 s, runpod 2.8 s, runpod-v2 (350 KB) 3.7 s.
 * Start one server per test file in beforeAll, not one per test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface PrismOptions {
  /** Answer 422 to requests that break the spec (default true). */
  errors?: boolean;
  /** Generate responses from the schemas instead of the spec's examples. */
  dynamic?: boolean;
  /** Seed for dynamic responses, so they are the same on every run. */
  seed?: string;
  /** How long to wait for the first answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface PrismServer {
  baseUrl: string;
  /** What Prism printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export async function startPrism(specPath: string, opts: PrismOptions = {}): Promise<PrismServer> {
  const port = await freePort();
  const bin = resolve(process.cwd(), 'node_modules/.bin/prism');
  const args = [bin, 'mock', '-p', String(port), '-h', '127.0.0.1', '-v', 'warn'];
  if (opts.errors ?? true) args.push('--errors');
  if (opts.dynamic) args.push('--dynamic');
  if (opts.seed) args.push('--seed', opts.seed);
  args.push(resolve(specPath));

  const child = spawn('setsid', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`prism did not start for ${specPath}`);

  // If the test process dies without calling stop(), do not leave Prism behind.
  const onExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    const gone = exited(child);
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`prism exited before answering for ${specPath}:\n${out}`);
    }
    try {
      // Any HTTP answer (usually 404 for "/") means the server is up.
      await fetch(baseUrl, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`prism did not answer within the start timeout for ${specPath}:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { baseUrl, output: () => out, stop };
}
