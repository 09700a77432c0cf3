/**
 * The reaction to an interruption notice, as steps of the GpuRequest reconcile: taint
 * and cordon the node at once, move the machine to `status.retiring` and free its slot
 * so the replacement launches in the same reconcile (on another capacity pool: the
 * interrupted offer is marked unavailable), then drain it until the deadline and
 * terminate it. A rebalance recommendation, when enabled, launches the replacement
 * early and drains only once it is Ready.
 */
import { DISRUPTION_TAINT_KEY, Reasons } from '../../api/constants.js';
import type { GpuRequest, GpuRequestStatus, InterruptionRecord, NodeStatus } from '../../api/types.js';
import { cordonNode, taintNode } from '../../kube/nodes.js';
import { offerKey, type InterruptionNotice } from '../../providers/types.js';
import type { ControllerContext } from '../context.js';
import { recordEvent } from '../events.js';
import { drainTimeoutMs, terminateNode } from '../termination/terminate-node.js';

const HISTORY = 10;

/** A slot that lost its machine this round and should be launched again. */
export interface Interrupted {
  index: number;
  instanceId: string;
  noticeAt: number;
  labels: { provider: string; region: string; kind: string };
}

const iso = (ms: number) => new Date(ms).toISOString();

function offerKeyOf(slot: NodeStatus): string {
  return offerKey({ provider: slot.provider, region: slot.region, zone: slot.zone, instanceType: slot.instanceType, capacityType: slot.capacityType });
}

function remember(status: GpuRequestStatus, record: InterruptionRecord): void {
  status.interruptions = [...(status.interruptions ?? []), record].slice(-HISTORY);
}

function historyOf(status: GpuRequestStatus, instanceId: string): InterruptionRecord | undefined {
  return status.interruptions?.find((r) => r.instanceId === instanceId);
}

async function fence(ctx: ControllerContext, nodeName: string | undefined): Promise<void> {
  if (!nodeName) return;
  await taintNode(ctx.cluster, nodeName, { key: DISRUPTION_TAINT_KEY, effect: 'NoSchedule' });
  await cordonNode(ctx.cluster, nodeName);
}

/**
 * Records the notices on status. Returns the slots to launch again now. Notices for
 * machines this request does not have, repeats and rebalance hints that are switched
 * off change nothing.
 */
export async function applyNotices(
  ctx: ControllerContext,
  req: GpuRequest,
  status: GpuRequestStatus,
  notices: InterruptionNotice[],
): Promise<Interrupted[]> {
  const replace = req.spec.interruption?.replace !== false;
  const rebalanceEnabled = req.spec.interruption?.rebalance === true;
  const freed: Interrupted[] = [];

  for (const notice of notices) {
    const retiring = status.retiring?.find((r) => r.instanceId === notice.instanceId);
    if (retiring) {
      // A rebalance hint followed by the real notice: stop waiting, drain by its deadline.
      if (retiring.interruption?.waitForReplacement && notice.kind !== 'rebalance') {
        retiring.interruption = { kind: notice.kind, noticeAt: retiring.interruption.noticeAt, deadline: notice.deadline ? iso(notice.deadline) : undefined };
      }
      continue;
    }
    const slot = status.nodes?.find((n) => n.instanceId === notice.instanceId && n.state !== 'Terminated');
    if (!slot || slot.interruption) continue;
    if (notice.kind === 'rebalance' && !rebalanceEnabled) {
      await recordEvent(ctx, req, 'Normal', Reasons.Interrupted, `Rebalance recommendation for ${slot.instanceId} ignored: spec.interruption.rebalance is false`);
      continue;
    }

    const labels = { provider: slot.provider, region: slot.region, kind: notice.kind };
    ctx.metrics.noticed(labels);
    ctx.unavailable.mark(offerKeyOf(slot), `${Reasons.Interrupted}: ${notice.kind}`, ctx.options.unavailableTtlMs);
    const early = notice.kind === 'rebalance';
    if (!early) await fence(ctx, slot.nodeName);
    const interruption = {
      kind: notice.kind,
      noticeAt: iso(notice.receivedAt),
      deadline: notice.deadline ? iso(notice.deadline) : undefined,
      ...(early ? { waitForReplacement: true } : {}),
    };
    remember(status, {
      index: slot.index,
      instanceId: slot.instanceId,
      nodeName: slot.nodeName,
      provider: slot.provider,
      region: slot.region,
      zone: slot.zone,
      instanceType: slot.instanceType,
      capacityType: slot.capacityType,
      kind: notice.kind,
      noticeAt: interruption.noticeAt,
      deadline: interruption.deadline,
    });
    const until = notice.deadline ? `; gone by ${interruption.deadline}` : '';
    await recordEvent(
      ctx,
      req,
      'Warning',
      Reasons.Interrupted,
      `${notice.kind} notice for ${slot.instanceId} (node ${slot.index}${slot.nodeName ? `, ${slot.nodeName}` : ''})${until}; ${
        replace ? (early ? 'launching a replacement before draining' : 'draining it and launching a replacement') : 'draining it; spec.interruption.replace is false'
      }`,
    );

    if (replace) {
      status.retiring = [...(status.retiring ?? []), { ...slot, state: 'Interrupted', interruption }];
      // The slot's next attempt is launched in this reconcile; the retiring entry keeps the machine.
      slot.state = 'Terminated';
      freed.push({ index: slot.index, instanceId: slot.instanceId, noticeAt: notice.receivedAt, labels });
    } else {
      slot.state = 'Interrupted';
      slot.interruption = interruption;
    }
  }
  return freed;
}

/** After launch: tie each replacement to what it replaces, and time the notice-to-launch. */
export function noteReplacements(ctx: ControllerContext, status: GpuRequestStatus, freed: Interrupted[]): void {
  const now = ctx.clock.now();
  for (const f of freed) {
    const slot = status.nodes?.find((n) => n.index === f.index);
    if (!slot?.instanceId || slot.instanceId === f.instanceId) continue;
    slot.replaces = f.instanceId;
    const record = historyOf(status, f.instanceId);
    if (record) record.replacementLaunchedAt = iso(now);
    ctx.metrics.replacementLaunched((now - f.noticeAt) / 1000, f.labels);
  }
}

/** When the drain must stop: the provider's deadline or the drain timeout, whichever comes first. */
export function drainDeadline(ctx: ControllerContext, req: GpuRequest, entry: NodeStatus): number {
  const noticeAt = Date.parse(entry.interruption?.noticeAt ?? iso(ctx.clock.now()));
  const byTimeout = noticeAt + drainTimeoutMs(ctx, req);
  const byProvider = entry.interruption?.deadline ? Date.parse(entry.interruption.deadline) : Infinity;
  return Math.min(byTimeout, byProvider);
}

/**
 * Drains and terminates interrupted machines: retiring ones (replaced) and slots that
 * are not to be replaced. Returns whether any is still on its way out.
 */
export async function retireInterrupted(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus): Promise<boolean> {
  let waiting = false;
  const keep: NodeStatus[] = [];
  for (const entry of status.retiring ?? []) {
    const replacement = status.nodes?.find((n) => n.index === entry.index);
    if (entry.interruption?.waitForReplacement && replacement?.state !== 'Ready' && replacement?.replaces === entry.instanceId) {
      keep.push(entry);
      waiting = true;
      continue;
    }
    if (entry.interruption?.waitForReplacement) await fence(ctx, entry.nodeName);
    const progress = await terminateNode(ctx, req, entry, drainDeadline(ctx, req, entry));
    if (progress.done) finish(ctx, status, entry);
    else {
      keep.push(entry);
      waiting = true;
    }
  }
  status.retiring = keep.length ? keep : undefined;

  for (const slot of status.nodes ?? []) {
    if (!slot.interruption || slot.state === 'Terminated') continue;
    const progress = await terminateNode(ctx, req, slot, drainDeadline(ctx, req, slot));
    if (progress.done) finish(ctx, status, slot);
    else waiting = true;
  }

  // A replacement that made it to Ready no longer needs the link to what it replaced.
  for (const slot of status.nodes ?? []) if (slot.replaces && slot.state === 'Ready') slot.replaces = undefined;
  return waiting;
}

function finish(ctx: ControllerContext, status: GpuRequestStatus, entry: NodeStatus): void {
  const now = ctx.clock.now();
  const record = historyOf(status, entry.instanceId);
  if (record) record.drainedAt = iso(now);
  if (entry.interruption) {
    ctx.metrics.drained((now - Date.parse(entry.interruption.noticeAt)) / 1000, {
      provider: entry.provider,
      region: entry.region,
      kind: entry.interruption.kind,
    });
  }
}
