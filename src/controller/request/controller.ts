/**
 * The GpuRequest controller keeps the right number of GpuMachines and says how they
 * are doing. It creates machines when too few serve (at start, after an interruption,
 * a lost node or a scale-up) and deletes the newest when too many do; everything about
 * one machine (launch, join, health, interruption, termination) is the GpuMachine
 * controller's. Its finalizer waits until every machine of the request is gone.
 */
import { ConditionTypes, FINALIZER, Labels, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import { parseDuration } from '../../api/duration.js';
import { formatPrice } from '../../api/price.js';
import type { GpuMachine, GpuRequest, GpuRequestStatus, InterruptionRecord } from '../../api/types.js';
import { Kinds, type KubeObject } from '../../kube/types.js';
import type { ControllerContext } from '../context.js';
import { machineCost } from '../cost.js';
import { recordEvent, withPendingEvents, type PendingEvents } from '../events.js';
import { randomSuffix } from '../machine/naming.js';
import type { Controller, ReconcileResult } from '../runtime/manager.js';
import { minDefined, writeStatus } from '../status-write.js';
import { isDeleting, isInterrupted, isReady, newestFirst, newMachine, serving, staleUnlaunched } from './machines.js';
import { costOf, summarize } from './summary.js';

const HISTORY = 10;

export interface RequestControllerOptions {
  /** Suffixes for new GpuMachine names; random unless a test needs them fixed. */
  suffix?: () => string;
}

/** Maps a GpuMachine (or a Node) onto the request it belongs to, by its labels. */
export function machineToRequestKeys(obj: KubeObject): string[] {
  const name = obj.metadata.labels?.[Labels.requestName];
  const namespace = obj.metadata.namespace ?? obj.metadata.labels?.[Labels.requestNamespace];
  return name && namespace ? [`${namespace}/${name}`] : [];
}

/**
 * What of a GpuMachine its request acts on: everything it summarizes or counts, not
 * the machine's own bookkeeping (the offers it weighed, the call it is about to make,
 * the generation it saw), which would only wake the request to write nothing.
 */
export function summarizedFingerprint(obj: KubeObject): string {
  const m = obj as GpuMachine;
  const { offers: _offers, launching: _launching, observedGeneration: _seen, ...status } = m.status ?? {};
  return JSON.stringify([m.metadata.deletionTimestamp, m.metadata.labels?.[Labels.requestName], m.spec?.replaces, status]);
}

/** When the request's lifetime.maxDuration runs out (epoch ms), if it has one. */
export function lifetimeEnd(req: GpuRequest): number | undefined {
  const max = req.spec.lifetime?.maxDuration;
  const created = req.metadata.creationTimestamp;
  return max && created ? Date.parse(created) + parseDuration(max) : undefined;
}

/** Everything but the cost fields, to tell whether a write is needed for anything else. */
function withoutCost(s: GpuRequestStatus): string {
  const { accumulatedCost: _a, costUpdatedAt: _c, hourlyCost: _h, ...rest } = s;
  return JSON.stringify(rest);
}

export class GpuRequestController implements Controller {
  readonly name = 'gpurequest';
  readonly kind = Kinds.GpuRequest;
  readonly watches = [{ kind: Kinds.GpuMachine, map: machineToRequestKeys, fingerprint: summarizedFingerprint }];
  readonly workers: number;
  private readonly suffix: () => string;

  constructor(
    private readonly ctx: ControllerContext,
    opts: RequestControllerOptions = {},
  ) {
    this.workers = ctx.options.requestWorkers;
    this.suffix = opts.suffix ?? randomSuffix;
  }

  reconcile(key: string): Promise<ReconcileResult> {
    return withPendingEvents((events) => this.reconcileRequest(key, events));
  }

  private async reconcileRequest(key: string, events: PendingEvents): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    let req = await this.ctx.cluster.get<GpuRequest>(Kinds.GpuRequest, name, namespace);
    if (!req) return {};
    const ctx: ControllerContext = { ...this.ctx, logger: this.ctx.logger.child({ namespace, name }), events };
    const machines = await ctx.cluster.list<GpuMachine>(Kinds.GpuMachine, {
      namespace,
      labelSelector: { [Labels.requestUid]: req.metadata.uid ?? '' },
    });

    if (req.metadata.deletionTimestamp) return this.finalize(ctx, req, machines);
    // The finalizer goes on while the first machines are made, not a round trip before
    // them: a request deleted in between leaves nothing, since its machines are owned by
    // it and each terminates its own instance. Awaited before the status write.
    const withFinalizer = req.metadata.finalizers?.includes(FINALIZER)
      ? undefined
      : ctx.cluster.patch<GpuRequest>(
          Kinds.GpuRequest,
          name,
          namespace,
          { metadata: { finalizers: [...(req.metadata.finalizers ?? []), FINALIZER] } },
          { resourceVersion: req.metadata.resourceVersion },
        );
    // A step below that throws first must not leave this rejection unhandled; it is awaited below.
    withFinalizer?.catch(() => undefined);

    const now = ctx.clock.now();
    const status: GpuRequestStatus = structuredClone(req.status ?? {});
    countFinished(status, machines);
    const expiresAt = lifetimeEnd(req);
    const expired = expiresAt !== undefined && now >= expiresAt;
    let wanted = 0;
    if (expired) {
      await this.expire(ctx, req, status, machines);
    } else {
      this.noteInterruptions(req, status, machines);
      wanted = Math.max(0, (req.spec.nodes ?? 1) - (status.notReplaced?.length ?? 0));
      await this.scale(ctx, req, machines, wanted);
      await this.retireRebalanced(ctx, req, machines);
    }
    if (withFinalizer) req = await withFinalizer;
    const current = await ctx.cluster.list<GpuMachine>(Kinds.GpuMachine, {
      namespace,
      labelSelector: { [Labels.requestUid]: req.metadata.uid ?? '' },
    });
    Object.assign(status, summarize(status, { machines: current, wanted, deleting: false, expired, generation: req.metadata.generation, now }));
    await this.write(ctx, req, status, current);
    return { requeueAfterMs: minDefined(expiresAt !== undefined && !expired ? expiresAt - now : undefined, this.ctx.options.costIntervalMs) };
  }

  /** Creates machines until `wanted` serve, or deletes the newest beyond it. */
  private async scale(ctx: ControllerContext, req: GpuRequest, all: GpuMachine[], wanted: number): Promise<void> {
    let machines = all;
    const stale = staleUnlaunched(req, machines, ctx.options.clusterName);
    for (const m of stale) {
      await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
      await recordEvent(ctx, req, 'Normal', Reasons.SpecChanged, `Deleted GpuMachine ${m.metadata.name}, which had bought nothing yet: the spec changed, a new machine follows it`);
    }
    if (stale.length) machines = machines.filter((m) => !stale.includes(m));
    const active = serving(machines);
    if (active.length > wanted) {
      for (const m of newestFirst(active).slice(0, active.length - wanted)) {
        await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
        await recordEvent(ctx, req, 'Normal', Reasons.ScaledDown, `Deleted GpuMachine ${m.metadata.name}: ${wanted} node(s) wanted`);
      }
      return;
    }
    // Interrupted machines that nothing replaces yet get the new machines first, so the link shows in status.
    const replaced = new Set(machines.map((m) => m.spec.replaces).filter(Boolean));
    const orphaned = machines.filter((m) => isInterrupted(m) && !replaced.has(m.metadata.name));
    for (let i = active.length; i < wanted; i++) {
      const replaces = orphaned.shift()?.metadata.name;
      const machine = newMachine(req, ctx.options.clusterName, this.suffix(), replaces);
      await ctx.cluster.create(Kinds.GpuMachine, machine);
      await recordEvent(
        ctx,
        req,
        'Normal',
        Reasons.MachineCreated,
        `Created GpuMachine ${machine.metadata.name}${replaces ? ` to replace interrupted ${replaces}` : ''}`,
      );
    }
  }

  /**
   * Interrupted machines leave on their own (the GpuMachine controller deletes them);
   * the request records each once, and with replace: false remembers not to replace it.
   */
  private noteInterruptions(req: GpuRequest, status: GpuRequestStatus, machines: GpuMachine[]): void {
    const replace = req.spec.interruption?.replace !== false;
    if (replace) status.notReplaced = undefined;
    for (const m of machines.filter(isInterrupted)) {
      const s = m.status!;
      const notice = s.interruption!;
      if (!replace && !status.notReplaced?.includes(m.metadata.name)) status.notReplaced = [...(status.notReplaced ?? []), m.metadata.name];
      const replacement = machines.find((r) => r.spec.replaces === m.metadata.name)?.metadata.name;
      const record = status.interruptions?.find((r) => r.machine === m.metadata.name);
      if (record) {
        if (replacement && !record.replacement) record.replacement = replacement;
        continue;
      }
      const entry: InterruptionRecord = {
        machine: m.metadata.name,
        instanceId: s.instanceId ?? '',
        nodeName: s.nodeName,
        provider: s.provider ?? '',
        region: s.region,
        zone: s.zone,
        instanceType: s.instanceType,
        capacityType: s.capacityType,
        kind: notice.kind,
        noticeAt: notice.noticeAt,
        deadline: notice.deadline,
        replacement,
      };
      status.interruptions = [...(status.interruptions ?? []), entry].slice(-HISTORY);
    }
  }

  /** A machine warned by a rebalance recommendation goes once the machine replacing it is Ready. */
  private async retireRebalanced(ctx: ControllerContext, req: GpuRequest, machines: GpuMachine[]): Promise<void> {
    for (const m of machines) {
      if (m.status?.interruption?.kind !== 'rebalance' || isDeleting(m)) continue;
      const replacement = machines.find((r) => r.spec.replaces === m.metadata.name);
      if (replacement && isReady(replacement)) {
        await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
        await recordEvent(ctx, req, 'Normal', Reasons.Replaced, `GpuMachine ${replacement.metadata.name} is Ready; deleting ${m.metadata.name}, which had a rebalance recommendation`);
      }
    }
  }

  /** lifetime.maxDuration is a budget guard: once reached, every machine goes and none is bought. */
  private async expire(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus, machines: GpuMachine[]): Promise<void> {
    const message = `lifetime.maxDuration ${req.spec.lifetime?.maxDuration} reached: machines terminated; delete this GpuRequest or raise maxDuration`;
    if (!status.conditions?.some((c) => c.type === ConditionTypes.BudgetExceeded && c.status === 'True')) {
      await recordEvent(ctx, req, 'Warning', Reasons.MaxDurationReached, message);
    }
    status.conditions = setCondition(
      status.conditions,
      { type: ConditionTypes.BudgetExceeded, status: 'True', reason: Reasons.MaxDurationReached, message },
      ctx.clock.now(),
      req.metadata.generation,
    );
    status.message = message;
    for (const m of machines) if (!isDeleting(m)) await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
  }

  /** Delete: every machine is deleted (each drains and terminates itself); the finalizer goes when none is left. */
  private async finalize(ctx: ControllerContext, req: GpuRequest, machines: GpuMachine[]): Promise<ReconcileResult> {
    if (!req.metadata.finalizers?.includes(FINALIZER)) return {};
    for (const m of machines) if (!isDeleting(m)) await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
    const status: GpuRequestStatus = structuredClone(req.status ?? {});
    countFinished(status, machines);
    if (machines.length === 0) {
      await ctx.cluster.patch(
        Kinds.GpuRequest,
        req.metadata.name,
        req.metadata.namespace,
        { metadata: { finalizers: (req.metadata.finalizers ?? []).filter((f) => f !== FINALIZER) } },
        { resourceVersion: req.metadata.resourceVersion },
      );
      return {};
    }
    const message = `waiting for ${machines.length} GpuMachine(s) to drain and terminate: ${machines.map((m) => m.metadata.name).join(', ')}`;
    const now = ctx.clock.now();
    status.conditions = setCondition(
      status.conditions,
      { type: ConditionTypes.Terminating, status: 'True', reason: Reasons.Terminating, message },
      now,
      req.metadata.generation,
    );
    status.message = message;
    Object.assign(status, summarize(status, { machines, wanted: 0, deleting: true, expired: false, generation: req.metadata.generation, now }));
    await this.write(ctx, req, status, machines);
    // Each machine's progress wakes this request through the GpuMachine watch; this is the safety net.
    return { requeueAfterMs: ctx.options.pollMs * 10 };
  }

  /** One status write when anything but the cost changed, or when the cost is due. */
  private async write(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus, machines: GpuMachine[]): Promise<void> {
    const now = ctx.clock.now();
    const prev = req.status ?? {};
    const costDue = !prev.costUpdatedAt || now - Date.parse(prev.costUpdatedAt) >= ctx.options.costIntervalMs;
    const cost = costOf(status, machines, now);
    const changed = withoutCost(status) !== withoutCost(prev) || cost.hourlyCost !== prev.hourlyCost;
    if (!changed && !costDue) return;
    await writeStatus(ctx.cluster, Kinds.GpuRequest, req, { ...status, ...cost });
  }
}

/**
 * Adds each terminated machine's final cost to finishedCost once (its name goes into
 * finishedMachines in the same write), and forgets names whose GpuMachine is gone:
 * names are never reused, so a forgotten one cannot be counted again.
 */
function countFinished(status: GpuRequestStatus, machines: GpuMachine[]): void {
  const counted = new Set(status.finishedMachines ?? []);
  let total = Number(status.finishedCost ?? 0);
  for (const m of machines) {
    if (!m.status?.terminatedAt || counted.has(m.metadata.name)) continue;
    total += machineCost(m, Date.parse(m.status.terminatedAt));
    counted.add(m.metadata.name);
  }
  const present = new Set(machines.map((m) => m.metadata.name));
  const kept = [...counted].filter((n) => present.has(n));
  status.finishedMachines = kept.length ? kept : undefined;
  status.finishedCost = total > 0 || status.finishedCost ? formatPrice(total) : undefined;
}
