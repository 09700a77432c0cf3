import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run demo`'s script as a user would; bounded so a hang fails the test instead of leaving a process. */
function demo(): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src/demo/main.ts')],
      { cwd: ROOT, timeout: 80_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The phases the live table printed for one request, in order, repeats folded. */
function printedPhases(lines: string[], header: number, namespace: string, name: string): string[] {
  const phases: string[] = [];
  for (const line of lines.slice(header + 1)) {
    const cells = line.split(/\s+/);
    if (cells[0] !== namespace || !name.startsWith(cells[1]!.replace(/…$/, ''))) continue;
    const phase = cells.length === 9 ? cells[8]! : '';
    if (phase && phases.at(-1) !== phase) phases.push(phase);
  }
  return phases;
}

describe('npm run demo', () => {
  let run: Result;
  let lines: string[];
  beforeAll(async () => {
    run = await demo();
    lines = run.stdout.split('\n');
  }, 90_000);

  it('exits 0 with nothing on stderr, every line within 100 columns', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const wide = lines.filter((l) => [...l].length > 100);
    expect(wide).toEqual([]);
  });

  it('prints every phase each request passes through, a failover, an interruption and a delete', () => {
    const header = lines.findIndex((l) => /^NAMESPACE\s+NAME\s+GPU\s+READY\s+PROVIDER\s+REGION\s+CAPACITY\s+PRICE\/H\s+PHASE$/.test(l));
    expect(header).toBeGreaterThan(0);
    const table = lines.slice(header, lines.findIndex((l, i) => i > header && l.startsWith('$ kubectl get gpumachines')));
    expect(printedPhases(table, 0, 'ml', 'h100-dev')).toEqual(['Provisioning', 'Joining', 'Ready']);
    expect(printedPhases(table, 0, 'ml', 'llm-training')).toEqual(expect.arrayContaining(['Provisioning', 'Joining', 'Ready']));
    expect(printedPhases(table, 0, 'ml', 'inference-a100').at(-1)).toBe('Pending');

    const notice = run.stdout.match(/spot interruption notice for (sim-\w+), GpuMachine of (\S+)\/(\S+)\)/);
    expect(notice).not.toBeNull();
    const [, , ns, interrupted] = notice!;
    const phases = printedPhases(table, 0, ns!, interrupted!);
    expect(phases.slice(phases.indexOf('Ready'))).toEqual(['Ready', 'Interrupted', 'Ready']);

    const deleted = run.stdout.match(/\$ kubectl delete gpurequest -n (\S+) (\S+)/);
    expect(deleted).not.toBeNull();
    expect(printedPhases(table, 0, deleted![1]!, deleted![2]!).slice(-2)).toEqual(['Terminating', 'Deleted']);

    // Events are wrapped onto indented lines; joined again they read as one.
    const events = run.stdout.replace(/\n {4}/g, ' ');
    expect(events).toMatch(/Warning InsufficientCapacity GpuMachine\/\S+: .* trying the next offer/);
    expect(events).toMatch(/Warning Interrupted GpuMachine\/\S+: spot-interruption notice for/);
  });

  it('lists the GpuMachines at the end, the deleted request’s gone', () => {
    const at = lines.indexOf('$ kubectl get gpumachines -A');
    expect(lines[at + 1]).toMatch(/^NAME\s+REQUEST\s+PROVIDER\s+TYPE\s+CAPACITY\s+ZONE\s+PRICE\/H\s+INSTANCE\s+NODE\s+PHASE$/);
    const rows = lines.slice(at + 2, lines.indexOf('', at));
    expect(rows.filter((r) => /\sReady$/.test(r)).length).toBeGreaterThanOrEqual(5);
    expect(rows.every((r) => !r.includes('rtx4090'))).toBe(true);
  });

  it('sums up what was spent and saved, with the deleted request out of the totals and no machine unaccounted for', () => {
    const deleted = run.stdout.match(/\$ kubectl delete gpurequest -n (\S+) (\S+)/)!;
    expect(run.stdout).toMatch(new RegExp(`${deleted[1]}/${deleted[2]}\\s+Deleted .* spent \\$\\d+\\.\\d{4}, out of the totals below`));
    const spent = Number(run.stdout.match(/spent: \$(\d+\.\d+) in all/)?.[1]);
    const saved = Number(run.stdout.match(/saved by spot: \$(\d+\.\d+)/)?.[1]);
    expect(spent).toBeGreaterThan(0);
    expect(saved).toBeGreaterThan(0);
    const hourly = run.stdout.match(/hourly cost now: \$(\d+\.\d+)\/h for the (\d+) GpuRequests left/);
    expect(Number(hourly?.[2])).toBe(5);
    const perRequest = [...run.stdout.matchAll(/ now \$(\d+\.\d+)\/h$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(Number(hourly?.[1])).toBeCloseTo(perRequest, 2);
    expect(run.stdout).toMatch(/machines running at the end: \d+ billed by the sim cloud/);
    expect(run.stdout).toMatch(/unaccounted for: 0$/m);
    expect(run.stdout).not.toContain('problem:');
  });
});
