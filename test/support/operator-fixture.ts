/**
 * Builders and expectations for controller tests: the operator's own controllers on
 * the in-memory cluster and the sim cloud, with a fake clock.
 */
import { FINALIZER, Labels } from '../../src/api/constants.js';
import type { GpuMachine, GpuRequest, GpuRequestSpec } from '../../src/api/types.js';
import { applyDefaults, formatInvalid, validateObject } from '../../src/api/validate.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type KubeObject } from '../../src/kube/types.js';
import { Operator, type OperatorOptions } from '../../src/operator.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import type { LifecycleOptions } from '../../src/controller/context.js';
import type { ProviderFactory, ProviderType } from '../../src/providers/types.js';
import { FakeClock } from '../../src/util/clock.js';
import type { InterruptionMetrics } from '../../src/metrics/interruption-metrics.js';
import { silentLogger } from '../../src/util/logger.js';

export const CLUSTER = 'test';

export interface Fixture {
  clock: FakeClock;
  cluster: MemoryCluster;
  cloud: SimCloud;
  operator: Operator;
}

/**
 * Resolves `p` while moving the fake clock in small steps, so provider latency,
 * boots and backoff all happen in milliseconds of real time.
 */
export async function drive<T>(clock: FakeClock, p: Promise<T>, stepMs = 10, maxSteps = 100_000): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  // Settle handlers go on at once, so a rejection is never seen as unhandled while time moves.
  void p.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  for (let i = 0; i < maxSteps && !outcome; i++) await clock.advance(stepMs);
  if (!outcome) throw new Error(`still pending after ${maxSteps * stepMs} ms of fake time`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

export interface SetupOptions {
  lifecycle?: Partial<LifecycleOptions>;
  bootMs?: number;
  /** Share these between two operators (restart, leader hand-over). */
  cluster?: MemoryCluster;
  cloud?: SimCloud;
  clock?: FakeClock;
  /** Turns on leader election with this identity. */
  identity?: string;
  metrics?: InterruptionMetrics;
  /** Extra fields for the sim GpuProvider's spec. */
  simSpec?: Record<string, unknown>;
  /** More provider factories, by type, beside the sim. */
  factories?: Partial<Record<ProviderType, ProviderFactory>>;
  /** Leave the operator stopped (tests that call one controller or the collector by hand). */
  stopped?: boolean;
  bootstrap?: OperatorOptions['bootstrap'];
}

export async function setup(opts: SetupOptions = {}): Promise<Fixture> {
  const clock = opts.clock ?? new FakeClock();
  const cluster =
    opts.cluster ??
    new MemoryCluster({
      clock,
      validate: (obj) => {
        const issues = validateObject(obj);
        return issues.length ? formatInvalid(obj, issues) : undefined;
      },
    });
  const cloud = opts.cloud ?? new SimCloud({ clock, bootMs: opts.bootMs ?? 2_000, terminateMs: 500 });
  const operator = new Operator({
    cluster,
    clock,
    logger: silentLogger(),
    namespace: 'gpu-provisioner',
    factories: { sim: simProviderFactory(cloud), ...opts.factories },
    identity: opts.identity,
    metrics: opts.metrics,
    bootstrap: opts.bootstrap,
    lifecycle: { clusterName: CLUSTER, pollMs: 1_000, joinTimeoutMs: 60_000, noFitRequeueMs: 60_000, ...opts.lifecycle },
  });
  if (!(await cluster.get(Kinds.GpuProvider, 'sim'))) {
    await cluster.create(Kinds.GpuProvider, applyDefaults({
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: 'sim' },
      spec: { type: 'sim', ...opts.simSpec },
    } as KubeObject));
  }
  await drive(clock, operator.providerController.reconcile('sim'));
  if (!opts.stopped && !opts.identity) operator.start();
  return { clock, cluster, cloud, operator };
}

let seq = 0;
export function gpuRequest(spec: Partial<GpuRequestSpec> = {}, name = `req-${++seq}`): GpuRequest {
  return applyDefaults({
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name, namespace: 'ml' },
    spec: { gpu: { model: 'H100', count: 1 }, ...spec },
  } as KubeObject) as GpuRequest;
}

export async function apply(f: Fixture, req: GpuRequest): Promise<GpuRequest> {
  return f.cluster.create(Kinds.GpuRequest, req);
}

export async function get(f: Fixture, req: GpuRequest): Promise<GpuRequest | undefined> {
  return f.cluster.get<GpuRequest>(Kinds.GpuRequest, req.metadata.name, req.metadata.namespace);
}

/**
 * A new operator on the same cluster, cloud and clock, as after a crash: nothing of the
 * first one's memory survives, and the caller starts it.
 */
export function restartOperator(f: Fixture, lifecycle: Partial<LifecycleOptions> = {}): Operator {
  return new Operator({
    cluster: f.cluster,
    clock: f.clock,
    logger: silentLogger(),
    namespace: 'gpu-provisioner',
    factories: { sim: simProviderFactory(f.cloud) },
    lifecycle: { clusterName: CLUSTER, pollMs: 1_000, joinTimeoutMs: 60_000, noFitRequeueMs: 60_000, ...lifecycle },
  });
}

/** Moves fake time in steps until `done` holds; throws with `explain()` when it never does. */
export async function until(
  f: Fixture,
  done: () => Promise<boolean> | boolean,
  opts: { stepMs?: number; maxMs?: number; explain?: () => Promise<string> } = {},
): Promise<void> {
  const stepMs = opts.stepMs ?? 100;
  const maxMs = opts.maxMs ?? 10 * 60_000;
  for (let t = 0; t <= maxMs; t += stepMs) {
    if (await done()) return;
    await f.clock.advance(stepMs);
  }
  throw new Error(`not reached within ${maxMs} ms of fake time${opts.explain ? `: ${await opts.explain()}` : ''}`);
}

/** Waits until the request is in `phase`, and returns it. */
export async function untilPhase(f: Fixture, req: GpuRequest, phase: string, maxMs?: number): Promise<GpuRequest> {
  await until(f, async () => (await get(f, req))?.status?.phase === phase, {
    maxMs,
    explain: async () => `phase ${(await get(f, req))?.status?.phase}; status ${JSON.stringify((await get(f, req))?.status)}`,
  });
  return (await get(f, req))!;
}

/** The request's GpuMachines, oldest first. */
export async function machinesOf(f: Fixture, req: GpuRequest): Promise<GpuMachine[]> {
  const uid = (await get(f, req))?.metadata.uid ?? req.metadata.uid ?? '';
  const list = await f.cluster.list<GpuMachine>(Kinds.GpuMachine, { namespace: req.metadata.namespace, labelSelector: { [Labels.requestUid]: uid } });
  return list.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
}

/** Creates the request and waits until it is Ready. */
export async function readyRequest(f: Fixture, spec: Partial<GpuRequestSpec> = {}): Promise<GpuRequest> {
  return untilPhase(f, await apply(f, gpuRequest(spec)), 'Ready');
}

/** Instances the sim cloud still runs (terminated ones excluded). */
export async function ownInstances(f: Fixture) {
  const provider = f.operator.registry.get('sim');
  if (!provider) throw new Error('sim provider not ready');
  return drive(f.clock, provider.list());
}

export const hasFinalizer = (r: GpuRequest | undefined) => !!r?.metadata.finalizers?.includes(FINALIZER);
