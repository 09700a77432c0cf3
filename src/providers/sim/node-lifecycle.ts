/**
 * What kube-controller-manager's node-lifecycle controller does to a Node whose kubelet
 * went quiet, for clusters that have none (the in-memory cluster of the demo and the
 * tests). On a real cluster it runs there, and the sim only keeps (or stops) renewing
 * its Leases.
 */
import { isKubeNotFound } from '../../kube/errors.js';
import { Kinds, type ClusterPort, type Lease, type Node, type NodeCondition } from '../../kube/types.js';
import type { Clock } from '../../util/clock.js';
import { NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE } from './sim-cloud.js';

/** kube-controller-manager's --node-monitor-grace-period as the Lease announces it. */
export const DEFAULT_NODE_MONITOR_GRACE_MS = NODE_LEASE_DURATION_SECONDS * 1000;

/** Sets the Node's Ready condition to Unknown the way the node-lifecycle controller words it. */
export async function markNodeUnknown(cluster: ClusterPort, nodeName: string, clock: Clock): Promise<void> {
  const node = await cluster.get<Node>(Kinds.Node, nodeName);
  if (!node) return;
  const now = new Date(clock.now()).toISOString();
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const unknown: NodeCondition = {
    type: 'Ready',
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
    ...(ready?.lastHeartbeatTime ? { lastHeartbeatTime: ready.lastHeartbeatTime } : {}),
    lastTransitionTime: ready?.status === 'Unknown' ? (ready.lastTransitionTime ?? now) : now,
  };
  const next = [...conditions.filter((c) => c.type !== 'Ready'), unknown];
  try {
    await cluster.patch(Kinds.Node, nodeName, undefined, { status: { conditions: next } }, { subresource: 'status' });
  } catch (e) {
    if (!isKubeNotFound(e)) throw e;
  }
}

/**
 * One pass of the node-lifecycle controller: every Node whose Lease in kube-node-lease
 * was last renewed more than `graceMs` ago, and is not Unknown yet, becomes Unknown.
 * Nodes without a Lease are left alone (no kubelet ever claimed them). Returns the
 * names it marked.
 */
export async function markStaleNodesUnknown(
  cluster: ClusterPort,
  clock: Clock,
  graceMs: number = DEFAULT_NODE_MONITOR_GRACE_MS,
): Promise<string[]> {
  const leases = new Map(
    (await cluster.list<Lease>(Kinds.Lease, { namespace: NODE_LEASE_NAMESPACE })).map((l) => [l.metadata.name, l]),
  );
  const marked: string[] = [];
  for (const node of await cluster.list<Node>(Kinds.Node)) {
    const lease = leases.get(node.metadata.name);
    const renewed = Date.parse(lease?.spec?.renewTime ?? '');
    if (Number.isNaN(renewed) || clock.now() - renewed <= graceMs) continue;
    if (node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown') continue;
    await markNodeUnknown(cluster, node.metadata.name, clock);
    marked.push(node.metadata.name);
  }
  return marked;
}
