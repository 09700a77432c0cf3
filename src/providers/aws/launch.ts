/**
 * Building RunInstances input from a LaunchRequest, and reading EC2 instances back
 * into the shared Instance shape. Plain functions: the provider does the I/O.
 */
import { createHash } from 'node:crypto';
import type {
  CapacityReservationSpecification,
  Instance as Ec2Instance,
  RunInstancesCommandInput,
  Tag,
  _InstanceType,
} from '@aws-sdk/client-ec2';
import { GROUP, Labels } from '../../api/constants.js';
import { InvalidRequestError } from '../errors.js';
import type { CapacityType, Instance, InstanceState, LaunchRequest } from '../types.js';

/** Tag holding the idempotency key, so list/get can report it. */
export const IDEMPOTENCY_TAG = `${GROUP}/idempotency-key`;
/** Tag holding the hourly price the instance was bought at (EC2 does not report it). */
export const PRICE_TAG = `${GROUP}/price-per-hour`;
/**
 * Set on an instance just before the operator terminates it, so that instance-state
 * polling, even after a restart, does not report the operator's own deletes as
 * interruptions.
 */
export const TERMINATED_BY_TAG = `${GROUP}/terminated-by`;

/** EC2 caps user data at 16 KiB before base64. */
export const MAX_USER_DATA_BYTES = 16 * 1024;

/**
 * EC2 accepts up to 64 ASCII characters as ClientToken; longer or non-ASCII keys are
 * hashed, which keeps them stable (a retry sends the same token).
 */
export function clientToken(idempotencyKey: string): string {
  if (/^[\x21-\x7e]{1,64}$/.test(idempotencyKey)) return idempotencyKey;
  return createHash('sha256').update(idempotencyKey).digest('hex');
}

export function providerIdFor(zone: string | undefined, instanceId: string): string | undefined {
  return zone ? `aws:///${zone}/${instanceId}` : undefined;
}

export function capacityReservationSpec(
  cr: LaunchRequest['capacityReservation'],
): CapacityReservationSpecification | undefined {
  if (!cr) return undefined;
  if (cr.id) return { CapacityReservationTarget: { CapacityReservationId: cr.id } };
  if (cr.preference === 'targeted') {
    throw new InvalidRequestError('capacity reservation preference "targeted" needs aws.capacityReservationId');
  }
  return { CapacityReservationPreference: cr.preference };
}

export interface LaunchPlacement {
  imageId: string;
  subnetId?: string;
  securityGroupIds?: readonly string[];
  instanceProfile?: string;
  clusterName: string;
}

/** The tags every instance and its volumes carry: request tags, ownership, and bookkeeping. */
export function launchTags(req: LaunchRequest, clusterName: string): Record<string, string> {
  return {
    ...req.tags,
    Name: req.name,
    [Labels.cluster]: clusterName,
    [Labels.capacityType]: req.offer.capacityType,
    [IDEMPOTENCY_TAG]: req.idempotencyKey,
    [PRICE_TAG]: String(req.offer.pricePerHour),
  };
}

export function runInstancesInput(req: LaunchRequest, p: LaunchPlacement): RunInstancesCommandInput {
  const userData = req.bootstrap.userData;
  if (userData !== undefined && Buffer.byteLength(userData, 'utf8') > MAX_USER_DATA_BYTES) {
    throw new InvalidRequestError(
      `user data is ${Buffer.byteLength(userData, 'utf8')} bytes; EC2 accepts at most ${MAX_USER_DATA_BYTES}`,
    );
  }
  const tags = toTagList(launchTags(req, p.clusterName));
  const input: RunInstancesCommandInput = {
    ClientToken: clientToken(req.idempotencyKey),
    ImageId: p.imageId,
    InstanceType: req.offer.instanceType as _InstanceType,
    MinCount: 1,
    MaxCount: 1,
    // IMDSv2 only: a pod that reaches the metadata service cannot read credentials with a plain GET.
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  };
  if (p.subnetId) input.SubnetId = p.subnetId;
  else if (req.offer.zone) input.Placement = { AvailabilityZone: req.offer.zone };
  if (p.securityGroupIds && p.securityGroupIds.length > 0) input.SecurityGroupIds = [...p.securityGroupIds];
  if (userData !== undefined) input.UserData = Buffer.from(userData, 'utf8').toString('base64');
  if (p.instanceProfile) {
    input.IamInstanceProfile = p.instanceProfile.startsWith('arn:')
      ? { Arn: p.instanceProfile }
      : { Name: p.instanceProfile };
  }
  if (req.offer.capacityType === 'spot') {
    input.InstanceMarketOptions = {
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    };
  }
  const cr = capacityReservationSpec(req.capacityReservation);
  if (cr) input.CapacityReservationSpecification = cr;
  return input;
}

export function toTagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromTagList(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

const STATES: Record<string, InstanceState> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};

export interface InstanceContext {
  provider: string;
  region: string;
  /** Tags sent at launch; RunInstances does not always echo them back. */
  fallbackTags?: Record<string, string>;
  now: number;
}

export function toInstance(raw: Ec2Instance & { InstanceId: string }, c: InstanceContext): Instance {
  const tags = { ...c.fallbackTags, ...fromTagList(raw.Tags) };
  const zone = raw.Placement?.AvailabilityZone;
  const capacityType: CapacityType =
    raw.InstanceLifecycle === 'spot' || (raw.InstanceLifecycle === undefined && tags[Labels.capacityType] === 'spot')
      ? 'spot'
      : 'on-demand';
  const price = Number(tags[PRICE_TAG]);
  const launchedAt = raw.LaunchTime ? new Date(raw.LaunchTime).getTime() : c.now;
  const instance: Instance = {
    id: raw.InstanceId,
    provider: c.provider,
    providerType: 'aws',
    instanceType: raw.InstanceType ?? 'unknown',
    region: c.region,
    capacityType,
    pricePerHour: Number.isFinite(price) ? price : 0,
    state: STATES[raw.State?.Name ?? ''] ?? 'pending',
    tags,
    launchedAt,
  };
  if (zone) instance.zone = zone;
  if (tags.Name) instance.name = tags.Name;
  const providerID = providerIdFor(zone, raw.InstanceId);
  if (providerID) instance.providerID = providerID;
  if (tags[IDEMPOTENCY_TAG]) instance.idempotencyKey = tags[IDEMPOTENCY_TAG];
  return instance;
}
