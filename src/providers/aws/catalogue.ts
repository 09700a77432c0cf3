/**
 * What one AWS account can buy, and at what price: GPU instance types and the zones
 * selling them, the configured subnets, spot prices (asked for on every listing: they
 * move all the time), on-demand prices from the price list, and the Talos AMI of a
 * region. Slow-moving answers are kept with one TTL helper; how long a listing's
 * offers stay current, and what is served when a refresh fails, is the offer cache's
 * business (src/pricing/offer-cache.ts), not this file's.
 */
import {
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeSpotPriceHistoryCommand,
  DescribeSubnetsCommand,
  type InstanceTypeInfo,
  type InstanceTypeOffering,
  type SpotPrice,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand } from '@aws-sdk/client-pricing';
import type { GpuProviderSpec } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { TtlCache } from '../../util/ttl-cache.js';
import { InvalidRequestError } from '../errors.js';
import type { CpuArch, Offer } from '../types.js';
import { errorText, type AwsApi } from './api.js';
import { GPU_INSTANCE_FAMILIES } from './gpu-names.js';
import { buildOffers, gpuInstanceTypes, latestSpotPrices, zonesByType, type GpuInstanceType } from './offers.js';
import { onDemandPriceFilters, onDemandPriceFrom } from './on-demand-price.js';
import { newestImage, talosImagesInput, talosVersion } from './talos-ami.js';

const HOUR = 3_600_000;

export interface CatalogueOptions {
  /** How long on-demand prices are kept (default 6h: the price list changes rarely). */
  onDemandPriceTtlMs?: number;
  /** How long instance types, zone offerings and subnets are kept (default 1h). */
  catalogueTtlMs?: number;
  /** Parallel GetProducts calls while filling the on-demand prices (default 4). */
  pricingConcurrency?: number;
  /** How long a Talos AMI found by DescribeImages is kept per region (default 6h). */
  amiTtlMs?: number;
}

interface RegionTypes {
  types: GpuInstanceType[];
  zones: Map<string, string[]>;
}

export class AwsCatalogue {
  private readonly types: TtlCache<string, RegionTypes>;
  private readonly subnets: TtlCache<string, Map<string, string>>;
  /** `<region>/<type>` -> USD/hour, or undefined when the price list has none. */
  private readonly onDemand: TtlCache<string, number | undefined>;
  private readonly amis: TtlCache<string, string>;
  private readonly pricingConcurrency: number;

  constructor(
    private readonly provider: string,
    private readonly spec: GpuProviderSpec,
    private readonly api: AwsApi,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: CatalogueOptions = {},
  ) {
    this.types = new TtlCache({ clock, ttlMs: options.catalogueTtlMs ?? HOUR });
    this.subnets = new TtlCache({ clock, ttlMs: options.catalogueTtlMs ?? HOUR });
    this.onDemand = new TtlCache({ clock, ttlMs: options.onDemandPriceTtlMs ?? 6 * HOUR });
    this.amis = new TtlCache({ clock, ttlMs: options.amiTtlMs ?? 6 * HOUR });
    this.pricingConcurrency = Math.max(1, options.pricingConcurrency ?? 4);
  }

  /** Offers of every region; one unreachable region does not hide the others', all failing is an error. */
  async listOffers(regions: readonly string[], signal?: AbortSignal): Promise<Offer[]> {
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
    if (failures.length === regions.length) throw failures[0];
    return offers;
  }

  /**
   * spec.aws.amis first (amd64); else the newest stock Talos AMI of the release for the
   * architecture, kept per region and architecture.
   */
  async imageFor(region: string, arch: CpuArch, signal?: AbortSignal): Promise<string> {
    const configured = this.spec.aws?.amis?.[region];
    if (configured && arch === 'amd64') return configured;
    const version = talosVersion(this.spec.talos?.version);
    return this.amis.getOrLoad(`${region}/${arch}`, async () => {
      const out = await this.api.call('DescribeImages', signal, (s) =>
        this.api.ec2(region).send(new DescribeImagesCommand(talosImagesInput(version, arch)), { abortSignal: s }),
      );
      const image = newestImage(out?.Images ?? []);
      if (!image) {
        throw new InvalidRequestError(
          `no Talos ${version} ${arch} AMI found in ${region}: set spec.aws.amis.${region} to an Image Factory AMI with the NVIDIA extensions`,
        );
      }
      this.logger.warn('spec.aws.amis has no entry for this region: using the stock Talos AMI, without the NVIDIA extensions', {
        region,
        imageId: image.ImageId,
        name: image.Name,
        version,
      });
      return image.ImageId;
    });
  }

  /** The subnet of spec.aws.subnetIds to launch into in `zone`; undefined when no subnets are configured. */
  async subnetFor(region: string, zone: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const subnets = await this.subnetsByZone(region, signal);
    if (!subnets) return undefined;
    const subnet = zone ? subnets.get(zone) : subnets.values().next().value;
    if (!subnet) {
      throw new InvalidRequestError(`none of spec.aws.subnetIds is in zone ${zone ?? region}: add a subnet there`);
    }
    return subnet;
  }

  private async regionOffers(region: string, signal?: AbortSignal): Promise<Offer[]> {
    const { types, zones } = await this.regionTypes(region, signal);
    if (types.length === 0) return [];
    const [spotPrices, onDemandPrices, subnets] = await Promise.all([
      this.spotPrices(region, types, signal),
      this.onDemandPrices(region, types, signal),
      this.subnetsByZone(region, signal),
    ]);
    return buildOffers({
      provider: this.provider,
      region,
      types,
      zones,
      spotPrices,
      onDemandPrices,
      ...(subnets ? { launchableZones: new Set(subnets.keys()) } : {}),
    });
  }

  private regionTypes(region: string, signal?: AbortSignal): Promise<RegionTypes> {
    return this.types.getOrLoad(region, async () => {
      const typeFilter = [{ Name: 'instance-type', Values: GPU_INSTANCE_FAMILIES.map((f) => `${f}.*`) }];
      const infos: InstanceTypeInfo[] = [];
      let next: string | undefined;
      do {
        const page = await this.api.call('DescribeInstanceTypes', signal, (s) =>
          this.api.ec2(region).send(new DescribeInstanceTypesCommand({ Filters: typeFilter, NextToken: next }), { abortSignal: s }),
        );
        infos.push(...(page.InstanceTypes ?? []));
        next = page.NextToken || undefined;
      } while (next);
      const offerings: InstanceTypeOffering[] = [];
      do {
        const page = await this.api.call('DescribeInstanceTypeOfferings', signal, (s) =>
          this.api.ec2(region).send(
            new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: typeFilter, NextToken: next }),
            { abortSignal: s },
          ),
        );
        offerings.push(...(page.InstanceTypeOfferings ?? []));
        next = page.NextToken || undefined;
      } while (next);
      return { types: gpuInstanceTypes(infos), zones: zonesByType(offerings) };
    });
  }

  private async spotPrices(region: string, types: readonly GpuInstanceType[], signal?: AbortSignal): Promise<Map<string, number>> {
    const history: SpotPrice[] = [];
    let next: string | undefined;
    do {
      const page = await this.api.call('DescribeSpotPriceHistory', signal, (s) =>
        this.api.ec2(region).send(
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

  /** instance type -> on-demand USD/hour, for the types the price list prices. */
  private async onDemandPrices(region: string, types: readonly GpuInstanceType[], signal?: AbortSignal): Promise<Map<string, number>> {
    const queue = types.map((t) => t.instanceType);
    const out = new Map<string, number>();
    const worker = async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
        const type = t;
        const price = await this.onDemand.getOrLoad(`${region}/${type}`, () => this.onDemandPrice(region, type, signal));
        if (price !== undefined) out.set(type, price);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.pricingConcurrency, queue.length) }, worker));
    return out;
  }

  private async onDemandPrice(region: string, instanceType: string, signal?: AbortSignal): Promise<number | undefined> {
    const out = await this.api.call('GetProducts', signal, (s) =>
      this.api.pricingClient().send(
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
    return price;
  }

  /** zone -> subnet id among spec.aws.subnetIds (the one with most free addresses); undefined when none are configured. */
  private async subnetsByZone(region: string, signal?: AbortSignal): Promise<Map<string, string> | undefined> {
    const ids = this.spec.aws?.subnetIds ?? [];
    if (ids.length === 0) return undefined;
    return this.subnets.getOrLoad(region, async () => {
      // A subnet-id filter, unlike SubnetIds, tolerates ids that belong to other regions.
      const out = await this.api.call('DescribeSubnets', signal, (s) =>
        this.api.ec2(region).send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: ids }] }), { abortSignal: s }),
      );
      const best = new Map<string, { id: string; free: number }>();
      for (const subnet of out.Subnets ?? []) {
        if (!subnet.SubnetId || !subnet.AvailabilityZone) continue;
        const free = subnet.AvailableIpAddressCount ?? 0;
        const seen = best.get(subnet.AvailabilityZone);
        if (!seen || free > seen.free) best.set(subnet.AvailabilityZone, { id: subnet.SubnetId, free });
      }
      return new Map([...best].map(([zone, s]) => [zone, s.id]));
    });
  }
}
