import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  UnsupportedError,
} from '../../../src/providers/errors.js';
import { buildProvider } from '../../../src/providers/pipeline/pipeline.js';
import { lambdaDefinition } from '../../../src/providers/lambda/definition.js';
import { LambdaProvider, toLambdaTagKey, fromLambdaTagKey } from '../../../src/providers/lambda/lambda-provider.js';
import type { LaunchRequest, Offer } from '../../../src/providers/types.js';
import { FakeClock, RealClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { startPrism, type PrismServer } from '../../support/prism.js';
import { startScriptedServer, type ScriptedRoutes, type ScriptedServer } from '../../support/scripted-server.js';
import { contractLaunchRequest } from '../contract.js';
import { FakeLambda } from './fake-lambda.js';
import { lambdaGpuModel } from '../../../src/providers/lambda/gpu-names.js';
import { INSTANCE_TYPES_RESPONSE } from './fixtures/instance-types.js';

const API_KEY = 'secret_lambda_key_9d1e0c77a2';
const CLUSTER = 'prod-eu';

function provider(baseUrl: string, opts: { apiKey?: string; sshKeyName?: string | null } = {}) {
  const ssh = opts.sshKeyName === null ? {} : { lambda: { sshKeyName: opts.sshKeyName ?? 'ops' } };
  return new LambdaProvider(
    'lambda-main',
    { name: 'lambda-main', spec: { type: 'lambda', ...ssh } },
    { clusterName: CLUSTER, credentials: { apiKey: opts.apiKey ?? API_KEY }, clock: new FakeClock(), logger: silentLogger(), baseUrl },
  );
}

function offer(over: Partial<Offer> = {}): Offer {
  return {
    provider: 'lambda-main',
    providerType: 'lambda',
    instanceType: 'gpu_1x_gh200',
    gpuModel: 'GH200',
    gpuCount: 1,
    gpuMemoryGiB: 96,
    vcpus: 64,
    memoryGiB: 432,
    region: 'us-west-1',
    capacityType: 'on-demand',
    pricePerHour: 1.49,
    available: true,
    ...over,
  };
}

function launchRequest(over: Partial<Offer> = {}, slot = 1): LaunchRequest {
  return contractLaunchRequest(CLUSTER, offer(over), slot);
}

function lambdaInstance(id: string, name: string, status: string) {
  return {
    id,
    name,
    status,
    ssh_key_names: ['ops'],
    file_system_names: [],
    region: { name: 'us-west-1', description: 'California, USA' },
    instance_type: {
      name: 'gpu_1x_gh200',
      description: '1x GH200 (96 GB)',
      gpu_description: 'GH200 (96 GB)',
      price_cents_per_hour: 149,
      specs: { vcpus: 64, memory_gib: 432, storage_gib: 4096, gpus: 1 },
    },
    actions: {},
    tags: [{ key: 'gpu-provisioner-dev:request-name', value: 'train' }],
  };
}

const ownName = 'gpr-prod-eu-c0ffee00-1-0';

describe('Lambda adapter against Prism serving the Lambda spec', () => {
  let prism: PrismServer;

  beforeAll(async () => {
    prism = await startPrism('openapi/lambda.openapi.json');
  });
  afterAll(async () => {
    await prism?.stop();
  });

  it('turns instance types into one on-demand offer per region with capacity', async () => {
    const offers = await provider(prism.baseUrl).listOffers();
    expect(offers).toEqual([
      {
        provider: 'lambda-main',
        providerType: 'lambda',
        instanceType: 'gpu_1x_gh200',
        gpuModel: 'GH200',
        gpuCount: 1,
        gpuMemoryGiB: 96,
        vcpus: 64,
        memoryGiB: 432,
        arch: 'arm64',
        region: 'us-west-1',
        capacityType: 'on-demand',
        pricePerHour: 1.49,
        available: true,
      },
    ]);
  });

  it('launches with a request the spec accepts and returns the new id', async () => {
    const inst = await provider(prism.baseUrl).create(launchRequest());
    expect(inst.id).toBe('0920582c7ff041399e34823a0be62549');
    expect(inst.state).toBe('pending');
    expect(inst.name).toBe(ownName);
  });

  it('fails when a request breaks the spec (an unknown region)', async () => {
    await expect(provider(prism.baseUrl).create(launchRequest({ region: 'mars-north-1' }))).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('gets an instance and maps its fields', async () => {
    const inst = await provider(prism.baseUrl).get('0920582c7ff041399e34823a0be62549');
    expect(inst.id).toBe('0920582c7ff041399e34823a0be62549');
    expect(inst.state).toBe('pending');
    expect(inst.capacityType).toBe('on-demand');
    expect(inst.pricePerHour).toBeGreaterThan(0);
  });

  it('lists none of the example instances, which this cluster does not own', async () => {
    expect(await provider(prism.baseUrl).list()).toEqual([]);
  });

  it('terminates and checks credentials with calls the spec accepts', async () => {
    const p = provider(prism.baseUrl);
    await expect(p.delete('0920582c7ff041399e34823a0be62549')).resolves.toBeUndefined();
    await expect(p.checkCredentials()).resolves.toBeUndefined();
  });
});

describe('Lambda adapter against scripted answers', () => {
  let server: ScriptedServer | undefined;
  const start = async (routes: ScriptedRoutes) => {
    server = await startScriptedServer(routes);
    return server;
  };
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const noInstances = { 'GET /api/v1/instances': { body: { data: [] } } };
  const launchFails = (status: number, code: string, message: string, headers?: Record<string, string>) => ({
    ...noInstances,
    'POST /api/v1/instance-operations/launch': { status, headers, body: { error: { code, message } } },
  });

  it('sends the launch as Lambda expects it, with the bearer key', async () => {
    const s = await start({ ...noInstances, 'POST /api/v1/instance-operations/launch': { body: { data: { instance_ids: ['i-1'] } } } });
    const req = launchRequest();
    await provider(s.baseUrl).create(req);
    const launch = s.requests.find((r) => r.method === 'POST')!;
    expect(launch.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(launch.body)).toEqual({
      region_name: 'us-west-1',
      instance_type_name: 'gpu_1x_gh200',
      ssh_key_names: ['ops'],
      name: ownName,
      hostname: ownName,
      user_data: req.bootstrap.userData,
      tags: [
        { key: 'gpu-provisioner-dev:cluster', value: CLUSTER },
        { key: 'gpu-provisioner-dev:request-namespace', value: 'default' },
        { key: 'gpu-provisioner-dev:request-name', value: 'contract' },
        { key: 'gpu-provisioner-dev:request-uid', value: 'c0ffee00-0000-4000-8000-000000000000' },
        { key: 'gpu-provisioner-dev:machine', value: 'gpr-prod-eu-c0ffee00-1-0' },
      ],
    });
  });

  it('returns the instance already launched under the same name instead of launching again', async () => {
    const s = await start({ 'GET /api/v1/instances': { body: { data: [lambdaInstance('i-9', ownName, 'active')] } } });
    const inst = await provider(s.baseUrl).create(launchRequest());
    expect(inst.id).toBe('i-9');
    expect(inst.state).toBe('running');
    expect(s.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('launches again when the instance with that name is already terminated', async () => {
    const s = await start({
      'GET /api/v1/instances': { body: { data: [lambdaInstance('i-old', ownName, 'terminated')] } },
      'POST /api/v1/instance-operations/launch': { body: { data: { instance_ids: ['i-new'] } } },
    });
    expect((await provider(s.baseUrl).create(launchRequest())).id).toBe('i-new');
  });

  it('maps no capacity to InsufficientCapacityError', async () => {
    const s = await start(launchFails(400, 'instance-operations/launch/insufficient-capacity', 'Not enough capacity to fulfill launch request.'));
    await expect(provider(s.baseUrl).create(launchRequest())).rejects.toBeInstanceOf(InsufficientCapacityError);
  });

  it('maps quota to QuotaExceededError', async () => {
    const s = await start(launchFails(400, 'global/quota-exceeded', 'Quota exceeded.'));
    await expect(provider(s.baseUrl).create(launchRequest())).rejects.toBeInstanceOf(QuotaExceededError);
  });

  it('maps 429 to RateLimitedError carrying Retry-After', async () => {
    const s = await start(launchFails(429, 'global/too-many-requests', 'slow down', { 'retry-after': '12' }));
    const err = await provider(s.baseUrl).create(launchRequest()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(12_000);
  });

  it('maps 5xx to TransientError', async () => {
    const s = await start({ 'GET /api/v1/instance-types': { status: 503, body: '<html>unavailable</html>' } });
    await expect(provider(s.baseUrl).listOffers()).rejects.toBeInstanceOf(TransientError);
  });

  it("gives up at the pipeline's timeout with a TransientError, the request aborted", async () => {
    const s = await start({ 'GET /api/v1/instance-types': { hang: true } });
    const config = { name: 'lambda-main', spec: { type: 'lambda' as const } };
    const ctx = { clusterName: CLUSTER, credentials: { apiKey: API_KEY }, clock: new RealClock(), logger: silentLogger(), baseUrl: s.baseUrl };
    const p = await buildProvider(lambdaDefinition, config, ctx, { timeoutMs: 150, retry: { maxRetries: 0 } });
    const started = Date.now();
    const err = await p.listOffers().catch((e: unknown) => e);
    await p.close();
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe('lambda-main.listOffers timed out after 150ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('passes the caller abort through, not as a provider error', async () => {
    const s = await start({ 'GET /api/v1/instance-types': { hang: true } });
    const ac = new AbortController();
    const pending = provider(s.baseUrl).listOffers(ac.signal).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 50);
    const err = (await pending) as Error;
    expect(err.name).toBe('AbortError');
    expect(err).not.toBeInstanceOf(TransientError);
  });

  it('maps malformed JSON to TransientError', async () => {
    const s = await start({ 'GET /api/v1/instances': { body: '{"data": [' } });
    await expect(provider(s.baseUrl).list()).rejects.toBeInstanceOf(TransientError);
  });

  it('maps a bad key to AuthError', async () => {
    const s = await start({
      'GET /api/v1/ssh-keys': { status: 401, body: { error: { code: 'global/invalid-api-key', message: 'API key was invalid, expired, or deleted.' } } },
    });
    await expect(provider(s.baseUrl).checkCredentials()).rejects.toBeInstanceOf(AuthError);
  });

  it('refuses to call at all without a key', async () => {
    const s = await start(noInstances);
    await expect(provider(s.baseUrl, { apiKey: '' }).checkCredentials()).rejects.toBeInstanceOf(AuthError);
    expect(s.requests).toEqual([]);
  });

  it('refuses spot offers and launches without an SSH key before calling Lambda', async () => {
    const s = await start(noInstances);
    await expect(provider(s.baseUrl).create(launchRequest({ capacityType: 'spot' }))).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider(s.baseUrl, { sshKeyName: null }).create(launchRequest())).rejects.toBeInstanceOf(InvalidRequestError);
    expect(s.requests).toEqual([]);
  });

  it('throws NotFoundError from get for an unknown id, and delete of it resolves', async () => {
    const gone = { status: 404, body: { error: { code: 'global/object-does-not-exist', message: 'Specified instance does not exist.' } } };
    const s = await start({ 'GET /api/v1/instances/nope': gone, 'POST /api/v1/instance-operations/terminate': gone });
    const p = provider(s.baseUrl);
    await expect(p.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(p.delete('nope')).resolves.toBeUndefined();
  });

  it('does not treat a missing SSH key on launch as a missing instance', async () => {
    const s = await start(launchFails(404, 'global/object-does-not-exist', 'Specified SSH key does not exist.'));
    await expect(provider(s.baseUrl).create(launchRequest())).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('lists only this cluster\'s live instances, with tags mapped back', async () => {
    const s = await start({
      'GET /api/v1/instances': {
        body: {
          data: [
            lambdaInstance('i-1', ownName, 'active'),
            lambdaInstance('i-2', 'gpr-prod-eu-c0ffee00-2-0', 'terminated'),
            lambdaInstance('i-3', 'gpr-other-c0ffee00-1-0', 'active'),
            lambdaInstance('i-4', 'My Instance', 'active'),
            lambdaInstance('i-5', 'gpr-prod-eu-c0ffee00-3-0', 'terminating'),
          ],
        },
      },
    });
    const listed = await provider(s.baseUrl).list();
    expect(listed.map((i) => [i.id, i.state])).toEqual([
      ['i-1', 'running'],
      ['i-5', 'terminating'],
    ]);
    expect(listed[0]!.tags).toEqual({ 'gpu-provisioner.dev/request-name': 'train' });
    expect(listed[0]!.pricePerHour).toBeCloseTo(1.49);
  });

  it('reports a preempted instance of this cluster once', async () => {
    const s = await start({
      'GET /api/v1/instances': {
        body: { data: [lambdaInstance('i-1', ownName, 'preempted'), lambdaInstance('i-3', 'gpr-other-c0ffee00-1-0', 'preempted')] },
      },
    });
    const p = provider(s.baseUrl);
    const first = await p.pollInterruptions();
    expect(first.map((n) => [n.instanceId, n.kind])).toEqual([['i-1', 'terminated']]);
    expect(await p.pollInterruptions()).toEqual([]);
    expect(await p.list()).toEqual([]);
  });

  it('never puts the API key into an error message, even when Lambda echoes it', async () => {
    const echo = `invalid key ${API_KEY} (Authorization: Bearer ${API_KEY})`;
    const cases: [ScriptedRoutes, (p: LambdaProvider) => Promise<unknown>][] = [
      [{ 'GET /api/v1/ssh-keys': { status: 401, body: { error: { code: 'global/invalid-api-key', message: echo } } } }, (p) => p.checkCredentials()],
      [launchFails(400, 'instance-operations/launch/insufficient-capacity', echo), (p) => p.create(launchRequest())],
      [launchFails(400, 'global/quota-exceeded', echo), (p) => p.create(launchRequest())],
      [launchFails(429, 'global/too-many-requests', echo), (p) => p.create(launchRequest())],
      [{ 'GET /api/v1/instance-types': { status: 500, body: echo } }, (p) => p.listOffers()],
      [{ 'GET /api/v1/instances/x': { status: 404, body: { error: { code: 'global/object-does-not-exist', message: echo } } } }, (p) => p.get('x')],
      [{ 'GET /api/v1/instances': { body: `{"data": "${API_KEY}` } }, (p) => p.list()],
    ];
    for (const [routes, call] of cases) {
      const s = await startScriptedServer(routes);
      try {
        const err = await call(provider(s.baseUrl)).then(
          () => new Error('expected a failure'),
          (e: unknown) => e as Error,
        );
        expect(err.message).not.toBe('expected a failure');
        expect(err.message).not.toContain(API_KEY);
        expect(String(err.stack)).not.toContain(API_KEY);
      } finally {
        await s.stop();
      }
    }
  });
});

describe('Lambda tag keys', () => {
  it('round-trip the operator tags through the characters Lambda allows', () => {
    const key = toLambdaTagKey('gpu-provisioner.dev/launch-key');
    expect(key).toBe('gpu-provisioner-dev:launch-key');
    expect(fromLambdaTagKey(key!)).toBe('gpu-provisioner.dev/launch-key');
    expect(toLambdaTagKey('9bad')).toBeUndefined();
  });
});

describe('Lambda offers', () => {
  it('skips unknown GPUs and types without capacity, and honours the configured regions', async () => {
    const fake = await FakeLambda.start(API_KEY);
    try {
      const all = await provider(fake.baseUrl).listOffers();
      expect(all.map((o) => `${o.instanceType}@${o.region}:${o.gpuModel}x${o.gpuCount}:$${o.pricePerHour}`).sort()).toEqual([
        'gpu_1x_a10@us-east-1:A10x1:$0.75',
        'gpu_1x_a10@us-west-1:A10x1:$0.75',
        'gpu_8x_h100_sxm5@us-south-1:H100x8:$23.92',
      ]);
      const onlyEast = new LambdaProvider(
        'lambda-main',
        { name: 'lambda-main', spec: { type: 'lambda', regions: ['us-east-1'] } },
        { clusterName: CLUSTER, credentials: { apiKey: API_KEY }, clock: new FakeClock(), logger: silentLogger(), baseUrl: fake.baseUrl },
      );
      expect((await onlyEast.listOffers()).map((o) => o.region)).toEqual(['us-east-1']);
    } finally {
      await fake.stop();
    }
  });
});

describe('Lambda GPU names', () => {
  it.each([
    ['H100 (80 GB SXM5)', 'H100'],
    ['H100 (80 GB PCIe)', 'H100'],
    ['A100 (40 GB SXM4)', 'A100-40GB'],
    ['A100 (80 GB SXM4)', 'A100-80GB'],
    ['A10 (24 GB PCIe)', 'A10'],
    ['GH200 (96 GB)', 'GH200'],
    ['B200 (180 GB SXM6)', 'B200'],
    ['RTX A6000 (48 GB)', 'RTX-A6000'],
    ['A6000 (48 GB)', 'RTX-A6000'],
    ['Tesla V100 (16 GB)', 'V100'],
    ['RTX 6000 (24 GB)', undefined],
    ['Quantum Annealer 9000', undefined],
  ])('%s -> %s', (name, model) => {
    expect(lambdaGpuModel(name)).toBe(model);
  });
});

describe('Lambda offers from a recorded instance-types answer', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ 'GET /api/v1/instance-types': { status: 200, body: INSTANCE_TYPES_RESPONSE } });
  });
  afterAll(() => server.stop());

  it.each([
    // name, region, model, GPUs, memory per GPU, arch
    ['gpu_1x_a6000', 'us-east-1', 'RTX-A6000', 1, 48, 'amd64'],
    ['gpu_4x_a6000', 'us-west-3', 'RTX-A6000', 4, 48, 'amd64'],
    ['gpu_1x_gh200', 'us-east-1', 'GH200', 1, 96, 'arm64'],
    ['gpu_8x_b200_sxm6', 'us-south-1', 'B200', 8, 180, 'amd64'],
    ['gpu_8x_h100_sxm5', 'us-west-3', 'H100', 8, 80, 'amd64'],
    ['gpu_1x_h100_pcie', 'us-west-3', 'H100', 1, 80, 'amd64'],
    ['gpu_8x_a100_80gb_sxm4', 'us-east-1', 'A100-80GB', 8, 80, 'amd64'],
    ['gpu_8x_a100', 'us-west-3', 'A100-40GB', 8, 40, 'amd64'],
    ['gpu_1x_a10', 'us-east-1', 'A10', 1, 24, 'amd64'],
  ])('%s in %s is %s x%i with %i GiB each, %s', async (name, region, model, gpus, memory, arch) => {
    const offers = await provider(server.baseUrl).listOffers();
    expect(offers.find((o) => o.instanceType === name && o.region === region)).toMatchObject({
      gpuModel: model,
      gpuCount: gpus,
      gpuMemoryGiB: memory,
      arch,
      capacityType: 'on-demand',
    });
  });

  it('prices per machine-hour from cents, and leaves out what it cannot name or has no capacity', async () => {
    const offers = await provider(server.baseUrl).listOffers();
    expect(offers.find((o) => o.instanceType === 'gpu_8x_b200_sxm6')?.pricePerHour).toBe(53.52);
    // The Quadro RTX 6000 is no model users can ask for; the V100 machine has no region with capacity.
    expect(offers.some((o) => o.instanceType === 'gpu_1x_rtx6000' || o.instanceType === 'gpu_8x_v100')).toBe(false);
    expect(offers).toHaveLength(12);
  });
});
