import { Writable } from 'node:stream';
import { ConditionTypes, Reasons } from '../../src/api/constants.js';
import type { GpuProvider } from '../../src/api/types.js';
import { applyDefaults } from '../../src/api/validate.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type KubeObject, type Secret } from '../../src/kube/types.js';
import { Operator } from '../../src/operator.js';
import { lambdaDefinition } from '../../src/providers/lambda/definition.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import type { CloudProvider } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import { drive } from '../support/operator-fixture.js';
import { startScriptedServer, type ScriptedResponse, type ScriptedServer } from '../support/scripted-server.js';

const createLambdaProvider = lambdaDefinition.factory();

const API_KEY = 'secret_lambda_key_4f1b2c3d9e';

function gpuProvider(name: string, spec: GpuProvider['spec']): KubeObject {
  return applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name }, spec } as KubeObject);
}

function secret(name: string, data: Record<string, string>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'gpu-provisioner' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

describe('GpuProvider controller', () => {
  let lambda: ScriptedServer;
  /** How Lambda answers the credential check right now. */
  let check: 'ok' | '503' | '429' | 'hang' | '401' | '403' = 'ok';
  let logs: string[];
  let f: { clock: FakeClock; cluster: MemoryCluster; cloud: SimCloud; operator: Operator };

  beforeAll(async () => {
    lambda = await startScriptedServer({
      'GET /api/v1/ssh-keys': (req): ScriptedResponse => {
        if (req.headers.authorization !== `Bearer ${API_KEY}` || check === '401') {
          return { status: 401, body: { error: { code: 'global/invalid-api-key', message: `API key was invalid, expired, or deleted: ${req.headers.authorization}` } } };
        }
        switch (check) {
          case '403':
            return { status: 403, body: { error: { code: 'global/account-inactive', message: 'Your account is inactive.' } } };
          case '503':
            return { status: 503, body: '<html>Service Unavailable</html>', headers: { 'content-type': 'text/html' } };
          case '429':
            return { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'global/too-many-requests', message: 'Too many requests' } } };
          case 'hang':
            return { hang: true };
          default:
            return { status: 200, body: { data: [] } };
        }
      },
      'GET /api/v1/instance-types': { status: 200, body: { data: {} } },
    });
  });
  afterAll(() => lambda.stop());

  beforeEach(() => {
    check = 'ok';
    const clock = new FakeClock();
    const cluster = new MemoryCluster({ clock });
    const cloud = new SimCloud({ clock });
    logs = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    });
    const operator = new Operator({
      cluster,
      clock,
      logger: createLogger({ stream, format: 'json', level: 'debug' }),
      namespace: 'gpu-provisioner',
      factories: {
        sim: simProviderFactory(cloud),
        lambda: (config, ctx) => createLambdaProvider(config, { ...ctx, baseUrl: lambda.baseUrl }),
      },
    });
    f = { clock, cluster, cloud, operator };
  });

  const reconcile = (name: string) => drive(f.clock, f.operator.providerController.reconcile(name));
  const conditions = async (name: string) => (await f.cluster.get<GpuProvider>(Kinds.GpuProvider, name))?.status?.conditions ?? [];
  const cond = async (name: string, type: string) => (await conditions(name)).find((c) => c.type === type);

  test('a working sim account is Ready, counts its offers and joins the registry', async () => {
    await f.cluster.create(Kinds.GpuProvider, gpuProvider('sim', { type: 'sim' }));
    await reconcile('sim');
    const gp = await f.cluster.get<GpuProvider>(Kinds.GpuProvider, 'sim');
    expect(await cond('sim', ConditionTypes.Ready)).toMatchObject({ status: 'True' });
    expect(await cond('sim', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'True' });
    expect(gp?.status?.offers).toBeGreaterThan(10);
    expect(gp?.status?.pricesRefreshedAt).toBeDefined();
    expect(f.operator.registry.get('sim')).toBeDefined();
  });

  test('a missing Secret is a condition that names it, and the provider stays out of the registry', async () => {
    await f.cluster.create(Kinds.GpuProvider, gpuProvider('lambda', { type: 'lambda', credentialsSecretRef: { name: 'lambda-creds', namespace: 'gpu-provisioner' }, lambda: { sshKeyName: 'ops' } }));
    await reconcile('lambda');
    expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'False', reason: Reasons.CredentialsMissing });
    expect((await cond('lambda', ConditionTypes.Ready))?.message).toMatch(/gpu-provisioner\/lambda-creds not found/);
    expect(f.operator.registry.get('lambda')).toBeUndefined();
  });

  test('refused credentials say what to fix and never show the key anywhere', async () => {
    await f.cluster.create(Kinds.Secret, secret('lambda-creds', { apiKey: `${API_KEY}-wrong` }));
    await f.cluster.create(Kinds.GpuProvider, gpuProvider('lambda', { type: 'lambda', credentialsSecretRef: { name: 'lambda-creds', namespace: 'gpu-provisioner' }, lambda: { sshKeyName: 'ops' } }));
    const result = await reconcile('lambda');
    expect(result.requeueAfterMs).toBeGreaterThan(0);
    const valid = await cond('lambda', ConditionTypes.CredentialsValid);
    expect(valid).toMatchObject({ status: 'False', reason: Reasons.CredentialsInvalid });
    expect(valid?.message).toMatch(/update the Secret gpu-provisioner\/lambda-creds/);
    expect(f.operator.registry.get('lambda')).toBeUndefined();

    const everything = JSON.stringify(await f.cluster.get(Kinds.GpuProvider, 'lambda')) + JSON.stringify(f.cluster.events()) + logs.join('');
    expect(everything).not.toContain(API_KEY);
    expect(logs.join('')).toMatch(/credential check failed/);

    // Fixing the Secret is picked up: the Secret watch maps it back to this GpuProvider.
    await f.cluster.replace(Kinds.Secret, { ...(await f.cluster.get<Secret>(Kinds.Secret, 'lambda-creds', 'gpu-provisioner'))!, data: secret('x', { apiKey: API_KEY }).data });
    await reconcile('lambda');
    expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'True' });
    expect(f.operator.registry.get('lambda')).toBeDefined();
    expect(JSON.stringify(await f.cluster.get(Kinds.GpuProvider, 'lambda')) + logs.join('')).not.toContain(API_KEY);
  });

  test('a disabled provider leaves the registry and says so', async () => {
    await f.cluster.create(Kinds.GpuProvider, gpuProvider('sim', { type: 'sim' }));
    await reconcile('sim');
    await f.cluster.patch(Kinds.GpuProvider, 'sim', undefined, { spec: { enabled: false } });
    await reconcile('sim');
    expect(f.operator.registry.get('sim')).toBeUndefined();
    expect(await cond('sim', ConditionTypes.Ready)).toMatchObject({ status: 'False', reason: 'Disabled' });
  });

  test('an adapter whose module does not load is ProviderNotReady, saying why, and is built again later', async () => {
    let builds = 0;
    const operator = new Operator({
      cluster: f.cluster,
      clock: f.clock,
      logger: silentLogger(),
      namespace: 'gpu-provisioner',
      // What the AWS factory meets when its SDK is missing from the image.
      factories: {
        aws: async () => {
          builds++;
          const sdk = '@aws-sdk/client-not-installed';
          return ((await import(sdk)) as { provider: CloudProvider }).provider;
        },
      },
    });
    await f.cluster.create(Kinds.GpuProvider, gpuProvider('aws', { type: 'aws', regions: ['us-east-1'] }));
    const result = await drive(f.clock, operator.providerController.reconcile('aws'));
    const ready = await cond('aws', ConditionTypes.Ready);
    expect(ready).toMatchObject({ status: 'False', reason: Reasons.ProviderNotReady });
    expect(ready?.message).toMatch(/^cannot build the aws provider: .*@aws-sdk\/client-not-installed/);
    expect(operator.registry.get('aws')).toBeUndefined();
    expect(result.requeueAfterMs).toBe(60_000);
    await drive(f.clock, operator.providerController.reconcile('aws'));
    expect(builds).toBe(2);
  });

  describe('credential checks that fail', () => {
    // Generous client limits: the scripted Lambda answers at once, and the test should not wait on a token bucket.
    const lambdaSpec: GpuProvider['spec'] = {
      type: 'lambda',
      credentialsSecretRef: { name: 'lambda-creds', namespace: 'gpu-provisioner' },
      lambda: { sshKeyName: 'ops' },
      rateLimit: { requestsPerSecond: 100, burst: 100, maxConcurrent: 10 },
    };
    const working = async () => {
      await f.cluster.create(Kinds.Secret, secret('lambda-creds', { apiKey: API_KEY }));
      await f.cluster.create(Kinds.GpuProvider, gpuProvider('lambda', lambdaSpec));
      await reconcile('lambda');
      expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'True', reason: Reasons.CredentialsValid });
      expect(f.operator.registry.get('lambda')).toBeDefined();
    };

    test.each(['503', '429', 'hang'] as const)(
      'a transient failure (%s) keeps a provider whose credentials worked, and says so',
      async (failure) => {
        await working();
        const before = f.operator.registry.get('lambda');
        check = failure;
        const result = await reconcile('lambda');
        expect(f.operator.registry.get('lambda')).toBe(before);
        const valid = await cond('lambda', ConditionTypes.CredentialsValid);
        expect(valid).toMatchObject({ status: 'True', reason: Reasons.CredentialsCheckFailed });
        expect(valid?.message).toMatch(/^cannot reach lambda to check the credentials \(.+\); they worked before, so the provider stays in use/);
        expect(result.requeueAfterMs).toBeLessThanOrEqual(60_000);

        check = 'ok';
        await reconcile('lambda');
        expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'True', reason: Reasons.CredentialsValid });
        expect(f.operator.registry.get('lambda')).toBe(before);
      },
      60_000,
    );

    test('a new spec checked during an outage replaces the working provider without a gap', async () => {
      await working();
      const before = f.operator.registry.get('lambda');
      check = '503';
      await f.cluster.patch(Kinds.GpuProvider, 'lambda', undefined, { spec: { regions: ['us-east-1'] } });
      const seen: unknown[] = [];
      const pending = f.operator.providerController.reconcile('lambda');
      // While the new one is being checked, the old one is still there to look after its machines.
      for (let i = 0; i < 200; i++) {
        seen.push(f.operator.registry.get('lambda'));
        await f.clock.advance(10);
      }
      await drive(f.clock, pending);
      expect(seen.every((p) => p !== undefined)).toBe(true);
      const after = f.operator.registry.get('lambda');
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'True', reason: Reasons.CredentialsCheckFailed });
    });

    test('a transient failure before the credentials ever worked keeps the provider out, their state Unknown', async () => {
      check = '503';
      await f.cluster.create(Kinds.Secret, secret('lambda-creds', { apiKey: API_KEY }));
      await f.cluster.create(Kinds.GpuProvider, gpuProvider('lambda', lambdaSpec));
      const result = await reconcile('lambda');
      expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'Unknown', reason: Reasons.CredentialsCheckFailed });
      expect(await cond('lambda', ConditionTypes.Ready)).toMatchObject({ status: 'False', reason: Reasons.CredentialsCheckFailed });
      expect(f.operator.registry.get('lambda')).toBeUndefined();
      expect(result.requeueAfterMs).toBe(60_000);
      check = 'ok';
      await reconcile('lambda');
      expect(f.operator.registry.get('lambda')).toBeDefined();
    });

    test.each(['401', '403'] as const)('a refusal (%s) takes a working provider out of use', async (refusal) => {
      await working();
      check = refusal;
      await reconcile('lambda');
      expect(f.operator.registry.get('lambda')).toBeUndefined();
      const valid = await cond('lambda', ConditionTypes.CredentialsValid);
      expect(valid).toMatchObject({ status: 'False', reason: Reasons.CredentialsInvalid });
      expect(valid?.message).toMatch(/update the Secret gpu-provisioner\/lambda-creds/);
    });

    test('a deleted Secret takes a working provider out of use', async () => {
      await working();
      await f.cluster.delete(Kinds.Secret, 'lambda-creds', 'gpu-provisioner');
      await reconcile('lambda');
      expect(f.operator.registry.get('lambda')).toBeUndefined();
      expect(await cond('lambda', ConditionTypes.CredentialsValid)).toMatchObject({ status: 'False', reason: Reasons.CredentialsMissing });
    });
  });
});
