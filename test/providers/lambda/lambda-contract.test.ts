import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { lambdaDefinition } from '../../../src/providers/lambda/definition.js';
import { describeProviderContract } from '../contract.js';
import { FakeLambda } from './fake-lambda.js';

const createLambdaProvider = lambdaDefinition.factory();

const API_KEY = 'secret_contract_key_5f2c';
let fake: FakeLambda | undefined;

describeProviderContract('lambda', async () => {
  fake = await FakeLambda.start(API_KEY);
  const f = fake;
  const provider = await createLambdaProvider(
    { name: 'lambda-main', spec: { type: 'lambda', lambda: { sshKeyName: 'ops' } } },
    { clusterName: 'contract', credentials: { apiKey: API_KEY }, clock: new FakeClock(), logger: silentLogger(), baseUrl: f.baseUrl },
  );
  return {
    provider,
    clusterName: 'contract',
    launchCount: () => f.launches,
    unknownId: '0000000000000000000000000000dead',
    stop: () => f.stop(),
  };
});

describe('lambda contract backing fake', () => {
  it('saw only requests and gave only answers that the Lambda spec allows', () => {
    expect(fake).toBeDefined();
    expect(fake!.requests.length).toBeGreaterThan(0);
    expect(fake!.violations).toEqual([]);
  });
});

describe('lambda contract backing fake, checked itself', () => {
  it('records a launch request that breaks the spec and refuses it', async () => {
    const own = await FakeLambda.start(API_KEY);
    try {
      const res = await fetch(`${own.baseUrl}/api/v1/instance-operations/launch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        // ssh_key_names is required; hostname must be DNS-safe.
        body: JSON.stringify({ region_name: 'us-east-1', instance_type_name: 'gpu_1x_a10', hostname: 'Not Valid' }),
      });
      expect(res.status).toBe(400);
      expect(own.violations.join('\n')).toMatch(/ssh_key_names/);
      expect(own.launches).toBe(0);
    } finally {
      await own.stop();
    }
  });
});
