/**
 * The adapter against Prism serving RunPod's own specs: v1 (pods) and v2 (catalog).
 * Prism refuses any request that breaks a spec (422, or the 4xx the operation declares),
 * which the adapter turns into InvalidRequestError, so a wrong path, parameter or body
 * field fails these tests.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '../../../src/providers/errors.js';
import { RunPodProvider } from '../../../src/providers/runpod/runpod-provider.js';
import type { LaunchRequest, Offer } from '../../../src/providers/types.js';
import { RealClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { startPrism, type PrismServer } from '../../support/prism.js';

const API_KEY = 'rpa_PRISMTESTKEY0000000000000000';

let v1: PrismServer;
let v2: PrismServer;
let provider: RunPodProvider;

beforeAll(async () => {
  // The v1 spec's own examples break its schema (null strings, costPerHr "0.74"), which
  // Prism reports as a 500; answers generated from the schema (seeded) are valid.
  [v1, v2] = await Promise.all([
    startPrism('openapi/runpod.openapi.json', { dynamic: true, seed: 'gpu-provisioner' }),
    startPrism('openapi/runpod-v2.openapi.json'),
  ]);
  provider = new RunPodProvider(
    { name: 'runpod-main', spec: { type: 'runpod' } },
    { clusterName: 'prod', credentials: { apiKey: API_KEY }, clock: new RealClock(), logger: silentLogger() },
    { restBaseUrl: v1.baseUrl, catalogBaseUrl: v2.baseUrl },
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
});

function launch(offer: Offer, overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    idempotencyKey: 'gpr-prod-1a2b3c4d-0-0',
    name: 'gpr-prod-1a2b3c4d-0-0',
    offer,
    tags: { 'gpu-provisioner.dev/cluster': 'prod', 'gpu-provisioner.dev/request-name': 'train' },
    bootstrap: { hostname: 'gpr-prod-1a2b3c4d-0-0', nodeLabels: {}, nodeTaints: [], userData: 'machine: {token: secret}' },
    ...overrides,
  };
}

describe('RunPod adapter against the vendor specs (Prism)', () => {
  it('lists offers from the catalog example, priced per pod and per data centre', async () => {
    const offers = await provider.listOffers();
    // The spec's example: RTX 4090, secure $0.44 per GPU, up to 8 per machine, US-KS-2 HIGH.
    expect(offers.map((o) => [o.instanceType, o.gpuCount, o.pricePerHour])).toEqual([
      ['1x NVIDIA GeForce RTX 4090', 1, 0.44],
      ['2x NVIDIA GeForce RTX 4090', 2, 0.88],
      ['4x NVIDIA GeForce RTX 4090', 4, 1.76],
      ['8x NVIDIA GeForce RTX 4090', 8, 3.52],
    ]);
    for (const o of offers) {
      expect(o).toMatchObject({
        provider: 'runpod-main',
        providerType: 'runpod',
        gpuModel: 'RTX-4090',
        gpuMemoryGiB: 24,
        region: 'US-KS-2',
        capacityType: 'on-demand',
        available: true,
      });
    }
  });

  it('creates a pod with a request the spec accepts', async () => {
    const [offer] = await provider.listOffers();
    const inst = await provider.create(launch(offer!));
    expect(inst.id).toEqual(expect.any(String));
    expect(inst.id).not.toBe('');
    expect(inst.providerType).toBe('runpod');
    expect(inst.tags['gpu-provisioner.dev/request-name']).toBe('train');
  });

  it('creates an interruptible pod for a spot offer', async () => {
    const [offer] = await provider.listOffers();
    const inst = await provider.create(launch({ ...offer!, capacityType: 'spot' }));
    expect(inst.id).toEqual(expect.any(String));
  });

  it('gets, lists and deletes pods, and checks credentials, with valid requests', async () => {
    const inst = await provider.get('xedezhzb9la3ye');
    expect(inst.id).toEqual(expect.any(String));
    // Generated pods have no gpr-prod- name, so none is this cluster's.
    await expect(provider.list()).resolves.toEqual([]);
    await expect(provider.delete('xedezhzb9la3ye')).resolves.toBeUndefined();
    await expect(provider.checkCredentials()).resolves.toBeUndefined();
    await expect(provider.pollInterruptions()).resolves.toEqual([]);
  });

  it('is refused by Prism when a request breaks the spec', async () => {
    const [offer] = await provider.listOffers();
    // MARS-1 is not in the spec's data centre enum.
    const refused = provider.create(launch({ ...offer!, region: 'MARS-1' }));
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toThrow(/HTTP (400|422)/); // Prism picks the 4xx the operation declares
  });
});
