/**
 * The real SDK (no client mock) against a scripted EC2 Query endpoint on localhost:
 * checks what goes over the wire and that errors.ts reads the errors the SDK actually
 * builds from EC2's XML error bodies, status codes and headers.
 */
import { Labels } from '../../../src/api/constants.js';
import { buildProvider } from '../../../src/providers/pipeline/pipeline.js';
import { awsDefinition } from '../../../src/providers/aws/definition.js';
import { AwsProvider } from '../../../src/providers/aws/aws-provider.js';
import {
  AuthError,
  InsufficientCapacityError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
} from '../../../src/providers/errors.js';
import type { LaunchRequest } from '../../../src/providers/types.js';
import { RealClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { type ScriptedResponse, type ScriptedServer, startScriptedServer } from '../../support/scripted-server.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;
}

const RUN_OK = `<?xml version="1.0" encoding="UTF-8"?>
<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>6c5d3f2e-0000-4000-8000-example</requestId>
  <reservationId>r-0a1b2c3d4e5f60718</reservationId>
  <ownerId>123456789012</ownerId>
  <groupSet/>
  <instancesSet>
    <item>
      <instanceId>i-0a1b2c3d4e5f60718</instanceId>
      <imageId>ami-0talos0000000000a</imageId>
      <instanceState><code>0</code><name>pending</name></instanceState>
      <instanceType>g5.xlarge</instanceType>
      <launchTime>2026-01-01T00:00:00.000Z</launchTime>
      <placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>
      <instanceLifecycle>spot</instanceLifecycle>
    </item>
  </instancesSet>
</RunInstancesResponse>`;

const ZONES_OK = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>6c5d3f2e-0000-4000-8000-example</requestId>
  <availabilityZoneInfo><item><zoneName>us-east-1a</zoneName><zoneState>available</zoneState><regionName>us-east-1</regionName></item></availabilityZoneInfo>
</DescribeAvailabilityZonesResponse>`;

const xml = (body: string, status = 200, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  body,
  headers: { 'content-type': 'text/xml;charset=UTF-8', ...headers },
});

let script: (action: string) => ScriptedResponse = () => xml(ZONES_OK);
let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer((req) => {
    const action = new URLSearchParams(req.body).get('Action') ?? '';
    return script(action);
  });
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  server.requests.length = 0;
});

function provider(): AwsProvider {
  return new AwsProvider(
    'aws-wire',
    { type: 'aws', regions: ['us-east-1'], aws: { amis: { 'us-east-1': 'ami-0talos0000000000a' } } },
    {
      clusterName: 'prod-east',
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
      clock: new RealClock(),
      logger: silentLogger(),
      baseUrl: server.baseUrl,
    },
  );
}

const request: LaunchRequest = {
  idempotencyKey: 'gpr-prod-east-1a2b3c4d-0-0',
  name: 'gpr-prod-east-1a2b3c4d-0-0',
  offer: {
    provider: 'aws-wire',
    providerType: 'aws',
    instanceType: 'g5.xlarge',
    gpuModel: 'A10G',
    gpuCount: 1,
    gpuMemoryGiB: 24,
    vcpus: 4,
    memoryGiB: 16,
    region: 'us-east-1',
    zone: 'us-east-1a',
    capacityType: 'spot',
    pricePerHour: 0.4121,
    available: true,
  },
  tags: { [Labels.requestName]: 'train' },
  bootstrap: { hostname: 'h', nodeLabels: {}, nodeTaints: [], userData: 'machine:\n  type: worker\n' },
};

describe('AWS adapter over the wire (real SDK, scripted EC2)', () => {
  it('sends one signed RunInstances with the launch parameters as EC2 Query fields', async () => {
    script = () => xml(RUN_OK);
    const inst = await provider().create(request);
    expect(inst).toMatchObject({ id: 'i-0a1b2c3d4e5f60718', zone: 'us-east-1a', capacityType: 'spot', state: 'pending' });
    expect(inst.providerID).toBe('aws:///us-east-1a/i-0a1b2c3d4e5f60718');

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    const form = new URLSearchParams(sent.body);
    expect(form.get('Action')).toBe('RunInstances');
    expect(form.get('ClientToken')).toBe(request.idempotencyKey);
    expect(form.get('MetadataOptions.HttpTokens')).toBe('required');
    expect(form.get('InstanceMarketOptions.MarketType')).toBe('spot');
    expect(form.get('InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior')).toBe('terminate');
    expect(form.get('Placement.AvailabilityZone')).toBe('us-east-1a');
    expect(Buffer.from(form.get('UserData') ?? '', 'base64').toString('utf8')).toBe(request.bootstrap.userData);
    expect(form.get('TagSpecification.1.ResourceType')).toBe('instance');
    expect(form.get('TagSpecification.2.ResourceType')).toBe('volume');
    expect(String(sent.headers.authorization)).toContain(`Credential=${ACCESS_KEY_ID}/`);
    expect(sent.body).not.toContain(SECRET);
  });

  it.each([
    ['InsufficientInstanceCapacity', 500, InsufficientCapacityError],
    ['VcpuLimitExceeded', 400, QuotaExceededError],
    ['AuthFailure', 401, AuthError],
    ['InvalidInstanceID.NotFound', 400, NotFoundError],
    ['InternalError', 500, TransientError],
  ])('reads an EC2 %s (HTTP %i) error body', async (code, status, expected) => {
    script = () => xml(errorXml(code, `scripted ${code}`), status);
    const err = await provider().checkCredentials().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(expected);
    expect((err as Error).message).toContain(code);
    // One attempt per call: retries belong to the decorators.
    expect(server.requests).toHaveLength(1);
  });

  it('reads RequestLimitExceeded (503) as rate limited with the Retry-After the server sent', async () => {
    script = () => xml(errorXml('RequestLimitExceeded', 'Request limit exceeded.'), 503, { 'retry-after': '3' });
    const err = await provider().checkCredentials().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(3000);
  });

  it('treats a bare 502 from a proxy and a malformed body as transient', async () => {
    script = () => ({ status: 502, body: 'Bad Gateway', headers: { 'content-type': 'text/plain' } });
    await expect(provider().checkCredentials()).rejects.toBeInstanceOf(TransientError);
    script = () => xml('<DescribeAvailabilityZonesResponse><availabilityZoneInfo><item>');
    const err = await provider().checkCredentials().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
  });

  it("gives up on a server that never answers at the pipeline's timeout, aborting the request on the wire", async () => {
    script = () => ({ hang: true });
    const started = Date.now();
    const piped = await buildProvider(
      awsDefinition,
      { name: 'aws-wire', spec: { type: 'aws', regions: ['us-east-1'] } },
      { clusterName: 'prod-east', credentials: {}, clock: new RealClock(), logger: silentLogger() },
      { factory: () => provider(), timeoutMs: 300, retry: { maxRetries: 0 } },
    );
    const err = await piped.checkCredentials().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
