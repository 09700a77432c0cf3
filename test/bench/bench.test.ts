import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEYS = [
  'launch_over_latency_p50_1k',
  'launch_over_latency_p95_1k',
  'launch_over_provider_time_p50_1k_rate_limited',
  'launch_over_provider_time_p95_1k_rate_limited',
  'ready_s_1k',
  'ready_s_10k',
  'rss_mb_10k',
  'resync_cpu_s_10k',
  'ready_s_100_nodes',
  'capacity_error_to_next_launch_ms_p95',
  'notice_to_replacement_launch_ms_p95',
  'price_listings_per_provider_per_refresh',
  'sim_latency_ms',
];

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench/main.ts'), ...args],
      { cwd: ROOT, timeout: 150_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

// Not a speed test: the figures are checked for what they are, not for how good they are.
describe('npm run bench -- --json', () => {
  it('prints one line per scenario and the figures as one JSON object on the last line', async () => {
    const run = await bench(['--sizes', '30', '--rate-limited', '30', '--nodes', '100', '--interruptions', '10', '--cap-s', '60', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^bench: sim GpuProvider at 50 ms per call, 0.5 s boots; Operator with default lifecycle options/);
    expect(lines[1]).toMatch(/^30 GpuRequests × 1 node: all Ready in \d+\.\d s; create → launch call \d+\.\d× \/ \d+\.\d× the sim latency \(p50 \/ p95, n=30\)/);
    expect(lines[1]).toMatch(/capacity error → next launch call p50 \d+\.\d ms, p95 \d+\.\d ms \(n=\d+\)/);
    expect(lines[1]).toMatch(
      /notice → replacement launch call p50 \d+ ms, p95 \d+ ms \(10 of 10 simultaneous; pushed: the sim answers the operator's open long poll as a notice is sent, as SQS does; a polled provider's floor is the 5000 ms poll interval; medians: notice → recorded \d+ ms → replacement created \d+ ms → launch call \d+ ms\)/,
    );
    expect(lines[2]).toMatch(
      /^30 GpuRequests × 1 node at AWS's default rate limit \(10\/s, burst 20, 10 at once\): all Ready in \d+\.\d s; .*create → launch call \d+\.\d\d× \/ \d+\.\d\d× the provider's own time \(p50 \/ p95, n=30: /,
    );
    // Its launches and nothing else ask the provider per machine: no call per machine to see whether its instance lives.
    expect(lines[2]).toMatch(/sim calls create 30(, |$)/);
    expect(lines[2]).not.toMatch(/sim calls .*\bget \d/);
    expect(lines[3]).toMatch(/^1 GpuRequest × 100 nodes: all Ready in \d+\.\d s; .*one full resync \d+\.\d+ s CPU/);

    const figures = JSON.parse(lines.at(-1)!) as Record<string, number | null>;
    expect(Object.keys(figures).sort()).toEqual([...KEYS].sort());
    expect(figures.sim_latency_ms).toBe(50);
    expect(figures.price_listings_per_provider_per_refresh).toBe(1);
    expect(figures.ready_s_100_nodes).toBeGreaterThan(0.5);
    expect(figures.capacity_error_to_next_launch_ms_p95).toBeGreaterThanOrEqual(0);
    // A replacement is bought only after the poller has found the notice and one launch call has started.
    expect(figures.notice_to_replacement_launch_ms_p95).toBeGreaterThan(0);
    // Sizes not run are not made up.
    for (const key of ['ready_s_1k', 'ready_s_10k', 'rss_mb_10k', 'resync_cpu_s_10k', 'launch_over_latency_p50_1k', 'launch_over_provider_time_p95_1k_rate_limited']) {
      expect(figures[key]).toBeNull();
    }
  }, 160_000);
});
