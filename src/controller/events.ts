import type { GpuRequest } from '../api/types.js';
import type { ControllerContext } from './context.js';

/** Records a core/v1 Event on the request; never throws (events are best effort). */
export async function recordEvent(
  ctx: Pick<ControllerContext, 'cluster'>,
  req: GpuRequest,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
): Promise<void> {
  await ctx.cluster.recordEvent({
    involved: {
      apiVersion: req.apiVersion,
      kind: req.kind,
      name: req.metadata.name,
      namespace: req.metadata.namespace,
      uid: req.metadata.uid,
    },
    type,
    reason,
    message,
  });
}
