/**
 * A Node that carries this operator's labels but whose machine no GpuRequest holds
 * (its request was deleted, or someone copied the labels) is left alone — it may run
 * somebody's work — and reported once in a Warning Event on the Node, so a person can
 * decide. Nodes without the labels are none of this operator's business.
 */
import { Labels, Reasons } from '../../api/constants.js';
import type { GpuRequest } from '../../api/types.js';
import { Kinds, type ClusterPort, type Node } from '../../kube/types.js';
import type { Clock } from '../../util/clock.js';
import { LAUNCH_KEY_TAG } from '../lifecycle/launch-key.js';
import type { Controller, ReconcileResult } from '../runtime/manager.js';

/** A Node may register a moment before its request's status records the machine. */
const GRACE_MS = 2 * 60_000;

export class UnmatchedNodeController implements Controller {
  readonly name = 'unmatched-node';
  readonly kind = Kinds.Node;
  /** Node UIDs already reported, so each gets one Event. */
  private readonly reported = new Set<string>();

  constructor(private readonly deps: { cluster: ClusterPort; clock: Clock }) {}

  async reconcile(name: string): Promise<ReconcileResult> {
    const { cluster, clock } = this.deps;
    const node = await cluster.get<Node>(Kinds.Node, name);
    const labels = node?.metadata.labels ?? {};
    const uid = labels[Labels.requestUid];
    if (!node || !uid || node.metadata.deletionTimestamp) return {};

    const namespace = labels[Labels.requestNamespace];
    const requestName = labels[Labels.requestName];
    const request = namespace && requestName ? await cluster.get<GpuRequest>(Kinds.GpuRequest, requestName, namespace) : undefined;
    const key = labels[LAUNCH_KEY_TAG];
    const held =
      request?.metadata.uid === uid &&
      [...(request.status?.nodes ?? []), ...(request.status?.retiring ?? [])].some((n) => n.launchKey === key || n.nodeName === name);
    if (held) return {};

    const age = clock.now() - Date.parse(node.metadata.creationTimestamp ?? new Date(clock.now()).toISOString());
    if (age < GRACE_MS) return { requeueAfterMs: GRACE_MS - age };
    if (this.reported.has(node.metadata.uid ?? name)) return {};
    this.reported.add(node.metadata.uid ?? name);
    await cluster.recordEvent({
      involved: { apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid },
      type: 'Warning',
      reason: Reasons.NoMatchingRequest,
      message: request
        ? `labelled for GpuRequest ${namespace}/${requestName}, which does not hold this machine; left alone: drain and delete it if it is not wanted`
        : `labelled for GpuRequest ${namespace}/${requestName}, which does not exist; left alone: drain and delete it if it is not wanted`,
    });
    return {};
  }
}
