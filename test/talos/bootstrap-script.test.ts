import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigTooLargeError,
  KERNEL_COMMAND_LINE_MAX,
  METAL_KERNEL_ARGS,
  buildKexecScript,
  inlineConfigArg,
  kexecCommandLine,
  zstdStored,
  type KexecScriptInput,
} from '../../src/talos/bootstrap-script.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const KERNEL = 'fake kernel bytes\n';
const INITRAMFS = 'fake initramfs bytes\n';

function which(tool: string): string | undefined {
  const r = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const input = (over: Partial<KexecScriptInput> = {}): KexecScriptInput => ({
  kernelUrl: 'https://factory.talos.dev/image/abc/v1.13.9/kernel-amd64',
  initramfsUrl: 'https://factory.talos.dev/image/abc/v1.13.9/initramfs-amd64.xz',
  kernelSha256: sha(KERNEL),
  initramfsSha256: sha(INITRAMFS),
  config: 'version: v1alpha1\n',
  ...over,
});

describe('kernel command line', () => {
  it('inlines a small config as zstd+base64 after the metal arguments', () => {
    const { commandLine, configSource } = kexecCommandLine({ config: 'version: v1alpha1\n' });
    expect(configSource).toBe('inline');
    expect(commandLine).toBe(`${METAL_KERNEL_ARGS.join(' ')} ${inlineConfigArg('version: v1alpha1\n')}`);
  });

  it('switches to a one-time URL once the line would pass the x86 limit, asking for the URL only then', () => {
    let issued = 0;
    const configUrl = () => {
      issued++;
      return 'https://operator.example/config/k1?token=t1';
    };
    kexecCommandLine({ config: 'x'.repeat(100), configUrl });
    expect(issued).toBe(0);
    const big = kexecCommandLine({ config: 'x'.repeat(KERNEL_COMMAND_LINE_MAX), configUrl });
    expect(big).toEqual({
      configSource: 'url',
      commandLine: `${METAL_KERNEL_ARGS.join(' ')} talos.config=https://operator.example/config/k1?token=t1`,
    });
    expect(issued).toBe(1);
  });

  it('fits exactly at the limit, counting the terminating NUL', () => {
    const base = `${METAL_KERNEL_ARGS.join(' ')} talos.config.inline=`.length;
    // base64 of (13-byte header + n) is 4*ceil((13+n)/3) characters.
    const fitting = Math.floor(((KERNEL_COMMAND_LINE_MAX - 1 - base) / 4) * 3) - 13;
    expect(kexecCommandLine({ config: 'y'.repeat(fitting) }).configSource).toBe('inline');
    expect(() => kexecCommandLine({ config: 'y'.repeat(fitting + 3) })).toThrow(ConfigTooLargeError);
  });

  it('says what to configure when the config is too big and there is no endpoint', () => {
    expect(() => kexecCommandLine({ config: 'z'.repeat(4000) })).toThrow(/configure the operator config endpoint/);
  });
});

const zstd = which('zstd');
(zstd ? describe : describe.skip)('zstd stored frames (decoded by the zstd CLI)', () => {
  it.each([0, 1, 5000, 128 * 1024, 128 * 1024 + 7, 300_000])('round-trips %i bytes', (n) => {
    const data = Buffer.alloc(n, 0).map((_, i) => (i * 31) % 251);
    const out = execFileSync(zstd!, ['-d', '-c', '-q'], { input: zstdStored(data) });
    expect(Buffer.compare(out, data)).toBe(0);
  });

  it('inlines a config that Talos can read back', () => {
    const config = 'version: v1alpha1\nmachine:\n  type: worker\n';
    const b64 = inlineConfigArg(config).slice('talos.config.inline='.length);
    expect(execFileSync(zstd!, ['-d', '-c', '-q'], { input: Buffer.from(b64, 'base64') }).toString()).toBe(config);
  });
});
if (!zstd) console.warn('zstd not found: run scripts/ensure-test-tools.sh to check inline configs decode');

const shellcheck = which('shellcheck');
(shellcheck ? it : it.skip)('generates a shellcheck-clean script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'talos-sc-'));
  try {
    for (const [name, i] of [
      ['inline', input()],
      ['url', input({ config: 'q'.repeat(3000), configUrl: () => "https://op.example/config/k?token=a'b" })],
    ] as const) {
      const file = join(dir, `${name}.sh`);
      writeFileSync(file, buildKexecScript(i).script);
      const r = spawnSync(shellcheck!, ['--severity=style', file], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
if (!shellcheck) console.warn('shellcheck not found: run scripts/ensure-test-tools.sh (as root it installs it); lint test skipped');

/**
 * A hermetic machine: PATH holds only shims that log their arguments (one line per
 * call, arguments NUL-separated) plus the few real tools the script needs.
 */
class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'talos-boot-'));
  readonly bin = join(this.root, 'bin');
  readonly work = join(this.root, 'work');
  readonly log = join(this.root, 'calls.log');

  constructor(opts: { kexecInstalled: boolean }) {
    execFileSync('mkdir', ['-p', this.bin, this.work]);
    for (const tool of ['mkdir', 'bash']) symlinkSync(which(tool)!, join(this.bin, tool));
    const record = `printf '%s' "\${0##*/}" >> "$CALLS"; for a in "$@"; do printf '\\0%s' "$a" >> "$CALLS"; done; echo >> "$CALLS"`;
    this.shim(
      'curl',
      // Writes the body the URL names (kernel or initramfs) to the -o file; a URL with "fail" fails as curl -f does.
      `${record}\nout=""; url=""; while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; -*) shift;; *) url="$1"; shift;; esac; done\n` +
        `case "$url" in *fail*) exit 22;; *kernel*) printf '%s' "$KERNEL_BODY" > "$out";; *) printf '%s' "$INITRAMFS_BODY" > "$out";; esac`,
    );
    this.shim('sha256sum', `${record}\nexec ${which('sha256sum')} "$@"`);
    const kexec = `${record}\nexit 0`;
    writeFileSync(join(this.root, 'kexec.shim'), `#!/bin/bash\n${kexec}\n`);
    if (opts.kexecInstalled) this.shim('kexec', kexec);
    // Installing kexec-tools puts the kexec shim on PATH, as the package would.
    this.shim('apt-get', `${record}\nif [ "$1" = install ]; then ${which('cp')} "${join(this.root, 'kexec.shim')}" "${join(this.bin, 'kexec')}"; ${which('chmod')} +x "${join(this.bin, 'kexec')}"; fi`);
  }

  private shim(name: string, body: string): void {
    writeFileSync(join(this.bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(this.bin, name), 0o755);
  }

  run(script: string): { status: number | null; stderr: string; calls: string[][] } {
    const file = join(this.root, 'boot.sh');
    writeFileSync(file, script);
    const r = spawnSync(join(this.bin, 'bash'), [file], {
      encoding: 'utf8',
      env: {
        PATH: this.bin,
        CALLS: this.log,
        TALOS_BOOT_DIR: this.work,
        KERNEL_BODY: KERNEL,
        INITRAMFS_BODY: INITRAMFS,
      },
      timeout: 10_000,
    });
    const calls = existsSync(this.log)
      ? readFileSync(this.log, 'utf8')
          .split('\n')
          .filter((l) => l)
          .map((l) => l.split('\0'))
      : [];
    return { status: r.status, stderr: r.stderr, calls };
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

describe('boot script in a sandbox', () => {
  let box: Sandbox | undefined;
  afterEach(() => box?.cleanup());

  it('downloads with retries, verifies, then loads and executes the Talos kernel', () => {
    box = new Sandbox({ kexecInstalled: true });
    const { script, configSource } = buildKexecScript(input());
    expect(configSource).toBe('inline');
    const r = box.run(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { commandLine } = kexecCommandLine({ config: input().config });
    expect(r.calls).toEqual([
      ['curl', '-fsSL', '--retry', '5', '--retry-delay', '3', '--retry-connrefused', '-o', 'kernel', input().kernelUrl],
      ['curl', '-fsSL', '--retry', '5', '--retry-delay', '3', '--retry-connrefused', '-o', 'initramfs.xz', input().initramfsUrl],
      ['sha256sum', 'kernel'],
      ['sha256sum', 'initramfs.xz'],
      ['kexec', '-l', 'kernel', '--initrd=initramfs.xz', `--command-line=${commandLine}`],
      ['kexec', '-e'],
    ]);
    expect(readFileSync(join(box.work, 'kernel'), 'utf8')).toBe(KERNEL);
  });

  it('passes the one-time config URL, quotes and all, to the kernel when the config is large', () => {
    box = new Sandbox({ kexecInstalled: true });
    const url = "https://op.example/config/k1?token=it's";
    const r = box.run(buildKexecScript(input({ config: 'c'.repeat(3000), configUrl: () => url })).script);
    expect(r.status).toBe(0);
    expect(r.calls.find((c) => c[0] === 'kexec' && c[1] === '-l')?.[4]).toBe(
      `--command-line=${METAL_KERNEL_ARGS.join(' ')} talos.config=${url}`,
    );
  });

  it('stops before any kexec when a checksum does not match', () => {
    box = new Sandbox({ kexecInstalled: true });
    const r = box.run(buildKexecScript(input({ initramfsSha256: sha('something else') })).script);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('sha256 of initramfs.xz');
    expect(r.calls.map((c) => c[0])).toEqual(['curl', 'curl', 'sha256sum', 'sha256sum']);
  });

  it('stops when a download fails', () => {
    box = new Sandbox({ kexecInstalled: true });
    const r = box.run(buildKexecScript(input({ kernelUrl: 'https://factory.talos.dev/fail' })).script);
    expect(r.status).toBe(22);
    expect(r.calls.map((c) => c[0])).toEqual(['curl']);
  });

  it('installs kexec-tools with apt-get when kexec is missing, then boots', () => {
    box = new Sandbox({ kexecInstalled: false });
    const r = box.run(buildKexecScript(input()).script);
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.join(' '))).toEqual([
      expect.stringMatching(/^curl /),
      expect.stringMatching(/^curl /),
      'sha256sum kernel',
      'sha256sum initramfs.xz',
      'apt-get update -q',
      'apt-get install -y -q kexec-tools',
      expect.stringMatching(/^kexec -l kernel --initrd=initramfs.xz --command-line=talos.platform=metal /),
      'kexec -e',
    ]);
  });

  it('refuses checksums that are not sha256 hex', () => {
    expect(() => buildKexecScript(input({ kernelSha256: "abc'; rm -rf /" }))).toThrow(/kernelSha256 must be a sha256/);
  });
});
