import type { KubeObject } from '../kube/types.js';
import type { ControllerContext } from './context.js';

/** Records a core/v1 Event on the object; never throws (events are best effort). */
export async function recordEvent(
  ctx: Pick<ControllerContext, 'cluster'>,
  obj: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
): Promise<void> {
  await ctx.cluster.recordEvent({
    involved: {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
    },
    type,
    reason,
    message,
  });
}
