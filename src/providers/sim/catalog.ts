/**
 * The sim cloud's own catalogue: a cloud of its own (its names are not AWS's), priced
 * like the GPU clouds people actually buy from, so the demo and the benchmark make the
 * same choices a user would.
 *
 * Where the numbers come from: on-demand USD per GPU-hour as published on the public
 * price pages of the GPU clouds (Lambda, RunPod, CoreWeave and similar) in 2025, rounded
 * to a typical value across them; an instance costs that times its GPU count, then times
 * its region's multiplier. Spot discounts (35-65 % off) follow the spread seen on AWS
 * and GCP spot GPU prices; the more contended the region, the smaller the discount.
 * vCPU and memory follow the common shapes of those clouds' instances.
 */
import { GPU_MODELS, type GpuModel } from '../../api/gpu-models.js';
import type { CapacityType } from '../types.js';

export interface SimInstanceType {
  name: string;
  gpuModel: GpuModel;
  gpuCount: number;
  vcpus: number;
  memoryGiB: number;
  /** On-demand USD per GPU-hour before the regional multiplier. */
  pricePerGpuHour: number;
}

export interface SimRegion {
  name: string;
  zones: string[];
  /** On-demand price multiplier against the base list price. */
  priceMultiplier: number;
  /** Fraction taken off the on-demand price for spot. */
  spotDiscount: number;
}

/** One thing the sim cloud sells in one zone, with how many it has to sell. */
export interface SimOffering {
  region: string;
  zone: string;
  instanceType: SimInstanceType;
  capacityType: CapacityType;
  pricePerHour: number;
  /** Instances that can be launched when nothing is running. */
  capacity: number;
}

export const SIM_INSTANCE_TYPES: readonly SimInstanceType[] = [
  { name: 'g-b200x8', gpuModel: 'B200', gpuCount: 8, vcpus: 224, memoryGiB: 2900, pricePerGpuHour: 5.0 },
  { name: 'g-h200x8', gpuModel: 'H200', gpuCount: 8, vcpus: 224, memoryGiB: 2000, pricePerGpuHour: 3.5 },
  { name: 'g-h100x8', gpuModel: 'H100', gpuCount: 8, vcpus: 208, memoryGiB: 1800, pricePerGpuHour: 2.99 },
  { name: 'g-h100x1', gpuModel: 'H100', gpuCount: 1, vcpus: 26, memoryGiB: 225, pricePerGpuHour: 2.49 },
  { name: 'g-a100-80gbx8', gpuModel: 'A100-80GB', gpuCount: 8, vcpus: 240, memoryGiB: 1800, pricePerGpuHour: 1.79 },
  { name: 'g-a100-40gbx8', gpuModel: 'A100-40GB', gpuCount: 8, vcpus: 124, memoryGiB: 1800, pricePerGpuHour: 1.29 },
  { name: 'g-l40sx1', gpuModel: 'L40S', gpuCount: 1, vcpus: 16, memoryGiB: 64, pricePerGpuHour: 1.1 },
  { name: 'g-l40sx4', gpuModel: 'L40S', gpuCount: 4, vcpus: 64, memoryGiB: 256, pricePerGpuHour: 1.1 },
  { name: 'g-a6000x1', gpuModel: 'RTX-A6000', gpuCount: 1, vcpus: 14, memoryGiB: 100, pricePerGpuHour: 0.8 },
  { name: 'g-a10x1', gpuModel: 'A10', gpuCount: 1, vcpus: 30, memoryGiB: 200, pricePerGpuHour: 0.75 },
  { name: 'g-l4x1', gpuModel: 'L4', gpuCount: 1, vcpus: 8, memoryGiB: 32, pricePerGpuHour: 0.7 },
  { name: 'g-4090x1', gpuModel: 'RTX-4090', gpuCount: 1, vcpus: 16, memoryGiB: 64, pricePerGpuHour: 0.69 },
];

export const SIM_REGIONS: readonly SimRegion[] = [
  { name: 'sim-us-east-1', zones: ['sim-us-east-1a', 'sim-us-east-1b'], priceMultiplier: 1.0, spotDiscount: 0.6 },
  { name: 'sim-us-west-2', zones: ['sim-us-west-2a'], priceMultiplier: 1.05, spotDiscount: 0.5 },
  { name: 'sim-eu-central-1', zones: ['sim-eu-central-1a'], priceMultiplier: 1.15, spotDiscount: 0.35 },
];

/**
 * How many of each instance type a zone holds (on-demand, spot). Absent means the zone
 * does not sell the type. The zeros are there on purpose: real GPU clouds list types
 * they have none of, and the operator must move on to the next offer.
 */
const CAPACITY: Record<string, Record<string, [onDemand: number, spot: number]>> = {
  'sim-us-east-1a': {
    'g-b200x8': [0, 0],
    'g-h200x8': [1, 0],
    'g-h100x8': [4, 2],
    'g-h100x1': [8, 4],
    'g-a100-80gbx8': [2, 2],
    'g-a100-40gbx8': [2, 1],
    'g-l40sx1': [10, 6],
    'g-l40sx4': [4, 2],
    'g-a10x1': [16, 8],
    'g-l4x1': [20, 10],
    'g-4090x1': [12, 6],
  },
  'sim-us-east-1b': {
    'g-h100x8': [2, 0],
    'g-h100x1': [6, 3],
    'g-a100-80gbx8': [1, 1],
    'g-l40sx1': [8, 4],
    'g-l4x1': [16, 8],
    'g-a6000x1': [8, 4],
  },
  'sim-us-west-2a': {
    'g-b200x8': [1, 0],
    'g-h200x8': [2, 1],
    'g-h100x8': [3, 1],
    'g-h100x1': [6, 2],
    'g-a100-80gbx8': [2, 0],
    'g-a100-40gbx8': [3, 2],
    'g-l40sx4': [3, 1],
    'g-a6000x1': [6, 3],
    'g-a10x1': [10, 5],
    'g-l4x1': [12, 6],
  },
  'sim-eu-central-1a': {
    'g-h200x8': [1, 0],
    'g-h100x8': [2, 1],
    'g-h100x1': [4, 2],
    'g-a100-80gbx8': [2, 1],
    'g-l40sx1': [6, 3],
    'g-l40sx4': [2, 1],
    'g-a10x1': [8, 4],
    'g-l4x1': [10, 5],
    'g-4090x1': [0, 4],
  },
};

function roundCents(n: number): number {
  return Math.round(n * 100) / 100;
}

export function gpuMemoryGiB(t: SimInstanceType): number {
  return GPU_MODELS[t.gpuModel].memoryGiB;
}

/** Every offering of the catalogue, in a stable order. */
export function simOfferings(): SimOffering[] {
  const types = new Map(SIM_INSTANCE_TYPES.map((t) => [t.name, t]));
  const out: SimOffering[] = [];
  for (const region of SIM_REGIONS) {
    for (const zone of region.zones) {
      for (const [typeName, [onDemand, spot]] of Object.entries(CAPACITY[zone] ?? {})) {
        const instanceType = types.get(typeName);
        if (!instanceType) throw new Error(`sim catalogue: unknown instance type ${typeName} in ${zone}`);
        const onDemandPrice = instanceType.pricePerGpuHour * instanceType.gpuCount * region.priceMultiplier;
        out.push({
          region: region.name,
          zone,
          instanceType,
          capacityType: 'on-demand',
          pricePerHour: roundCents(onDemandPrice),
          capacity: onDemand,
        });
        out.push({
          region: region.name,
          zone,
          instanceType,
          capacityType: 'spot',
          pricePerHour: roundCents(onDemandPrice * (1 - region.spotDiscount)),
          capacity: spot,
        });
      }
    }
  }
  return out;
}

/** Identity of an offering inside the sim cloud, shared by every account that sees it. */
export function simOfferingKey(o: { region: string; zone?: string; instanceType: string; capacityType: string }): string {
  return `${o.region}/${o.zone ?? '-'}/${o.instanceType}/${o.capacityType}`;
}
