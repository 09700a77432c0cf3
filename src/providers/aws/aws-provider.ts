/**
 * AWS EC2 (spot and on-demand) through the official SDK v3.
 *
 * One EC2 client per region, made on first use; the Pricing client talks to
 * us-east-1. Every SDK call is a single attempt (maxAttempts 1) under the pipeline's
 * signal: timeouts, retries and rate limits belong to the pipeline around providers.
 */
import {
  CreateTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance as Ec2Instance,
  type InstanceTypeInfo,
  type InstanceTypeOffering,
  type SpotPrice,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { GpuProviderSpec } from '../../api/types.js';
import { Labels } from '../../api/constants.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { AuthError, InvalidRequestError, NotFoundError, TransientError, isNotFound } from '../errors.js';
import type {
  Capabilities,
  CloudProvider,
  Instance,
  InterruptionKind,
  InterruptionNotice,
  LaunchRequest,
  Offer,
  ProviderContext,
  ProviderType,
} from '../types.js';
import { GPU_INSTANCE_FAMILIES } from './gpu-names.js';
import { type InstanceRef, InterruptionQueue, queueRegion } from './interruption-queue.js';
import { TERMINATED_BY_TAG, launchTags, runInstancesInput, toInstance } from './launch.js';
import { type GpuInstanceType, buildOffers, gpuInstanceTypes, latestSpotPrices, zonesByType } from './offers.js';
import { PRICING_REGION, onDemandPriceFilters, onDemandPriceFrom } from './on-demand-price.js';
import { callSdk } from './sdk-call.js';
import { newestImage, talosImagesInput, talosVersion } from './talos-ami.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface AwsProviderOptions {
  /** How long on-demand prices are kept (default 6h: the price list changes rarely). */
  onDemandPriceTtlMs?: number;
  /** How long instance types, zone offerings and subnets are kept (default 1h). */
  catalogueTtlMs?: number;
  /**
   * How long after launch a NotFound from DescribeInstances is read as EC2's eventual
   * consistency rather than loss (default 2 minutes).
   */
  launchGraceMs?: number;
  /** Parallel GetProducts calls while filling the on-demand price cache (default 4). */
  pricingConcurrency?: number;
  /** How long a Talos AMI found by DescribeImages is kept per region (default 6h). */
  amiTtlMs?: number;
  /** Long-poll wait of the interruption queue in seconds (default and maximum 20). */
  interruptionWaitSeconds?: number;
  /** Builds the EC2 client for a region; defaults to a real client. */
  ec2Client?: (region: string) => EC2Client;
  pricingClient?: PricingClient;
  /** Builds the SQS client for the interruption queue's region; defaults to a real client. */
  sqsClient?: (region: string) => SQSClient;
}

/**
 * EC2 keeps terminated instances visible for about an hour; what state polling has
 * reported or the adapter has deleted is remembered a little longer than that.
 */
const STATE_MEMORY_MS = 2 * HOUR;
/** An instance that turned out not to be this cluster's is not asked about again for this long. */
const OWNERSHIP_MEMORY_MS = 6 * HOUR;
const STOPPED_STATES = ['stopping', 'stopped', 'shutting-down', 'terminated'];
/** StateReason codes EC2 gives an instance it takes back from the spot market. */
const SPOT_REASONS = new Set(['Server.SpotInstanceTermination', 'Server.SpotInstanceShutdown']);

interface Cached<T> {
  value: T;
  at: number;
}

interface RegionTypes {
  types: GpuInstanceType[];
  zones: Map<string, string[]>;
}

/** Only the members of a Secret that make up AWS credentials, all optional. */
interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** EC2 sells everything the operator uses. */
export const AWS_CAPABILITIES: Capabilities = { unsupported: {} };

export class AwsProvider implements CloudProvider {
  readonly type: ProviderType = 'aws';
  readonly capabilities: Capabilities = AWS_CAPABILITIES;

  private readonly spec: GpuProviderSpec;
  private readonly regions: string[];
  private readonly clusterName: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly secrets: string[];
  private readonly credentials: StaticCredentials | undefined;
  private readonly credentialsProblem: string | undefined;
  private readonly endpoint: string | undefined;
  private readonly onDemandPriceTtlMs: number;
  private readonly catalogueTtlMs: number;
  private readonly launchGraceMs: number;
  private readonly pricingConcurrency: number;
  private readonly amiTtlMs: number;
  private readonly interruptionWaitSeconds: number | undefined;
  private readonly makeEc2Client: ((region: string) => EC2Client) | undefined;
  private readonly makeSqsClient: ((region: string) => SQSClient) | undefined;

  private readonly ec2Clients = new Map<string, EC2Client>();
  private pricing: PricingClient | undefined;
  private readonly typeCache = new Map<string, Cached<RegionTypes>>();
  private readonly subnetCache = new Map<string, Cached<Map<string, string>>>();
  private readonly onDemandPrices = new Map<string, Cached<number | undefined>>();
  /** instance id -> region, learnt from create/get/list, so get and delete ask one region. */
  private readonly regionOf = new Map<string, string>();
  /** Instances this process launched recently, for EC2's read-after-create lag. */
  private readonly launched = new Map<string, Cached<Instance>>();
  private readonly amiCache = new Map<string, Cached<string>>();
  /** instance id -> region, for instances seen carrying this cluster's tag. */
  private readonly owned = new Map<string, Cached<string>>();
  /** Instances found not to carry this cluster's tag. */
  private readonly foreign = new Map<string, number>();
  /** Instances this adapter terminated; their end is not an interruption. */
  private readonly deletedHere = new Map<string, number>();
  /** `<instance>/<kind>` already reported by state polling. */
  private readonly reported = new Map<string, number>();
  private queue: InterruptionQueue | undefined;

  constructor(
    readonly name: string,
    spec: GpuProviderSpec,
    ctx: Pick<ProviderContext, 'clusterName' | 'credentials' | 'clock' | 'logger' | 'baseUrl'>,
    options: AwsProviderOptions = {},
  ) {
    this.spec = spec;
    this.regions = [...new Set(spec.regions ?? [])];
    this.clusterName = ctx.clusterName;
    this.clock = ctx.clock;
    this.logger = ctx.logger.child({ provider: name, providerType: 'aws' });
    this.secrets = Object.values(ctx.credentials).filter((v) => v.length > 0);
    const { accessKeyId, secretAccessKey, sessionToken } = ctx.credentials;
    if (accessKeyId && secretAccessKey) {
      this.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    } else if (accessKeyId || secretAccessKey) {
      this.credentialsProblem = 'the credentials Secret needs both accessKeyId and secretAccessKey';
    }
    this.endpoint = ctx.baseUrl;
    this.onDemandPriceTtlMs = options.onDemandPriceTtlMs ?? 6 * HOUR;
    this.catalogueTtlMs = options.catalogueTtlMs ?? HOUR;
    this.launchGraceMs = options.launchGraceMs ?? 2 * MINUTE;
    this.pricingConcurrency = Math.max(1, options.pricingConcurrency ?? 4);
    this.amiTtlMs = options.amiTtlMs ?? 6 * HOUR;
    this.interruptionWaitSeconds = options.interruptionWaitSeconds;
    this.makeEc2Client = options.ec2Client;
    this.makeSqsClient = options.sqsClient;
    this.pricing = options.pricingClient;
  }

  async listOffers(signal?: AbortSignal): Promise<Offer[]> {
    const regions = this.requireRegions();
    const results = await Promise.allSettled(regions.map((r) => this.regionOffers(r, signal)));
    const offers: Offer[] = [];
    const failures: unknown[] = [];
    results.forEach((res, i) => {
      if (res.status === 'fulfilled') offers.push(...res.value);
      else {
        failures.push(res.reason);
        this.logger.warn('listing offers failed in one region', { region: regions[i], error: errorText(res.reason) });
      }
    });
    // One unreachable region should not hide the others' offers; all failing is an error.
    if (failures.length === regions.length) throw failures[0];
    return offers;
  }

  async create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    const region = req.offer.region;
    if (!this.regions.includes(region)) {
      throw new InvalidRequestError(`region ${region} is not in spec.regions of GpuProvider ${this.name}`);
    }
    const imageId = await this.imageFor(region, signal);
    const subnetId = await this.subnetFor(region, req.offer.zone, signal);
    const input = runInstancesInput(req, {
      imageId,
      ...(subnetId ? { subnetId } : {}),
      ...(this.spec.aws?.securityGroupIds ? { securityGroupIds: this.spec.aws.securityGroupIds } : {}),
      ...(this.spec.aws?.instanceProfile ? { instanceProfile: this.spec.aws.instanceProfile } : {}),
      clusterName: this.clusterName,
    });
    // ClientToken makes a repeated RunInstances return the instance the first one made.
    const out = await this.call('RunInstances', signal, (s) =>
      this.ec2(region).send(new RunInstancesCommand(input), { abortSignal: s }),
    );
    const raw = out.Instances?.[0];
    if (!raw?.InstanceId) throw new TransientError('AWS RunInstances returned no instance');
    const instance = toInstance(raw as Ec2Instance & { InstanceId: string }, {
      provider: this.name,
      region,
      fallbackTags: launchTags(req, this.clusterName),
      now: this.clock.now(),
    });
    this.regionOf.set(instance.id, region);
    this.owned.set(instance.id, { value: region, at: this.clock.now() });
    this.forgetOldLaunches();
    this.launched.set(instance.id, { value: instance, at: this.clock.now() });
    this.logger.info('launched instance', {
      instanceId: instance.id,
      instanceType: instance.instanceType,
      zone: instance.zone,
      capacityType: instance.capacityType,
    });
    return instance;
  }

  async get(id: string, signal?: AbortSignal): Promise<Instance> {
    for (const region of this.regionsFor(id)) {
      const found = await this.describeOne(region, id, signal);
      if (found) {
        this.regionOf.set(id, region);
        this.noteOwnership(found, region);
        if (found.state === 'terminated') {
          this.launched.delete(id);
          throw new NotFoundError(`instance ${id} is terminated`);
        }
        return found;
      }
    }
    const recent = this.launched.get(id);
    if (recent && this.clock.now() - recent.at < this.launchGraceMs) return recent.value;
    this.launched.delete(id);
    throw new NotFoundError(`instance ${id} not found in ${this.regions.join(', ')}`);
  }

  async list(signal?: AbortSignal): Promise<Instance[]> {
    const regions = this.requireRegions();
    const perRegion = await Promise.all(
      regions.map(async (region) => {
        const raws = await this.describeInstances(
          region,
          {
            Filters: [
              { Name: `tag:${Labels.cluster}`, Values: [this.clusterName] },
              { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] },
            ],
          },
          signal,
        );
        return raws.map((raw) => {
          this.regionOf.set(raw.InstanceId, region);
          const instance = toInstance(raw, { provider: this.name, region, now: this.clock.now() });
          this.noteOwnership(instance, region);
          return instance;
        });
      }),
    );
    return perRegion.flat().filter((i) => i.state !== 'terminated');
  }

  async delete(id: string, signal?: AbortSignal): Promise<void> {
    this.deletedHere.set(id, this.clock.now());
    for (const region of this.regionsFor(id)) {
      try {
        await this.markTerminatedHere(region, id, signal);
        await this.call('TerminateInstances', signal, (s) =>
          this.ec2(region).send(new TerminateInstancesCommand({ InstanceIds: [id] }), { abortSignal: s }),
        );
        this.launched.delete(id);
        this.logger.info('terminating instance', { instanceId: id, region });
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    // Not known in any region: already gone, which is what delete wants.
    this.launched.delete(id);
  }

  async checkCredentials(signal?: AbortSignal): Promise<void> {
    const region = this.regions[0] ?? PRICING_REGION;
    await this.call('DescribeAvailabilityZones', signal, (s) =>
      this.ec2(region).send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: false }), { abortSignal: s }),
    );
  }

  /**
   * With spec.aws.interruptionQueueUrl: one long poll of the EventBridge queue (up to
   * 20 s). Without it: the state of this cluster's instances, reporting those that
   * stopped or went away without this adapter deleting them. Each notice once.
   */
  async pollInterruptions(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    if (this.credentialsProblem) throw new AuthError(this.credentialsProblem);
    this.forgetStaleOwnership();
    const queue = this.interruptionQueue();
    return queue ? queue.poll(signal) : this.pollInstanceStates(signal);
  }

  private interruptionQueue(): InterruptionQueue | undefined {
    const queueUrl = this.spec.aws?.interruptionQueueUrl;
    if (!queueUrl) return undefined;
    if (!this.queue) {
      const region = queueRegion(queueUrl) ?? this.requireRegions()[0]!;
      this.queue = new InterruptionQueue({
        provider: this.name,
        queueUrl,
        client:
          this.makeSqsClient?.(region) ??
          new SQSClient({
            region,
            maxAttempts: 1,
            ...(this.credentials ? { credentials: this.credentials } : {}),
            ...(this.endpoint ? { endpoint: this.endpoint } : {}),
          }),
        clock: this.clock,
        logger: this.logger,
        secrets: this.secrets,
        ownedAmong: (refs, s) => this.ownedAmong(refs, s),
        ...(this.interruptionWaitSeconds !== undefined ? { waitTimeSeconds: this.interruptionWaitSeconds } : {}),
      });
    }
    return this.queue;
  }

  private async pollInstanceStates(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const now = this.clock.now();
    forgetOlderThan(this.reported, now - STATE_MEMORY_MS);
    forgetOlderThan(this.deletedHere, now - STATE_MEMORY_MS);
    const regions = this.requireRegions();
    const results = await Promise.allSettled(
      regions.map((region) =>
        this.describeInstances(
          region,
          {
            Filters: [
              { Name: `tag:${Labels.cluster}`, Values: [this.clusterName] },
              { Name: 'instance-state-name', Values: STOPPED_STATES },
            ],
          },
          signal,
        ),
      ),
    );
    const notices: InterruptionNotice[] = [];
    const failures: unknown[] = [];
    results.forEach((res, i) => {
      if (res.status === 'rejected') {
        failures.push(res.reason);
        this.logger.warn('polling instance states failed in one region', { region: regions[i], error: errorText(res.reason) });
        return;
      }
      for (const raw of res.value) {
        const id = raw.InstanceId;
        if (this.deletedHere.has(id) || fromTags(raw.Tags, TERMINATED_BY_TAG) !== undefined) continue;
        const kind = stateKind(raw);
        if (!kind) continue;
        const key = `${id}/${kind}`;
        if (this.reported.has(key)) continue;
        this.reported.set(key, now);
        notices.push({ provider: this.name, instanceId: id, kind, receivedAt: now });
      }
    });
    if (failures.length === regions.length) throw failures[0];
    return notices;
  }

  /**
   * Which of the instances an event names carry this cluster's tag. Instances met before
   * are answered from memory; the rest with one DescribeInstances per region, by filter,
   * so ids EC2 no longer knows are not an error.
   */
  private async ownedAmong(refs: readonly InstanceRef[], signal?: AbortSignal): Promise<Set<string>> {
    const now = this.clock.now();
    const owned = new Set<string>();
    const ask = new Map<string, string[]>();
    for (const { instanceId, region } of refs) {
      if (this.owned.has(instanceId)) owned.add(instanceId);
      else if (this.foreign.has(instanceId)) continue;
      // This adapter launches only in spec.regions; an event from elsewhere is someone else's.
      else if (region && !this.regions.includes(region)) this.foreign.set(instanceId, now);
      else for (const r of region ? [region] : this.regions) ask.set(r, [...(ask.get(r) ?? []), instanceId]);
    }
    for (const [region, ids] of ask) {
      const raws = await this.describeInstances(
        region,
        {
          Filters: [
            { Name: 'instance-id', Values: ids },
            { Name: `tag:${Labels.cluster}`, Values: [this.clusterName] },
          ],
        },
        signal,
      );
      for (const raw of raws) {
        owned.add(raw.InstanceId);
        this.owned.set(raw.InstanceId, { value: region, at: now });
        this.regionOf.set(raw.InstanceId, region);
      }
    }
    for (const ids of ask.values()) for (const id of ids) if (!owned.has(id)) this.foreign.set(id, now);
    return owned;
  }

  private forgetStaleOwnership(): void {
    const now = this.clock.now();
    forgetOlderThan(this.foreign, now - OWNERSHIP_MEMORY_MS);
    for (const [id, seen] of this.owned) if (now - seen.at >= OWNERSHIP_MEMORY_MS) this.owned.delete(id);
  }

  private noteOwnership(instance: Instance, region: string): void {
    if (instance.tags[Labels.cluster] === this.clusterName) {
      this.owned.set(instance.id, { value: region, at: this.clock.now() });
      this.foreign.delete(instance.id);
    }
  }

  /**
   * Best effort: without the tag, only this process's memory keeps the delete from
   * being reported as an interruption, which a restart forgets.
   */
  private async markTerminatedHere(region: string, id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('CreateTags', signal, (s) =>
        this.ec2(region).send(
          new CreateTagsCommand({ Resources: [id], Tags: [{ Key: TERMINATED_BY_TAG, Value: 'gpu-provisioner' }] }),
          { abortSignal: s },
        ),
      );
    } catch (e) {
      if (signal?.aborted) throw e;
      if (!isNotFound(e)) this.logger.debug('could not tag an instance before terminating it', { instanceId: id, error: errorText(e) });
    }
  }

  /** spec.aws.amis first; else the newest stock Talos AMI of the release, cached per region. */
  private async imageFor(region: string, signal?: AbortSignal): Promise<string> {
    const configured = this.spec.aws?.amis?.[region];
    if (configured) return configured;
    const cached = this.amiCache.get(region);
    if (cached && this.clock.now() - cached.at < this.amiTtlMs) return cached.value;
    const version = talosVersion(this.spec.talos?.version);
    const out = await this.call('DescribeImages', signal, (s) =>
      this.ec2(region).send(new DescribeImagesCommand(talosImagesInput(version)), { abortSignal: s }),
    );
    const image = newestImage(out?.Images ?? []);
    if (!image) {
      throw new InvalidRequestError(
        `no Talos ${version} AMI found in ${region}: set spec.aws.amis.${region} to an Image Factory AMI with the NVIDIA extensions`,
      );
    }
    this.logger.warn('spec.aws.amis has no entry for this region: using the stock Talos AMI, without the NVIDIA extensions', {
      region,
      imageId: image.ImageId,
      name: image.Name,
      version,
    });
    this.amiCache.set(region, { value: image.ImageId, at: this.clock.now() });
    return image.ImageId;
  }

  private forgetOldLaunches(): void {
    const now = this.clock.now();
    for (const [id, l] of this.launched) if (now - l.at >= this.launchGraceMs) this.launched.delete(id);
  }

  private requireRegions(): string[] {
    if (this.regions.length === 0) {
      throw new InvalidRequestError(`GpuProvider ${this.name} lists no regions: set spec.regions`);
    }
    return this.regions;
  }

  /** The region an instance is known to be in first, then every other configured region. */
  private regionsFor(id: string): string[] {
    const known = this.regionOf.get(id);
    return known ? [known, ...this.regions.filter((r) => r !== known)] : this.requireRegions();
  }

  private async regionOffers(region: string, signal?: AbortSignal): Promise<Offer[]> {
    const { types, zones } = await this.regionTypes(region, signal);
    if (types.length === 0) return [];
    const [spotPrices, onDemandPrices, launchableZones] = await Promise.all([
      this.spotPrices(region, types, signal),
      this.onDemandPricesFor(region, types, signal),
      this.launchableZones(region, signal),
    ]);
    return buildOffers({
      provider: this.name,
      region,
      types,
      zones,
      spotPrices,
      onDemandPrices,
      ...(launchableZones ? { launchableZones } : {}),
    });
  }

  private async regionTypes(region: string, signal?: AbortSignal): Promise<RegionTypes> {
    const cached = this.typeCache.get(region);
    if (cached && this.clock.now() - cached.at < this.catalogueTtlMs) return cached.value;
    const typeFilter = [{ Name: 'instance-type', Values: GPU_INSTANCE_FAMILIES.map((f) => `${f}.*`) }];
    const infos: InstanceTypeInfo[] = [];
    let next: string | undefined;
    do {
      const page = await this.call('DescribeInstanceTypes', signal, (s) =>
        this.ec2(region).send(new DescribeInstanceTypesCommand({ Filters: typeFilter, NextToken: next }), {
          abortSignal: s,
        }),
      );
      infos.push(...(page.InstanceTypes ?? []));
      next = page.NextToken || undefined;
    } while (next);
    const offerings: InstanceTypeOffering[] = [];
    do {
      const page = await this.call('DescribeInstanceTypeOfferings', signal, (s) =>
        this.ec2(region).send(
          new DescribeInstanceTypeOfferingsCommand({
            LocationType: 'availability-zone',
            Filters: typeFilter,
            NextToken: next,
          }),
          { abortSignal: s },
        ),
      );
      offerings.push(...(page.InstanceTypeOfferings ?? []));
      next = page.NextToken || undefined;
    } while (next);
    const value = { types: gpuInstanceTypes(infos), zones: zonesByType(offerings) };
    this.typeCache.set(region, { value, at: this.clock.now() });
    return value;
  }

  private async spotPrices(
    region: string,
    types: readonly GpuInstanceType[],
    signal?: AbortSignal,
  ): Promise<Map<string, number>> {
    const history: SpotPrice[] = [];
    let next: string | undefined;
    do {
      const page = await this.call('DescribeSpotPriceHistory', signal, (s) =>
        this.ec2(region).send(
          new DescribeSpotPriceHistoryCommand({
            InstanceTypes: types.map((t) => t.instanceType as _InstanceType),
            ProductDescriptions: ['Linux/UNIX'],
            StartTime: new Date(this.clock.now()),
            NextToken: next,
          }),
          { abortSignal: s },
        ),
      );
      history.push(...(page.SpotPriceHistory ?? []));
      next = page.NextToken || undefined;
    } while (next);
    return latestSpotPrices(history);
  }

  private async onDemandPricesFor(
    region: string,
    types: readonly GpuInstanceType[],
    signal?: AbortSignal,
  ): Promise<Map<string, number>> {
    const queue = types.map((t) => t.instanceType);
    const worker = async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await this.onDemandPrice(region, t, signal);
    };
    await Promise.all(Array.from({ length: Math.min(this.pricingConcurrency, queue.length) }, worker));
    const out = new Map<string, number>();
    for (const t of types) {
      const price = this.onDemandPrices.get(`${region}/${t.instanceType}`)?.value;
      if (price !== undefined) out.set(t.instanceType, price);
    }
    return out;
  }

  private async onDemandPrice(region: string, instanceType: string, signal?: AbortSignal): Promise<void> {
    const key = `${region}/${instanceType}`;
    const cached = this.onDemandPrices.get(key);
    if (cached && this.clock.now() - cached.at < this.onDemandPriceTtlMs) return;
    try {
      const out = await this.call('GetProducts', signal, (s) =>
        this.pricingClient().send(
          new GetProductsCommand({
            ServiceCode: 'AmazonEC2',
            FormatVersion: 'aws_v1',
            Filters: onDemandPriceFilters(instanceType, region),
            MaxResults: 100,
          }),
          { abortSignal: s },
        ),
      );
      const price = onDemandPriceFrom(out.PriceList as readonly unknown[] | undefined);
      if (price === undefined) this.logger.debug('no on-demand price listed', { region, instanceType });
      this.onDemandPrices.set(key, { value: price, at: this.clock.now() });
    } catch (e) {
      // A price that is a few hours old is still the price; only a missing one fails the listing.
      if (!cached) throw e;
      this.logger.warn('keeping an older on-demand price', { region, instanceType, error: errorText(e) });
    }
  }

  /** zone -> subnet id among spec.aws.subnetIds; undefined when no subnets are configured. */
  private async subnetsByZone(region: string, signal?: AbortSignal): Promise<Map<string, string> | undefined> {
    const ids = this.spec.aws?.subnetIds ?? [];
    if (ids.length === 0) return undefined;
    const cached = this.subnetCache.get(region);
    if (cached && this.clock.now() - cached.at < this.catalogueTtlMs) return cached.value;
    // A subnet-id filter, unlike SubnetIds, tolerates ids that belong to other regions.
    const out = await this.call('DescribeSubnets', signal, (s) =>
      this.ec2(region).send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: ids }] }), {
        abortSignal: s,
      }),
    );
    const best = new Map<string, { id: string; free: number }>();
    for (const subnet of out.Subnets ?? []) {
      if (!subnet.SubnetId || !subnet.AvailabilityZone) continue;
      const free = subnet.AvailableIpAddressCount ?? 0;
      const seen = best.get(subnet.AvailabilityZone);
      if (!seen || free > seen.free) best.set(subnet.AvailabilityZone, { id: subnet.SubnetId, free });
    }
    const value = new Map([...best].map(([zone, s]) => [zone, s.id]));
    this.subnetCache.set(region, { value, at: this.clock.now() });
    return value;
  }

  private async launchableZones(region: string, signal?: AbortSignal): Promise<Set<string> | undefined> {
    const subnets = await this.subnetsByZone(region, signal);
    return subnets ? new Set(subnets.keys()) : undefined;
  }

  private async subnetFor(region: string, zone: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const subnets = await this.subnetsByZone(region, signal);
    if (!subnets) return undefined;
    const subnet = zone ? subnets.get(zone) : subnets.values().next().value;
    if (!subnet) {
      throw new InvalidRequestError(`none of spec.aws.subnetIds is in zone ${zone ?? region}: add a subnet there`);
    }
    return subnet;
  }

  private async describeOne(
    region: string,
    id: string,
    signal?: AbortSignal,
  ): Promise<Instance | undefined> {
    try {
      const raws = await this.describeInstances(region, { InstanceIds: [id] }, signal);
      const raw = raws[0];
      return raw ? toInstance(raw, { provider: this.name, region, now: this.clock.now() }) : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async describeInstances(
    region: string,
    input: { InstanceIds?: string[]; Filters?: { Name: string; Values: string[] }[] },
    signal?: AbortSignal,
  ): Promise<(Ec2Instance & { InstanceId: string })[]> {
    const out: (Ec2Instance & { InstanceId: string })[] = [];
    let next: string | undefined;
    do {
      const page = await this.call('DescribeInstances', signal, (s) =>
        this.ec2(region).send(new DescribeInstancesCommand({ ...input, NextToken: next }), { abortSignal: s }),
      );
      for (const r of page.Reservations ?? []) {
        for (const i of r.Instances ?? []) if (i.InstanceId) out.push(i as Ec2Instance & { InstanceId: string });
      }
      next = page.NextToken || undefined;
    } while (next);
    return out;
  }

  private ec2(region: string): EC2Client {
    let client = this.ec2Clients.get(region);
    if (!client) {
      client =
        this.makeEc2Client?.(region) ??
        new EC2Client({
          region,
          maxAttempts: 1,
          ...(this.credentials ? { credentials: this.credentials } : {}),
          ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        });
      this.ec2Clients.set(region, client);
    }
    return client;
  }

  private pricingClient(): PricingClient {
    this.pricing ??= new PricingClient({
      region: PRICING_REGION,
      maxAttempts: 1,
      ...(this.credentials ? { credentials: this.credentials } : {}),
    });
    return this.pricing;
  }

  /** One SDK call, one attempt. */
  private async call<T>(operation: string, signal: AbortSignal | undefined, fn: (s: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (this.credentialsProblem) throw new AuthError(this.credentialsProblem);
    return callSdk(operation, signal, fn, { now: () => this.clock.now(), secrets: this.secrets });
  }
}

function stateKind(raw: Ec2Instance): InterruptionKind | undefined {
  const state = raw.State?.Name;
  if (state === undefined || !STOPPED_STATES.includes(state)) return undefined;
  if (SPOT_REASONS.has(raw.StateReason?.Code ?? '')) return 'spot-interruption';
  return state === 'stopping' || state === 'stopped' ? 'stopped' : 'terminated';
}

function fromTags(tags: Ec2Instance['Tags'], key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

function forgetOlderThan(seen: Map<string, number>, cutoff: number): void {
  for (const [key, at] of seen) if (at < cutoff) seen.delete(key);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

