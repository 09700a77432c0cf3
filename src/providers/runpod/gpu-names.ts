/**
 * RunPod GPU type ids (as the catalog and POST /pods spell them) -> normalised GPU
 * models. A type missing here (A40, A30, RTX 3090, MI300X ...) is not offered: a wrong
 * guess would sell a user a GPU they did not ask for.
 */
import type { GpuModel } from '../../api/gpu-models.js';

export const RUNPOD_GPU_MODELS: Readonly<Record<string, GpuModel>> = {
  'NVIDIA B200': 'B200',
  'NVIDIA H200': 'H200',
  'NVIDIA H200 NVL': 'H200',
  'NVIDIA H100 80GB HBM3': 'H100',
  'NVIDIA H100 PCIe': 'H100',
  'NVIDIA H100 NVL': 'H100',
  'NVIDIA A100-SXM4-80GB': 'A100-80GB',
  'NVIDIA A100 80GB PCIe': 'A100-80GB',
  'NVIDIA L40S': 'L40S',
  'NVIDIA L40': 'L40',
  'NVIDIA L4': 'L4',
  'NVIDIA RTX 6000 Ada Generation': 'RTX-6000-ADA',
  'NVIDIA RTX A6000': 'RTX-A6000',
  'NVIDIA RTX A5000': 'RTX-A5000',
  'NVIDIA RTX A4000': 'RTX-A4000',
  'NVIDIA GeForce RTX 4090': 'RTX-4090',
  'Tesla V100-PCIE-16GB': 'V100',
  'Tesla V100-FHHL-16GB': 'V100',
  'Tesla V100-SXM2-16GB': 'V100',
  'Tesla V100-SXM2-32GB': 'V100',
  'Tesla V100-PCIE-32GB': 'V100',
  'Tesla T4': 'T4',
};

/** The normalised model of a RunPod GPU type id, or undefined when it has none. */
export function runpodGpuModel(gpuTypeId: string): GpuModel | undefined {
  return Object.hasOwn(RUNPOD_GPU_MODELS, gpuTypeId) ? RUNPOD_GPU_MODELS[gpuTypeId] : undefined;
}
