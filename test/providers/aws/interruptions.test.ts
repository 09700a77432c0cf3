import { CreateTagsCommand, DescribeInstancesCommand, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { Labels } from '../../../src/api/constants.js';
import type { GpuProviderSpec } from '../../../src/api/types.js';
import { AwsProvider } from '../../../src/providers/aws/aws-provider.js';
import { TERMINATED_BY_TAG } from '../../../src/providers/aws/launch.js';
import { AuthError } from '../../../src/providers/errors.js';
import { supports, type LaunchRequest } from '../../../src/providers/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { eventWith } from './event-fixtures.js';
import { fakeEc2 } from './fake-ec2.js';

const QUEUE_URL = 'https://sqs.us-west-2.amazonaws.com/123456789012/prod-east-interruptions';
const SPEC: GpuProviderSpec = {
  type: 'aws',
  regions: ['us-east-1'],
  aws: { amis: { 'us-east-1': 'ami-0talos0000000000a' } },
};

const clock = new FakeClock();
const fake = fakeEc2(clock);
const sqs = mockClient(SQSClient);
let sqsRegions: string[];
let seq = 0;

function provider(spec: GpuProviderSpec = SPEC): AwsProvider {
  return new AwsProvider(
    'aws-main',
    spec,
    { clusterName: 'prod-east', credentials: {}, clock, logger: silentLogger() },
    {
      sqsClient: (region) => {
        sqsRegions.push(region);
        return new SQSClient({ region });
      },
    },
  );
}

function launchRequest(capacityType: 'spot' | 'on-demand' = 'spot'): LaunchRequest {
  const key = `gpr-prod-east-0000-${++seq}`;
  return {
    idempotencyKey: key,
    name: key,
    offer: {
      provider: 'aws-main',
      providerType: 'aws',
      instanceType: 'g5.xlarge',
      gpuModel: 'A10G',
      gpuCount: 1,
      gpuMemoryGiB: 24,
      vcpus: 4,
      memoryGiB: 16,
      region: 'us-east-1',
      zone: 'us-east-1a',
      capacityType,
      pricePerHour: 0.45,
      available: true,
    },
    tags: { [Labels.cluster]: 'prod-east' },
    bootstrap: { hostname: key, nodeLabels: {}, nodeTaints: [] },
  };
}

/** What EC2 does to an instance behind the operator's back. */
function cloudSets(id: string, state: string, reason?: string): void {
  const i = fake.instances.get(id)!;
  i.State = { Name: state as NonNullable<Ec2Instance['State']>['Name'] };
  if (reason) i.StateReason = { Code: reason, Message: `${reason}: scripted` };
}

function foreignInstance(id: string, cluster: string, state = 'running'): void {
  fake.instances.set(id, {
    InstanceId: id,
    InstanceType: 'g5.xlarge',
    State: { Name: state as NonNullable<Ec2Instance['State']>['Name'] },
    Placement: { AvailabilityZone: 'us-east-1a' },
    Tags: [{ Key: Labels.cluster, Value: cluster }],
  });
}

function stateFilterCalls(): number {
  return fake.ec2
    .commandCalls(DescribeInstancesCommand)
    .filter((c) => c.args[0].input.Filters?.some((f) => f.Name === 'instance-state-name')).length;
}

beforeEach(() => {
  fake.reset();
  sqs.reset();
  sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  sqsRegions = [];
});

afterAll(() => {
  fake.ec2.restore();
  fake.pricing.restore();
  sqs.restore();
});

describe('AwsProvider interruption capability', () => {
  it('declares interruption notices supported and implements polling', () => {
    const p = provider();
    expect(supports(p.capabilities, 'interruption-notice')).toBe(true);
    expect(typeof p.pollInterruptions).toBe('function');
  });
});

describe('AwsProvider.pollInterruptions without a queue (instance state)', () => {
  it('reports an own instance that stopped, once, and again when it is then terminated', async () => {
    const p = provider();
    const a = await p.create(launchRequest('on-demand'));
    fake.settle();
    expect(await p.pollInterruptions()).toEqual([]);

    cloudSets(a.id, 'stopping');
    expect(await p.pollInterruptions()).toEqual([
      { provider: 'aws-main', instanceId: a.id, kind: 'stopped', receivedAt: clock.now() },
    ]);
    cloudSets(a.id, 'stopped');
    expect(await p.pollInterruptions()).toEqual([]);

    cloudSets(a.id, 'terminated');
    expect(await p.pollInterruptions()).toMatchObject([{ instanceId: a.id, kind: 'terminated' }]);
    expect(await p.pollInterruptions()).toEqual([]);
  });

  it('reports a spot instance EC2 took back as spot-interruption, not also as terminated', async () => {
    const p = provider();
    const a = await p.create(launchRequest('spot'));
    fake.settle();
    cloudSets(a.id, 'shutting-down', 'Server.SpotInstanceTermination');
    expect(await p.pollInterruptions()).toMatchObject([{ instanceId: a.id, kind: 'spot-interruption' }]);
    cloudSets(a.id, 'terminated', 'Server.SpotInstanceTermination');
    expect(await p.pollInterruptions()).toEqual([]);
  });

  it('does not report instances it deleted itself, even after a restart', async () => {
    const p = provider();
    const a = await p.create(launchRequest());
    const b = await p.create(launchRequest());
    fake.settle();
    await p.delete(a.id);
    expect(fake.ec2.commandCalls(CreateTagsCommand)[0]!.args[0].input).toEqual({
      Resources: [a.id],
      Tags: [{ Key: TERMINATED_BY_TAG, Value: 'gpu-provisioner' }],
    });
    cloudSets(b.id, 'terminated');

    expect((await p.pollInterruptions()).map((n) => n.instanceId)).toEqual([b.id]);
    fake.settle();
    expect(await p.pollInterruptions()).toEqual([]);
    // A new process has no memory of the delete; the tag carries it.
    expect(await provider().pollInterruptions()).toMatchObject([{ instanceId: b.id, kind: 'terminated' }]);
  });

  it('remembers its own deletes when tagging fails', async () => {
    const p = provider();
    const a = await p.create(launchRequest());
    fake.settle();
    fake.ec2.on(CreateTagsCommand).rejects(new Error('tagging refused'));
    await p.delete(a.id);
    fake.settle();
    expect(await p.pollInterruptions()).toEqual([]);
  });

  it('asks only about this cluster in the states that end a machine, and ignores other clusters', async () => {
    foreignInstance('i-0aaaaaaaaaaaaaaa1', 'someone-else', 'stopped');
    await expect(provider().pollInterruptions()).resolves.toEqual([]);
    const filters = fake.ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters;
    expect(filters).toEqual([
      { Name: `tag:${Labels.cluster}`, Values: ['prod-east'] },
      { Name: 'instance-state-name', Values: ['stopping', 'stopped', 'shutting-down', 'terminated'] },
    ]);
  });

  it('reports again after the memory of what it reported has expired', async () => {
    const p = provider();
    const a = await p.create(launchRequest());
    cloudSets(a.id, 'stopped');
    expect(await p.pollInterruptions()).toHaveLength(1);
    await clock.advance(3 * 3_600_000);
    expect(await p.pollInterruptions()).toHaveLength(1);
  });
});

describe('AwsProvider.pollInterruptions with spec.aws.interruptionQueueUrl', () => {
  const QUEUE_SPEC: GpuProviderSpec = { ...SPEC, aws: { ...SPEC.aws, interruptionQueueUrl: QUEUE_URL } };

  function spotWarning(instanceId: string, region = 'us-east-1'): string {
    return eventWith('spot-interruption', (e) => {
      e.region = region;
      (e.detail as Record<string, string>)['instance-id'] = instanceId;
    });
  }

  function queueHolds(...bodies: string[]): void {
    const messages: Message[] = bodies.map((Body, i) => ({ MessageId: `m-${i}`, ReceiptHandle: `rh-${i}`, Body }));
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({});
  }

  it('reads the queue in its own region instead of polling instance state', async () => {
    const p = provider(QUEUE_SPEC);
    const a = await p.create(launchRequest());
    queueHolds(spotWarning(a.id));
    const describesBefore = fake.ec2.commandCalls(DescribeInstancesCommand).length;

    expect(await p.pollInterruptions()).toMatchObject([{ provider: 'aws-main', instanceId: a.id, kind: 'spot-interruption' }]);
    expect(sqsRegions).toEqual(['us-west-2']);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: QUEUE_URL,
      WaitTimeSeconds: 20,
      MaxNumberOfMessages: 10,
    });
    // An instance it launched is known to be its own without asking EC2.
    expect(fake.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(describesBefore);
    expect(stateFilterCalls()).toBe(0);
  });

  it('checks instances it has not met by tag, and remembers the answer', async () => {
    const mine = 'i-0bbbbbbbbbbbbbbb1';
    const theirs = 'i-0ccccccccccccccc1';
    foreignInstance(mine, 'prod-east');
    foreignInstance(theirs, 'someone-else');
    const p = provider(QUEUE_SPEC);

    queueHolds(spotWarning(mine), spotWarning(theirs));
    expect((await p.pollInterruptions()).map((n) => n.instanceId)).toEqual([mine]);
    const asked = fake.ec2.commandCalls(DescribeInstancesCommand);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.args[0].input.Filters).toEqual([
      { Name: 'instance-id', Values: [mine, theirs] },
      { Name: `tag:${Labels.cluster}`, Values: ['prod-east'] },
    ]);

    sqs.reset();
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    queueHolds(
      eventWith('rebalance-recommendation', (e) => ((e.detail as Record<string, string>)['instance-id'] = mine)),
      spotWarning(theirs),
    );
    expect(await p.pollInterruptions()).toMatchObject([{ instanceId: mine, kind: 'rebalance' }]);
    expect(fake.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });

  it('refuses half a key pair with AuthError before reading the queue', async () => {
    const p = new AwsProvider(
      'aws-main',
      QUEUE_SPEC,
      { clusterName: 'prod-east', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, clock, logger: silentLogger() },
      { sqsClient: (region) => new SQSClient({ region }) },
    );
    await expect(p.pollInterruptions()).rejects.toBeInstanceOf(AuthError);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it('ignores events from regions this provider does not launch in, without asking EC2', async () => {
    queueHolds(spotWarning('i-0ddddddddddddddd1', 'eu-west-1'));
    expect(await provider(QUEUE_SPEC).pollInterruptions()).toEqual([]);
    expect(fake.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1);
  });
});
