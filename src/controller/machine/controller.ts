/**
 * The GpuMachine controller: one paid machine's life, split by concern as Karpenter's
 * NodeClaim lifecycle. Reconcile only routes: a machine being deleted is terminated;
 * any other gets its finalizer and runs launch, registration, interruption,
 * initialization, liveness and health in order on one in-memory object, then one
 * metadata patch, one status patch and the shortest requeue. Errors go to the one
 * error policy.
 */
import { Labels, MACHINE_FINALIZER } from '../../api/constants.js';
import type { GpuMachine, GpuMachineStatus } from '../../api/types.js';
import { Kinds, type KubeObject, type Node } from '../../kube/types.js';
import type { ControllerContext } from '../context.js';
import { BackoffError } from '../error-policy.js';
import { withPendingEvents, type PendingEvents } from '../events.js';
import { specAndMetadata, type Controller, type ReconcileResult } from '../runtime/manager.js';
import { minDefined, writeStatus } from '../status-write.js';
import { health, liveness } from './health.js';
import { interruption } from './interruption.js';
import { launch } from './launch.js';
import { initialization, registration, type NodeView } from './registration.js';
import type { MachineContext, Step, StepResult } from './step.js';
import { terminate } from './termination.js';

type Machine = GpuMachine & { status: GpuMachineStatus };

/** Maps a Node onto its GpuMachine, by the labels its machine config put on it. */
export function nodeToMachineKeys(node: KubeObject): string[] {
  const machine = node.metadata.labels?.[Labels.machine];
  const namespace = node.metadata.labels?.[Labels.requestNamespace];
  return machine && namespace ? [`${namespace}/${machine}`] : [];
}

/** What of a Node the machine acts on; heartbeats alone change none of it. */
export function nodeFingerprint(obj: KubeObject): string {
  const node = obj as Node;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([
    ready,
    node.status?.allocatable?.['nvidia.com/gpu'],
    node.spec?.unschedulable,
    node.spec?.providerID,
    node.metadata.deletionTimestamp,
    node.metadata.labels?.[Labels.machine],
  ]);
}

export interface MachineControllerOptions {
  /** Wakes a GpuRequest when a machine needs it (to count a final cost). */
  enqueueRequest: (key: string) => void;
}

export class GpuMachineController implements Controller {
  readonly name = 'gpumachine';
  readonly kind = Kinds.GpuMachine;
  /** The spec, deletion, finalizers, labels and annotations: its own status writes do not wake it. */
  readonly fingerprint = specAndMetadata;
  readonly watches = [
    { kind: Kinds.Node, map: nodeToMachineKeys, fingerprint: nodeFingerprint },
    // A provider that becomes ready (or changes) may fit what nothing fitted before.
    { kind: Kinds.GpuProvider, map: () => [...this.waiting] },
  ];
  readonly workers: number;
  /** Machines that found no fitting offer or no provider at their last reconcile. */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: MachineControllerOptions,
  ) {
    this.workers = ctx.options.machineWorkers;
  }

  reconcile(key: string): Promise<ReconcileResult> {
    return withPendingEvents((events) => this.reconcileMachine(key, events));
  }

  private async reconcileMachine(key: string, events: PendingEvents): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const found = await this.ctx.cluster.get<GpuMachine>(Kinds.GpuMachine, name, namespace);
    if (!found) {
      this.waiting.delete(key);
      return {};
    }
    const copy = structuredClone(found);
    const m: Machine = { ...copy, status: copy.status ?? {} };
    const ctx = this.machineContext(m, namespace, name, events);
    const before = JSON.stringify(found.status ?? {});

    let result: StepResult;
    try {
      if (m.metadata.deletionTimestamp) {
        if (!m.metadata.finalizers?.includes(MACHINE_FINALIZER)) return {};
        result = await terminate(ctx, m);
        // Halted means the finalizer is off: the object is gone, nothing left to write.
        if (result.halt) return {};
      } else {
        await this.ensureFinalizer(ctx, m);
        result = await this.runSteps(ctx, m);
      }
    } catch (e) {
      // What the steps learnt (conditions, an adopted instance) is kept even when a call failed.
      await this.writeIfChanged(ctx, m, before).catch(() => undefined);
      throw e;
    }
    m.status.observedGeneration = m.metadata.generation;
    if (m.status.phase === 'Pending') this.waiting.add(key);
    else this.waiting.delete(key);
    await this.writeIfChanged(ctx, m, before);
    if (result.backoff) throw new BackoffError(result.backoff);
    return { requeueAfterMs: result.requeueAfterMs };
  }

  private async runSteps(ctx: MachineContext, m: Machine): Promise<StepResult> {
    const view: NodeView = {};
    const steps: Step[] = [launch, registration(view), interruption(view), initialization(view), liveness(view), health(view)];
    let requeueAfterMs: number | undefined;
    for (const step of steps) {
      const r = await step(ctx, m);
      requeueAfterMs = minDefined(requeueAfterMs, r.requeueAfterMs);
      if (r.backoff) return { backoff: r.backoff, halt: true };
      if (r.halt) break;
    }
    return { requeueAfterMs };
  }

  private machineContext(m: Machine, namespace: string, name: string, events: PendingEvents): MachineContext {
    let written = JSON.stringify(m.status);
    const ctx: MachineContext = {
      ...this.ctx,
      logger: this.ctx.logger.child({ namespace, machine: name }),
      events,
      persist: async () => {
        const now = JSON.stringify(m.status);
        if (now === written) return;
        const saved = await writeStatus(this.ctx.cluster, Kinds.GpuMachine, m, m.status);
        m.metadata.resourceVersion = saved.metadata.resourceVersion;
        written = now;
      },
      enqueueRequest: this.opts.enqueueRequest,
    };
    return ctx;
  }

  private async writeIfChanged(ctx: MachineContext, m: Machine, before: string): Promise<void> {
    if (JSON.stringify(m.status) === before) return;
    await ctx.persist();
  }

  private async ensureFinalizer(ctx: MachineContext, m: Machine): Promise<void> {
    if (m.metadata.finalizers?.includes(MACHINE_FINALIZER)) return;
    const saved = await ctx.cluster.patch<GpuMachine>(
      Kinds.GpuMachine,
      m.metadata.name,
      m.metadata.namespace,
      { metadata: { finalizers: [...(m.metadata.finalizers ?? []), MACHINE_FINALIZER] } },
      { resourceVersion: m.metadata.resourceVersion },
    );
    m.metadata.finalizers = saved.metadata.finalizers;
    m.metadata.resourceVersion = saved.metadata.resourceVersion;
  }

}
