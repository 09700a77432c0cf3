/**
 * Interruption, from the notice recorded on the GpuMachine (the router writes it before
 * the notice is acknowledged): fence the Node at once (taint and cordon, so nothing new
 * lands there) and delete the machine, whose termination drains it until the
 * provider's deadline once its replacement's launch call is answered (3 s at most after
 * the notice). Its GpuRequest no longer counts it and launches that replacement. A
 * rebalance recommendation only marks the machine: the request deletes it once the
 * replacement is Ready. Every step follows from the record, so a crash at any point
 * resumes where it stopped.
 */
import { ConditionTypes, DISRUPTION_TAINT_KEY, Reasons } from '../../api/constants.js';
import { fenceNode } from '../../kube/nodes.js';
import { Kinds } from '../../kube/types.js';
import type { NodeView } from './registration.js';
import { condition, type Step } from './step.js';

export function interruption(view: NodeView): Step {
  return async (ctx, m) => {
    const notice = m.status.interruption;
    if (!notice) return {};
    m.status.phase = 'Interrupted';
    const until = notice.deadline ? `; gone by ${notice.deadline}` : '';
    condition(ctx, m, ConditionTypes.Interrupted, true, Reasons.Interrupted, `${notice.kind} notice at ${notice.noticeAt}${until}`);
    if (notice.kind === 'rebalance') return {};
    const node = view.node?.metadata.name ?? m.status.nodeName;
    if (node) {
      await fenceNode(ctx.cluster, node, { key: DISRUPTION_TAINT_KEY, effect: 'NoSchedule' });
    }
    await ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
    return { halt: true };
  };
}
