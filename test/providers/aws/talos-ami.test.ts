import { DescribeImagesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { Labels } from '../../../src/api/constants.js';
import type { GpuProviderSpec } from '../../../src/api/types.js';
import { AwsProvider } from '../../../src/providers/aws/aws-provider.js';
import {
  DEFAULT_TALOS_VERSION,
  SIDERO_LABS_AWS_ACCOUNT,
  newestImage,
  talosImagesInput,
  talosVersion,
} from '../../../src/providers/aws/talos-ami.js';
import { InvalidRequestError } from '../../../src/providers/errors.js';
import type { LaunchRequest } from '../../../src/providers/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { fakeEc2 } from './fake-ec2.js';

const HOUR = 3_600_000;
const SPEC: GpuProviderSpec = { type: 'aws', regions: ['us-east-1', 'eu-west-1'], aws: {} };

const clock = new FakeClock();
const fake = fakeEc2(clock);
let seq = 0;

const IMAGES = [
  { ImageId: 'ami-0old', Name: 'talos-v1.13.9-us-east-1-amd64', CreationDate: '2026-01-10T08:00:00.000Z' },
  { ImageId: 'ami-0new', Name: 'talos-v1.13.9-us-east-1-amd64', CreationDate: '2026-02-03T12:30:00.000Z' },
  { ImageId: 'ami-0mid', Name: 'talos-v1.13.9-use1-az1-amd64', CreationDate: '2026-01-20T00:00:00.000Z' },
];

function provider(spec: GpuProviderSpec = SPEC): AwsProvider {
  return new AwsProvider('aws-main', spec, { clusterName: 'prod-east', credentials: {}, clock, logger: silentLogger() });
}

function launchRequest(region = 'us-east-1'): LaunchRequest {
  const key = `gpr-prod-east-ami-${++seq}`;
  return {
    idempotencyKey: key,
    name: key,
    offer: {
      provider: 'aws-main',
      providerType: 'aws',
      instanceType: 'g6.xlarge',
      gpuModel: 'L4',
      gpuCount: 1,
      gpuMemoryGiB: 24,
      vcpus: 4,
      memoryGiB: 16,
      region,
      zone: `${region}a`,
      capacityType: 'on-demand',
      pricePerHour: 0.8048,
      available: true,
    },
    tags: { [Labels.cluster]: 'prod-east' },
    bootstrap: { hostname: key, nodeLabels: {}, nodeTaints: [] },
  };
}

function imageIdsLaunched(): (string | undefined)[] {
  return fake.ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ImageId);
}

beforeEach(() => {
  fake.reset();
  fake.ec2.on(DescribeImagesCommand).resolves({ Images: IMAGES });
});

afterAll(() => {
  fake.ec2.restore();
  fake.pricing.restore();
});

describe('Talos AMI helpers', () => {
  it.each([
    [undefined, DEFAULT_TALOS_VERSION],
    ['', DEFAULT_TALOS_VERSION],
    ['1.12.4', 'v1.12.4'],
    ['v1.12.4', 'v1.12.4'],
  ])('version %p -> %s', (given, expected) => {
    expect(talosVersion(given)).toBe(expected);
  });

  it('defaults to Talos v1.13.9', () => {
    expect(DEFAULT_TALOS_VERSION).toBe('v1.13.9');
  });

  it("asks for Sidero Labs' available x86_64 images of one release", () => {
    expect(talosImagesInput('v1.13.9')).toEqual({
      Owners: ['540036508848'],
      Filters: [
        { Name: 'name', Values: ['talos-v1.13.9-*'] },
        { Name: 'architecture', Values: ['x86_64'] },
        { Name: 'state', Values: ['available'] },
      ],
    });
    expect(SIDERO_LABS_AWS_ACCOUNT).toBe('540036508848');
    // A Graviton host boots the arm64 image of the same release.
    expect(talosImagesInput('v1.13.9', 'arm64').Filters).toContainEqual({ Name: 'architecture', Values: ['arm64'] });
  });

  it('picks the newest image by creation date, skipping ones without an id or date', () => {
    expect(newestImage(IMAGES)?.ImageId).toBe('ami-0new');
    expect(newestImage([{ Name: 'no id', CreationDate: '2030-01-01T00:00:00Z' }, { ImageId: 'ami-0undated' }])?.ImageId).toBe(
      'ami-0undated',
    );
    expect(newestImage([])).toBeUndefined();
  });
});

describe('AwsProvider.create without spec.aws.amis for the region', () => {
  it('launches the newest stock Talos AMI of the release', async () => {
    await provider().create(launchRequest());
    expect(imageIdsLaunched()).toEqual(['ami-0new']);
    expect(fake.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual(talosImagesInput('v1.13.9'));
  });

  it('looks for the release spec.talos.version names', async () => {
    await provider({ ...SPEC, talos: { version: '1.12.4' } }).create(launchRequest());
    expect(fake.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.Filters?.[0]).toEqual({
      Name: 'name',
      Values: ['talos-v1.12.4-*'],
    });
  });

  it('keeps the answer per region for hours, then asks again', async () => {
    const p = provider();
    await p.create(launchRequest());
    await p.create(launchRequest());
    expect(fake.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
    await p.create(launchRequest('eu-west-1'));
    expect(fake.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(2);

    fake.ec2.on(DescribeImagesCommand).resolves({
      Images: [...IMAGES, { ImageId: 'ami-0newer', Name: 'talos-v1.13.9-us-east-1-amd64', CreationDate: '2026-03-01T00:00:00Z' }],
    });
    await clock.advance(7 * HOUR);
    await p.create(launchRequest());
    expect(fake.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(3);
    expect(imageIdsLaunched()).toEqual(['ami-0new', 'ami-0new', 'ami-0new', 'ami-0newer']);
  });

  it('refuses with a message naming spec.aws.amis when no image is found, and launches nothing', async () => {
    fake.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    const err = await provider().create(launchRequest()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toContain('spec.aws.amis.us-east-1');
    expect((err as Error).message).toContain('v1.13.9');
    expect(fake.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('never looks up an image for a region spec.aws.amis names', async () => {
    await provider({ ...SPEC, aws: { amis: { 'us-east-1': 'ami-0factory0nvidia' } } }).create(launchRequest());
    expect(imageIdsLaunched()).toEqual(['ami-0factory0nvidia']);
    expect(fake.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(0);
  });
});
