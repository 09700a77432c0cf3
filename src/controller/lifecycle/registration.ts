/**
 * Registration and readiness: match each launched machine to its Node by the launch
 * key label, mark it Registered when it appears and Ready when the Node is Ready with
 * the requested GPUs allocatable. A machine that does not get there within the join
 * timeout, or that the provider lost, is taken down so the slot can be launched again.
 */
import { Labels, Reasons } from '../../api/constants.js';
import { formatDuration } from '../../api/duration.js';
import type { GpuRequest, GpuRequestStatus, NodeStatus } from '../../api/types.js';
import { allocatableGpus, isNodeReady } from '../../kube/nodes.js';
import { Kinds, type Node } from '../../kube/types.js';
import { describeError, isNotFound } from '../../providers/errors.js';
import { offerKey } from '../../providers/types.js';
import type { ControllerContext } from '../context.js';
import { recordEvent } from '../events.js';
import { LAUNCH_KEY_TAG } from './launch-key.js';

export interface RegistrationResult {
  /** Whether some slot is still on its way to Ready (poll again). */
  waiting: boolean;
}

function offerKeyOf(slot: NodeStatus): string {
  return offerKey({
    provider: slot.provider,
    region: slot.region,
    zone: slot.zone,
    instanceType: slot.instanceType,
    capacityType: slot.capacityType,
  });
}

/** Asks the provider whether the machine still exists; undefined when unknown (provider down). */
async function instanceGone(ctx: ControllerContext, slot: NodeStatus): Promise<boolean | undefined> {
  const provider = ctx.providers.get(slot.provider);
  if (!provider) return undefined;
  try {
    const inst = await provider.get(slot.instanceId);
    return inst.state === 'terminated' || inst.state === 'terminating';
  } catch (e) {
    if (isNotFound(e)) return true;
    ctx.logger.debug('instance check failed', { instanceId: slot.instanceId, error: describeError(e) });
    return undefined;
  }
}

export async function observeRegistration(
  ctx: ControllerContext,
  req: GpuRequest,
  status: GpuRequestStatus,
): Promise<RegistrationResult> {
  const now = ctx.clock.now();
  const wantedGpus = req.spec.gpu.count;
  const nodes = await ctx.cluster.list<Node>(Kinds.Node, {
    labelSelector: { [Labels.requestUid]: req.metadata.uid ?? '' },
  });
  let waiting = false;

  for (const slot of status.nodes ?? []) {
    if (!slot.instanceId || (slot.state !== 'Launching' && slot.state !== 'Joining' && slot.state !== 'Ready')) continue;
    const node = nodes.find((n) => n.metadata.labels?.[LAUNCH_KEY_TAG] === slot.launchKey);

    if (node) {
      if (!slot.nodeName) {
        slot.nodeName = node.metadata.name;
        slot.joinedAt = new Date(now).toISOString();
        await recordEvent(ctx, req, 'Normal', Reasons.Registered, `Node ${node.metadata.name} registered for node ${slot.index}`);
      }
      const gpus = allocatableGpus(node);
      const ready = isNodeReady(node) && gpus >= wantedGpus;
      if (ready && slot.state !== 'Ready') {
        slot.state = 'Ready';
        slot.readyAt ??= new Date(now).toISOString();
        await recordEvent(ctx, req, 'Normal', Reasons.NodeReady, `Node ${node.metadata.name} is Ready with ${gpus} GPU(s)`);
      } else if (!ready) {
        if (slot.state === 'Ready') {
          await recordEvent(ctx, req, 'Warning', Reasons.NodeNotReady, `Node ${node.metadata.name} is no longer Ready`);
        }
        slot.state = 'Joining';
        waiting = true;
      }
      if (slot.readyAt) continue;
    } else if (slot.nodeName) {
      // The Node went away under a live machine: treat the machine as lost below.
      slot.nodeName = undefined;
    }

    if (slot.state !== 'Ready') {
      const gone = await instanceGone(ctx, slot);
      if (gone) {
        await recordEvent(ctx, req, 'Warning', Reasons.InstanceLost, `Instance ${slot.instanceId} of node ${slot.index} is gone; launching a replacement`);
        slot.state = 'Terminating';
        slot.terminatingSince = new Date(now).toISOString();
        continue;
      }
      const launchedAt = Date.parse(slot.launchedAt);
      const joinTimeoutMs = ctx.providerSettings(slot.provider).joinTimeoutMs ?? ctx.options.joinTimeoutMs;
      if (!slot.readyAt && now - launchedAt > joinTimeoutMs) {
        const reason = node
          ? `Node ${node.metadata.name} did not become Ready with ${wantedGpus} GPU(s)`
          : 'no Node registered';
        ctx.unavailable.mark(offerKeyOf(slot), `${Reasons.JoinTimeout}: ${reason}`, ctx.options.unavailableTtlMs);
        await recordEvent(ctx, req, 'Warning', Reasons.JoinTimeout, `Instance ${slot.instanceId}: ${reason} within ${formatDuration(joinTimeoutMs)}; terminating it and trying another offer`);
        slot.state = 'Terminating';
        slot.terminatingSince = new Date(now).toISOString();
        continue;
      }
      waiting = true;
    }
  }
  return { waiting };
}
