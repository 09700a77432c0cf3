/**
 * Registration and initialization: the machine's Node is found by the machine label
 * its machine config put on it (or by providerID); it is Registered when it appears
 * and Initialized once it is Ready with the requested GPUs allocatable.
 */
import { ConditionTypes, Labels, Reasons } from '../../api/constants.js';
import type { GpuMachine } from '../../api/types.js';
import { allocatableGpus, isNodeReady } from '../../kube/nodes.js';
import { Kinds, type Node } from '../../kube/types.js';
import { recordEvent } from '../events.js';
import type { ControllerContext } from '../context.js';
import { condition, iso, type Step } from './step.js';

/** Every Node that belongs to the machine: by its label, by providerID and by the recorded name. */
export async function nodesOf(ctx: Pick<ControllerContext, 'cluster'>, m: GpuMachine): Promise<Node[]> {
  const found = new Map<string, Node>();
  for (const n of await ctx.cluster.list<Node>(Kinds.Node, { labelSelector: { [Labels.machine]: m.metadata.name } })) found.set(n.metadata.name, n);
  const providerID = m.status?.providerID;
  if (providerID) {
    for (const n of await ctx.cluster.list<Node>(Kinds.Node, { fieldSelector: { 'spec.providerID': providerID } })) found.set(n.metadata.name, n);
  }
  const recorded = m.status?.nodeName;
  if (recorded && !found.has(recorded)) {
    const n = await ctx.cluster.get<Node>(Kinds.Node, recorded);
    // A recorded name can be reused by another machine's Node; only a Node that is ours counts.
    if (n && (!n.metadata.labels?.[Labels.machine] || n.metadata.labels[Labels.machine] === m.metadata.name)) found.set(n.metadata.name, n);
  }
  return [...found.values()];
}

/** Seconds from the machine's launch to `now`, for the lifecycle histograms. */
const sinceLaunch = (now: number, m: GpuMachine) => Math.max(0, now - Date.parse(m.status?.launchedAt ?? new Date(now).toISOString())) / 1000;

/** The machine's Node, as the steps after launch see it this round. */
export interface NodeView {
  node?: Node;
}

export function registration(view: NodeView): Step {
  return async (ctx, m) => {
    if (!m.status.instanceId) return { halt: true };
    const [node] = await nodesOf(ctx, m);
    view.node = node;
    if (!node) {
      if (!m.status.nodeName) {
        m.status.phase = 'Joining';
        condition(ctx, m, ConditionTypes.Registered, false, Reasons.WaitingForNode, 'waiting for the machine to boot and register its Node');
      }
      return { requeueAfterMs: ctx.options.pollMs };
    }
    if (m.status.nodeName !== node.metadata.name) {
      m.status.nodeName = node.metadata.name;
      m.status.providerID ??= node.spec?.providerID;
      m.status.registeredAt ??= iso(ctx.clock.now());
      condition(ctx, m, ConditionTypes.Registered, true, Reasons.Registered, `Node ${node.metadata.name} registered`);
      ctx.metrics.registered(sinceLaunch(ctx.clock.now(), m), { provider: m.status.provider ?? '' });
      await recordEvent(ctx, m, 'Normal', Reasons.Registered, `Node ${node.metadata.name} registered`);
    }
    return {};
  };
}

export function initialization(view: NodeView): Step {
  return async (ctx, m) => {
    const node = view.node;
    if (!node || m.status.initializedAt) return {};
    const gpus = allocatableGpus(node);
    if (!isNodeReady(node) || gpus < m.spec.gpu.count) {
      m.status.phase = 'Joining';
      const why = isNodeReady(node) ? `${gpus}/${m.spec.gpu.count} GPU(s) allocatable` : 'Node not Ready yet';
      condition(ctx, m, ConditionTypes.Initialized, false, Reasons.NodeNotReady, why);
      return { requeueAfterMs: ctx.options.pollMs };
    }
    m.status.initializedAt = iso(ctx.clock.now());
    condition(ctx, m, ConditionTypes.Initialized, true, Reasons.Initialized, `Node ${node.metadata.name} Ready with ${gpus} GPU(s)`);
    ctx.metrics.initialized(sinceLaunch(ctx.clock.now(), m), { provider: m.status.provider ?? '' });
    await recordEvent(ctx, m, 'Normal', Reasons.NodeReady, `Node ${node.metadata.name} is Ready with ${gpus} GPU(s)`);
    return {};
  };
}
