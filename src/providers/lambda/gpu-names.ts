/**
 * Lambda's `gpu_description` (e.g. "H100 (80 GB SXM5)", "A100 (40 GB SXM4)") to the
 * normalised model names of src/api/gpu-models.ts. Descriptions no pattern matches are
 * skipped, not guessed: "RTX 6000 (24 GB)" is the older Quadro RTX 6000, not an
 * RTX-A6000 or RTX-6000-ADA, and must not be sold as either.
 */
import type { GpuModel } from '../../api/gpu-models.js';

const LAMBDA_GPU_NAMES: readonly (readonly [RegExp, GpuModel])[] = [
  [/^B200\b/i, 'B200'],
  [/^H200\b/i, 'H200'],
  [/^GH200\b/i, 'GH200'],
  [/^H100\b/i, 'H100'],
  [/^A100\s*\(\s*80\s*GB/i, 'A100-80GB'],
  [/^A100\s*\(\s*40\s*GB/i, 'A100-40GB'],
  [/^A10\s*\(/i, 'A10'],
  [/^RTX A6000\b/i, 'RTX-A6000'],
  [/^RTX 6000 Ada\b/i, 'RTX-6000-ADA'],
  [/^L40S\b/i, 'L40S'],
  [/^(Tesla )?V100\b/i, 'V100'],
];

export function lambdaGpuModel(gpuDescription: string): GpuModel | undefined {
  const d = gpuDescription.trim();
  return LAMBDA_GPU_NAMES.find(([pattern]) => pattern.test(d))?.[1];
}

/** Memory per GPU as the description states it ("(80 GB SXM5)" -> 80), when it does. */
export function lambdaGpuMemoryGiB(gpuDescription: string): number | undefined {
  const m = /\((\d+)\s*GB\b/i.exec(gpuDescription);
  return m ? Number(m[1]) : undefined;
}
