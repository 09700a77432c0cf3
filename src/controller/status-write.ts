/**
 * One way to write status: a merge patch that sets what the reconcile computed and
 * removes what it dropped, guarded by resourceVersion so a stale read never overwrites
 * a newer write (the conflict sends the key round again).
 */
import type { ClusterPort, KubeObject, ResourceKind } from '../kube/types.js';

/** A merge patch that sets `next` and removes top-level keys it no longer has. */
export function statusPatch(prev: object | undefined, next: object): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const after = next as Record<string, unknown>;
  for (const key of Object.keys(prev ?? {})) if (after[key] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(after)) if (value !== undefined) patch[key] = value;
  return patch;
}

export async function writeStatus<T extends KubeObject>(cluster: ClusterPort, kind: ResourceKind, obj: T, status: object): Promise<T> {
  return cluster.patch<T>(
    kind,
    obj.metadata.name,
    obj.metadata.namespace,
    { status: statusPatch(obj.status as object | undefined, status) },
    { subresource: 'status', resourceVersion: obj.metadata.resourceVersion },
  );
}

export function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}
