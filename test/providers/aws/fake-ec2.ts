/**
 * A small stateful EC2 + Pricing behind aws-sdk-client-mock: instances live in a map,
 * RunInstances honours ClientToken, DescribeInstances answers InvalidInstanceID.NotFound
 * for unknown ids, and state moves on (pending -> running, shutting-down -> terminated)
 * when the test calls `settle()`. CreateTags adds tags; DescribeInstances filters by tag,
 * instance-id and instance-state-name.
 */
import {
  CreateTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  DescribeSubnetsCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance as Ec2Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import type { Clock } from '../../../src/util/clock.js';
import { INSTANCE_TYPES, OFFERINGS, SPOT_HISTORY, SUBNETS, filterValue, priceListEntry } from './fixtures.js';

export function awsError(code: string, status: number, message = `${code} (scripted)`): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: '7e2a1c55-0000-4000-8000-example' },
    message,
  });
}

const ec2Mock = () => mockClient(EC2Client);
const pricingMock = () => mockClient(PricingClient);
export type Ec2Mock = ReturnType<typeof ec2Mock>;
export type PricingMock = ReturnType<typeof pricingMock>;

export interface FakeEc2 {
  ec2: Ec2Mock;
  pricing: PricingMock;
  instances: Map<string, Ec2Instance>;
  runInputs: RunInstancesCommandInput[];
  /** RunInstances calls that made a new instance (not ClientToken repeats). */
  launches: number;
  settle(): void;
  reset(): void;
}

export function fakeEc2(clock: Clock): FakeEc2 {
  const ec2 = ec2Mock();
  const pricing = pricingMock();
  const instances = new Map<string, Ec2Instance>();
  const byToken = new Map<string, string>();
  const fake: FakeEc2 = {
    ec2,
    pricing,
    instances,
    runInputs: [],
    launches: 0,
    settle() {
      for (const i of instances.values()) {
        if (i.State?.Name === 'pending') i.State = { Code: 16, Name: 'running' };
        else if (i.State?.Name === 'shutting-down') i.State = { Code: 48, Name: 'terminated' };
      }
    },
    reset() {
      instances.clear();
      byToken.clear();
      fake.runInputs = [];
      fake.launches = 0;
      ec2.reset();
      pricing.reset();
      install();
    },
  };
  let seq = 0;

  function install(): void {
    ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: INSTANCE_TYPES });
    ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({ InstanceTypeOfferings: OFFERINGS });
    ec2.on(DescribeSpotPriceHistoryCommand).resolves({ SpotPriceHistory: SPOT_HISTORY });
    ec2.on(DescribeSubnetsCommand).callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
      const ids = input.Filters?.find((f) => f.Name === 'subnet-id')?.Values ?? [];
      return { Subnets: SUBNETS.filter((s) => ids.includes(s.SubnetId!)) };
    });
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: [{ ZoneName: 'us-east-1a', State: 'available', RegionName: 'us-east-1' }],
    });
    pricing.on(GetProductsCommand).callsFake((input: { Filters?: { Field?: string; Value?: string }[] }) => {
      const type = filterValue(input.Filters, 'instanceType');
      return { FormatVersion: 'aws_v1', PriceList: type ? [priceListEntry(type)] : [] };
    });

    ec2.on(RunInstancesCommand).callsFake((input: RunInstancesCommandInput) => {
      fake.runInputs.push(input);
      const existing = input.ClientToken ? byToken.get(input.ClientToken) : undefined;
      if (existing) return { Instances: [structuredClone(instances.get(existing)!)] };
      fake.launches++;
      const id = `i-0${(++seq).toString(16).padStart(16, '0')}`;
      const zone =
        input.Placement?.AvailabilityZone ?? SUBNETS.find((s) => s.SubnetId === input.SubnetId)?.AvailabilityZone;
      const instance: Ec2Instance = {
        InstanceId: id,
        InstanceType: input.InstanceType,
        ImageId: input.ImageId,
        LaunchTime: new Date(clock.now()),
        Placement: { AvailabilityZone: zone },
        State: { Code: 0, Name: 'pending' },
        SubnetId: input.SubnetId,
        ClientToken: input.ClientToken,
        Tags: input.TagSpecifications?.find((t) => t.ResourceType === 'instance')?.Tags ?? [],
        ...(input.InstanceMarketOptions?.MarketType === 'spot' ? { InstanceLifecycle: 'spot' as const } : {}),
      };
      instances.set(id, instance);
      if (input.ClientToken) byToken.set(input.ClientToken, id);
      // RunInstances does not echo tags back; the adapter must not rely on it.
      return { Instances: [{ ...structuredClone(instance), Tags: undefined }] };
    });

    ec2.on(DescribeInstancesCommand).callsFake(
      (input: { InstanceIds?: string[]; Filters?: { Name?: string; Values?: string[] }[] }) => {
        let found: Ec2Instance[];
        if (input.InstanceIds && input.InstanceIds.length > 0) {
          const missing = input.InstanceIds.filter((id) => !instances.has(id));
          if (missing.length > 0) {
            throw awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${missing.join(',')}' does not exist`);
          }
          found = input.InstanceIds.map((id) => instances.get(id)!);
        } else {
          found = [...instances.values()];
        }
        for (const f of input.Filters ?? []) {
          const values = f.Values ?? [];
          if (f.Name?.startsWith('tag:')) {
            const key = f.Name.slice(4);
            found = found.filter((i) => i.Tags?.some((t) => t.Key === key && values.includes(t.Value ?? '')));
          } else if (f.Name === 'instance-id') {
            found = found.filter((i) => values.includes(i.InstanceId ?? ''));
          } else if (f.Name === 'instance-state-name') {
            found = found.filter((i) => values.includes(i.State?.Name ?? ''));
          }
        }
        return { Reservations: found.length ? [{ Instances: found.map((i) => structuredClone(i)) }] : [] };
      },
    );

    ec2.on(CreateTagsCommand).callsFake((input: { Resources?: string[]; Tags?: { Key?: string; Value?: string }[] }) => {
      const ids = input.Resources ?? [];
      const missing = ids.filter((id) => !instances.has(id));
      if (missing.length > 0) {
        throw awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${missing.join(',')}' does not exist`);
      }
      for (const id of ids) {
        const i = instances.get(id)!;
        const keys = new Set((input.Tags ?? []).map((t) => t.Key));
        i.Tags = [...(i.Tags ?? []).filter((t) => !keys.has(t.Key)), ...(input.Tags ?? [])];
      }
      return {};
    });

    ec2.on(TerminateInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => {
      const ids = input.InstanceIds ?? [];
      const missing = ids.filter((id) => !instances.has(id));
      if (missing.length > 0) {
        throw awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${missing.join(',')}' does not exist`);
      }
      return {
        TerminatingInstances: ids.map((id) => {
          const i = instances.get(id)!;
          const previous = i.State;
          if (i.State?.Name !== 'terminated') i.State = { Code: 32, Name: 'shutting-down' };
          return { InstanceId: id, PreviousState: previous, CurrentState: i.State };
        }),
      };
    });
  }

  install();
  return fake;
}
