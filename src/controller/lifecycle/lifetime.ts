/**
 * lifetime.maxDuration, a budget guard: when it runs out every machine of the request
 * is taken down, none is bought again, and the request says so.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import { parseDuration } from '../../api/duration.js';
import type { GpuRequest, GpuRequestStatus } from '../../api/types.js';
import type { ControllerContext } from '../context.js';
import { recordEvent } from '../events.js';
import { liveNodes } from './status.js';

/** When the request's lifetime.maxDuration runs out (epoch ms), if it has one. */
export function lifetimeEnd(req: GpuRequest): number | undefined {
  const max = req.spec.lifetime?.maxDuration;
  const created = req.metadata.creationTimestamp;
  return max && created ? Date.parse(created) + parseDuration(max) : undefined;
}

/** Marks every live slot for termination. */
export function beginExpiry(ctx: ControllerContext, status: GpuRequestStatus): void {
  for (const slot of status.nodes ?? []) {
    if (slot.state === 'Terminated' || slot.state === 'Terminating') continue;
    slot.state = 'Terminating';
    slot.terminatingSince = new Date(ctx.clock.now()).toISOString();
  }
}

/** BudgetExceeded, one Event, and a phase that says machines are going or gone. */
export async function markExpired(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus): Promise<void> {
  const message = `lifetime.maxDuration ${req.spec.lifetime?.maxDuration} reached: machines terminated; delete this GpuRequest or raise maxDuration`;
  if (!status.conditions?.some((c) => c.type === ConditionTypes.BudgetExceeded && c.status === 'True')) {
    await recordEvent(ctx, req, 'Warning', Reasons.MaxDurationReached, message);
  }
  status.conditions = setCondition(
    status.conditions,
    { type: ConditionTypes.BudgetExceeded, status: 'True', reason: Reasons.MaxDurationReached, message },
    ctx.clock.now(),
    req.metadata.generation,
  );
  status.phase = liveNodes(status).length ? 'Terminating' : 'Failed';
  status.message = message;
}
