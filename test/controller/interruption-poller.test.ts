import { InterruptionPoller } from '../../src/controller/interruption/poller.js';
import type { CloudProvider, InterruptionNotice } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

function provider(name: string, poll: (signal?: AbortSignal) => Promise<InterruptionNotice[]>): CloudProvider {
  return { name, pollInterruptions: poll } as unknown as CloudProvider;
}

const notice = (provider: string, instanceId: string): InterruptionNotice => ({ provider, instanceId, kind: 'spot-interruption', receivedAt: 0 });

describe('InterruptionPoller', () => {
  test('a slow provider does not hold back the others, and is not asked twice at once', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    let slowCalls = 0;
    let releaseSlow: (n: InterruptionNotice[]) => void = () => undefined;
    const slow = provider('aws', () => {
      slowCalls++;
      return new Promise((resolve) => (releaseSlow = resolve));
    });
    let fastCalls = 0;
    const fast = provider('sim', async () => (++fastCalls === 2 ? [notice('sim', 'i-2')] : []));
    const poller = new InterruptionPoller({
      providers: { all: () => [slow, fast], get: () => undefined },
      clock,
      logger: silentLogger(),
      intervalMs: 1_000,
      onNotice: async (n) => void seen.push(n.instanceId),
    });
    poller.start();
    await clock.advance(1_000);
    expect(seen).toEqual(['i-2']);
    expect(fastCalls).toBe(2);
    expect(slowCalls).toBe(1);

    releaseSlow([notice('aws', 'i-1')]);
    await clock.advance(1_000);
    expect(seen).toEqual(['i-2', 'i-1']);
    expect(slowCalls).toBe(2);
    const stopping = poller.stop();
    releaseSlow([]);
    await stopping;
  });

  test('stop aborts a poll under way and a failing provider is only logged', async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    const hanging = provider('aws', (s) => {
      signal = s;
      return new Promise((_resolve, reject) => s?.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const failing = provider('lambda', async () => {
      throw new Error('503');
    });
    const poller = new InterruptionPoller({
      providers: { all: () => [hanging, failing], get: () => undefined },
      clock,
      logger: silentLogger(),
      intervalMs: 1_000,
      onNotice: async () => undefined,
    });
    poller.start();
    await clock.advance(10);
    await poller.stop();
    expect(signal?.aborted).toBe(true);
  });
});
