import { WorkQueue } from '../../../src/controller/runtime/work-queue.js';
import { FakeClock, flushMicrotasks } from '../../../src/util/clock.js';

function newQueue(clock = new FakeClock()): { queue: WorkQueue; clock: FakeClock } {
  return { queue: new WorkQueue({ clock }), clock };
}

/** Keys currently queued, in order, taken without waiting. */
async function takeAll(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len > 0) keys.push((await queue.get())!);
  return keys;
}

describe('WorkQueue', () => {
  it('keeps a key queued once however often it is added', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len).toBe(2);
    expect(await takeAll(queue)).toEqual(['a', 'b']);
    expect(queue.processing).toBe(2);
  });

  it('does not hand out a key that is being processed, and re-queues it once on done', async () => {
    const { queue } = newQueue();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len).toBe(0);
    queue.done('a');
    expect(queue.len).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect(queue.len).toBe(0);
    expect(queue.processing).toBe(0);
  });

  it('wakes a waiting get without busy-waiting, one key per waiter', async () => {
    const { queue } = newQueue();
    const first = queue.get();
    const second = queue.get();
    queue.add('x');
    expect(await first).toBe('x');
    queue.add('y');
    expect(await second).toBe('y');
  });

  it('never runs a key on two workers at once, even with many workers', async () => {
    const { queue } = newQueue();
    const keys = ['a', 'b', 'c'];
    const running = new Set<string>();
    const runs = new Map<string, number>();
    let overlap = false;
    let total = 0;
    const worker = async () => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        if (running.has(key)) overlap = true;
        running.add(key);
        runs.set(key, (runs.get(key) ?? 0) + 1);
        // A change arrives for the key while it is being processed, on its first run only.
        if (runs.get(key) === 1) queue.add(key);
        await flushMicrotasks(1);
        running.delete(key);
        queue.done(key);
        if (++total === keys.length * 2) queue.shutdown();
      }
    };
    keys.forEach((k) => queue.add(k));
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(overlap).toBe(false);
    expect(Object.fromEntries(runs)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('re-queues a key added during processing exactly once', async () => {
    const { queue } = newQueue();
    queue.add('k');
    const key = (await queue.get())!;
    queue.add('k');
    queue.add('k');
    queue.done(key);
    expect(await takeAll(queue)).toEqual(['k']);
    queue.done('k');
    expect(queue.len).toBe(0);
  });

  describe('addAfter', () => {
    it('adds keys when their deadlines pass, in deadline order', async () => {
      const { queue, clock } = newQueue();
      queue.addAfter('late', 3_000);
      queue.addAfter('early', 1_000);
      queue.addAfter('now', 0);
      expect(await takeAll(queue)).toEqual(['now']);
      await clock.advance(999);
      expect(queue.len).toBe(0);
      await clock.advance(1);
      expect(await takeAll(queue)).toEqual(['early']);
      await clock.advance(2_000);
      expect(await takeAll(queue)).toEqual(['late']);
      expect(queue.waiting).toBe(0);
    });

    it('lets an earlier deadline replace a later one, not the other way round', async () => {
      const { queue, clock } = newQueue();
      queue.addAfter('k', 10_000);
      queue.addAfter('k', 2_000);
      queue.addAfter('k', 5_000);
      expect(queue.waiting).toBe(1);
      await clock.advance(2_000);
      expect(await takeAll(queue)).toEqual(['k']);
      queue.done('k');
      await clock.advance(10_000);
      expect(queue.len).toBe(0);
    });
  });

  describe('addRateLimited', () => {
    it('doubles the delay with each failure and resets on forget', async () => {
      const { queue, clock } = newQueue();
      const delays: number[] = [];
      for (let i = 0; i < 4; i++) {
        const start = clock.now();
        queue.addRateLimited('k');
        while (queue.len === 0) await clock.advance(100);
        delays.push(clock.now() - start);
        await queue.get();
        queue.done('k');
      }
      expect(delays).toEqual([500, 1_000, 2_000, 4_000]);
      expect(queue.numRequeues('k')).toBe(4);

      queue.forget('k');
      expect(queue.numRequeues('k')).toBe(0);
      queue.addRateLimited('k');
      await clock.advance(499);
      expect(queue.len).toBe(0);
      await clock.advance(1);
      expect(queue.len).toBe(1);
    });

    it('caps the delay at five minutes', async () => {
      const { queue, clock } = newQueue();
      for (let i = 0; i < 20; i++) queue.addRateLimited('k');
      // Only the first (earliest) deadline is kept while waiting; drain it, then fail once more.
      await clock.advance(500);
      await queue.get();
      queue.done('k');
      queue.addRateLimited('k');
      await clock.advance(5 * 60_000 - 1);
      expect(queue.len).toBe(0);
      await clock.advance(1);
      expect(queue.len).toBe(1);
    });
  });

  describe('shutdown', () => {
    it('releases waiting workers, refuses new work and drops delayed keys', async () => {
      const { queue, clock } = newQueue();
      const waiting = queue.get();
      queue.addAfter('later', 1_000);
      queue.shutdown();
      expect(await waiting).toBeUndefined();
      queue.add('new');
      expect(await queue.get()).toBeUndefined();
      await clock.advance(1_000);
      expect(queue.len).toBe(0);
      expect(clock.pending).toBe(0);
    });

    it('drains: resolves once the keys in flight are done', async () => {
      const { queue } = newQueue();
      queue.add('a');
      queue.add('b');
      await queue.get();
      await queue.get();
      queue.shutdown();
      let drained = false;
      const done = queue.drained().then(() => (drained = true));
      queue.done('a');
      await flushMicrotasks(1);
      expect(drained).toBe(false);
      queue.done('b');
      await done;
      expect(drained).toBe(true);
    });
  });
});
