import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AuthError,
  InsufficientCapacityError,
  isProviderError,
  NotFoundError,
  RateLimitedError,
  TransientError,
} from '../../../src/providers/errors.js';
import { instanceNamePrefix } from '../../../src/providers/naming.js';
import { RunPodEnv, RunPodProvider, type RunPodProviderOptions, runpodInstanceType } from '../../../src/providers/runpod/runpod-provider.js';
import { CATALOG_GPUS_RESPONSE } from './fixtures/catalog-gpus.js';
import { buildProvider } from '../../../src/providers/pipeline/pipeline.js';
import { runpodDefinition } from '../../../src/providers/runpod/definition.js';
import type { LaunchRequest, Offer } from '../../../src/providers/types.js';
import { FakeClock, flushMicrotasks } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { startScriptedServer, type ScriptedRoutes, type ScriptedServer } from '../../support/scripted-server.js';
import { FakeRunPod } from './fake-runpod.js';

const createRunPodProvider = runpodDefinition.factory();

const API_KEY = 'rpa_BEHAVIOURKEY0000000000000000';
const CLUSTER = 'Prod.EU';
const PREFIX = 'gpr-prod-eu-';

let fake: FakeRunPod | undefined;
let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await fake?.stop();
  await scripted?.stop();
  fake = undefined;
  scripted = undefined;
});

function build(baseUrl: string, options: RunPodProviderOptions = {}, regions?: string[], clock = new FakeClock()): RunPodProvider {
  return new RunPodProvider(
    { name: 'runpod-main', spec: { type: 'runpod', ...(regions ? { regions } : {}) } },
    { clusterName: CLUSTER, credentials: { apiKey: API_KEY }, clock, logger: silentLogger(), baseUrl },
    options,
  );
}

async function withFake(options: RunPodProviderOptions = {}, regions?: string[]): Promise<{ f: FakeRunPod; p: RunPodProvider }> {
  fake = await FakeRunPod.start(API_KEY);
  return { f: fake, p: build(fake.baseUrl, options, regions) };
}

async function withScript(routes: ScriptedRoutes, options: RunPodProviderOptions = {}, clock?: FakeClock): Promise<RunPodProvider> {
  scripted = await startScriptedServer(routes);
  return build(scripted.baseUrl, options, undefined, clock);
}

function offer(overrides: Partial<Offer> = {}): Offer {
  return {
    provider: 'runpod-main',
    providerType: 'runpod',
    instanceType: '1x NVIDIA H100 80GB HBM3',
    gpuModel: 'H100',
    gpuCount: 1,
    gpuMemoryGiB: 80,
    vcpus: 2,
    memoryGiB: 8,
    region: 'US-KS-2',
    capacityType: 'on-demand',
    pricePerHour: 2.69,
    available: true,
    ...overrides,
  };
}

function launch(o: Offer = offer(), name = `${PREFIX}1a2b3c4d-0-0`): LaunchRequest {
  return {
    idempotencyKey: name,
    name,
    offer: o,
    tags: { 'gpu-provisioner.dev/request-name': 'train', 'gpu-provisioner.dev/request-uid': '1a2b3c4d' },
    bootstrap: { hostname: name, nodeLabels: {}, nodeTaints: [], userData: 'machine:\n  token: TALOS-SECRET-TOKEN\n' },
  };
}

const POD = (overrides: Record<string, unknown> = {}) => ({
  id: 'pod1',
  name: `${PREFIX}1a2b3c4d-0-0`,
  desiredStatus: 'RUNNING',
  interruptible: false,
  env: {},
  costPerHr: 2.69,
  gpu: { id: 'NVIDIA H100 80GB HBM3', count: 1 },
  machine: { dataCenterId: 'US-KS-2' },
  ...overrides,
});

describe('capabilities', () => {
  it('declares node join and capacity reservations unsupported, and spot off unless asked for', () => {
    const p = build('http://127.0.0.1:9');
    expect(p.capabilities.unsupported['node-join']).toBe('RunPod runs containers, not machines: it cannot boot Talos or run a kubelet');
    expect(p.capabilities.unsupported['capacity-reservation']).toBeDefined();
    expect(p.capabilities.unsupported.spot).toBeDefined();
    expect(build('http://127.0.0.1:9', { spotPrices: true }).capabilities.unsupported.spot).toBeUndefined();
  });

  it('turns spot on from the GpuProvider spec', async () => {
    const ctx = { clusterName: CLUSTER, credentials: { apiKey: API_KEY }, clock: new FakeClock(), logger: silentLogger() };
    const on = await createRunPodProvider({ name: 'rp', spec: { type: 'runpod', runpod: { spotPrices: true } } }, ctx);
    const off = await createRunPodProvider({ name: 'rp', spec: { type: 'runpod' } }, ctx);
    expect(on.capabilities.unsupported.spot).toBeUndefined();
    expect(off.capabilities.unsupported.spot).toMatch(/spec\.runpod\.spotPrices/);
  });

  it('owns names by a DNS-safe cluster prefix', () => {
    expect(instanceNamePrefix(CLUSTER)).toBe(PREFIX);
  });
});

describe('listOffers', () => {
  it('offers mapped secure-cloud GPUs per data centre and count, priced per pod', async () => {
    const { f, p } = await withFake();
    const offers = await p.listOffers();
    const summary = offers.map((o) => `${o.instanceType}@${o.region}:${o.capacityType}:${o.pricePerHour}:${o.available}`).sort();
    expect(summary).toEqual(
      [
        '1x NVIDIA GeForce RTX 4090@US-TX-3:on-demand:0.69:true',
        '2x NVIDIA GeForce RTX 4090@US-TX-3:on-demand:1.38:true',
        '1x NVIDIA H100 80GB HBM3@US-KS-2:on-demand:2.69:true',
        '1x NVIDIA H100 80GB HBM3@EU-RO-1:on-demand:2.69:false',
        '2x NVIDIA H100 80GB HBM3@US-KS-2:on-demand:5.38:true',
        '2x NVIDIA H100 80GB HBM3@EU-RO-1:on-demand:5.38:false',
        '4x NVIDIA H100 80GB HBM3@US-KS-2:on-demand:10.76:true',
        '4x NVIDIA H100 80GB HBM3@EU-RO-1:on-demand:10.76:false',
        '8x NVIDIA H100 80GB HBM3@US-KS-2:on-demand:21.52:true',
        '8x NVIDIA H100 80GB HBM3@EU-RO-1:on-demand:21.52:false',
      ].sort(),
    );
    // A40 has no normalised model, L4 is community-only: neither is offered.
    expect(offers.some((o) => o.instanceType.includes('A40') || o.instanceType.includes('L4'))).toBe(false);
    const h100x4 = offers.find((o) => o.instanceType === '4x NVIDIA H100 80GB HBM3')!;
    expect(h100x4).toMatchObject({ gpuModel: 'H100', gpuMemoryGiB: 80, vcpus: 8, memoryGiB: 32 });
    expect(f.violations).toEqual([]);
    // No GraphQL call when spot is off.
    expect(f.requests.some((r) => r.path === '/graphql')).toBe(false);
  });

  it('keeps to the provider region allow-list', async () => {
    const { p } = await withFake({}, ['EU-RO-1']);
    const offers = await p.listOffers();
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => o.region))).toEqual(new Set(['EU-RO-1']));
  });

  it('adds spot offers at the GraphQL minimum bid, with the key in a header and never in the URL', async () => {
    const { f, p } = await withFake({ spotPrices: true, gpuCounts: [1, 2] });
    const offers = await p.listOffers();
    const spot = offers.filter((o) => o.capacityType === 'spot' && o.region === 'US-KS-2');
    expect(spot.map((o) => [o.instanceType, o.pricePerHour])).toEqual([
      ['1x NVIDIA H100 80GB HBM3', 1.75],
      ['2x NVIDIA H100 80GB HBM3', 3.5],
    ]);
    const gql = f.requests.find((r) => r.path.startsWith('/graphql'))!;
    expect(gql.path).toBe('/graphql');
    expect(gql.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(gql.body).query).toMatch(/n1: lowestPrice\(input: \{gpuCount: 1, secureCloud: true\}\) \{ minimumBidPrice/);
  });

  it('still offers on-demand when the GraphQL spot query fails', async () => {
    const { f, p } = await withFake({ spotPrices: true, gpuCounts: [1] });
    f.graphqlDown = true;
    const offers = await p.listOffers();
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.every((o) => o.capacityType === 'on-demand')).toBe(true);
  });

  it('asks the catalog for pod availability in the chosen cloud', async () => {
    const { f, p } = await withFake({ cloud: 'COMMUNITY', gpuCounts: [1] });
    const offers = await p.listOffers();
    const catalogCall = f.requests.find((r) => r.path.startsWith('/v2/catalog/gpus'))!;
    const q = new URL(catalogCall.path, 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({ include: 'AVAILABILITY', product: 'POD', count: '1', cloud: 'COMMUNITY' });
    // L4 is community-only, so it shows up here at the community price.
    expect(offers.find((o) => o.gpuModel === 'L4')?.pricePerHour).toBe(0.43);
  });
});

describe('create', () => {
  it('launches one pod with the name, GPU, data centre and tags, and never the Talos user-data', async () => {
    const { f, p } = await withFake();
    const inst = await p.create(launch());
    expect(inst).toMatchObject({
      name: `${PREFIX}1a2b3c4d-0-0`,
      instanceType: '1x NVIDIA H100 80GB HBM3',
      region: 'US-KS-2',
      capacityType: 'on-demand',
      state: 'running',
      idempotencyKey: `${PREFIX}1a2b3c4d-0-0`,
      tags: { 'gpu-provisioner.dev/request-name': 'train', 'gpu-provisioner.dev/request-uid': '1a2b3c4d' },
    });
    const post = f.requests.find((r) => r.method === 'POST' && r.path === '/v1/pods')!;
    const body = JSON.parse(post.body);
    expect(body).toMatchObject({
      name: `${PREFIX}1a2b3c4d-0-0`,
      gpuTypeIds: ['NVIDIA H100 80GB HBM3'],
      gpuCount: 1,
      interruptible: false,
      dataCenterIds: ['US-KS-2'],
      cloudType: 'SECURE',
    });
    expect(JSON.parse(body.env[RunPodEnv.tags])).toEqual(launch().tags);
    expect(post.body).not.toContain('TALOS-SECRET-TOKEN');
    expect(f.violations).toEqual([]);
  });

  it('asks for an interruptible pod for a spot offer', async () => {
    const { f, p } = await withFake();
    const inst = await p.create(launch(offer({ capacityType: 'spot' })));
    expect(inst.capacityType).toBe('spot');
    expect(JSON.parse(f.requests.find((r) => r.method === 'POST')!.body).interruptible).toBe(true);
  });

  it('returns the pod already made under the same name instead of launching a second', async () => {
    const { f, p } = await withFake();
    const first = await p.create(launch());
    const again = await p.create(launch());
    expect(again.id).toBe(first.id);
    expect(f.launches).toBe(1);
  });

  it('prefixes a name that lacks the cluster prefix, so the pod is still owned', async () => {
    const { p } = await withFake();
    const inst = await p.create(launch(offer(), 'bare-name'));
    expect(inst.name).toBe(`${PREFIX}bare-name`);
    expect((await p.list()).map((i) => i.id)).toEqual([inst.id]);
  });

  it('turns "no longer any instances available" into InsufficientCapacityError', async () => {
    const { f, p } = await withFake();
    f.nextCreateFailure = {
      status: 400,
      body: { error: 'create pod: There are no longer any instances available with the requested specifications. Please refresh and try again.' },
    };
    await expect(p.create(launch())).rejects.toBeInstanceOf(InsufficientCapacityError);
    expect(f.launches).toBe(0);
  });

  it('refuses an offer that is not RunPod\'s without calling RunPod', async () => {
    const { f, p } = await withFake();
    await expect(p.create(launch(offer({ providerType: 'lambda', instanceType: 'gpu_1x_h100' })))).rejects.toThrow(/not a RunPod offer/);
    expect(f.requests).toEqual([]);
  });
});

describe('list, get and delete', () => {
  it('lists only this cluster\'s pods that are not terminated, with their tags read back', async () => {
    const tags = { 'gpu-provisioner.dev/request-name': 'train' };
    const p = await withScript({
      'GET /v1/pods': {
        status: 200,
        body: [
          POD({ id: 'mine', env: { [RunPodEnv.tags]: JSON.stringify(tags), [RunPodEnv.launchedAt]: '2026-01-01T01:00:00.000Z' } }),
          POD({ id: 'gone', desiredStatus: 'TERMINATED' }),
          POD({ id: 'other-cluster', name: 'gpr-staging-1a2b3c4d-0-0' }),
          POD({ id: 'hand-made', name: 'my notebook' }),
        ],
      },
    });
    const listed = await p.list();
    expect(listed.map((i) => i.id)).toEqual(['mine']);
    expect(listed[0]).toMatchObject({ tags, launchedAt: Date.parse('2026-01-01T01:00:00.000Z'), pricePerHour: 2.69, region: 'US-KS-2' });
  });

  it('reads a cost RunPod sends as a string', async () => {
    const p = await withScript({ 'GET /v1/pods/pod1': { status: 200, body: POD({ costPerHr: '0.74' }) } });
    expect((await p.get('pod1')).pricePerHour).toBe(0.74);
  });

  it('throws NotFoundError from get for an unknown pod', async () => {
    const p = await withScript({ 'GET /v1/pods/nope': { status: 404, body: { error: 'pod not found' } } });
    await expect(p.get('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('treats delete of a pod RunPod no longer knows as done', async () => {
    const p = await withScript({
      'DELETE /v1/pods/nope': { status: 404 },
      'DELETE /v1/pods/gone': { status: 400, body: { error: 'Invalid Pod ID.' } },
      'GET /v1/pods/gone': { status: 404 },
    });
    await expect(p.delete('nope')).resolves.toBeUndefined();
    await expect(p.delete('gone')).resolves.toBeUndefined();
  });

  it('still fails a delete RunPod refuses for a pod that exists', async () => {
    const p = await withScript({
      'DELETE /v1/pods/pod1': { status: 400, body: { error: 'pod is locked' } },
      'GET /v1/pods/pod1': { status: 200, body: POD() },
    });
    await expect(p.delete('pod1')).rejects.toThrow(/pod is locked/);
  });
});

describe('error paths', () => {
  it('honours Retry-After on 429', async () => {
    const p = await withScript({
      'GET /v1/pods': { status: 429, headers: { 'Retry-After': '7' }, body: { error: 'rate limit exceeded' } },
    });
    const err = await p.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(7_000);
  });

  it('reads the RateLimit header when there is no Retry-After', async () => {
    const p = await withScript({
      'GET /v2/catalog/gpus': {
        status: 429,
        headers: { RateLimit: '"minute";r=0;t=12, "hour";r=2800;t=1812' },
        body: { title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' },
      },
    });
    const err = await p.listOffers().catch((e: unknown) => e);
    expect((err as RateLimitedError).retryAfterMs).toBe(12_000);
  });

  it('maps 5xx, malformed JSON and 401 to Transient, Transient and Auth', async () => {
    const p = await withScript({
      'GET /v1/pods/five': { status: 503, body: 'Service Unavailable' },
      'GET /v1/pods/garbled': { status: 200, body: '{"id": "pod1", ' },
      'GET /v1/pods': { status: 401, body: { message: 'Unauthorized' } },
    });
    await expect(p.get('five')).rejects.toBeInstanceOf(TransientError);
    await expect(p.get('garbled')).rejects.toThrow(/malformed JSON/);
    await expect(p.checkCredentials()).rejects.toBeInstanceOf(AuthError);
  });

  it("fails with TransientError when RunPod does not answer within the pipeline's timeout", async () => {
    const clock = new FakeClock();
    const inner = await withScript({ 'GET /v1/pods': { hang: true } }, {}, clock);
    const p = await buildProvider(
      runpodDefinition,
      { name: 'runpod-main', spec: { type: 'runpod' } },
      { clusterName: 'prod', credentials: { apiKey: 'k' }, clock, logger: silentLogger() },
      { factory: () => inner, timeoutMs: 5_000, retry: { maxRetries: 0 } },
    );
    const pending = p.list().catch((e: unknown) => e);
    while (scripted!.requests.length === 0) await flushMicrotasks();
    await clock.advance(5_000);
    const err = await pending;
    await p.close();
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe('runpod-main.list timed out after 5000ms');
  });

  it('passes a caller abort through as an abort, not a cloud failure', async () => {
    const p = await withScript({ 'GET /v1/pods': { hang: true } });
    const ctrl = new AbortController();
    const pending = p.list(ctrl.signal).catch((e: unknown) => e);
    while (scripted!.requests.length === 0) await flushMicrotasks();
    ctrl.abort();
    const err = await pending;
    expect(isProviderError(err)).toBe(false);
    expect((err as Error).name).toBe('AbortError');
  });

  it('never puts the API key in an error message, even when RunPod echoes it', async () => {
    const echo = { error: `bad request from Bearer ${API_KEY}` };
    const p = await withScript({
      'GET /v1/pods': { status: 400, body: echo },
      'GET /v1/pods/a': { status: 401, body: echo },
      'GET /v1/pods/b': { status: 429, body: echo },
      'GET /v1/pods/c': { status: 500, body: echo },
      'POST /v1/pods': { status: 400, body: { error: `There are no longer any instances available ${API_KEY}` } },
      'DELETE /v1/pods/d': { status: 403, body: echo },
      'GET /v2/catalog/gpus': { status: 502, body: `<html>${API_KEY}</html>` },
    });
    const attempts: Array<Promise<unknown>> = [
      p.list(),
      p.get('a'),
      p.get('b'),
      p.get('c'),
      p.delete('d'),
      p.listOffers(),
      p.checkCredentials(),
    ];
    for (const attempt of attempts) {
      const err = await attempt.then(
        () => new Error('expected a failure'),
        (e: unknown) => e,
      );
      expect(isProviderError(err)).toBe(true);
      expect((err as Error).message).not.toContain(API_KEY);
    }
  });
});

describe('pollInterruptions', () => {
  it('reports an interruptible pod that exited without our delete, once', async () => {
    const { f, p } = await withFake();
    const spot = await p.create(launch(offer({ capacityType: 'spot' }), `${PREFIX}1a2b3c4d-0-0`));
    const onDemand = await p.create(launch(offer(), `${PREFIX}1a2b3c4d-1-0`));
    expect(await p.pollInterruptions()).toEqual([]);
    f.interrupt(spot.id);
    f.interrupt(onDemand.id);
    const notices = await p.pollInterruptions();
    expect(notices).toEqual([{ provider: 'runpod-main', instanceId: spot.id, kind: 'spot-interruption', receivedAt: Date.parse('2026-01-01T00:00:00Z') }]);
    expect(await p.pollInterruptions()).toEqual([]);
  });

  it('reports an interruptible pod that vanished without our delete', async () => {
    const { f, p } = await withFake();
    const spot = await p.create(launch(offer({ capacityType: 'spot' })));
    f.vanish(spot.id);
    expect((await p.pollInterruptions()).map((n) => n.instanceId)).toEqual([spot.id]);
  });

  it('does not report pods we deleted ourselves', async () => {
    const { p } = await withFake();
    const a = await p.create(launch(offer({ capacityType: 'spot' }), `${PREFIX}1a2b3c4d-0-0`));
    const b = await p.create(launch(offer({ capacityType: 'spot' }), `${PREFIX}1a2b3c4d-1-0`));
    await p.pollInterruptions();
    await p.delete(a.id);
    await p.delete(b.id);
    expect(await p.pollInterruptions()).toEqual([]);
  });
});

describe('the fake itself', () => {
  it('records a pod request that breaks the RunPod spec and refuses it', async () => {
    fake = await FakeRunPod.start(API_KEY);
    const res = await fetch(`${fake.baseUrl}/v1/pods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', gpuTypeIds: ['NVIDIA H100 80GB HBM3'], dataCenterIds: ['MARS-1'] }),
    });
    expect(res.status).toBe(400);
    expect(fake.violations.join('\n')).toMatch(/POST \/pods request breaks the spec/);
    expect(fake.launches).toBe(0);
  });
});

describe('RunPod offers from a recorded catalogue answer', () => {
  it.each([
    // GPU type id, model, memory per GPU, data centre, available
    ['NVIDIA H100 80GB HBM3', 'H100', 80, 'US-KS-2', true],
    ['NVIDIA H100 NVL', 'H100', 94, 'US-KS-2', true],
    ['NVIDIA H100 PCIe', 'H100', 80, 'CA-MTL-1', true],
    ['NVIDIA A100-SXM4-80GB', 'A100-80GB', 80, 'US-KS-2', true],
    ['NVIDIA A100 80GB PCIe', 'A100-80GB', 80, 'EU-RO-1', false],
  ] as [string, string, number, string, boolean][])('%s is %s with %i GB each, in %s', async (id, model, memory, region, available) => {
    const p = await withScript({ 'GET /v2/catalog/gpus': { status: 200, body: CATALOG_GPUS_RESPONSE } }, { gpuCounts: [1] });
    const offer = (await p.listOffers()).find((o) => o.instanceType === runpodInstanceType(id, 1) && o.region === region);
    expect(offer).toMatchObject({ gpuModel: model, gpuCount: 1, gpuMemoryGiB: memory, available, capacityType: 'on-demand' });
  });

  it('leaves out a GPU it cannot name (A40) instead of guessing', async () => {
    const p = await withScript({ 'GET /v2/catalog/gpus': { status: 200, body: CATALOG_GPUS_RESPONSE } }, { gpuCounts: [1] });
    const offers = await p.listOffers();
    expect(offers.some((o) => o.instanceType.includes('A40'))).toBe(false);
    expect(offers.find((o) => o.instanceType === runpodInstanceType('NVIDIA H100 NVL', 1))?.pricePerHour).toBe(3.19);
  });
});
