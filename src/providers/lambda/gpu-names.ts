/**
 * Lambda's `gpu_description` (e.g. "H100 (80 GB SXM5)", "A6000 (48 GB)") to the
 * normalised model names of src/api/gpu-models.ts, and the CPU architecture of the
 * machine. Descriptions no pattern matches are skipped, not guessed: "RTX 6000 (24 GB)"
 * is the older Quadro RTX 6000, not an RTX-A6000 or RTX-6000-ADA, and must not be sold
 * as either. GH200 machines are Grace (ARM) hosts: their offers say arm64, so they boot
 * the arm64 Talos artefacts.
 *
 * Checked against what Lambda's GET /api/v1/instance-types answers today (see the
 * recorded response in test/providers/lambda/fixtures/instance-types.ts): the A6000 is
 * "A6000 (48 GB)", without the "RTX" of NVIDIA's own name.
 */
import type { GpuModel } from '../../api/gpu-models.js';
import type { CpuArch } from '../types.js';

const LAMBDA_GPU_NAMES: readonly (readonly [RegExp, GpuModel, CpuArch])[] = [
  [/^B200\b/i, 'B200', 'amd64'],
  [/^H200\b/i, 'H200', 'amd64'],
  [/^GH200\b/i, 'GH200', 'arm64'],
  [/^H100\b/i, 'H100', 'amd64'],
  [/^A100\s*\(\s*80\s*GB/i, 'A100-80GB', 'amd64'],
  [/^A100\s*\(\s*40\s*GB/i, 'A100-40GB', 'amd64'],
  [/^A10\s*\(/i, 'A10', 'amd64'],
  [/^(?:RTX\s+)?A6000\b/i, 'RTX-A6000', 'amd64'],
  [/^RTX 6000 Ada\b/i, 'RTX-6000-ADA', 'amd64'],
  [/^L40S\b/i, 'L40S', 'amd64'],
  [/^(Tesla )?V100\b/i, 'V100', 'amd64'],
];

function entry(gpuDescription: string) {
  const d = gpuDescription.trim();
  return LAMBDA_GPU_NAMES.find(([pattern]) => pattern.test(d));
}

export function lambdaGpuModel(gpuDescription: string): GpuModel | undefined {
  return entry(gpuDescription)?.[1];
}

/** The CPU architecture of machines with this GPU; amd64 unless the table says otherwise. */
export function lambdaArch(gpuDescription: string): CpuArch {
  return entry(gpuDescription)?.[2] ?? 'amd64';
}

/** Memory per GPU as the description states it ("(80 GB SXM5)" -> 80), when it does. */
export function lambdaGpuMemoryGiB(gpuDescription: string): number | undefined {
  const m = /\((\d+)\s*GB\b/i.exec(gpuDescription);
  return m ? Number(m[1]) : undefined;
}
