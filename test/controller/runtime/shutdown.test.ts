import { EventEmitter } from 'node:events';
import { onShutdownSignals, type SignalTarget } from '../../../src/controller/runtime/shutdown.js';
import { flushMicrotasks } from '../../../src/util/clock.js';

class FakeProcess extends EventEmitter {
  exits: number[] = [];
  exit(code = 0): void {
    this.exits.push(code);
  }
  send(signal: 'SIGTERM' | 'SIGINT'): void {
    this.emit(signal, signal);
  }
}

function install(fn: () => Promise<void> | void, errors: unknown[] = []) {
  const proc = new FakeProcess();
  const remove = onShutdownSignals(fn, { target: proc as unknown as SignalTarget, onError: (e) => errors.push(e) });
  return { proc, remove };
}

describe('onShutdownSignals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s runs the shutdown once, then exits cleanly', async (signal) => {
    const steps: string[] = [];
    let finish!: () => void;
    const { proc } = install(
      () =>
        new Promise<void>((resolve) => {
          steps.push('stopping');
          finish = resolve;
        }),
    );
    proc.send(signal);
    await flushMicrotasks(1);
    expect(steps).toEqual(['stopping']);
    expect(proc.exits).toEqual([]);
    finish();
    await flushMicrotasks(1);
    expect(proc.exits).toEqual([0]);
  });

  it('exits at once on a second signal, without running the shutdown again', async () => {
    let runs = 0;
    const { proc } = install(() => new Promise<void>(() => void runs++));
    proc.send('SIGTERM');
    await flushMicrotasks(1);
    proc.send('SIGINT');
    expect(runs).toBe(1);
    expect(proc.exits).toEqual([130]);
  });

  it('reports a failed shutdown and exits non-zero', async () => {
    const errors: unknown[] = [];
    const { proc } = install(async () => {
      throw new Error('lease release failed');
    }, errors);
    proc.send('SIGTERM');
    await flushMicrotasks(1);
    expect(proc.exits).toEqual([1]);
    expect((errors[0] as Error).message).toBe('lease release failed');
  });

  it('removes its handlers when asked', () => {
    const { proc, remove } = install(() => undefined);
    expect(proc.listenerCount('SIGTERM')).toBe(1);
    remove();
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});
