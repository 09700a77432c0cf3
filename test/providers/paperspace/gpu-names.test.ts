import { machineTypeSpec, MACHINE_TYPES } from '../../../src/providers/paperspace/gpu-names.js';
import { LIST_PRICES } from '../../../src/providers/paperspace/prices.js';
import { PAPERSPACE_MACHINE_TYPES } from './fixtures/machine-types.js';

describe('Paperspace machine types as Paperspace sells them', () => {
  it.each(PAPERSPACE_MACHINE_TYPES)('%s: %i GPUs of %i GB, %i vCPUs, %i GB RAM', (type, gpus, gpuMemory, vcpus, ram) => {
    expect(machineTypeSpec(type)).toMatchObject({ gpuCount: gpus, gpuMemoryGiB: gpuMemory, vcpus, memoryGiB: ram });
    // A type without a price is never offered: every listed GPU type has one.
    expect(LIST_PRICES[type]).toBeGreaterThan(0);
  });

  it('tells the two A100 and V100 sizes apart by name', () => {
    expect(machineTypeSpec('A100x4')?.gpuModel).toBe('A100-40GB');
    expect(machineTypeSpec('A100-80Gx4')?.gpuModel).toBe('A100-80GB');
    expect(machineTypeSpec('V100-32Gx2')).toMatchObject({ gpuModel: 'V100', gpuMemoryGiB: 32 });
  });

  it('has no type the list does not, and prices multi-GPU types at the per-GPU rate', () => {
    expect(Object.keys(MACHINE_TYPES).sort()).toEqual(PAPERSPACE_MACHINE_TYPES.map((r) => r[0]).sort());
    expect(LIST_PRICES['A100-80Gx4']).toBeCloseTo(4 * LIST_PRICES['A100-80G']!, 6);
    expect(LIST_PRICES['V100-32Gx2']).toBeCloseTo(2 * LIST_PRICES['V100-32G']!, 6);
  });
});
