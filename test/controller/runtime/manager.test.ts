import {
  ControllerManager,
  RequeueError,
  fingerprintHash,
  keyOf,
  splitKey,
  type Controller,
  type ReconcileEvent,
  type ReconcileResult,
} from '../../../src/controller/runtime/manager.js';
import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { Kinds, type KubeObject } from '../../../src/kube/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { object, recordingLogger } from './fakes.js';

const REQUEST_LABEL = 'gpu-provisioner.dev/request';

function gpuRequest(name: string, namespace = 'ml'): KubeObject {
  return object('gpu-provisioner.dev/v1alpha1', 'GpuRequest', name, namespace);
}

function node(name: string, request?: string): KubeObject {
  return object('v1', 'Node', name, undefined, request ? { [REQUEST_LABEL]: request } : undefined);
}

interface Call {
  key: string;
  at: number;
}

function setup(opts: { resyncPeriodMs?: number; onReconcile?: (e: ReconcileEvent) => void } = {}) {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  const logger = recordingLogger();
  const manager = new ControllerManager({ cluster, clock, logger, ...opts });
  const calls: Call[] = [];
  let behaviour: (key: string, signal: AbortSignal) => Promise<ReconcileResult | void> = async () => undefined;
  const controller: Controller = {
    name: 'requests',
    kind: Kinds.GpuRequest,
    watches: [
      {
        kind: Kinds.Node,
        map: (obj) => {
          const request = obj.metadata.labels?.[REQUEST_LABEL];
          return request ? [request.replace('.', '/')] : [];
        },
      },
    ],
    reconcile: (key, signal) => {
      calls.push({ key, at: clock.now() });
      return behaviour(key, signal);
    },
  };
  manager.register(controller);
  const settle = () => clock.advance(0);
  const setBehaviour = (fn: typeof behaviour) => (behaviour = fn);
  return { clock, cluster, logger, manager, calls, settle, setBehaviour };
}

describe('keys', () => {
  it('are namespace/name for namespaced objects and name otherwise, and split back', () => {
    expect(keyOf(gpuRequest('a'))).toBe('ml/a');
    expect(keyOf(node('n1'))).toBe('n1');
    expect(splitKey('ml/a')).toEqual({ namespace: 'ml', name: 'a' });
    expect(splitKey('n1')).toEqual({ name: 'n1' });
  });
});

describe('ControllerManager', () => {
  it('reconciles existing and new primary objects, and maps watched kinds onto primary keys', async () => {
    const { cluster, manager, calls, settle } = setup();
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    expect(calls.map((c) => c.key)).toEqual(['ml/a']);

    await cluster.create(Kinds.Node, node('n1', 'ml.b'));
    await cluster.create(Kinds.Node, node('unrelated'));
    await settle();
    expect(calls.map((c) => c.key)).toEqual(['ml/a', 'ml/b']);
    await manager.stop();
  });

  it('does nothing before start: only the leader acts', async () => {
    const { cluster, manager, calls, settle } = setup();
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    await settle();
    expect(calls).toEqual([]);
    expect(manager.started).toBe(false);
  });

  it('backs off a failing key exponentially, logging only the message, and resets on success', async () => {
    const { cluster, manager, calls, clock, logger, settle, setBehaviour } = setup();
    let failures = 3;
    setBehaviour(async () => {
      if (failures-- > 0) throw Object.assign(new Error('provider said no'), { token: 'hunter2' });
    });
    const t0 = clock.now();
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    await clock.advance(10_000);
    expect(calls.map((c) => c.at - t0)).toEqual([0, 500, 1_500, 3_500]);

    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(3);
    expect(errors[0]!.meta).toMatchObject({ controller: 'requests', key: 'ml/a', error: 'provider said no' });
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');

    // After a success the next failure waits the base delay again.
    failures = 1;
    manager.enqueue('requests', 'ml/a');
    await settle();
    const before = calls.length;
    await clock.advance(500);
    expect(calls.length - before).toBe(1);
    expect(manager.stats()[0]).toMatchObject({ name: 'requests', reconciles: 6, errors: 4 });
    await manager.stop();
  });

  it('honours the delay of a RequeueError instead of the backoff', async () => {
    const { cluster, manager, calls, clock, settle, setBehaviour } = setup();
    let first = true;
    setBehaviour(async () => {
      if (first) {
        first = false;
        throw new RequeueError('rate limited', 30_000);
      }
    });
    const t0 = clock.now();
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    await clock.advance(29_999);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    expect(calls.map((c) => c.at - t0)).toEqual([0, 30_000]);
    await manager.stop();
  });

  it('requeues after a successful reconcile that asks for it', async () => {
    const { cluster, manager, calls, clock, settle, setBehaviour } = setup();
    setBehaviour(async () => ({ requeueAfterMs: 60_000 }));
    const t0 = clock.now();
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    await clock.advance(150_000);
    expect(calls.map((c) => c.at - t0)).toEqual([0, 60_000, 120_000]);
    await manager.stop();
  });

  it('reports each reconcile to the hook', async () => {
    const events: ReconcileEvent[] = [];
    const { cluster, manager, settle, setBehaviour } = setup({ onReconcile: (e) => events.push(e) });
    setBehaviour(async (key) => {
      if (key === 'ml/bad') throw new RequeueError('slow down', 5_000);
      if (key === 'ml/worse') throw new Error('broken');
    });
    await cluster.create(Kinds.GpuRequest, gpuRequest('ok'));
    await cluster.create(Kinds.GpuRequest, gpuRequest('bad'));
    await cluster.create(Kinds.GpuRequest, gpuRequest('worse'));
    manager.start();
    await settle();
    const byKey = Object.fromEntries(events.map((e) => [e.key, e]));
    expect(byKey['ml/ok']).toMatchObject({ controller: 'requests', outcome: 'success' });
    expect(byKey['ml/bad']).toMatchObject({ outcome: 'requeue-error', requeueAfterMs: 5_000 });
    expect(byKey['ml/worse']).toMatchObject({ outcome: 'error' });
    expect(manager.stats()[0]).toMatchObject({ reconciles: 3, errors: 2, waiting: 2, processing: 0 });
    await manager.stop();
  });

  it('re-enqueues every known primary key on resync, and forgets deleted ones', async () => {
    const { cluster, manager, calls, clock, settle } = setup({ resyncPeriodMs: 60_000 });
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    await cluster.create(Kinds.GpuRequest, gpuRequest('b'));
    manager.start();
    await settle();
    await cluster.delete(Kinds.GpuRequest, 'b', 'ml');
    await settle();
    calls.length = 0;
    await clock.advance(60_000);
    expect(calls.map((c) => c.key)).toEqual(['ml/a']);
    await clock.advance(60_000);
    expect(calls.map((c) => c.key)).toEqual(['ml/a', 'ml/a']);
    await manager.stop();
  });

  it('resyncs at once on resyncNow, and not at all while stopped', async () => {
    const { cluster, manager, calls, settle } = setup({ resyncPeriodMs: 60_000 });
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.resyncNow();
    manager.start();
    await settle();
    calls.length = 0;
    manager.resyncNow();
    await settle();
    expect(calls.map((c) => c.key)).toEqual(['ml/a']);
    await manager.stop();
  });

  it('on stop, stops watching and waits for reconciles in flight', async () => {
    const { cluster, manager, calls, clock, settle, setBehaviour } = setup();
    let finish!: () => void;
    let finished = false;
    setBehaviour(
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            finished = true;
            resolve();
          };
        }),
    );
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    expect(manager.stats()[0]!.processing).toBe(1);

    let stopped = false;
    const stopping = manager.stop(10_000).then(() => (stopped = true));
    await cluster.create(Kinds.GpuRequest, gpuRequest('b'));
    await clock.advance(5_000);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(finished).toBe(true);
    expect(calls.map((c) => c.key)).toEqual(['ml/a']);
  });

  it('aborts reconciles that outlive the stop timeout', async () => {
    const { cluster, manager, clock, settle, setBehaviour, logger } = setup();
    let aborted = false;
    setBehaviour(
      (_key, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    );
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    const stopping = manager.stop(10_000);
    await clock.advance(9_999);
    expect(aborted).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(aborted).toBe(true);
    expect(logger.lines.some((l) => l.level === 'warn' && l.meta.inFlight === 1)).toBe(true);
    // An abort at shutdown is not a reconcile failure worth an error line.
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('can start again after stopping, as when leadership comes back', async () => {
    const { cluster, manager, calls, settle } = setup();
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    await manager.stop();
    manager.start();
    await settle();
    expect(calls.map((c) => c.key)).toEqual(['ml/a', 'ml/a']);
    await manager.stop();
  });

  it('a start during a stop waits until the old reconciles have finished', async () => {
    const { cluster, manager, calls, clock, settle, setBehaviour } = setup();
    const running = new Set<string>();
    let overlap = false;
    let release!: () => void;
    setBehaviour(async (key) => {
      if (running.has(key)) overlap = true;
      running.add(key);
      await new Promise<void>((resolve) => (release = resolve));
      running.delete(key);
    });
    await cluster.create(Kinds.GpuRequest, gpuRequest('a'));
    manager.start();
    await settle();
    const stopping = manager.stop();
    manager.start();
    await clock.advance(1_000);
    expect(calls).toHaveLength(1);
    release();
    await stopping;
    await settle();
    expect(calls).toHaveLength(2);
    expect(overlap).toBe(false);
    release();
    await manager.stop();
  });

  it('refuses two controllers with one name', () => {
    const { manager } = setup();
    expect(() =>
      manager.register({ name: 'requests', kind: Kinds.GpuRequest, reconcile: async () => undefined }),
    ).toThrow(/registered twice/);
  });
});

describe('fingerprintHash', () => {
  test('one number per fingerprint: the same text alike, 20,000 different ones all different', () => {
    expect(fingerprintHash('["a",1]')).toBe(fingerprintHash('["a",1]'));
    const texts = Array.from({ length: 20_000 }, (_, i) => JSON.stringify([i % 7, `machine-${i}`, { phase: i % 2 ? 'Ready' : 'Launched' }]));
    expect(new Set(texts.map(fingerprintHash)).size).toBe(texts.length);
    expect(Number.isSafeInteger(fingerprintHash('x'))).toBe(true);
  });
});
