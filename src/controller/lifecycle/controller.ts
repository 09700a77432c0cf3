/**
 * The GpuRequest controller. Reconcile only routes: a request being deleted is
 * finalized, any other gets the finalizer first and then runs its steps in order on
 * one in-memory status (launch, registration, termination of what must go), followed
 * by one status write and the shortest requeue.
 */
import { ConditionTypes, FINALIZER, Labels, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import type { Condition, GpuRequest, GpuRequestStatus } from '../../api/types.js';
import { isConflict } from '../../kube/errors.js';
import { Kinds, type KubeObject } from '../../kube/types.js';
import { describeError } from '../../providers/errors.js';
import type { InterruptionNotice } from '../../providers/types.js';
import type { Controller, ReconcileResult } from '../runtime/manager.js';
import type { ControllerContext } from '../context.js';
import { finalize } from '../termination/finalize.js';
import { takeDownSlots } from '../termination/terminate-node.js';
import { launch, slotsToLaunch } from './launch.js';
import { beginExpiry, lifetimeEnd, markExpired } from './lifetime.js';
import { applyNotices, noteReplacements, retireInterrupted } from '../interruption/react.js';
import { observeRegistration } from './registration.js';
import { accrueCost, derivePhase, interruptionInProgress, liveNodes, summarize } from './status.js';

/** How often a settled request is looked at again (cost, liveness). */
const SETTLED_REQUEUE_MS = 5 * 60_000;
/** Cost is brought up to date at most this often, so it never drives a write loop. */
const COST_INTERVAL_MS = 60_000;

export function requestKey(obj: KubeObject): string {
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}

/** Maps a Node onto the request it belongs to, by the labels the launch put on it. */
export function nodeToRequestKeys(node: KubeObject): string[] {
  const ns = node.metadata.labels?.[Labels.requestNamespace];
  const name = node.metadata.labels?.[Labels.requestName];
  return ns && name ? [`${ns}/${name}`] : [];
}

/** A merge patch that sets `next` and removes top-level keys it no longer has. */
export function statusPatch(prev: GpuRequestStatus | undefined, next: GpuRequestStatus): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(prev ?? {})) if (!(key in next) || next[key as keyof GpuRequestStatus] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(next)) if (value !== undefined) patch[key] = value;
  return patch;
}

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

export class GpuRequestController implements Controller {
  readonly name = 'gpurequest';
  readonly kind = Kinds.GpuRequest;
  readonly watches = [
    { kind: Kinds.Node, map: nodeToRequestKeys },
    // A provider that becomes ready (or changes) may fit what nothing fitted before.
    { kind: Kinds.GpuProvider, map: () => [...this.waitingForOffers] },
  ];
  /** Requests that found no fitting offer at their last reconcile. */
  private readonly waitingForOffers = new Set<string>();
  /** Interruption notices waiting for their request's next reconcile. */
  private readonly inbox = new Map<string, InterruptionNotice[]>();
  /** instance ID -> request key, for routing notices; rebuilt from status as requests reconcile. */
  private readonly byInstance = new Map<string, string>();

  constructor(private readonly ctx: ControllerContext) {}

  /** Queues a notice for the request that owns the instance; returns that request's key. */
  async deliver(notice: InterruptionNotice): Promise<string | undefined> {
    const key = this.byInstance.get(notice.instanceId) ?? (await this.findOwner(notice.instanceId));
    if (!key) {
      this.ctx.logger.debug('interruption notice for an instance no request holds', { instanceId: notice.instanceId });
      return undefined;
    }
    this.inbox.set(key, [...(this.inbox.get(key) ?? []), notice]);
    return key;
  }

  private async findOwner(instanceId: string): Promise<string | undefined> {
    const requests = await this.ctx.cluster.list<GpuRequest>(Kinds.GpuRequest);
    const owner = requests.find((r) =>
      [...(r.status?.nodes ?? []), ...(r.status?.retiring ?? [])].some((n) => n.instanceId === instanceId),
    );
    return owner ? requestKey(owner) : undefined;
  }

  private indexInstances(key: string, status: GpuRequestStatus | undefined): void {
    for (const [id, owner] of this.byInstance) if (owner === key) this.byInstance.delete(id);
    for (const n of [...(status?.nodes ?? []), ...(status?.retiring ?? [])]) if (n.instanceId) this.byInstance.set(n.instanceId, key);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const notices = this.inbox.get(key) ?? [];
    this.inbox.delete(key);
    try {
      return await this.reconcileKey(key, notices);
    } catch (e) {
      // Nothing was recorded: the notices go back for the next attempt (applying one twice is harmless).
      if (notices.length) this.inbox.set(key, [...notices, ...(this.inbox.get(key) ?? [])]);
      // Someone wrote first (or our cache was stale): read again at once, no backoff.
      // Nothing is lost: launches are recorded by key before they happen.
      if (isConflict(e)) {
        this.ctx.logger.debug('conflict; reconciling again', { key });
        return { requeueAfterMs: 0 };
      }
      throw e;
    }
  }

  private async reconcileKey(key: string, notices: InterruptionNotice[]): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    let req = await this.ctx.cluster.get<GpuRequest>(Kinds.GpuRequest, name, namespace);
    if (!req) {
      this.waitingForOffers.delete(key);
      this.indexInstances(key, undefined);
      return {};
    }
    // Every line logged while working on this request names it.
    const ctx: ControllerContext = { ...this.ctx, logger: this.ctx.logger.child({ namespace, name }) };
    if (req.metadata.deletionTimestamp) return finalize(ctx, req, (r, s) => this.writeStatus(r, s));

    if (!req.metadata.finalizers?.includes(FINALIZER)) {
      req = await this.ctx.cluster.patch<GpuRequest>(
        Kinds.GpuRequest,
        name,
        namespace,
        { metadata: { finalizers: [...(req.metadata.finalizers ?? []), FINALIZER] } },
        { resourceVersion: req.metadata.resourceVersion },
      );
    }
    return this.reconcileLive(ctx, req, notices);
  }

  private async reconcileLive(ctx: ControllerContext, initial: GpuRequest, notices: InterruptionNotice[]): Promise<ReconcileResult> {
    let req = initial;
    const status: GpuRequestStatus = structuredClone(req.status ?? {});
    const before = JSON.stringify(status);
    const wanted = req.spec.nodes ?? 1;
    const generation = req.metadata.generation;

    // lifetime.maxDuration is a budget guard: once reached, every machine goes and none is bought.
    const expiresAt = lifetimeEnd(req);
    const expired = expiresAt !== undefined && ctx.clock.now() >= expiresAt;
    const freed = await applyNotices(ctx, req, status, notices);
    const launched = expired
      ? {}
      : await launch(ctx, req, status, async (s) => {
          req = await this.writeStatus(req, s);
        });
    noteReplacements(ctx, status, freed);
    const registration = await observeRegistration(ctx, req, status);
    if (expired) beginExpiry(ctx, status);
    const retiring = await retireInterrupted(ctx, req, status);
    const takingDown = await takeDownSlots(ctx, req, status, wanted);
    // Slots freed during this reconcile (join timeout, lost machine) launch again at once,
    // unless launch itself asked to wait (nothing fits, everything failed).
    const relaunch =
      !expired && launched.requeueAfterMs === undefined && slotsToLaunch(req, status, ctx.options.clusterName, ctx.clock.now()).length > 0;

    this.setProgressConditions(status, wanted, generation, launched.failure);
    this.setInterruptedCondition(req, status);
    const noFit = status.conditions?.find((c) => c.type === ConditionTypes.OfferSelected)?.status === 'False';
    const key = requestKey(req);
    if (noFit) this.waitingForOffers.add(key);
    else this.waitingForOffers.delete(key);
    status.phase = derivePhase(status, wanted, false, false);
    status.message = noFit
      ? status.conditions?.find((c) => c.type === ConditionTypes.OfferSelected)?.message
      : undefined;
    if (expired) await markExpired(ctx, req, status);
    Object.assign(status, summarize(status));
    status.observedGeneration = generation;

    const now = ctx.clock.now();
    const costDue = !status.costUpdatedAt || now - Date.parse(status.costUpdatedAt) >= COST_INTERVAL_MS;
    if (costDue || JSON.stringify(status) !== before) Object.assign(status, accrueCost(status, now));
    if (JSON.stringify(status) !== before) await this.writeStatus(req, status);
    this.indexInstances(requestKey(req), status);

    const busy = registration.waiting || retiring || takingDown;
    return {
      requeueAfterMs: minDefined(
        launched.requeueAfterMs,
        relaunch ? 0 : undefined,
        busy ? ctx.options.pollMs : undefined,
        expiresAt !== undefined && !expired ? Math.max(0, expiresAt - now) : undefined,
        SETTLED_REQUEUE_MS,
      ),
    };
  }

  /** Interrupted is True from the notice until every replacement is Ready and the old machines are gone. */
  private setInterruptedCondition(req: GpuRequest, status: GpuRequestStatus): void {
    const previous = status.conditions?.find((c) => c.type === ConditionTypes.Interrupted);
    const now = this.ctx.clock.now();
    if (interruptionInProgress(status)) {
      const retiring = status.retiring?.length ?? 0;
      const waiting = (status.nodes ?? []).filter((n) => n.replaces).length;
      const kept = (status.nodes ?? []).filter((n) => n.interruption).length;
      const parts = [
        retiring ? `${retiring} interrupted machine(s) draining` : '',
        waiting ? `${waiting} replacement(s) not Ready yet` : '',
        kept ? `${kept} node(s) interrupted and not replaced (spec.interruption.replace is false)` : '',
      ].filter(Boolean);
      status.conditions = setCondition(
        status.conditions,
        { type: ConditionTypes.Interrupted, status: 'True', reason: Reasons.Interrupted, message: parts.join('; ') },
        now,
        req.metadata.generation,
      );
    } else if (previous?.status === 'True') {
      status.conditions = setCondition(
        status.conditions,
        { type: ConditionTypes.Interrupted, status: 'False', reason: Reasons.Replaced, message: 'every interrupted node has been replaced and cleaned up' },
        now,
        req.metadata.generation,
      );
    }
  }

  private setProgressConditions(
    status: GpuRequestStatus,
    wanted: number,
    generation: number | undefined,
    launchFailure: string | undefined,
  ): void {
    const now = this.ctx.clock.now();
    const live = liveNodes(status).filter((n) => n.index < wanted);
    const withInstance = live.filter((n) => n.instanceId).length;
    const registered = live.filter((n) => n.nodeName).length;
    const ready = live.filter((n) => n.state === 'Ready').length;
    const set = (type: string, ok: boolean, reason: string, message: string, falseReason: string) => {
      const c: Omit<Condition, 'lastTransitionTime'> = { type, status: ok ? 'True' : 'False', reason: ok ? reason : falseReason, message };
      status.conditions = setCondition(status.conditions, c, now, generation);
    };
    set(
      ConditionTypes.Launched,
      withInstance >= wanted,
      Reasons.Launched,
      launchFailure ?? `${withInstance}/${wanted} machine(s) launched`,
      launchFailure ? Reasons.LaunchFailed : Reasons.Launching,
    );
    set(ConditionTypes.Registered, registered >= wanted, Reasons.Registered, `${registered}/${wanted} node(s) registered`, Reasons.WaitingForNode);
    set(ConditionTypes.Ready, ready >= wanted, Reasons.NodeReady, `${ready}/${wanted} node(s) Ready with GPUs allocatable`, Reasons.NodeNotReady);
  }

  /** Writes status with optimistic locking; a conflict surfaces and the queue retries. */
  private async writeStatus(req: GpuRequest, status: GpuRequestStatus): Promise<GpuRequest> {
    try {
      return await this.ctx.cluster.patch<GpuRequest>(
        Kinds.GpuRequest,
        req.metadata.name,
        req.metadata.namespace,
        { status: statusPatch(req.status, status) },
        { subresource: 'status', resourceVersion: req.metadata.resourceVersion },
      );
    } catch (e) {
      this.ctx.logger.debug('status write failed', { namespace: req.metadata.namespace, name: req.metadata.name, error: describeError(e) });
      throw e;
    }
  }
}
