import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the launcher as a user would; bounded so a hang fails the test instead of leaving a process. */
function cli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/gpu-provisioner.js'), ...args],
      { cwd: ROOT, timeout: 40_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('bin/gpu-provisioner.js', () => {
  it('runs the TypeScript sources: offers --provider sim --gpu H100 --spot --json', async () => {
    const [ok, bad] = await Promise.all([
      cli(['offers', '--provider', 'sim', '--gpu', 'H100', '--spot', '--json']),
      cli(['offers', '--count', 'many']),
    ]);
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
