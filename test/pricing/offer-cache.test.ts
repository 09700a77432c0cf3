import { OfferCache } from '../../src/pricing/offer-cache.js';
import { TransientError } from '../../src/providers/errors.js';
import type { CloudProvider, Instance, Offer } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';

/** A provider whose listOffers answers are scripted and counted. */
class ScriptedProvider implements CloudProvider {
  readonly type = 'sim' as const;
  readonly capabilities = { unsupported: {} };
  calls = 0;
  price = 1;
  failing: Error | undefined;
  /** When set, listOffers waits until release() is called. */
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  constructor(readonly name: string) {}

  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async listOffers(): Promise<Offer[]> {
    this.calls++;
    if (this.gate) await this.gate;
    if (this.failing) throw this.failing;
    return [offer(this.name, this.price)];
  }
  create(): Promise<Instance> {
    throw new Error('not used');
  }
  get(): Promise<Instance> {
    throw new Error('not used');
  }
  list(): Promise<Instance[]> {
    return Promise.resolve([]);
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
  checkCredentials(): Promise<void> {
    return Promise.resolve();
  }
}

function offer(provider: string, pricePerHour: number): Offer {
  return {
    provider,
    providerType: 'sim',
    instanceType: 'g-l4x1',
    gpuModel: 'L4',
    gpuCount: 1,
    gpuMemoryGiB: 24,
    vcpus: 8,
    memoryGiB: 32,
    region: 'r',
    zone: 'r-a',
    capacityType: 'on-demand',
    pricePerHour,
    available: true,
  };
}

const prices = (offers: Offer[]) => offers.map((o) => o.pricePerHour);

describe('OfferCache', () => {
  it('makes one provider call for 100 concurrent callers', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 60_000 });
    const p = new ScriptedProvider('a');
    p.hold();
    const all = Promise.all(Array.from({ length: 100 }, () => cache.getOffers(p)));
    p.release();
    const results = await all;
    expect(p.calls).toBe(1);
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(cache.lastRefreshed('a')).toBe(clock.now());
  });

  it('refreshes after the TTL on the injected clock, serving the old offers while it does', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 60_000 });
    const p = new ScriptedProvider('a');
    expect(prices(await cache.getOffers(p))).toEqual([1]);
    p.price = 2;
    await clock.advance(59_999);
    expect(prices(await cache.getOffers(p))).toEqual([1]);
    expect(p.calls).toBe(1);

    // lru-cache counts an entry exactly TTL old as fresh; one more ms makes it stale.
    await clock.advance(2);
    p.hold();
    const during = await Promise.all([cache.getOffers(p), cache.getOffers(p)]);
    expect(during.map(prices)).toEqual([[1], [1]]);
    p.release();
    await clock.advance(0);
    expect(prices(await cache.getOffers(p))).toEqual([2]);
    expect(p.calls).toBe(2);
    expect(cache.lastRefreshed('a')).toBe(clock.now());
  });

  it('serves stale offers when a refresh fails, records the error, and tries again later', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 60_000, retryAfterFailureMs: 10_000 });
    const p = new ScriptedProvider('a');
    await cache.getOffers(p);
    const refreshedAt = clock.now();

    p.failing = new TransientError('503');
    p.price = 2;
    await clock.advance(60_001);
    expect(prices(await cache.getOffers(p))).toEqual([1]);
    await clock.advance(0);
    expect(cache.lastError('a')?.error).toBe(p.failing);
    expect(cache.lastRefreshed('a')).toBe(refreshedAt);
    expect(prices(await cache.getOffers(p))).toEqual([1]);
    expect(p.calls).toBe(2);

    await clock.advance(10_001);
    p.failing = undefined;
    await cache.getOffers(p);
    await clock.advance(0);
    expect(p.calls).toBe(3);
    expect(prices(await cache.getOffers(p))).toEqual([2]);
    expect(cache.lastError('a')).toBeUndefined();
  });

  it('drops offers too old to pass for current prices', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 60_000, retryAfterFailureMs: 10_000, maxStaleMs: 120_000 });
    const p = new ScriptedProvider('a');
    await cache.getOffers(p);
    p.failing = new TransientError('503');
    await clock.advance(130_000);
    await cache.getOffers(p);
    await clock.advance(0);
    await expect(cache.getOffers(p)).rejects.toBe(p.failing);
    const { offers, errors } = await cache.getAll([p]);
    expect(offers).toEqual([]);
    expect(errors).toEqual([{ provider: 'a', error: p.failing, servedStale: false }]);
  });

  it('getAll reports a failing provider without hiding the others', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock });
    const good = new ScriptedProvider('good');
    const bad = new ScriptedProvider('bad');
    bad.failing = new TransientError('boom');
    const { offers, errors } = await cache.getAll([good, bad]);
    expect(offers.map((o) => o.provider)).toEqual(['good']);
    expect(errors).toEqual([{ provider: 'bad', error: bad.failing, servedStale: false }]);
  });

  it('getAll says when a provider is served from stale offers', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 1000 });
    const p = new ScriptedProvider('a');
    await cache.getAll([p]);
    p.failing = new TransientError('503');
    await clock.advance(1001);
    await cache.getAll([p]);
    await clock.advance(0);
    const { offers, errors } = await cache.getAll([p]);
    expect(prices(offers)).toEqual([1]);
    expect(errors).toEqual([{ provider: 'a', error: p.failing, servedStale: true }]);
  });

  it('invalidate makes the next call wait for fresh offers', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 60_000 });
    const p = new ScriptedProvider('a');
    await cache.getOffers(p);
    p.price = 3;
    cache.invalidate('a');
    expect(prices(await cache.getOffers(p))).toEqual([3]);
    expect(prices(await cache.getOffers(p))).toEqual([3]);
    expect(p.calls).toBe(2);
  });

  it('a provider with its own refresh interval is refreshed on that interval', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock, ttlMs: 300_000 });
    const quick = new ScriptedProvider('quick');
    const slow = new ScriptedProvider('slow');
    cache.setTtl('quick', 60_000);
    await cache.getAll([quick, slow]);
    await clock.advance(60_001);
    quick.price = 2;
    slow.price = 2;
    await cache.getAll([quick, slow]);
    await cache.getAll([quick, slow]);
    expect(quick.calls).toBe(2);
    expect(slow.calls).toBe(1);
    expect((await cache.getOffers(quick))[0]?.pricePerHour).toBe(2);
    expect((await cache.getOffers(slow))[0]?.pricePerHour).toBe(1);
  });

  it('forget drops a provider entirely', async () => {
    const clock = new FakeClock();
    const cache = new OfferCache({ clock });
    const p = new ScriptedProvider('a');
    await cache.getOffers(p);
    cache.forget('a');
    expect(cache.lastRefreshed('a')).toBeUndefined();
    await cache.getOffers(p);
    expect(p.calls).toBe(2);
  });
});
