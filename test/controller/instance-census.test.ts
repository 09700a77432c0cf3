import { InstanceCensus, SETTLE_MS } from '../../src/controller/machine/instance-census.js';
import { TransientError } from '../../src/providers/errors.js';
import type { CloudProvider, Instance } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

/** A provider whose listing is whatever the test says, counting the calls. */
function listingProvider(clock: FakeClock) {
  const state = { ids: ['i-1', 'i-2'], lists: 0, fail: false, delayMs: 0 };
  const provider = {
    name: 'sim',
    list: async () => {
      state.lists++;
      if (state.delayMs) await clock.sleep(state.delayMs);
      if (state.fail) throw new TransientError('listing failed');
      return state.ids.map((id) => ({ id }) as Instance);
    },
  } as unknown as CloudProvider;
  return { provider, state };
}

const maxAgeMs = 5_000;

/** A census over a scripted provider, with the instant its machines launched. */
function setupCensus() {
  const clock = new FakeClock();
  const { provider, state } = listingProvider(clock);
  const census = new InstanceCensus({ clock, logger: silentLogger(), maxAgeMs });
  return { clock, provider, state, census, launchedAt: clock.now() };
}

describe('InstanceCensus', () => {
  it('asks nothing about an instance launched less than the settle time ago', async () => {
    const { clock, provider, state, census, launchedAt } = setupCensus();
    await clock.advance(SETTLE_MS - 1);
    expect(await census.gone(provider, 'i-1', launchedAt)).toBeUndefined();
    expect(state.lists).toBe(0);
  });

  it('answers every machine of a provider from one listing, then lists again only after maxAgeMs', async () => {
    const { clock, provider, state, census, launchedAt } = setupCensus();
    state.delayMs = 100;
    await clock.advance(SETTLE_MS);
    const answers = Promise.all(['i-1', 'i-2', 'i-3', 'i-4'].map((id) => census.gone(provider, id, launchedAt)));
    await clock.advance(100);
    expect(await answers).toEqual([false, false, true, true]);
    expect(state.lists).toBe(1);

    state.ids = ['i-2'];
    await clock.advance(maxAgeMs - 200);
    expect(await census.gone(provider, 'i-1', launchedAt)).toBe(false);
    expect(state.lists).toBe(1);
    await clock.advance(100);
    const again = census.gone(provider, 'i-1', launchedAt);
    await clock.advance(100);
    expect(await again).toBe(true);
    expect(state.lists).toBe(2);
  });

  it('a listing started before an instance settled does not judge it', async () => {
    const { clock, provider, state, census, launchedAt: early } = setupCensus();
    await clock.advance(SETTLE_MS);
    expect(await census.gone(provider, 'i-9', early)).toBe(true);
    // Launched 1 s after the first machine: settled now, but the listing taken 1 s ago is too early for it.
    await clock.advance(1_000);
    expect(await census.gone(provider, 'i-1', early + 1_000)).toBeUndefined();
    expect(state.lists).toBe(1);
    await clock.advance(maxAgeMs);
    expect(await census.gone(provider, 'i-1', early + 1_000)).toBe(false);
    expect(state.lists).toBe(2);
  });

  it('a failed listing cannot tell, and the next ask lists again', async () => {
    const { clock, provider, state, census, launchedAt } = setupCensus();
    await clock.advance(SETTLE_MS);
    state.fail = true;
    expect(await census.gone(provider, 'i-3', launchedAt)).toBeUndefined();
    state.fail = false;
    expect(await census.gone(provider, 'i-3', launchedAt)).toBe(true);
    expect(state.lists).toBe(2);
  });
});
