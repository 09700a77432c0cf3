import type { GpuMachine } from '../../src/api/types.js';
import { GpuMachineController } from '../../src/controller/machine/controller.js';
import { summarizedFingerprint as requestWakes } from '../../src/controller/request/controller.js';
import { readyRequest, setup, machinesOf } from '../support/operator-fixture.js';

/** A launched, Ready machine as the operator leaves it. */
async function readyMachine(): Promise<GpuMachine> {
  const f = await setup();
  const req = await readyRequest(f, { gpu: { model: 'L4', count: 1 } });
  const [m] = await machinesOf(f, req);
  await f.operator.stop(1_000);
  return structuredClone(m!);
}

describe('what wakes whom', () => {
  let m: GpuMachine;
  beforeAll(async () => {
    m = await readyMachine();
  });
  const changed = (edit: (c: GpuMachine) => void): GpuMachine => {
    const c = structuredClone(m);
    edit(c);
    return c;
  };

  test('a machine is not woken by its own status, but is by a spec change, a deletion or a label', () => {
    const machineWakes = new GpuMachineController({ options: { machineWorkers: 1 } } as never, { enqueueRequest: () => {} }).fingerprint!;
    expect(machineWakes(changed((c) => (c.status!.phase = 'NotReady')))).toBe(machineWakes(m));
    expect(machineWakes(changed((c) => (c.metadata.generation = (c.metadata.generation ?? 1) + 1)))).not.toBe(machineWakes(m));
    expect(machineWakes(changed((c) => (c.metadata.deletionTimestamp = '2026-01-01T00:00:00Z')))).not.toBe(machineWakes(m));
    expect(machineWakes(changed((c) => (c.metadata.labels!.team = 'x')))).not.toBe(machineWakes(m));
  });

  test('a request is not woken by its machine weighing offers or marking a call, but is by anything it summarizes', () => {
    expect(requestWakes(changed((c) => (c.status!.offers = [])))).toBe(requestWakes(m));
    expect(requestWakes(changed((c) => (c.status!.launching = { provider: 'sim', offer: 'x', since: '2026-01-01T00:00:00Z' })))).toBe(requestWakes(m));
    expect(requestWakes(changed((c) => (c.status!.observedGeneration = 9)))).toBe(requestWakes(m));
    expect(requestWakes(changed((c) => (c.status!.phase = 'Registered' as never)))).not.toBe(requestWakes(m));
    expect(requestWakes(changed((c) => (c.status!.conditions = [])))).not.toBe(requestWakes(m));
    expect(requestWakes(changed((c) => (c.status!.terminatedAt = '2026-01-01T00:00:00Z')))).not.toBe(requestWakes(m));
    expect(requestWakes(changed((c) => (c.metadata.deletionTimestamp = '2026-01-01T00:00:00Z')))).not.toBe(requestWakes(m));
  });
});
