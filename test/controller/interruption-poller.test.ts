import { InterruptionPoller } from '../../src/controller/interruption/poller.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { buildProvider } from '../../src/providers/pipeline/pipeline.js';
import { simDefinition } from '../../src/providers/sim/definition.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import { Labels } from '../../src/api/constants.js';
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

  test('the notices of one answer are recorded side by side: a slow record holds back no other machine', async () => {
    const clock = new FakeClock();
    let answered = false;
    const sim = provider('sim', async () => {
      if (answered) return [];
      answered = true;
      return [notice('sim', 'i-1'), notice('sim', 'i-2'), notice('sim', 'i-3')];
    });
    const started: string[] = [];
    let finishFirst: () => void = () => undefined;
    const poller = new InterruptionPoller({
      providers: { all: () => [sim], get: () => undefined },
      clock,
      logger: silentLogger(),
      intervalMs: 1_000,
      onNotice: async (n) => {
        started.push(n.instanceId);
        // The first record hangs (a slow write); the others must not wait for it.
        if (n.instanceId === 'i-1') await new Promise<void>((resolve) => (finishFirst = resolve));
        return 'recorded' as const;
      },
    });
    poller.start();
    await clock.advance(0);
    expect(started).toEqual(['i-1', 'i-2', 'i-3']);
    finishFirst();
    await poller.stop();
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

  describe('on the sim cloud, whose poll is a long poll as a queue is read', () => {
    /** The sim provider in the operator's call pipeline, a spot machine on it, and a poller at the production 5 s. */
    async function simWorld() {
      const clock = new FakeClock();
      const cloud = new SimCloud({ clock });
      const ctx = { clusterName: 'test', credentials: {}, clock, logger: silentLogger(), cluster: new MemoryCluster({ clock }) };
      const sim = await buildProvider(simDefinition, { name: 'sim', spec: { type: 'sim' } }, ctx, { factory: simProviderFactory(cloud) });
      const settle = async <T>(p: Promise<T>) => {
        let out: T | undefined;
        void p.then((v) => (out = v));
        while (out === undefined) await clock.advance(10);
        return out;
      };
      const offer = (await settle(sim.listOffers())).find((o) => o.instanceType === 'g-l4x1' && o.capacityType === 'spot')!;
      const name = 'gpr-test-c0ffee00-0';
      const bootstrap = { hostname: name, nodeLabels: {}, nodeTaints: [], userData: '' };
      const instance = await settle(sim.create({ idempotencyKey: name, name, offer, tags: { [Labels.cluster]: 'test' }, bootstrap }));
      const handed: { notice: InterruptionNotice; at: number }[] = [];
      const poller = new InterruptionPoller({
        providers: { all: () => [sim], get: () => sim },
        clock,
        logger: silentLogger(),
        intervalMs: 5_000,
        onNotice: async (notice) => {
          handed.push({ notice, at: clock.now() });
          return 'recorded' as const;
        },
      });
      return { clock, cloud, sim, instance, handed, poller };
    }

    test('a notice is handed on the moment the cloud sends it, not at the next 5 s poll', async () => {
      const { clock, cloud, sim, instance, handed, poller } = await simWorld();
      const t0 = clock.now();
      poller.start();
      // Past the first poll's latency and well inside the 5 s interval: the poll waits in the cloud.
      await clock.advance(1_000);
      const sentAt = clock.now();
      cloud.interrupt(instance.id, 'spot-interruption', 120_000);
      await clock.advance(0);
      expect(handed).toEqual([{ notice: expect.objectContaining({ instanceId: instance.id, receivedAt: sentAt }), at: sentAt }]);
      // One poll brought it and the next was asked at once: it is waiting in the cloud when a second notice comes.
      expect(cloud.calls.filter((c) => c.method === 'pollInterruptions').map((c) => c.at - t0)).toEqual([0, 1_000]);
      await clock.advance(500);
      cloud.interrupt(instance.id, 'scheduled-maintenance', 60_000);
      await clock.advance(0);
      expect(handed.map((h) => [h.notice.kind, h.at - sentAt])).toEqual([['spot-interruption', 0], ['scheduled-maintenance', 500]]);

      // Stopping ends the open long poll at once, without time passing.
      let stopped = false;
      void poller.stop().then(() => (stopped = true));
      await clock.advance(0);
      expect(stopped).toBe(true);
      await sim.close();
    });

    test('with nothing sent, the long poll is asked again each time its 20 s wait ends', async () => {
      const { clock, cloud, sim, poller } = await simWorld();
      const t0 = clock.now();
      poller.start();
      await clock.advance(61_000);
      await poller.stop();
      expect(cloud.calls.filter((c) => c.method === 'pollInterruptions').map((c) => c.at - t0)).toEqual([0, 20_020, 40_040, 60_060]);
      await sim.close();
    });
  });
});
