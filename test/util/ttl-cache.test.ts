import { FakeClock } from '../../src/util/clock.js';
import { TtlCache } from '../../src/util/ttl-cache.js';

describe('TtlCache', () => {
  it('keeps a value for its TTL (gone once older than it) on the injected clock, undefined values included', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache<string, number | undefined>({ clock, ttlMs: 1000 });
    cache.set('a', 1);
    cache.set('none', undefined);
    expect(cache.get('a')).toBe(1);
    expect(cache.has('none')).toBe(true);
    await clock.advance(1000);
    expect(cache.has('a')).toBe(true);
    await clock.advance(1);
    expect(cache.has('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });

  it('loads once for callers asking together, then serves the kept value until it expires', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache<string, string>({ clock, ttlMs: 1000 });
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)])).toEqual(['v1', 'v1']);
    expect(await cache.getOrLoad('k', load)).toBe('v1');
    await clock.advance(1001);
    expect(await cache.getOrLoad('k', load)).toBe('v2');
  });

  it('keeps nothing from a load that fails', async () => {
    const cache = new TtlCache<string, string>({ clock: new FakeClock(), ttlMs: 1000 });
    await expect(cache.getOrLoad('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cache.has('k')).toBe(false);
    expect(await cache.getOrLoad('k', async () => 'ok')).toBe('ok');
  });
});
