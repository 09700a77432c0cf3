/**
 * Liveness and health. A machine that does not become Ready within the join timeout, or
 * whose instance the provider lost, is deleted; so is one whose Node was Ready and has
 * been NotReady or Unknown for longer than the repair delay (Karpenter's node repair),
 * or whose Node disappeared. Deleting the GpuMachine terminates it; its GpuRequest then
 * creates a new one. Each says why in an Event and a condition.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { formatDuration } from '../../api/duration.js';
import type { GpuMachine, GpuMachineStatus } from '../../api/types.js';
import { isNodeReady } from '../../kube/nodes.js';
import { Kinds } from '../../kube/types.js';
import { offerKey } from '../../providers/types.js';
import { recordEvent } from '../events.js';
import type { NodeView } from './registration.js';
import { condition, iso, type MachineContext, type Step, type StepResult } from './step.js';

type Machine = GpuMachine & { status: GpuMachineStatus };

/** Whether the provider says the instance is gone; undefined when it cannot tell now (see InstanceCensus). */
export async function instanceGone(ctx: MachineContext, m: Machine): Promise<boolean | undefined> {
  const provider = m.status.provider ? ctx.providers.get(m.status.provider) : undefined;
  if (!provider || !m.status.instanceId || !m.status.launchedAt) return undefined;
  return ctx.census.gone(provider, m.status.instanceId, Date.parse(m.status.launchedAt));
}

async function replace(ctx: MachineContext, m: Machine, type: string, reason: string, message: string): Promise<StepResult> {
  condition(ctx, m, type, false, reason, message);
  ctx.metrics.replaced({ provider: m.status.provider ?? '', reason });
  m.status.message = message;
  await recordEvent(ctx, m, 'Warning', reason, message);
  await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
  return { halt: true };
}

function offerOf(m: Machine): string {
  const s = m.status;
  return offerKey({ provider: s.provider ?? '', region: s.region ?? '', zone: s.zone, instanceType: s.instanceType ?? '', capacityType: s.capacityType ?? 'on-demand' });
}

/** Before the machine was ever Ready: the join timeout, and an instance the provider lost. */
export function liveness(view: NodeView): Step {
  return async (ctx, m) => {
    if (m.status.initializedAt) return {};
    // A registered Node means the machine runs; only a machine not heard of yet is asked after.
    if (!view.node && (await instanceGone(ctx, m)) === true) {
      return replace(ctx, m, ConditionTypes.Healthy, Reasons.InstanceLost, `instance ${m.status.instanceId} is gone; a new machine replaces it`);
    }
    const joinTimeoutMs = ctx.providerSettings(m.status.provider ?? '').joinTimeoutMs ?? ctx.options.joinTimeoutMs;
    const since = Date.parse(m.status.launchedAt ?? iso(ctx.clock.now()));
    const left = since + joinTimeoutMs - ctx.clock.now();
    if (left > 0) return { requeueAfterMs: Math.min(left, ctx.options.pollMs) };
    const why = view.node ? `Node ${view.node.metadata.name} did not become Ready with ${m.spec.gpu.count} GPU(s)` : 'no Node registered';
    ctx.unavailable.mark(offerOf(m), `${Reasons.JoinTimeout}: ${why}`, ctx.options.unavailableTtlMs);
    return replace(ctx, m, ConditionTypes.Initialized, Reasons.JoinTimeout, `${why} within ${formatDuration(joinTimeoutMs)}; terminating it and trying another offer`);
  };
}

/** After the machine was Ready: a Node that stays NotReady, or is gone, gets the machine replaced. */
export function health(view: NodeView): Step {
  return async (ctx, m) => {
    if (!m.status.initializedAt) return {};
    const node = view.node;
    const now = ctx.clock.now();
    if (!node) {
      return replace(ctx, m, ConditionTypes.Healthy, Reasons.NodeLost, `Node ${m.status.nodeName ?? ''} is gone; a new machine replaces this one`);
    }
    if (isNodeReady(node)) {
      if (m.status.notReadySince) await recordEvent(ctx, m, 'Normal', Reasons.NodeReady, `Node ${node.metadata.name} is Ready again`);
      m.status.notReadySince = undefined;
      m.status.phase = 'Ready';
      condition(ctx, m, ConditionTypes.Ready, true, Reasons.NodeReady, `Node ${node.metadata.name} is Ready`);
      condition(ctx, m, ConditionTypes.Healthy, true, Reasons.Healthy, 'Node Ready');
      return {};
    }
    if ((await instanceGone(ctx, m)) === true) {
      return replace(ctx, m, ConditionTypes.Healthy, Reasons.InstanceLost, `instance ${m.status.instanceId} is gone; a new machine replaces it`);
    }
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (!m.status.notReadySince) {
      // When the Node says it turned, else from now: the repair delay never starts in the past of what we saw.
      const turned = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : now;
      m.status.notReadySince = iso(Math.min(turned, now));
      await recordEvent(ctx, m, 'Warning', Reasons.NodeNotReady, `Node ${node.metadata.name} is ${ready?.status === 'Unknown' ? 'Unknown' : 'NotReady'}`);
    }
    m.status.phase = 'NotReady';
    const since = Date.parse(m.status.notReadySince);
    const state = ready?.status === 'Unknown' ? 'Unknown' : 'NotReady';
    condition(ctx, m, ConditionTypes.Ready, false, Reasons.NodeNotReady, `Node ${node.metadata.name} is ${state} since ${m.status.notReadySince}`);
    const left = since + ctx.options.repairAfterMs - now;
    if (left > 0) return { requeueAfterMs: Math.min(left, ctx.options.pollMs * 6) };
    return replace(
      ctx,
      m,
      ConditionTypes.Healthy,
      Reasons.NodeRepair,
      `Node ${node.metadata.name} has been ${state} for ${formatDuration(now - since)} (repair after ${formatDuration(ctx.options.repairAfterMs)}); replacing the machine`,
    );
  };
}
