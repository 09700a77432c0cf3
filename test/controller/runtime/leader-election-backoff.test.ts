import { LeaderElector } from '../../../src/controller/runtime/leader-election.js';
import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { FakeClock } from '../../../src/util/clock.js';
import { recordingLogger } from './fakes.js';

describe('LeaderElector against a failing API server', () => {
  it('backs off exponentially up to 30 s while acquiring, and logs the failure once a minute', async () => {
    const clock = new FakeClock();
    const cluster = new MemoryCluster({ clock });
    const logger = recordingLogger();
    const started: number[] = [];
    const t0 = clock.now();
    const elector = new LeaderElector({
      cluster,
      namespace: 'gpu-provisioner',
      name: 'gpu-provisioner-leader',
      identity: 'a',
      clock,
      logger,
      onStartedLeading: () => started.push(clock.now() - t0),
      onStoppedLeading: () => undefined,
    });
    cluster.failNext('get', new Error('connect ECONNREFUSED 10.0.0.1:6443'), 7);
    elector.start();
    // Attempts at 0, 2, 6, 14, 30, 60, 90 s fail (2 s doubled, capped at 30 s); 120 s succeeds.
    await clock.advance(119_999);
    expect(elector.isLeader).toBe(false);
    await clock.advance(1);
    expect(started).toEqual([120_000]);

    const lines = logger.lines.filter((l) => l.msg.startsWith('lease update'));
    expect(lines.map((l) => [l.level, l.msg, l.meta.repeatedSinceLastLog, l.meta.failedAttempts])).toEqual([
      ['warn', 'lease update failed', undefined, undefined],
      ['warn', 'lease update failed', 4, undefined],
      ['info', 'lease update works again', undefined, 7],
    ]);
    expect(lines[0]!.meta.error).toBe('connect ECONNREFUSED 10.0.0.1:6443');

    // Leading, it renews every 2 s again.
    await clock.advance(2_000);
    expect(elector.isLeader).toBe(true);
    await elector.release();
  });
});
