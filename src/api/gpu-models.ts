/**
 * Normalised GPU model names. Providers map their own names onto these in their
 * adapters (one mapping table each); users write these names in GpuRequests.
 */
export interface GpuModelInfo {
  /** Memory per GPU in GiB. */
  memoryGiB: number;
}

export const GPU_MODELS = {
  B200: { memoryGiB: 180 },
  H200: { memoryGiB: 141 },
  H100: { memoryGiB: 80 },
  GH200: { memoryGiB: 96 },
  'A100-80GB': { memoryGiB: 80 },
  'A100-40GB': { memoryGiB: 40 },
  L40S: { memoryGiB: 48 },
  L40: { memoryGiB: 48 },
  L4: { memoryGiB: 24 },
  A10G: { memoryGiB: 24 },
  A10: { memoryGiB: 24 },
  'RTX-A6000': { memoryGiB: 48 },
  'RTX-6000-ADA': { memoryGiB: 48 },
  'RTX-4090': { memoryGiB: 24 },
  'RTX-A5000': { memoryGiB: 24 },
  'RTX-A4000': { memoryGiB: 16 },
  V100: { memoryGiB: 16 },
  T4: { memoryGiB: 16 },
} as const satisfies Record<string, GpuModelInfo>;

export type GpuModel = keyof typeof GPU_MODELS;

export const GPU_MODEL_NAMES = Object.keys(GPU_MODELS) as GpuModel[];

export function isGpuModel(name: string): name is GpuModel {
  return Object.hasOwn(GPU_MODELS, name);
}
