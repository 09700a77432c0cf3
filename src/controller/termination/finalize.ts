/**
 * Delete: cordon, drain, terminate, wait until the provider says the machine is gone,
 * delete the Node, and only then remove the finalizer. Machines of this request that
 * status does not know (a launch cut short by a crash) are found by their launch key
 * and terminated too: nothing paid for is left behind.
 */
import { ConditionTypes, FINALIZER, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import type { GpuRequest, GpuRequestStatus } from '../../api/types.js';
import { Kinds } from '../../kube/types.js';
import { describeError } from '../../providers/errors.js';
import type { ControllerContext } from '../context.js';
import type { ReconcileResult } from '../runtime/manager.js';
import { belongsToRequest } from '../lifecycle/launch-key.js';
import { derivePhase, summarize } from '../lifecycle/status.js';
import { drainTimeoutMs, terminateNode } from './terminate-node.js';

/** Terminates machines of this request that no slot records; returns what is still going. */
async function sweepUnrecorded(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus): Promise<string[]> {
  const known = new Set((status.nodes ?? []).map((n) => n.instanceId).filter(Boolean));
  const usedProviders = new Set((status.nodes ?? []).map((n) => n.provider));
  const waiting: string[] = [];
  for (const provider of ctx.providers.all()) {
    try {
      const mine = (await provider.list()).filter(
        (i) => belongsToRequest(i, ctx.options.clusterName, req.metadata.uid ?? '') && !known.has(i.id),
      );
      for (const inst of mine) {
        if (inst.state === 'terminated') continue;
        if (inst.state !== 'terminating') await provider.delete(inst.id);
        waiting.push(`instance ${inst.id} on ${provider.name} to terminate`);
      }
    } catch (e) {
      // A provider this request never used cannot hold its machines; do not block on it.
      if (usedProviders.has(provider.name)) waiting.push(`${provider.name}: ${describeError(e)}`);
      else ctx.logger.warn('cannot list instances during delete', { provider: provider.name, error: describeError(e) });
    }
  }
  return waiting;
}

export async function finalize(
  ctx: ControllerContext,
  req: GpuRequest,
  writeStatus: (req: GpuRequest, status: GpuRequestStatus) => Promise<GpuRequest>,
): Promise<ReconcileResult> {
  if (!req.metadata.finalizers?.includes(FINALIZER)) return {};
  const status: GpuRequestStatus = structuredClone(req.status ?? {});
  const before = JSON.stringify(status);
  const deletedAt = Date.parse(req.metadata.deletionTimestamp ?? new Date(ctx.clock.now()).toISOString());

  const waiting: string[] = [];
  for (const slot of status.nodes ?? []) {
    if (slot.state === 'Terminated') continue;
    const progress = await terminateNode(ctx, req, slot, deletedAt + drainTimeoutMs(ctx, req));
    if (!progress.done) waiting.push(progress.waitingFor);
  }
  waiting.push(...(await sweepUnrecorded(ctx, req, status)));

  if (waiting.length === 0) {
    await ctx.cluster.patch(
      Kinds.GpuRequest,
      req.metadata.name,
      req.metadata.namespace,
      { metadata: { finalizers: (req.metadata.finalizers ?? []).filter((f) => f !== FINALIZER) } },
      { resourceVersion: req.metadata.resourceVersion },
    );
    return {};
  }

  const message = `waiting for ${waiting.join('; ')}`;
  status.conditions = setCondition(
    status.conditions,
    { type: ConditionTypes.Terminating, status: 'True', reason: Reasons.Terminating, message },
    ctx.clock.now(),
    req.metadata.generation,
  );
  status.phase = derivePhase(status, req.spec.nodes ?? 1, true, false);
  status.message = message;
  Object.assign(status, summarize(status));
  if (JSON.stringify(status) !== before) await writeStatus(req, status);
  return { requeueAfterMs: ctx.options.pollMs };
}
