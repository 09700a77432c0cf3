import { GPU_MODELS, type GpuModel } from '../../api/gpu-models.js';

/**
 * AWS GpuInfo names (DescribeInstanceTypes `GpuInfo.Gpus[].Name`) onto the normalised
 * models. A100 comes in two memory sizes under one name, so it is told apart by
 * `MemoryInfo.SizeInMiB` per GPU. Names not in this table are skipped, never guessed.
 */
const AWS_GPU_NAMES: Readonly<Record<string, GpuModel | ((memoryMiB: number) => GpuModel)>> = {
  B200: 'B200',
  H200: 'H200',
  H100: 'H100',
  A100: (memoryMiB) => (memoryMiB >= 60 * 1024 ? 'A100-80GB' : 'A100-40GB'),
  L40S: 'L40S',
  L4: 'L4',
  A10G: 'A10G',
  T4: 'T4',
  V100: 'V100',
};

/** Instance families that carry NVIDIA GPUs we can map; the DescribeInstanceTypes filter. */
export const GPU_INSTANCE_FAMILIES = [
  'p3',
  'p3dn',
  'p4d',
  'p4de',
  'p5',
  'p5e',
  'p5en',
  'p6-b200',
  'g4dn',
  'g5',
  'g6',
  'g6e',
  'gr6',
] as const;

export interface AwsGpu {
  name?: string;
  manufacturer?: string;
  /** Memory of one GPU in MiB, as GpuInfo reports it. */
  memoryMiB?: number;
}

/** The normalised model for an AWS GPU, or undefined when it is not one we sell. */
export function normaliseAwsGpu(gpu: AwsGpu): GpuModel | undefined {
  if (gpu.manufacturer !== undefined && gpu.manufacturer.toUpperCase() !== 'NVIDIA') return undefined;
  if (gpu.name === undefined) return undefined;
  const entry = Object.hasOwn(AWS_GPU_NAMES, gpu.name) ? AWS_GPU_NAMES[gpu.name] : undefined;
  if (entry === undefined) return undefined;
  if (typeof entry === 'string') return entry;
  return gpu.memoryMiB === undefined ? undefined : entry(gpu.memoryMiB);
}

/** Memory per GPU of a normalised model, so every provider reports the same figure. */
export function gpuMemoryGiB(model: GpuModel): number {
  return GPU_MODELS[model].memoryGiB;
}
