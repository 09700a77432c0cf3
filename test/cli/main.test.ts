import { EXIT_USAGE, run } from '../../src/cli/main.js';
import type { OffersDeps } from '../../src/cli/offers-command.js';
import { Kinds } from '../../src/kube/types.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { AuthError } from '../../src/providers/errors.js';
import { simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import type { CloudProvider, Offer, ProviderFactory } from '../../src/providers/types.js';
import { RealClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

const RUNPOD_KEY = 'rpa_SECRET_0123456789';
const LAMBDA_KEY = 'secret_lambda_key_abcdef';

interface Harness {
  deps: OffersDeps;
  out: string[];
  err: string[];
}

/** A provider that serves fixed offers, or fails with an error that quotes its key. */
function fixedProvider(
  offers: Offer[],
  opts: { unsupported?: CloudProvider['capabilities']['unsupported']; fail?: boolean } = {},
): ProviderFactory {
  return (config, ctx) => {
    const unused = () => Promise.reject(new Error('not used by a listing'));
    return {
      name: config.name,
      type: config.spec.type,
      capabilities: { unsupported: opts.unsupported ?? {} },
      listOffers: () =>
        opts.fail
          ? Promise.reject(new AuthError(`key ${ctx.credentials.apiKey} was refused`))
          : Promise.resolve(offers.map((o) => ({ ...o, provider: config.name }))),
      create: unused,
      get: unused,
      list: unused,
      delete: unused,
      checkCredentials: () => Promise.resolve(),
    };
  };
}

function harness(overrides: Partial<OffersDeps> = {}): Harness {
  const out: string[] = [];
  const err: string[] = [];
  const deps: OffersDeps = {
    env: {},
    clock: new RealClock(),
    logger: silentLogger(),
    out: (l) => out.push(...l.split('\n')),
    err: (l) => err.push(...l.split('\n')),
    factories: { sim: simProviderFactory() },
    connectCluster: () => {
      throw new Error('no cluster in this test');
    },
    ...overrides,
  };
  return { deps, out, err };
}

/** The cells of each table row below the header, up to the first blank line. */
function rows(out: string[]): string[][] {
  const end = out.indexOf('');
  return out.slice(1, end < 0 ? undefined : end).map((l) => l.split(/\s{2,}/));
}

function column(out: string[], name: string): string[] {
  const i = out[0]!.split(/\s{2,}/).indexOf(name);
  expect(i).toBeGreaterThanOrEqual(0);
  return rows(out).map((r) => r[i]!);
}

const price = (cell: string) => Number(cell.replace('$', ''));

const H100: Offer = {
  provider: 'x',
  providerType: 'runpod',
  instanceType: 'NVIDIA H100 80GB HBM3',
  gpuModel: 'H100',
  gpuCount: 1,
  gpuMemoryGiB: 80,
  vcpus: 16,
  memoryGiB: 125,
  region: 'US-TX-3',
  capacityType: 'on-demand',
  pricePerHour: 0.5,
  available: true,
};

describe('gpu-provisioner offers', () => {
  it('--provider sim --gpu H100 --spot lists the sim cloud H100 spot offers, cheapest first', async () => {
    const h = harness();
    const code = await run(['offers', '--provider', 'sim', '--gpu', 'H100', '--spot'], h.deps);
    expect(code).toBe(0);
    expect(h.err).toEqual([]);
    expect(h.out[0]).toMatch(/^PROVIDER\s+TYPE\s+GPU\s+COUNT\s+MEM\/GPU\s+VCPU\s+RAM\s+REGION\s+ZONE\s+CAPACITY\s+PRICE\/H\s+AVAILABLE\s+NODE-JOIN$/);
    expect(rows(h.out).length).toBeGreaterThan(1);
    expect(new Set(column(h.out, 'GPU'))).toEqual(new Set(['H100']));
    expect(new Set(column(h.out, 'CAPACITY'))).toEqual(new Set(['spot']));
    expect(new Set(column(h.out, 'PROVIDER'))).toEqual(new Set(['sim']));
    expect(new Set(column(h.out, 'AVAILABLE'))).toEqual(new Set(['yes']));
    const prices = column(h.out, 'PRICE/H').map(price);
    expect(prices.every((p) => p > 0)).toBe(true);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('--json prints the same offers as JSON, limited to the cheapest N', async () => {
    const h = harness();
    const code = await run(['offers', '--provider', 'sim', '--gpu', 'h100', '--count', '8', '--on-demand', '--json', '--limit', '2'], h.deps);
    expect(code).toBe(0);
    const offers = JSON.parse(h.out.join('\n')) as (Offer & { canJoinNode: boolean })[];
    expect(offers).toHaveLength(2);
    for (const o of offers) {
      expect(o).toMatchObject({ provider: 'sim', gpuModel: 'H100', gpuCount: 8, capacityType: 'on-demand', available: true, canJoinNode: true });
    }
    expect(offers[0]!.pricePerHour).toBeLessThanOrEqual(offers[1]!.pricePerHour);
    expect(h.err.join('\n')).toMatch(/showing the 2 cheapest of \d+ offers/);
  });

  it('with no credentials in the environment shows the sim cloud and says so', async () => {
    const h = harness();
    expect(await run(['offers', '--gpu', 'L4', '--limit', '1'], h.deps)).toBe(0);
    expect(h.err.join('\n')).toContain('showing the simulated cloud');
    expect(column(h.out, 'GPU')).toEqual(['L4']);
  });

  it('one provider failing prints a warning without its key, and the others still show', async () => {
    const h = harness({
      env: { RUNPOD_API_KEY: RUNPOD_KEY, LAMBDA_API_KEY: LAMBDA_KEY },
      factories: {
        runpod: fixedProvider([H100], { unsupported: { 'node-join': 'pods cannot run a kubelet' } }),
        lambda: fixedProvider([], { fail: true }),
      },
    });
    const code = await run(['offers'], h.deps);
    expect(code).toBe(0);
    expect(h.err).toEqual(['warning: lambda: listing offers failed: key *** was refused']);
    expect(rows(h.out)).toHaveLength(1);
    expect(column(h.out, 'PROVIDER')).toEqual(['runpod']);
    expect(column(h.out, 'NODE-JOIN')).toEqual(['no']);
    expect(h.out.at(-1)).toBe('runpod cannot join a node: pods cannot run a kubelet');
    expect([...h.out, ...h.err].join('\n')).not.toContain(RUNPOD_KEY);
    expect([...h.out, ...h.err].join('\n')).not.toContain(LAMBDA_KEY);
  });

  it('names a requested provider whose credentials or regions are missing', async () => {
    const h = harness({ env: {} });
    const code = await run(['offers', '--provider', 'sim', '--provider', 'lambda', '--provider', 'paperspace', '--provider', 'aws', '--limit', '1'], h.deps);
    expect(code).toBe(0);
    expect(h.err).toEqual(
      expect.arrayContaining([
        'warning: lambda: set LAMBDA_API_KEY to list its offers',
        'warning: paperspace: set PAPERSPACE_API_KEY to list its offers',
        'warning: aws: name the regions to list with --aws-region (or set AWS_REGION)',
      ]),
    );
    expect(column(h.out, 'PROVIDER')).toEqual(['sim']);
  });

  it('exits 1 when no provider could list', async () => {
    const h = harness({ env: { LAMBDA_API_KEY: LAMBDA_KEY }, factories: { lambda: fixedProvider([], { fail: true }) } });
    expect(await run(['offers', '--provider', 'lambda'], h.deps)).toBe(1);
    expect(h.err).toContain('error: no provider could list offers');
    expect(h.out).toEqual([]);
  });

  it('says how to see hidden offers when nothing matches', async () => {
    const h = harness();
    expect(await run(['offers', '--provider', 'sim', '--max-price', '0.01'], h.deps)).toBe(0);
    expect(h.out).toEqual([]);
    expect(h.err).toEqual(['no offers match (offers without capacity are hidden; --all shows them)']);
  });

  it('--from-cluster lists the GpuProviders of the cluster with their Secrets', async () => {
    const cluster = new MemoryCluster();
    await cluster.create(Kinds.GpuProvider, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: 'sim-lab' },
      spec: { type: 'sim' },
    });
    await cluster.create(Kinds.GpuProvider, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: 'runpod-team' },
      spec: { type: 'runpod', credentialsSecretRef: { name: 'runpod-creds' } },
    });
    await cluster.create(Kinds.Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'runpod-creds', namespace: 'ops' },
      data: { apiKey: Buffer.from(RUNPOD_KEY).toString('base64') },
    });
    await cluster.create(Kinds.GpuProvider, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: 'lambda-team' },
      spec: { type: 'lambda', credentialsSecretRef: { name: 'missing' } },
    });
    let seenKey: string | undefined;
    const runpod: ProviderFactory = (config, ctx) => {
      seenKey = ctx.credentials.apiKey;
      return fixedProvider([H100])(config, ctx);
    };
    const kubeconfigs: (string | undefined)[] = [];
    const h = harness({
      factories: { sim: simProviderFactory(), runpod },
      connectCluster: (k) => {
        kubeconfigs.push(k);
        return cluster;
      },
    });
    const code = await run(['offers', '--from-cluster', '--kubeconfig', '/tmp/kc', '--namespace', 'ops', '--gpu', 'H100', '--count', '1', '--limit', '3'], h.deps);
    expect(code).toBe(0);
    expect(kubeconfigs).toEqual(['/tmp/kc']);
    expect(seenKey).toBe(RUNPOD_KEY);
    expect(h.err).toEqual(['warning: lambda-team: Secret ops/missing not found', 'showing the 3 cheapest of 9 offers']);
    expect(column(h.out, 'PROVIDER')).toEqual(['runpod-team', 'sim-lab', 'sim-lab']);
    expect(h.out.join('\n')).not.toContain(RUNPOD_KEY);
  });

  it.each([
    [['offers', '--gpu'], 'error: --gpu needs a value'],
    [['offers', '--nope'], 'error: unknown flag --nope'],
    [['offer'], 'error: unknown command offer'],
  ])('%j exits 2 with a usage line', async (argv, message) => {
    const h = harness();
    expect(await run(argv, h.deps)).toBe(EXIT_USAGE);
    expect(h.err[0]).toBe(message);
    expect(h.err.some((l) => l.startsWith('usage: gpu-provisioner'))).toBe(true);
    expect(h.out).toEqual([]);
  });

  it('--help prints the flags and exits 0', async () => {
    const h = harness();
    expect(await run(['offers', '--help'], h.deps)).toBe(0);
    expect(h.out.join('\n')).toContain('--max-price USD');
    expect(await run(['--help'], h.deps)).toBe(0);
    expect(h.out.join('\n')).toContain('offers    list the GPU offers');
  });
});

describe('hints', () => {
  it('lists the known GPU models when --gpu names none of them', async () => {
    const h = harness();
    expect(await run(['offers', '--provider', 'sim', '--gpu', 'H1000'], h.deps)).toBe(0);
    expect(h.err[1]).toMatch(/^H1000 is not a GPU model this operator knows; try one of .*\bH100\b.*\bA100-80GB\b/);
  });

  it('gives no model hint for a known model that simply has no offers', async () => {
    const h = harness();
    await run(['offers', '--provider', 'sim', '--gpu', 'h100', '--max-price', '0.01'], h.deps);
    expect(h.err).toHaveLength(1);
  });
});
