/**
 * This cluster's EC2 instances: launch (idempotent by ClientToken), look up, list by
 * the cluster tag, terminate. It remembers which region an instance is in, which
 * instances carry this cluster's tag (for the interruption queue's owner check), which
 * it terminated itself, and what it launched a moment ago (EC2 reads lag behind
 * RunInstances), each for a bounded time.
 */
import { CreateTagsCommand, RunInstancesCommand, TerminateInstancesCommand, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { Labels } from '../../api/constants.js';
import type { GpuProviderSpec } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { TtlCache } from '../../util/ttl-cache.js';
import { InvalidRequestError, NotFoundError, TransientError, isNotFound } from '../errors.js';
import type { Instance, LaunchRequest } from '../types.js';
import { errorText, type AwsApi, type Ec2InstanceWithId } from './api.js';
import type { AwsCatalogue } from './catalogue.js';
import type { InstanceRef } from './interruption-queue.js';
import { TERMINATED_BY_TAG, launchTags, runInstancesInput, toInstance } from './launch.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** EC2 keeps terminated instances visible for about an hour; what was deleted here is remembered a little longer. */
export const STATE_MEMORY_MS = 2 * HOUR;
/** Whose an instance is, and where: asked again after this long. */
const OWNERSHIP_MEMORY_MS = 6 * HOUR;
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

export class AwsInstances {
  /** instance id -> region, learnt from create/get/list, so get and delete ask one region first. */
  private readonly regionOf: TtlCache<string, string>;
  /** Instances launched here a moment ago, for EC2's read-after-create lag. */
  private readonly launched: TtlCache<string, Instance>;
  /** instance id -> region, for instances seen carrying this cluster's tag. */
  private readonly owned: TtlCache<string, string>;
  /** Instances found not to carry this cluster's tag. */
  private readonly foreign: TtlCache<string, true>;
  /** Instances this adapter terminated; their end is not an interruption. */
  private readonly deletedHere: TtlCache<string, true>;

  constructor(
    private readonly provider: string,
    private readonly spec: GpuProviderSpec,
    private readonly regions: readonly string[],
    private readonly clusterName: string,
    private readonly api: AwsApi,
    private readonly catalogue: AwsCatalogue,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** How long after launch a NotFound is read as EC2's eventual consistency (default 2 min). */
    launchGraceMs = 2 * MINUTE,
  ) {
    this.regionOf = new TtlCache({ clock, ttlMs: OWNERSHIP_MEMORY_MS });
    this.launched = new TtlCache({ clock, ttlMs: launchGraceMs });
    this.owned = new TtlCache({ clock, ttlMs: OWNERSHIP_MEMORY_MS });
    this.foreign = new TtlCache({ clock, ttlMs: OWNERSHIP_MEMORY_MS });
    this.deletedHere = new TtlCache({ clock, ttlMs: STATE_MEMORY_MS });
  }

  async create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    const region = req.offer.region;
    if (!this.regions.includes(region)) {
      throw new InvalidRequestError(`region ${region} is not in spec.regions of GpuProvider ${this.provider}`);
    }
    const imageId = await this.catalogue.imageFor(region, req.offer.arch ?? 'amd64', signal);
    const subnetId = await this.catalogue.subnetFor(region, req.offer.zone, signal);
    const input = runInstancesInput(req, {
      imageId,
      ...(subnetId ? { subnetId } : {}),
      ...(this.spec.aws?.securityGroupIds ? { securityGroupIds: this.spec.aws.securityGroupIds } : {}),
      ...(this.spec.aws?.instanceProfile ? { instanceProfile: this.spec.aws.instanceProfile } : {}),
      clusterName: this.clusterName,
    });
    // ClientToken makes a repeated RunInstances return the instance the first one made.
    const out = await this.api.call('RunInstances', signal, (s) => this.api.ec2(region).send(new RunInstancesCommand(input), { abortSignal: s }));
    const raw = out.Instances?.[0];
    if (!raw?.InstanceId) throw new TransientError('AWS RunInstances returned no instance');
    const instance = toInstance(raw as Ec2InstanceWithId, {
      provider: this.provider,
      region,
      fallbackTags: launchTags(req, this.clusterName),
      now: this.clock.now(),
    });
    this.regionOf.set(instance.id, region);
    this.owned.set(instance.id, region);
    this.launched.set(instance.id, instance);
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
    if (recent) return recent;
    throw new NotFoundError(`instance ${id} not found in ${this.regions.join(', ')}`);
  }

  async list(signal?: AbortSignal): Promise<Instance[]> {
    const perRegion = await Promise.all(
      this.requireRegions().map(async (region) => {
        const raws = await this.api.describeInstances(
          region,
          {
            Filters: [
              { Name: `tag:${Labels.cluster}`, Values: [this.clusterName] },
              { Name: 'instance-state-name', Values: LIVE_STATES },
            ],
          },
          signal,
        );
        return raws.map((raw) => {
          this.regionOf.set(raw.InstanceId, region);
          const instance = toInstance(raw, { provider: this.provider, region, now: this.clock.now() });
          this.noteOwnership(instance, region);
          return instance;
        });
      }),
    );
    return perRegion.flat().filter((i) => i.state !== 'terminated');
  }

  async delete(id: string, signal?: AbortSignal): Promise<void> {
    this.deletedHere.set(id, true);
    for (const region of this.regionsFor(id)) {
      try {
        await this.markTerminatedHere(region, id, signal);
        await this.api.call('TerminateInstances', signal, (s) =>
          this.api.ec2(region).send(new TerminateInstancesCommand({ InstanceIds: [id] }), { abortSignal: s }),
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

  /** Whether this adapter terminated the instance (recently, or by its tag after a restart). */
  terminatedHere(raw: Ec2Instance & { InstanceId: string }): boolean {
    return this.deletedHere.has(raw.InstanceId) || raw.Tags?.some((t) => t.Key === TERMINATED_BY_TAG) === true;
  }

  /**
   * Which of the instances an event names carry this cluster's tag. Instances met before
   * are answered from memory; the rest with one DescribeInstances per region, by filter,
   * so ids EC2 no longer knows are not an error.
   */
  async ownedAmong(refs: readonly InstanceRef[], signal?: AbortSignal): Promise<Set<string>> {
    const owned = new Set<string>();
    const ask = new Map<string, string[]>();
    for (const { instanceId, region } of refs) {
      if (this.owned.has(instanceId)) owned.add(instanceId);
      else if (this.foreign.has(instanceId)) continue;
      // This adapter launches only in spec.regions; an event from elsewhere is someone else's.
      else if (region && !this.regions.includes(region)) this.foreign.set(instanceId, true);
      else for (const r of region ? [region] : this.regions) ask.set(r, [...(ask.get(r) ?? []), instanceId]);
    }
    for (const [region, ids] of ask) {
      const raws = await this.api.describeInstances(
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
        this.owned.set(raw.InstanceId, region);
        this.regionOf.set(raw.InstanceId, region);
      }
    }
    for (const ids of ask.values()) for (const id of ids) if (!owned.has(id)) this.foreign.set(id, true);
    return owned;
  }

  requireRegions(): readonly string[] {
    if (this.regions.length === 0) {
      throw new InvalidRequestError(`GpuProvider ${this.provider} lists no regions: set spec.regions`);
    }
    return this.regions;
  }

  private noteOwnership(instance: Instance, region: string): void {
    if (instance.tags[Labels.cluster] === this.clusterName) {
      this.owned.set(instance.id, region);
      this.foreign.delete(instance.id);
    }
  }

  /**
   * Best effort: without the tag, only this process's memory keeps the delete from
   * being reported as an interruption, which a restart forgets.
   */
  private async markTerminatedHere(region: string, id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.api.call('CreateTags', signal, (s) =>
        this.api.ec2(region).send(
          new CreateTagsCommand({ Resources: [id], Tags: [{ Key: TERMINATED_BY_TAG, Value: 'gpu-provisioner' }] }),
          { abortSignal: s },
        ),
      );
    } catch (e) {
      if (signal?.aborted) throw e;
      if (!isNotFound(e)) this.logger.debug('could not tag an instance before terminating it', { instanceId: id, error: errorText(e) });
    }
  }

  /** The region an instance is known to be in first, then every other configured region. */
  private regionsFor(id: string): readonly string[] {
    const known = this.regionOf.get(id);
    return known ? [known, ...this.regions.filter((r) => r !== known)] : this.requireRegions();
  }

  private async describeOne(region: string, id: string, signal?: AbortSignal): Promise<Instance | undefined> {
    try {
      const raw = (await this.api.describeInstances(region, { InstanceIds: [id] }, signal))[0];
      return raw ? toInstance(raw, { provider: this.provider, region, now: this.clock.now() }) : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
