/**
 * Termination, run by the GpuMachine's finalizer, in the order that loses nothing:
 * (for an interrupted machine, a head start for its replacement's launch call) cordon
 * and taint the Node, drain it through the Eviction API (PodDisruptionBudgets
 * hold pods until the deadline), terminate the instance, wait until the provider says
 * it is gone, delete the Node, and let the GpuRequest count the final cost; only then
 * does the finalizer go. Each pass does what it can without blocking and says when to
 * come back. A provider that is not ready (after a restart, say) holds the finalizer:
 * a machine is never forgotten while it may still be billed.
 */
import { ConditionTypes, DISRUPTION_TAINT_KEY, Labels, MACHINE_FINALIZER, Reasons } from '../../api/constants.js';
import { formatPrice } from '../../api/price.js';
import { parseDuration } from '../../api/duration.js';
import type { GpuMachine, GpuMachineStatus, GpuRequest } from '../../api/types.js';
import { drainNode, fenceNode } from '../../kube/nodes.js';
import { Kinds } from '../../kube/types.js';
import { describeError, isNotFound } from '../../providers/errors.js';
import { budgetsYetToCount } from '../budget/controller.js';
import { machineCost } from '../cost.js';
import { recordEvent } from '../events.js';
import { machineOfInstance } from './naming.js';
import { nodesOf } from './registration.js';
import { condition, iso, type MachineContext, type StepResult } from './step.js';

type Machine = GpuMachine & { status: GpuMachineStatus };

/** When the drain gives up: the provider's deadline or the drain timeout after the notice (or the delete). */
export function drainDeadline(ctx: MachineContext, m: Machine): number {
  const timeout = m.spec.interruption?.drainTimeout ? parseDuration(m.spec.interruption.drainTimeout) : ctx.options.defaultDrainTimeoutMs;
  const notice = m.status.interruption;
  const from = Date.parse(notice?.noticeAt ?? m.metadata.deletionTimestamp ?? iso(ctx.clock.now()));
  const byProvider = notice?.deadline ? Date.parse(notice.deadline) : Infinity;
  return Math.min(from + timeout, byProvider);
}

/** Terminates whatever instance the machine has or may have; returns what is still in the way. */
async function terminateInstance(ctx: MachineContext, m: Machine): Promise<string | undefined> {
  const s = m.status;
  const providerName = s.instanceId ? s.provider : s.launching?.provider;
  if (!providerName) return undefined; // no launch call was ever made
  const provider = ctx.providers.get(providerName);
  if (!provider) return `GpuProvider ${providerName} is not ready; the instance is terminated once it is`;
  if (!s.instanceId) {
    // A launch call whose answer was lost: find what it made by name.
    const made = (await provider.list()).find((i) => machineOfInstance(i) === m.metadata.name && i.state !== 'terminated');
    if (!made) {
      s.launching = undefined;
      return undefined;
    }
    s.instanceId = made.id;
    s.provider = providerName;
  }
  try {
    const inst = await provider.get(s.instanceId);
    if (inst.state === 'terminated') return undefined;
    if (inst.state !== 'terminating') await provider.delete(s.instanceId);
    return `instance ${s.instanceId} to terminate`;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    return `instance ${s.instanceId}: ${describeError(e)}`;
  }
}

/**
 * How long after its notice an interrupted machine's drain waits for the launch call of
 * its replacement. The Node is fenced already, so nothing new lands on it meanwhile.
 */
export const REPLACEMENT_HEAD_START_MS = 3_000;
/** How often a machine in its head start looks again whether its replacement's call was answered. */
const HEAD_START_RECHECK_MS = 250;

/**
 * Milliseconds the drain of an interrupted machine still gives its replacement's launch
 * call, or undefined once that call has been answered (or there is none to wait for).
 * Buying the replacement is what a provider's warning is for, and on one event loop a
 * wave of notices drained side by side with buying made every replacement wait behind
 * the drains.
 */
async function replacementHeadStart(ctx: MachineContext, m: Machine, now: number): Promise<number | undefined> {
  const notice = m.status.interruption;
  if (!notice || notice.kind === 'rebalance' || m.spec.interruption?.replace === false) return undefined;
  const left = Date.parse(notice.noticeAt) + REPLACEMENT_HEAD_START_MS - now;
  const uid = m.metadata.labels?.[Labels.requestUid];
  if (left <= 0 || !uid) return undefined;
  const siblings = await ctx.cluster.list<GpuMachine>(Kinds.GpuMachine, { namespace: m.metadata.namespace, labelSelector: { [Labels.requestUid]: uid } });
  const replacement = siblings.find((r) => r.spec.replaces === m.metadata.name);
  if (replacement?.status?.instanceId || replacement?.status?.phase === 'Pending') return undefined;
  return Math.min(left, HEAD_START_RECHECK_MS);
}

export async function terminate(ctx: MachineContext, m: Machine): Promise<StepResult> {
  const now = ctx.clock.now();
  const waiting = (message: string, requeueAfterMs = ctx.options.pollMs): StepResult => {
    m.status.phase = 'Terminating';
    m.status.message = message;
    condition(ctx, m, ConditionTypes.Terminating, true, Reasons.Terminating, message);
    return { requeueAfterMs };
  };

  if (!m.status.terminatedAt) {
    const headStart = await replacementHeadStart(ctx, m, now);
    if (headStart !== undefined) return { requeueAfterMs: headStart };
    const nodes = await nodesOf(ctx, m);
    const deadline = drainDeadline(ctx, m);
    for (const node of nodes) {
      if (node.metadata.deletionTimestamp) continue;
      await fenceNode(ctx.cluster, node.metadata.name, { key: DISRUPTION_TAINT_KEY, effect: 'NoSchedule' });
      // One pass of the drain each round: the worker is never held while budgets hold pods.
      const drained = await drainNode(ctx.cluster, node.metadata.name, { clock: ctx.clock, deadline: now, logger: ctx.logger });
      if (drained.remaining > 0 && now < deadline) {
        condition(ctx, m, ConditionTypes.Drained, false, Reasons.Draining, `${drained.remaining} pod(s) on ${node.metadata.name} still running (${drained.blockedByPdb} held by a PodDisruptionBudget)`);
        return waiting(`draining ${node.metadata.name} until ${iso(deadline)}`);
      }
      const timedOut = drained.remaining > 0;
      if (timedOut) await recordEvent(ctx, m, 'Warning', Reasons.DrainTimedOut, `${drained.remaining} pod(s) still on ${node.metadata.name} at the drain deadline; terminating anyway`);
      condition(ctx, m, ConditionTypes.Drained, true, timedOut ? Reasons.DrainTimedOut : Reasons.Drained, timedOut ? `drain deadline reached with ${drained.remaining} pod(s) left` : `${node.metadata.name} drained`);
    }
    const blocker = await terminateInstance(ctx, m);
    if (blocker) return waiting(`waiting for ${blocker}`);
    if (m.status.instanceId) {
      m.status.terminatedAt = iso(now);
      m.status.accumulatedCost = formatPrice(machineCost(m, now));
      await recordEvent(ctx, m, 'Normal', Reasons.Terminated, `Instance ${m.status.instanceId} terminated`);
      const notice = m.status.interruption;
      if (notice) ctx.metrics.drained((now - Date.parse(notice.noticeAt)) / 1000, { provider: m.status.provider ?? '', region: m.status.region ?? '', kind: notice.kind });
    }
    for (const node of nodes) await ctx.cluster.delete(Kinds.Node, node.metadata.name);
  }

  // The request counts the final cost before the machine goes, so no dollar is lost or counted twice.
  if (m.status.terminatedAt) {
    const owner = m.metadata.ownerReferences?.find((o) => o.kind === 'GpuRequest');
    const req = owner ? await ctx.cluster.get<GpuRequest>(Kinds.GpuRequest, owner.name, m.metadata.namespace) : undefined;
    if (req && req.metadata.uid === owner?.uid && !req.status?.finishedMachines?.includes(m.metadata.name)) {
      ctx.enqueueRequest(`${req.metadata.namespace}/${req.metadata.name}`);
      return waiting(`waiting for GpuRequest ${req.metadata.name} to count the final cost`, ctx.options.pollMs);
    }
    const budgets = await budgetsYetToCount(ctx.cluster, m);
    if (budgets.length) return waiting(`waiting for GpuBudget ${budgets.join(', ')} to count the final cost`, ctx.options.pollMs);
  }
  await ctx.persist();
  await ctx.cluster.patch(
    Kinds.GpuMachine,
    m.metadata.name,
    m.metadata.namespace,
    { metadata: { finalizers: (m.metadata.finalizers ?? []).filter((f) => f !== MACHINE_FINALIZER) } },
    { resourceVersion: m.metadata.resourceVersion },
  );
  return { halt: true };
}
