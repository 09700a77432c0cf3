/**
 * Turning EC2 catalogue answers into offers: plain functions over the SDK's data,
 * so the price and zone logic is tested without any client.
 */
import type { InstanceTypeInfo, InstanceTypeOffering, SpotPrice } from '@aws-sdk/client-ec2';
import type { GpuModel } from '../../api/gpu-models.js';
import type { CpuArch, Offer } from '../types.js';
import { gpuMemoryGiB, normaliseAwsGpu } from './gpu-names.js';

/** One GPU instance type as far as offers care. */
export interface GpuInstanceType {
  instanceType: string;
  gpuModel: GpuModel;
  gpuCount: number;
  gpuMemoryGiB: number;
  vcpus: number;
  memoryGiB: number;
  /** arm64 for Graviton hosts, else amd64. */
  arch: CpuArch;
}

/** Keeps the instance types whose GPUs map onto a known model; others are skipped. */
export function gpuInstanceTypes(infos: readonly InstanceTypeInfo[]): GpuInstanceType[] {
  const out: GpuInstanceType[] = [];
  for (const info of infos) {
    if (!info.InstanceType) continue;
    const gpus = info.GpuInfo?.Gpus ?? [];
    // Mixed GPU types in one instance do not fit "count of one model".
    if (gpus.length !== 1) continue;
    const gpu = gpus[0]!;
    const model = normaliseAwsGpu({
      name: gpu.Name,
      manufacturer: gpu.Manufacturer,
      memoryMiB: gpu.MemoryInfo?.SizeInMiB,
    });
    const count = gpu.Count ?? 0;
    if (!model || count <= 0) continue;
    out.push({
      instanceType: info.InstanceType,
      gpuModel: model,
      gpuCount: count,
      gpuMemoryGiB: gpuMemoryGiB(model),
      vcpus: info.VCpuInfo?.DefaultVCpus ?? 0,
      memoryGiB: Math.round((info.MemoryInfo?.SizeInMiB ?? 0) / 1024),
      arch: archOf(info),
    });
  }
  return out;
}

function archOf(info: InstanceTypeInfo): CpuArch {
  const archs = info.ProcessorInfo?.SupportedArchitectures ?? [];
  return archs.includes('arm64') && !archs.includes('x86_64') ? 'arm64' : 'amd64';
}

/** instance type -> zones that sell it (LocationType availability-zone). */
export function zonesByType(offerings: readonly InstanceTypeOffering[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of offerings) {
    if (!o.InstanceType || !o.Location) continue;
    const zones = out.get(o.InstanceType) ?? [];
    if (!zones.includes(o.Location)) zones.push(o.Location);
    out.set(o.InstanceType, zones);
  }
  for (const zones of out.values()) zones.sort();
  return out;
}

/**
 * `type/zone` -> current spot price. DescribeSpotPriceHistory with StartTime now
 * returns the price in force for each zone; if history holds several, the newest wins.
 */
export function latestSpotPrices(history: readonly SpotPrice[]): Map<string, number> {
  const newest = new Map<string, { at: number; price: number }>();
  for (const p of history) {
    if (!p.InstanceType || !p.AvailabilityZone || p.SpotPrice === undefined) continue;
    const price = Number(p.SpotPrice);
    if (!Number.isFinite(price) || price <= 0) continue;
    const at = p.Timestamp ? new Date(p.Timestamp).getTime() : 0;
    const key = spotKey(p.InstanceType, p.AvailabilityZone);
    const seen = newest.get(key);
    if (!seen || at > seen.at) newest.set(key, { at, price });
  }
  return new Map([...newest].map(([k, v]) => [k, v.price]));
}

export function spotKey(instanceType: string, zone: string): string {
  return `${instanceType}/${zone}`;
}

export interface RegionCatalogue {
  provider: string;
  region: string;
  types: readonly GpuInstanceType[];
  zones: ReadonlyMap<string, readonly string[]>;
  spotPrices: ReadonlyMap<string, number>;
  /** instance type -> on-demand USD/hour; absent when the Pricing API had none. */
  onDemandPrices: ReadonlyMap<string, number>;
  /** When set, only these zones can be launched into (they hold a configured subnet). */
  launchableZones?: ReadonlySet<string>;
}

/** One offer per (type, zone, capacity type) that has a price; unpriced ones are left out. */
export function buildOffers(c: RegionCatalogue): Offer[] {
  const offers: Offer[] = [];
  for (const t of c.types) {
    for (const zone of c.zones.get(t.instanceType) ?? []) {
      if (c.launchableZones && !c.launchableZones.has(zone)) continue;
      const base = {
        provider: c.provider,
        providerType: 'aws' as const,
        instanceType: t.instanceType,
        gpuModel: t.gpuModel,
        gpuCount: t.gpuCount,
        gpuMemoryGiB: t.gpuMemoryGiB,
        vcpus: t.vcpus,
        memoryGiB: t.memoryGiB,
        arch: t.arch,
        region: c.region,
        zone,
        // EC2 publishes no capacity signal; a launch that finds none fails with a capacity error.
        available: true,
      };
      const spot = c.spotPrices.get(spotKey(t.instanceType, zone));
      if (spot !== undefined) offers.push({ ...base, capacityType: 'spot', pricePerHour: spot });
      const onDemand = c.onDemandPrices.get(t.instanceType);
      if (onDemand !== undefined) offers.push({ ...base, capacityType: 'on-demand', pricePerHour: onDemand });
    }
  }
  return offers;
}
