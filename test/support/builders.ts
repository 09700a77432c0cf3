/** Builders for test data: sensible defaults, and each test overrides only what it is about. */
import type { Offer } from '../../src/providers/types.js';

/** An available on-demand 8x H100 AWS offer in us-east-1a. */
export function offer(overrides: Partial<Offer> = {}): Offer {
  return {
    provider: 'aws',
    providerType: 'aws',
    instanceType: 'p5.48xlarge',
    gpuModel: 'H100',
    gpuCount: 8,
    gpuMemoryGiB: 80,
    vcpus: 192,
    memoryGiB: 2048,
    region: 'us-east-1',
    zone: 'us-east-1a',
    capacityType: 'on-demand',
    pricePerHour: 55.04,
    available: true,
    ...overrides,
  };
}
