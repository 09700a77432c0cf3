import { PassThrough } from 'node:stream';
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand } from '@aws-sdk/client-pricing';
import { Labels } from '../../../src/api/constants.js';
import type { GpuProviderSpec } from '../../../src/api/types.js';
import { AwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/aws-provider.js';
import { buildProvider } from '../../../src/providers/pipeline/pipeline.js';
import { awsDefinition } from '../../../src/providers/aws/definition.js';
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  TransientError,
  isNotFound,
} from '../../../src/providers/errors.js';
import type { LaunchRequest, Offer } from '../../../src/providers/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { createLogger, silentLogger } from '../../../src/util/logger.js';
import { offer as anyOffer } from '../../support/builders.js';
import { awsError, fakeEc2 } from './fake-ec2.js';

const createAwsProvider = awsDefinition.factory();

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION = 'FwoGZXIvYXdzEXAMPLEsessiontokenvalue0123456789';
const CREDENTIALS = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: SESSION };

const SPEC: GpuProviderSpec = {
  type: 'aws',
  regions: ['us-east-1'],
  aws: {
    amis: { 'us-east-1': 'ami-0talos0000000000a' },
    subnetIds: ['subnet-0aaa1111', 'subnet-0aaa2222', 'subnet-0bbb1111'],
    securityGroupIds: ['sg-0nodes', 'sg-0kubespan'],
    instanceProfile: 'gpu-node',
  },
};

const clock = new FakeClock();
const fake = fakeEc2(clock);
let logs: string[] = [];

function provider(spec: GpuProviderSpec = SPEC, options: AwsProviderOptions = {}, credentials = CREDENTIALS): AwsProvider {
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
  return new AwsProvider(
    'aws-main',
    spec,
    { clusterName: 'prod-east', credentials, clock, logger: createLogger({ stream, format: 'json', level: 'debug' }) },
    options,
  );
}

/** The spot offer of the provider under test, at the price the fake spot history gives. */
function offer(overrides: Partial<Offer> = {}): Offer {
  return anyOffer({ provider: 'aws-main', capacityType: 'spot', pricePerHour: 31.4648, ...overrides });
}

function launchRequest(overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    idempotencyKey: 'gpr-prod-east-1a2b3c4d-0-0',
    name: 'gpr-prod-east-1a2b3c4d-0-0',
    offer: offer(),
    tags: {
      [Labels.cluster]: 'prod-east',
      [Labels.requestNamespace]: 'ml',
      [Labels.requestName]: 'train',
      [Labels.requestUid]: '1a2b3c4d-0000-4000-8000-000000000000',
      [Labels.machine]: '0',
    },
    bootstrap: {
      hostname: 'gpr-prod-east-1a2b3c4d-0-0',
      nodeLabels: {},
      nodeTaints: [],
      userData: 'version: v1alpha1\nmachine:\n  type: worker\n',
    },
    ...overrides,
  };
}

function tagsOf(input: { TagSpecifications?: { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[] }, type: string) {
  const spec = input.TagSpecifications?.find((t) => t.ResourceType === type);
  return Object.fromEntries((spec?.Tags ?? []).map((t) => [t.Key, t.Value]));
}

beforeEach(() => {
  fake.reset();
  logs = [];
});

afterAll(() => {
  fake.ec2.restore();
  fake.pricing.restore();
});

describe('AwsProvider.listOffers', () => {
  it('offers spot and on-demand per zone with current prices, only in zones with a configured subnet', async () => {
    const offers = await provider().listOffers();
    const keys = offers.map((o) => `${o.instanceType}/${o.zone}/${o.capacityType}/${o.pricePerHour}`).sort();
    // us-east-1c has no subnet in SPEC, so g5.xlarge's cheapest spot zone is not offered.
    expect(keys).toEqual(
      [
        'g5.xlarge/us-east-1a/on-demand/1.006',
        'g5.xlarge/us-east-1a/spot/0.4121',
        'g5.xlarge/us-east-1b/on-demand/1.006',
        'p4d.24xlarge/us-east-1b/on-demand/21.9576',
        'p4de.24xlarge/us-east-1a/on-demand/27.447',
        'p5.48xlarge/us-east-1a/on-demand/55.04',
        'p5.48xlarge/us-east-1a/spot/31.4648',
        'p5.48xlarge/us-east-1b/on-demand/55.04',
        'p5.48xlarge/us-east-1b/spot/33.12',
      ].sort(),
    );
    expect(offers.find((o) => o.instanceType === 'p4d.24xlarge')?.gpuModel).toBe('A100-40GB');
    expect(offers.find((o) => o.instanceType === 'p4de.24xlarge')?.gpuModel).toBe('A100-80GB');
  });

  it('offers every zone EC2 sells in when no subnets are configured (default VPC)', async () => {
    const offers = await provider({ ...SPEC, aws: { ...SPEC.aws, subnetIds: [] } }).listOffers();
    expect(offers.some((o) => o.zone === 'us-east-1c' && o.capacityType === 'spot')).toBe(true);
  });

  it('asks for Linux spot prices as of now and on-demand prices from the price list', async () => {
    await provider().listOffers();
    const spot = fake.ec2.commandCalls(DescribeSpotPriceHistoryCommand)[0]!.args[0].input;
    expect(spot.ProductDescriptions).toEqual(['Linux/UNIX']);
    expect(spot.StartTime?.getTime()).toBe(clock.now());
    expect(spot.InstanceTypes).toEqual(
      expect.arrayContaining(['p5.48xlarge', 'p4d.24xlarge', 'p4de.24xlarge', 'g5.xlarge']),
    );
    expect(spot.InstanceTypes).not.toContain('g5g.xlarge');
    const products = fake.pricing.commandCalls(GetProductsCommand).map((c) => c.args[0].input);
    expect(products).toHaveLength(4);
    for (const p of products) {
      expect(p.ServiceCode).toBe('AmazonEC2');
      expect(p.Filters).toEqual(expect.arrayContaining([{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }]));
    }
  });

  it('keeps on-demand prices for hours and refreshes them after', async () => {
    const p = provider();
    await p.listOffers();
    await p.listOffers();
    expect(fake.pricing.commandCalls(GetProductsCommand)).toHaveLength(4);
    await clock.advance(7 * 3600_000);
    await p.listOffers();
    expect(fake.pricing.commandCalls(GetProductsCommand)).toHaveLength(8);
    // Spot prices move all the time: they are asked for on every listing.
    expect(fake.ec2.commandCalls(DescribeSpotPriceHistoryCommand)).toHaveLength(3);
  });

  it('fails the listing when the Pricing API fails once its prices are due: the offer cache decides what older offers serve', async () => {
    const p = provider();
    await p.listOffers();
    fake.pricing.on(GetProductsCommand).rejects(awsError('ThrottlingException', 400, 'Rate exceeded'));
    // Within their TTL the kept prices answer without a call.
    expect((await p.listOffers()).find((o) => o.instanceType === 'p5.48xlarge' && o.capacityType === 'on-demand')?.pricePerHour).toBe(55.04);
    await clock.advance(7 * 3600_000);
    await expect(p.listOffers()).rejects.toThrow(/GetProducts/);
    await expect(provider().listOffers()).rejects.toThrow(/GetProducts/);
  });

  it('needs regions', async () => {
    await expect(provider({ ...SPEC, regions: [] }).listOffers()).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('returns the regions that answered when another one fails', async () => {
    const p = provider({ ...SPEC, regions: ['us-east-1', 'eu-north-1'] });
    fake.ec2.on(DescribeSpotPriceHistoryCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === 'eu-north-1') throw awsError('OptInRequired', 401, 'You are not subscribed to this service.');
      return { SpotPriceHistory: [] };
    });
    const offers = await p.listOffers();
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => o.region))).toEqual(new Set(['us-east-1']));
    expect(logs.join('')).toContain('OptInRequired');
  });
});

describe('AwsProvider.create', () => {
  it('sends a spot RunInstances with token, subnet in the zone, IMDSv2, tags and base64 user data', async () => {
    const req = launchRequest();
    const inst = await provider().create(req);
    const input = fake.runInputs[0]!;
    expect(input.ClientToken).toBe(req.idempotencyKey);
    expect(input.ImageId).toBe('ami-0talos0000000000a');
    expect(input.InstanceType).toBe('p5.48xlarge');
    expect(input).toMatchObject({ MinCount: 1, MaxCount: 1 });
    // Two subnets in us-east-1a: the one with more free addresses.
    expect(input.SubnetId).toBe('subnet-0aaa2222');
    expect(input.SecurityGroupIds).toEqual(['sg-0nodes', 'sg-0kubespan']);
    expect(input.IamInstanceProfile).toEqual({ Name: 'gpu-node' });
    expect(input.MetadataOptions?.HttpTokens).toBe('required');
    expect(input.InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    });
    expect(Buffer.from(input.UserData!, 'base64').toString('utf8')).toBe(req.bootstrap.userData);
    for (const type of ['instance', 'volume']) {
      expect(tagsOf(input, type)).toMatchObject({
        ...req.tags,
        Name: req.name,
        [Labels.cluster]: 'prod-east',
      });
    }
    expect(inst).toMatchObject({
      provider: 'aws-main',
      providerType: 'aws',
      instanceType: 'p5.48xlarge',
      region: 'us-east-1',
      zone: 'us-east-1a',
      capacityType: 'spot',
      pricePerHour: 31.4648,
      state: 'pending',
      name: req.name,
      idempotencyKey: req.idempotencyKey,
      providerID: `aws:///us-east-1a/${inst.id}`,
    });
    expect(inst.tags[Labels.requestUid]).toBe(req.tags[Labels.requestUid]);
  });

  it('launches on-demand without market options, into a targeted capacity reservation', async () => {
    await provider().create(
      launchRequest({
        offer: offer({ capacityType: 'on-demand', pricePerHour: 55.04, zone: 'us-east-1b' }),
        capacityReservation: { id: 'cr-0123456789abcdef0', preference: 'targeted' },
      }),
    );
    const input = fake.runInputs[0]!;
    expect(input.InstanceMarketOptions).toBeUndefined();
    expect(input.SubnetId).toBe('subnet-0bbb1111');
    expect(input.CapacityReservationSpecification).toEqual({
      CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' },
    });
  });

  it('passes an open or none reservation preference through, and refuses targeted without an id', async () => {
    const p = provider();
    await p.create(launchRequest({ capacityReservation: { preference: 'none' } }));
    expect(fake.runInputs[0]!.CapacityReservationSpecification).toEqual({ CapacityReservationPreference: 'none' });
    await expect(
      p.create(launchRequest({ idempotencyKey: 'k2', capacityReservation: { preference: 'targeted' } })),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(fake.runInputs).toHaveLength(1);
  });

  it('places into the zone directly when no subnets are configured', async () => {
    await provider({ ...SPEC, aws: { ...SPEC.aws, subnetIds: [] } }).create(launchRequest());
    expect(fake.runInputs[0]!.SubnetId).toBeUndefined();
    expect(fake.runInputs[0]!.Placement).toEqual({ AvailabilityZone: 'us-east-1a' });
  });

  it('sends the same ClientToken again and gets the first instance back', async () => {
    const p = provider();
    const first = await p.create(launchRequest());
    const second = await provider().create(launchRequest());
    expect(second.id).toBe(first.id);
    expect(fake.runInputs.map((i) => i.ClientToken)).toEqual([first.idempotencyKey, first.idempotencyKey]);
    expect(fake.launches).toBe(1);
  });

  it('hashes keys EC2 would refuse as a ClientToken (over 64 chars), stably', async () => {
    const key = `gpr-${'x'.repeat(80)}`;
    await provider().create(launchRequest({ idempotencyKey: key }));
    await provider().create(launchRequest({ idempotencyKey: key }));
    const [a, b] = fake.runInputs.map((i) => i.ClientToken!);
    expect(a).toHaveLength(64);
    expect(a).not.toBe(key.slice(0, 64));
    expect(b).toBe(a);
    expect(fake.launches).toBe(1);
  });

  it('refuses a region without an AMI, naming the field to set, and launches nothing', async () => {
    const err = await provider({ ...SPEC, aws: { ...SPEC.aws, amis: {} } })
      .create(launchRequest())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toContain('spec.aws.amis.us-east-1');
    expect(fake.runInputs).toHaveLength(0);
  });

  it('refuses a zone with none of the configured subnets', async () => {
    const err = await provider().create(launchRequest({ offer: offer({ zone: 'us-east-1c' }) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toContain('us-east-1c');
    expect(fake.runInputs).toHaveLength(0);
  });

  it('refuses user data over 16 KiB before calling EC2', async () => {
    const big = launchRequest({ bootstrap: { ...launchRequest().bootstrap, userData: 'x'.repeat(16 * 1024 + 1) } });
    await expect(provider().create(big)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(fake.runInputs).toHaveLength(0);
  });

  it('reports a capacity shortage (HTTP 500 from EC2) as insufficient capacity', async () => {
    fake.ec2
      .on(RunInstancesCommand)
      .rejects(
        awsError(
          'InsufficientInstanceCapacity',
          500,
          'We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (us-east-1a).',
        ),
      );
    const err = await provider().create(launchRequest()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCapacityError);
    expect((err as Error).message).toContain('us-east-1a');
  });

  it('reports a vCPU limit as a quota', async () => {
    fake.ec2.on(RunInstancesCommand).rejects(awsError('VcpuLimitExceeded', 400, 'You have requested more vCPU capacity than your current vCPU limit of 0 allows'));
    await expect(provider().create(launchRequest())).rejects.toBeInstanceOf(QuotaExceededError);
  });
});

describe('AwsProvider.get, list, delete', () => {
  it('gets an instance and reads state, zone and providerID from EC2', async () => {
    const p = provider();
    const made = await p.create(launchRequest());
    fake.settle();
    const got = await provider().get(made.id);
    expect(got).toMatchObject({ id: made.id, state: 'running', zone: 'us-east-1a', capacityType: 'spot' });
    expect(got.providerID).toBe(`aws:///us-east-1a/${made.id}`);
    expect(got.pricePerHour).toBe(31.4648);
  });

  it('throws NotFoundError for an unknown id and for a terminated instance', async () => {
    await expect(provider().get('i-0ffffffffffffffff')).rejects.toBeInstanceOf(NotFoundError);
    const p = provider();
    const made = await p.create(launchRequest());
    await p.delete(made.id);
    fake.settle();
    const err = await p.get(made.id).catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
  });

  it('bridges EC2 read-after-launch lag for a short grace, then believes NotFound', async () => {
    const p = provider();
    const made = await p.create(launchRequest());
    fake.instances.delete(made.id);
    await expect(p.get(made.id)).resolves.toMatchObject({ id: made.id, state: 'pending' });
    await clock.advance(3 * 60_000);
    await expect(p.get(made.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists only instances tagged with this cluster and not terminated', async () => {
    const p = provider();
    const mine = await p.create(launchRequest());
    const other = await p.create(launchRequest({ idempotencyKey: 'k-other', name: 'n-other' }));
    fake.instances.get(other.id)!.Tags = [{ Key: Labels.cluster, Value: 'someone-else' }];
    const gone = await p.create(launchRequest({ idempotencyKey: 'k-gone', name: 'n-gone' }));
    await p.delete(gone.id);
    fake.settle();

    const listed = await p.list();
    expect(listed.map((i) => i.id)).toEqual([mine.id]);
    const filters = fake.ec2.commandCalls(DescribeInstancesCommand).at(-1)!.args[0].input.Filters;
    expect(filters).toEqual(
      expect.arrayContaining([
        { Name: `tag:${Labels.cluster}`, Values: ['prod-east'] },
        { Name: 'instance-state-name', Values: expect.not.arrayContaining(['terminated']) as unknown },
      ]),
    );
  });

  it('follows DescribeInstances pages', async () => {
    fake.ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [{ Instances: [{ InstanceId: 'i-0aaa', InstanceType: 'g5.xlarge', State: { Name: 'running' } }] }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Reservations: [{ Instances: [{ InstanceId: 'i-0bbb', InstanceType: 'g5.xlarge', State: { Name: 'pending' } }] }],
      });
    const listed = await provider().list();
    expect(listed.map((i) => i.id)).toEqual(['i-0aaa', 'i-0bbb']);
    expect(fake.ec2.commandCalls(DescribeInstancesCommand)[1]!.args[0].input.NextToken).toBe('page-2');
  });

  it('terminates, and treats an unknown instance as already deleted', async () => {
    const p = provider();
    const made = await p.create(launchRequest());
    await p.delete(made.id);
    expect(fake.ec2.commandCalls(TerminateInstancesCommand)[0]!.args[0].input.InstanceIds).toEqual([made.id]);
    await expect(p.delete('i-0ffffffffffffffff')).resolves.toBeUndefined();
  });

  it('does not swallow other delete failures', async () => {
    fake.ec2.on(TerminateInstancesCommand).rejects(awsError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    await expect(provider().delete('i-0123')).rejects.toBeInstanceOf(AuthError);
  });
});

describe('AwsProvider calls, credentials and timeouts', () => {
  it('checks credentials with DescribeAvailabilityZones', async () => {
    await provider().checkCredentials();
    expect(fake.ec2.commandCalls(DescribeAvailabilityZonesCommand)).toHaveLength(1);
    fake.ec2.on(DescribeAvailabilityZonesCommand).rejects(awsError('AuthFailure', 401, 'AWS was not able to validate the provided access credentials'));
    await expect(provider().checkCredentials()).rejects.toBeInstanceOf(AuthError);
  });

  it('refuses half a key pair with AuthError before calling AWS', async () => {
    const p = provider(SPEC, {}, { accessKeyId: ACCESS_KEY_ID } as typeof CREDENTIALS);
    await expect(p.checkCredentials()).rejects.toBeInstanceOf(AuthError);
    expect(fake.ec2.commandCalls(DescribeAvailabilityZonesCommand)).toHaveLength(0);
  });

  it('signs with the Secret keys', async () => {
    await provider().checkCredentials();
    const client = fake.ec2.commandCalls(DescribeAvailabilityZonesCommand)[0]!.thisValue as {
      config: { credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }> };
    };
    const creds = await client.config.credentials();
    expect(creds.accessKeyId).toBe(ACCESS_KEY_ID);
    expect(creds.sessionToken).toBe(SESSION);
  });

  it('is timed out by the pipeline when a call never answers (default 30s), the SDK call aborted', async () => {
    let aborted = false;
    fake.ec2.on(DescribeInstancesCommand).callsFake(() => new Promise(() => undefined));
    const piped = await buildProvider(awsDefinition, { name: 'aws-main', spec: SPEC }, { clusterName: 'prod-east', credentials: CREDENTIALS, clock, logger: silentLogger() }, {
      factory: () => {
        const inner = provider();
        const get = inner.get.bind(inner);
        inner.get = (id, signal) => {
          signal?.addEventListener('abort', () => (aborted = true));
          return get(id, signal);
        };
        return inner;
      },
      retry: { maxRetries: 0 },
    });
    const pending = piped.get('i-0123').catch((e: unknown) => e);
    // The rate limiter hands the call on in real time; then the timeout runs on the fake clock.
    while (clock.pending === 0) await new Promise((r) => setTimeout(r, 1));
    await clock.advance(29_999);
    await clock.advance(1);
    const err = await pending;
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('timed out');
    expect(aborted).toBe(true);
    await piped.close();
    expect(clock.pending).toBe(0);
  });

  it("passes the caller's abort on to the SDK and gives back the caller's reason", async () => {
    const ctrl = new AbortController();
    // The SDK rejects an aborted request with its own AbortError.
    const sdkAbort = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    fake.ec2
      .on(DescribeInstancesCommand)
      .callsFake(() =>
        new Promise((_, reject) => {
          if (ctrl.signal.aborted) reject(sdkAbort());
          else ctrl.signal.addEventListener('abort', () => reject(sdkAbort()));
        }));
    const pending = provider()
      .list(ctrl.signal)
      .catch((e: unknown) => e);
    await clock.advance(10);
    const reason = new Error('shutting down');
    ctrl.abort(reason);
    expect(await pending).toBe(reason);
    const options = (fake.ec2.commandCalls(DescribeInstancesCommand)[0]!.args as unknown[])[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal?.aborted).toBe(true);
  });

  it('never puts credentials in thrown messages or logs', async () => {
    const echo = `The request signature we calculated does not match the signature you provided. Credential=${ACCESS_KEY_ID}/20260101/us-east-1/ec2/aws4_request secret=${SECRET} token=${SESSION}`;
    fake.ec2.on(RunInstancesCommand).rejects(awsError('SignatureDoesNotMatch', 403, echo));
    fake.ec2.on(DescribeInstancesCommand).rejects(awsError('InternalError', 500, echo));
    fake.ec2.on(TerminateInstancesCommand).rejects(awsError('UnauthorizedOperation', 403, echo));
    fake.ec2.on(DescribeSpotPriceHistoryCommand).rejects(awsError('RequestLimitExceeded', 503, echo));
    const p = provider();
    const errors = await Promise.all([
      p.create(launchRequest()).catch((e: unknown) => e),
      p.get('i-0123').catch((e: unknown) => e),
      p.list().catch((e: unknown) => e),
      p.delete('i-0123').catch((e: unknown) => e),
      p.listOffers().catch((e: unknown) => e),
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      const text = `${(e as Error).message} ${String((e as Error).stack)}`;
      for (const secret of [ACCESS_KEY_ID, SECRET, SESSION]) expect(text).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [ACCESS_KEY_ID, SECRET, SESSION]) expect(logs.join('')).not.toContain(secret);
  });
});

describe('createAwsProvider', () => {
  it('builds the adapter from a GpuProvider and its credentials', async () => {
    const p = await createAwsProvider(
      { name: 'aws-main', spec: SPEC },
      { clusterName: 'prod-east', credentials: {}, clock, logger: silentLogger() },
    );
    expect(p.name).toBe('aws-main');
    expect(p.type).toBe('aws');
    expect(p.capabilities.unsupported).toEqual({});
  });
});
