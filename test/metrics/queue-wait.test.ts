import { WorkQueue } from '../../src/controller/runtime/work-queue.js';
import { FakeClock } from '../../src/util/clock.js';

describe('work queue wait, as the workqueue wait histogram sees it', () => {
  test('a key waits from when it is queued until a worker takes it; a key added while in flight waits from its done', async () => {
    const clock = new FakeClock();
    const waits: number[] = [];
    const q = new WorkQueue({ clock, onWait: (ms) => waits.push(ms) });
    q.add('a');
    await clock.advance(500);
    expect(await q.get()).toBe('a');
    q.add('a'); // arrives mid-reconcile: queued again at done
    await clock.advance(200);
    q.done('a');
    await clock.advance(300);
    expect(await q.get()).toBe('a');
    q.done('a');
    q.addAfter('b', 1_000);
    await clock.advance(1_000);
    expect(await q.get()).toBe('b');
    expect(waits).toEqual([500, 300, 0]);
  });
});
