import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import {
  credentialsFromEnv,
  credentialsFromSecret,
  credentialsWithoutSecret,
} from '../../src/providers/definition.js';
import { isRetryable, TransientError, UnsupportedError } from '../../src/providers/errors.js';
import type { ProviderCallMetrics } from '../../src/providers/pipeline/metrics.js';
import { definitionOf, PROVIDER_DEFINITIONS, ProviderRegistry } from '../../src/providers/registry.js';
import { PROVIDER_TYPES, type CloudProvider, type ProviderContext } from '../../src/providers/types.js';
import { FakeClock, RealClock, type Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { contractLaunchRequest } from './contract.js';

function ctx(clock: Clock = new FakeClock()): ProviderContext {
  return { clusterName: 'c', credentials: {}, clock, logger: silentLogger(), cluster: new MemoryCluster({ clock }) };
}

describe('the provider registry', () => {
  it('lists exactly one definition per type of the GpuProvider CRD enum', async () => {
    const crd = parse(readFileSync('crds/gpu-provisioner.dev_gpuproviders.yaml', 'utf8')) as {
      spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: { type: { enum: string[] } } } } } } }[] };
    };
    const enumTypes = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.type.enum;
    expect(PROVIDER_DEFINITIONS.map((d) => d.type).sort()).toEqual([...enumTypes].sort());
    expect([...PROVIDER_TYPES].sort()).toEqual([...enumTypes].sort());
    for (const t of PROVIDER_TYPES) expect(definitionOf(t)?.type).toBe(t);
    expect(definitionOf('gcp')).toBeUndefined();
    await expect(new ProviderRegistry().build({ name: 'x', spec: { type: 'gcp' as 'sim' } }, ctx())).rejects.toThrow(UnsupportedError);
  });

  it('gives sim providers built from one registry one shared cloud, and another registry its own', async () => {
    const c = ctx();
    const registry = new ProviderRegistry();
    const spec = { type: 'sim' as const, sim: { callLatencyMs: 0 } };
    const a = await registry.build({ name: 'sim-a', spec }, c);
    const b = await registry.build({ name: 'sim-a', spec }, c);
    const open = (await a.listOffers()).find((o) => o.available);
    const made = await a.create(contractLaunchRequest('c', open!, 0));
    expect((await b.list()).map((i) => i.id)).toEqual([made.id]);
    const other = await new ProviderRegistry().build({ name: 'sim-a', spec }, c);
    expect(await other.list()).toEqual([]);
    await Promise.all([a.close(), b.close(), other.close()]);
  });

  it('keeps live providers by GpuProvider name', async () => {
    const registry = new ProviderRegistry();
    const p = await registry.build({ name: 'sim-1', spec: { type: 'sim' } }, ctx());
    registry.set('sim-1', p);
    expect(registry.get('sim-1')).toBe(p);
    expect(registry.all()).toEqual([p]);
    expect(registry.remove('sim-1')).toBe(true);
    expect(registry.get('sim-1')).toBeUndefined();
    expect(registry.all()).toEqual([]);
    await p.close();
  });

  it('builds every provider inside the pipeline: its mapper, retries and metrics', async () => {
    const clock = new RealClock();
    const seen: string[] = [];
    const metrics: ProviderCallMetrics = {
      observe: (l) => seen.push(`${l.method}:${l.outcome}`),
      failed: (l) => seen.push(`${l.method}:failed:${l.kind}`),
    };
    let calls = 0;
    const flaky = (name: string): CloudProvider => ({
      name,
      type: 'lambda',
      capabilities: { unsupported: {} },
      listOffers: () => {
        calls++;
        // What undici throws when the socket is refused: the adapter let it through unmapped.
        if (calls === 1) return Promise.reject(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }));
        return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')"));
      },
      create: () => Promise.reject(new Error('unused')),
      get: () => Promise.reject(new Error('unused')),
      list: () => Promise.resolve([]),
      delete: () => Promise.resolve(),
      checkCredentials: () => Promise.resolve(),
    });
    const registry = new ProviderRegistry({ lambda: (config) => flaky(config.name) });
    const p = await registry.build({ name: 'lambda-main', spec: { type: 'lambda' } }, { ...ctx(clock), credentials: { apiKey: 'k' } }, { metrics, random: () => 0 });
    // The network failure is mapped by Lambda's mapper to TransientError and retried; the bug is not.
    const err = await p.listOffers().catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(err).toBeInstanceOf(TypeError);
    expect(isRetryable(err)).toBe(false);
    expect(seen).toEqual(['listOffers:error', 'listOffers:failed:Unmapped']);
    await p.close();
  });
});

describe('credentials as the definitions ask for them', () => {
  const lambda = definitionOf('lambda')!;
  const aws = definitionOf('aws')!;
  const sim = definitionOf('sim')!;

  it('the same rule for every type without a Secret: required keys are a problem, optional and none are not', () => {
    expect(credentialsWithoutSecret(lambda)).toEqual({ problem: 'spec.credentialsSecretRef is required for lambda: name a Secret holding apiKey' });
    expect(credentialsWithoutSecret(aws)).toEqual({ values: {} });
    expect(credentialsWithoutSecret(sim)).toEqual({ values: {} });
  });

  it('an empty Secret or one without the key is refused, naming what to put there', () => {
    expect(credentialsFromSecret(lambda, {}, 'Secret ops/lambda')).toEqual({ problem: 'Secret ops/lambda is empty; put the Lambda Cloud apiKey in it' });
    expect(credentialsFromSecret(lambda, { token: 'x' }, 'Secret ops/lambda')).toEqual({
      problem: 'Secret ops/lambda has no apiKey; the Lambda Cloud adapter needs apiKey',
    });
    expect(credentialsFromSecret(aws, {}, 'Secret ops/aws')).toMatchObject({ problem: expect.stringContaining('Secret ops/aws is empty') });
    expect(credentialsFromSecret(aws, { accessKeyId: 'AKIA1' }, 'Secret ops/aws')).toEqual({
      problem: 'Secret ops/aws has no secretAccessKey; the AWS EC2 adapter needs accessKeyId and secretAccessKey (optional sessionToken)',
    });
  });

  it('spec.credentialsSecretRef.key names the Secret key that holds a single-key provider its key', () => {
    expect(credentialsFromSecret(lambda, { token: ' lk ' }, 'Secret ops/lambda', 'token')).toEqual({ values: { apiKey: 'lk' } });
    expect(credentialsFromSecret(lambda, { apiKey: 'lk' }, 'Secret ops/lambda', 'token')).toEqual({ problem: 'Secret ops/lambda has no key token' });
    expect(credentialsFromSecret(aws, { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', other: 'x' }, 'Secret ops/aws')).toEqual({
      values: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' },
    });
  });

  it('reads the environment variables each definition names', () => {
    expect(credentialsFromEnv(lambda, { LAMBDA_API_KEY: 'lk' })).toEqual({ values: { apiKey: 'lk' } });
    expect(credentialsFromEnv(lambda, {})).toBeUndefined();
    expect(credentialsFromEnv(aws, { AWS_PROFILE: 'prod' })).toEqual({ values: {} });
    expect(credentialsFromEnv(aws, {})).toBeUndefined();
  });
});

it('a transient failure is retryable and nothing else unknown is', () => {
  expect(isRetryable(new TransientError('503'))).toBe(true);
  expect(isRetryable(new Error('boom'))).toBe(false);
});
