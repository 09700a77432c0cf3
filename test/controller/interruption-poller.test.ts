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
      onNotice: async (n) => {
        seen.push(n.instanceId);
        return 'recorded' as const;
      },
    });
    poller.start();
    await clock.advance(1_000);
    expect(seen).toEqual(['i-2']);
    // The second answer brought a notice, so the fast provider was asked again at once.
    expect(fastCalls).toBe(3);
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
      onNotice: async () => 'recorded' as const,
    });
    poller.start();
    await clock.advance(10);
    await poller.stop();
    expect(signal?.aborted).toBe(true);
  });

  test('a notice for an instance nobody records yet, or whose write failed, is tried again, and dropped after a while', async () => {
    const clock = new FakeClock();
    let first = true;
    const sim = provider('sim', async () => {
      if (!first) return [];
      first = false;
      return [notice('sim', 'i-new'), notice('sim', 'i-never'), notice('sim', 'i-flaky')];
    });
    const tries = new Map<string, number>();
    const poller = new InterruptionPoller({
      providers: { all: () => [sim], get: () => undefined },
      clock,
      logger: silentLogger(),
      intervalMs: 1_000,
      unknownRetryMs: 10_000,
      onNotice: async (n) => {
        const t = (tries.get(n.instanceId) ?? 0) + 1;
        tries.set(n.instanceId, t);
        if (n.instanceId === 'i-flaky' && t === 1) throw new Error('conflict storm');
        if (n.instanceId === 'i-new') return t >= 3 ? 'recorded' : 'unknown-instance';
        if (n.instanceId === 'i-never') return 'unknown-instance';
        return 'recorded';
      },
    });
    poller.start();
    await clock.advance(30_000);
    await poller.stop();
    // i-new is recorded on its third try and not asked after; i-flaky on its second.
    expect(tries.get('i-new')).toBe(3);
    expect(tries.get('i-flaky')).toBe(2);
    // i-never is retried once a second for its ten seconds, then dropped.
    expect(tries.get('i-never')).toBeGreaterThanOrEqual(9);
    expect(tries.get('i-never')).toBeLessThanOrEqual(11);
  });

  test('a notice is acknowledged to its provider only once it is recorded', async () => {
    const clock = new FakeClock();
    const acked: string[] = [];
    const withAck = (id: string): InterruptionNotice => ({ ...notice('aws', id), ack: async () => void acked.push(id) });
    let first = true;
    const aws = provider('aws', async () => {
      if (!first) return [];
      first = false;
      return [withAck('i-known'), withAck('i-later')];
    });
    let later = 'unknown-instance' as 'unknown-instance' | 'recorded';
    const poller = new InterruptionPoller({
      providers: { all: () => [aws], get: () => undefined },
      clock,
      logger: silentLogger(),
      intervalMs: 1_000,
      onNotice: async (n) => (n.instanceId === 'i-known' ? 'recorded' : later),
    });
    await poller.pollOnce();
    expect(acked).toEqual(['i-known']);
    later = 'recorded';
    await poller.pollOnce();
    expect(acked).toEqual(['i-known', 'i-later']);
  });

  test('a long poll is followed by the next at once; a quick empty answer waits for the tick', async () => {
    const clock = new FakeClock();
    const longStarts: number[] = [];
    const quickStarts: number[] = [];
    const long = provider('aws', async (signal) => {
      longStarts.push(clock.now());
      await clock.sleep(20_000, signal);
      return [];
    });
    const quick = provider('lambda', async () => {
      quickStarts.push(clock.now());
      return [];
    });
    const poller = new InterruptionPoller({
      providers: { all: () => [long, quick], get: () => undefined },
      clock,
      logger: silentLogger(),
      intervalMs: 5_000,
      onNotice: async () => 'recorded' as const,
    });
    const t0 = clock.now();
    poller.start();
    await clock.advance(41_000);
    await poller.stop().catch(() => undefined);
    expect(longStarts.map((t) => t - t0)).toEqual([0, 20_000, 40_000]);
    expect(quickStarts.map((t) => t - t0)).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000]);
  });
});
