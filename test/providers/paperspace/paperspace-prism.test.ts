/**
 * The adapter against Prism serving openapi/paperspace.openapi.yaml. Prism answers 422
 * to any request that breaks the spec (a missing required field, a wrong path or type,
 * no bearer token), which the adapter turns into an error, so these tests fail when the
 * adapter stops speaking the spec.
 */
import { RealClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { PaperspaceProvider } from '../../../src/providers/paperspace/paperspace-provider.js';
import { InvalidRequestError } from '../../../src/providers/errors.js';
import { contractLaunchRequest } from '../contract.js';
import type { Offer } from '../../../src/providers/types.js';
import { startPrism, type PrismServer } from '../../support/prism.js';

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism('openapi/paperspace.openapi.yaml');
}, 60_000);

afterAll(async () => {
  await prism?.stop();
});

function provider(fetchImpl?: typeof fetch): PaperspaceProvider {
  return new PaperspaceProvider(
    { name: 'paperspace-prism', spec: { type: 'paperspace', regions: ['ny2', 'ams1'] } },
    {
      clusterName: 'prism',
      credentials: { apiKey: 'prism-key' },
      clock: new RealClock(),
      logger: silentLogger(),
      baseUrl: prism.baseUrl,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    },
    { templateId: 'tpl-pinned', eventWaitMs: 0 },
  );
}

const offer: Offer = {
  provider: 'paperspace-prism',
  providerType: 'paperspace',
  instanceType: 'H100',
  gpuModel: 'H100',
  gpuCount: 1,
  gpuMemoryGiB: 80,
  vcpus: 20,
  memoryGiB: 250,
  region: 'ams1',
  capacityType: 'on-demand',
  pricePerHour: 5.95,
  available: true,
};

describe('paperspace adapter against the spec (Prism)', () => {
  it('lists offers with availability from GET /machine-availability', async () => {
    const offers = await provider().listOffers();
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => o.region))).toEqual(new Set(['ny2', 'ams1']));
    for (const o of offers) expect(typeof o.available).toBe('boolean');
  });

  it('creates: startup script, then machine, then follows the event', async () => {
    const calls: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const req = input instanceof Request ? input : new Request(input, init);
      calls.push(`${req.method} ${new URL(req.url).pathname}`);
      return fetch(req);
    };
    const inst = await provider(recording).create(contractLaunchRequest('prism', offer, 1));
    expect(inst.id).toBeTruthy();
    expect(inst.capacityType).toBe('on-demand');
    // Prism's pages say hasMore with a fixed cursor; the adapter stops when the cursor repeats.
    expect([...new Set(calls)]).toEqual([
      'GET /machines',
      'GET /startup-scripts',
      'POST /startup-scripts',
      'POST /machines',
      'GET /machine-events/string',
    ]);
  });

  it('get, list, delete and checkCredentials are accepted by the spec', async () => {
    const p = provider();
    await expect(p.get('ps123')).resolves.toMatchObject({ providerType: 'paperspace' });
    await expect(p.list()).resolves.toEqual(expect.any(Array));
    // Prism's example machine is not named for this cluster: delete must refuse it.
    await expect(p.delete('ps123')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(p.checkCredentials()).resolves.toBeUndefined();
  });

  it('a request that breaks the spec fails (Prism answers 422)', async () => {
    const breakBody: typeof fetch = async (input, init) => {
      const req = input instanceof Request ? input : new Request(input, init);
      if (req.method !== 'POST' || !req.url.endsWith('/machines')) return fetch(req);
      const body = (await req.json()) as Record<string, unknown>;
      delete body.templateId;
      return fetch(req.url, { method: 'POST', headers: req.headers, body: JSON.stringify(body) });
    };
    await expect(provider(breakBody).create(contractLaunchRequest('prism', offer, 2))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });
});
