/**
 * Paperspace machine types -> normalised GPU models (src/api/gpu-models.ts), with the
 * machine's size as Paperspace lists it. The one mapping table for this provider: a
 * machine type missing here is skipped, never guessed. Quadro/Pascal types (RTX4000,
 * RTX5000, P4000, P5000, P6000) have no normalised name and are left out on purpose.
 * Checked against the machine types Paperspace lists today, multi-GPU ones included
 * (test/providers/paperspace/fixtures/machine-types.ts).
 */
import { GPU_MODELS, type GpuModel } from '../../api/gpu-models.js';

export interface MachineTypeSpec {
  gpuModel: GpuModel;
  gpuCount: number;
  /** Memory per GPU when it differs from the model's usual size. */
  gpuMemoryGiB: number;
  vcpus: number;
  memoryGiB: number;
}

function spec(gpuModel: GpuModel, gpuCount: number, vcpus: number, memoryGiB: number, gpuMemoryGiB?: number): MachineTypeSpec {
  return { gpuModel, gpuCount, vcpus, memoryGiB, gpuMemoryGiB: gpuMemoryGiB ?? GPU_MODELS[gpuModel].memoryGiB };
}

export const MACHINE_TYPES: Readonly<Record<string, MachineTypeSpec>> = {
  H100: spec('H100', 1, 20, 250),
  H100x8: spec('H100', 8, 128, 1638),
  'A100-80G': spec('A100-80GB', 1, 12, 90),
  'A100-80Gx8': spec('A100-80GB', 8, 96, 640),
  'A100-80Gx2': spec('A100-80GB', 2, 24, 180),
  'A100-80Gx4': spec('A100-80GB', 4, 48, 360),
  A100: spec('A100-40GB', 1, 12, 90),
  A100x2: spec('A100-40GB', 2, 24, 180),
  A100x4: spec('A100-40GB', 4, 48, 360),
  A100x8: spec('A100-40GB', 8, 96, 640),
  A6000: spec('RTX-A6000', 1, 8, 45),
  A6000x2: spec('RTX-A6000', 2, 16, 90),
  A6000x4: spec('RTX-A6000', 4, 32, 180),
  A5000: spec('RTX-A5000', 1, 8, 45),
  A5000x2: spec('RTX-A5000', 2, 16, 90),
  A5000x4: spec('RTX-A5000', 4, 32, 180),
  A4000: spec('RTX-A4000', 1, 8, 45),
  A4000x2: spec('RTX-A4000', 2, 16, 90),
  A4000x4: spec('RTX-A4000', 4, 32, 180),
  'V100-32G': spec('V100', 1, 8, 30, 32),
  'V100-32Gx2': spec('V100', 2, 16, 60, 32),
  'V100-32Gx4': spec('V100', 4, 32, 120, 32),
  V100: spec('V100', 1, 8, 30),
};

export function machineTypeSpec(machineType: string): MachineTypeSpec | undefined {
  return Object.hasOwn(MACHINE_TYPES, machineType) ? MACHINE_TYPES[machineType] : undefined;
}
