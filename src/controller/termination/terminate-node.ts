/**
 * Takes one node slot down in the order that loses nothing: cordon and taint, drain
 * through the Eviction API until the deadline, terminate the machine, wait until the
 * provider says it is gone, then delete the Node. Each call does what it can without
 * blocking and says whether to come back.
 */
import { DISRUPTION_TAINT_KEY, Reasons } from '../../api/constants.js';
import { parseDuration } from '../../api/duration.js';
import type { GpuRequest, GpuRequestStatus, NodeStatus } from '../../api/types.js';
import { Kinds, type Node } from '../../kube/types.js';
import { cordonNode, isDrainable, podsOnNode, taintNode } from '../../kube/nodes.js';
import { describeError, isNotFound } from '../../providers/errors.js';
import type { ControllerContext } from '../context.js';
import { recordEvent } from '../events.js';

/** How long a drain may take before the machine is terminated anyway. */
export function drainTimeoutMs(ctx: ControllerContext, req: GpuRequest): number {
  const text = req.spec.interruption?.drainTimeout;
  return text ? parseDuration(text) : ctx.options.defaultDrainTimeoutMs;
}

export type TerminateProgress = { done: true } | { done: false; waitingFor: string };

/** One pass of eviction; returns how many pods are still on the node. */
async function drainOnce(ctx: ControllerContext, nodeName: string): Promise<number> {
  const pods = (await podsOnNode(ctx.cluster, nodeName)).filter(isDrainable);
  let remaining = 0;
  for (const pod of pods) {
    const result = await ctx.cluster.evict(pod.metadata.name, pod.metadata.namespace ?? 'default');
    if (result === 'blocked-by-pdb') remaining++;
  }
  return remaining;
}

export async function terminateNode(
  ctx: ControllerContext,
  req: GpuRequest,
  slot: NodeStatus,
  drainDeadline: number,
): Promise<TerminateProgress> {
  const now = ctx.clock.now();
  if (slot.state !== 'Terminating') {
    slot.state = 'Terminating';
    slot.terminatingSince = new Date(now).toISOString();
  }

  const node = slot.nodeName ? await ctx.cluster.get<Node>(Kinds.Node, slot.nodeName) : undefined;
  if (node && !node.metadata.deletionTimestamp) {
    await taintNode(ctx.cluster, node.metadata.name, { key: DISRUPTION_TAINT_KEY, effect: 'NoSchedule' });
    await cordonNode(ctx.cluster, node.metadata.name);
    const remaining = await drainOnce(ctx, node.metadata.name);
    if (remaining > 0 && now < drainDeadline) {
      return { done: false, waitingFor: `${remaining} pod(s) on ${node.metadata.name} held by a PodDisruptionBudget` };
    }
  }

  if (slot.instanceId) {
    const provider = ctx.providers.get(slot.provider);
    if (!provider) {
      return {
        done: false,
        waitingFor: `provider ${slot.provider} is not ready; instance ${slot.instanceId} cannot be terminated until it is`,
      };
    }
    try {
      const inst = await provider.get(slot.instanceId);
      if (inst.state !== 'terminated') {
        if (inst.state !== 'terminating') await provider.delete(slot.instanceId);
        return { done: false, waitingFor: `instance ${slot.instanceId} to terminate` };
      }
    } catch (e) {
      if (!isNotFound(e)) return { done: false, waitingFor: `instance ${slot.instanceId}: ${describeError(e)}` };
    }
  }

  if (node) await ctx.cluster.delete(Kinds.Node, node.metadata.name);
  slot.state = 'Terminated';
  await recordEvent(ctx, req, 'Normal', Reasons.Terminated, `Node ${slot.index} (${slot.instanceId || 'no instance'}) terminated`);
  return { done: true };
}

/**
 * Takes down slots beyond `nodes` (scale-down) and slots marked Terminating (join
 * timeout, lost machine, expiry). Interrupted slots have their own deadline and are
 * left to the interruption step. Terminated slots beyond `nodes` are dropped from
 * status. Returns whether any is still on its way out.
 */
export async function takeDownSlots(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus, wanted: number): Promise<boolean> {
  let waiting = false;
  for (const slot of status.nodes ?? []) {
    if (slot.interruption) continue;
    const surplus = slot.index >= wanted && slot.state !== 'Terminated';
    if (!surplus && slot.state !== 'Terminating') continue;
    const since = slot.terminatingSince ? Date.parse(slot.terminatingSince) : ctx.clock.now();
    const progress = await terminateNode(ctx, req, slot, since + drainTimeoutMs(ctx, req));
    if (!progress.done) waiting = true;
  }
  status.nodes = (status.nodes ?? []).filter((n) => n.index < wanted || n.state !== 'Terminated');
  return waiting;
}
