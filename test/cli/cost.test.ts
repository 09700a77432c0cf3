import { EXIT_USAGE, run } from '../../src/cli/main.js';
import type { CostReport } from '../../src/cli/cost-report.js';
import type { OffersDeps } from '../../src/cli/offers-command.js';
import { formatPrice } from '../../src/api/price.js';
import type { GpuBudget, GpuRequest } from '../../src/api/types.js';
import { applyDefaults } from '../../src/api/validate.js';
import { Kinds, type ClusterPort, type KubeObject } from '../../src/kube/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { apply, get, gpuRequest, machinesOf, setup, untilPhase, type Fixture } from '../support/operator-fixture.js';

const HOUR = 3_600_000;

function cli(f: Fixture) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: OffersDeps = {
    env: {},
    clock: f.clock,
    logger: silentLogger(),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    factories: {},
    connectCluster: () => f.cluster,
  };
  return { out, err, run: (...argv: string[]) => run(argv, deps) };
}

describe('gpu-provisioner cost', () => {
  let f: Fixture;
  let train: GpuRequest;
  let serve: GpuRequest;

  beforeAll(async () => {
    f = await setup();
    train = await untilPhase(f, await apply(f, gpuRequest({ gpu: { model: 'L4', count: 1 }, nodes: 2, capacityTypes: ['spot', 'on-demand'] }, 'train')), 'Ready');
    const other = gpuRequest({ gpu: { model: 'L4', count: 1 } }, 'serve');
    other.metadata.namespace = 'research';
    serve = await untilPhase(f, await apply(f, other), 'Ready');
    await f.cluster.create(
      Kinds.GpuBudget,
      applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuBudget', metadata: { name: 'cap', namespace: 'research' }, spec: { maxHourlyCost: '5', maxPeriodCost: '100', period: 'week' } } as KubeObject) as GpuBudget,
    );
    await f.clock.advance(2 * HOUR);
    await f.operator.stop(1_000);
  });

  test('--json: spend per request, namespace and provider from what the machines record', async () => {
    const c = cli(f);
    expect(await c.run('cost', '--json')).toBe(0);
    const report = JSON.parse(c.out.join('\n')) as CostReport;
    const now = f.clock.now();
    const spent = async (r: GpuRequest) =>
      (await machinesOf(f, r)).reduce((s, m) => s + (Number(m.status!.pricePerHour) * (now - Date.parse(m.status!.launchedAt!))) / HOUR, 0);
    const hourly = async (r: GpuRequest) => (await machinesOf(f, r)).reduce((s, m) => s + Number(m.status!.pricePerHour), 0);

    expect(report.requests.map((r) => `${r.namespace}/${r.name} ${r.phase} ${r.running}`)).toEqual(['ml/train Ready 2', 'research/serve Ready 1']);
    expect(report.requests[0]!.hourlyCost).toBe(formatPrice(await hourly(train)));
    expect(report.requests[0]!.accumulatedCost).toBe(formatPrice(await spent(train)));
    expect(report.requests[1]!.accumulatedCost).toBe(formatPrice(await spent(serve)));
    expect(report.namespaces.map((n) => n.namespace)).toEqual(['ml', 'research']);
    expect(report.hourlyCost).toBe(formatPrice((await hourly(train)) + (await hourly(serve))));
    expect(report.providers).toHaveLength(1);
    expect(report.providers[0]!.provider).toBe('sim');
    expect(report.providers[0]!.running).toBe(3);
    const savings = (await machinesOf(f, train)).reduce((s, m) => s + Number(m.status!.onDemandPricePerHour) - Number(m.status!.pricePerHour), 0);
    expect(Number(report.spotSavingsPerHour)).toBeCloseTo(savings, 4);
    expect(savings).toBeGreaterThan(0);
    expect(report.budgets).toEqual([
      { namespace: 'research', name: 'cap', period: 'week', maxHourlyCost: '5', maxPeriodCost: '100', exceeded: false, hourlyCost: formatPrice(await hourly(serve)), periodCost: formatPrice(await spent(serve)) },
    ]);
    expect((await get(f, train))?.status?.phase).toBe('Ready');
  });

  test('the table: one row per request, then namespaces, providers, budgets and the total', async () => {
    const c = cli(f);
    expect(await c.run('cost')).toBe(0);
    expect(c.out[0]).toMatch(/^NAMESPACE\s+REQUEST\s+PHASE\s+PROVIDER\s+RUNNING\s+PRICE\/H\s+SPENT$/);
    expect(c.out[1]).toMatch(/^ml\s+train\s+Ready\s+sim\s+2\s+\$\d+\.\d+\s+\$\d+\.\d+$/);
    expect(c.out.some((l) => /^research\s+cap\s+\$[\d.]+\s+\$5\s+week\s+\$[\d.]+\s+\$100\s+no$/.test(l))).toBe(true);
    expect(c.out.find((l) => l.startsWith('Total:'))).toMatch(/^Total: \$[\d.]+\/h now, \$[\d.]+ spent by the GpuRequests listed, spot saving \$[\d.]+\/h\.$/);
  });

  test('--namespace keeps to one namespace', async () => {
    const c = cli(f);
    expect(await c.run('cost', '--namespace', 'research', '--json')).toBe(0);
    const report = JSON.parse(c.out.join('\n')) as CostReport;
    expect(report.requests.map((r) => r.name)).toEqual(['serve']);
    expect(report.namespaces.map((n) => n.namespace)).toEqual(['research']);
  });

  test('bad flags are refused with the flag named; --help prints the flags', async () => {
    const c = cli(f);
    expect(await c.run('cost', '--namespace')).toBe(EXIT_USAGE);
    expect(c.err[0]).toBe('error: --namespace needs a value');
    expect(await c.run('cost', '--bogus')).toBe(EXIT_USAGE);
    expect(c.err[2]).toBe('error: unknown flag --bogus');
    expect(await c.run('cost', '--help')).toBe(0);
    expect(c.out[0]).toContain('usage: gpu-provisioner cost');
  });

  test('a cluster that cannot be read gives one line saying so, and exit 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const unreachable = { list: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')) } as unknown as ClusterPort;
    const deps: OffersDeps = { env: {}, clock: f.clock, logger: silentLogger(), out: (l) => out.push(l), err: (l) => err.push(l), factories: {}, connectCluster: () => unreachable };
    expect(await run(['cost'], deps)).toBe(1);
    expect(err).toEqual(['error: cannot read GpuRequests, GpuMachines and GpuBudgets from the cluster: connect ECONNREFUSED 127.0.0.1:6443']);
    expect(out).toEqual([]);
  });
});
