import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { isGpuModel } from '../../../src/api/gpu-models.js';
import { RUNPOD_GPU_MODELS, runpodGpuModel } from '../../../src/providers/runpod/gpu-names.js';

const spec = JSON.parse(readFileSync('openapi/runpod.openapi.json', 'utf8')) as {
  components: { schemas: { PodCreateInput: { properties: { gpuTypeIds: { items: { enum: string[] } } } } } };
};
const launchable = new Set(spec.components.schemas.PodCreateInput.properties.gpuTypeIds.items.enum);

describe('RunPod GPU names', () => {
  it.each(Object.entries(RUNPOD_GPU_MODELS))('%s -> %s is a normalised model RunPod can launch', (id, model) => {
    expect(isGpuModel(model)).toBe(true);
    expect(launchable.has(id)).toBe(true);
  });

  it('skips names it does not know instead of guessing', () => {
    expect(runpodGpuModel('NVIDIA A40')).toBeUndefined();
    expect(runpodGpuModel('AMD Instinct MI300X OAM')).toBeUndefined();
    expect(runpodGpuModel('toString')).toBeUndefined();
    expect(runpodGpuModel('NVIDIA H100 80GB HBM3')).toBe('H100');
  });
});
