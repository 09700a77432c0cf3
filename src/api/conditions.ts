/**
 * metav1.Condition bookkeeping with the semantics of apimachinery's
 * meta.SetStatusCondition: lastTransitionTime moves only when the status changes,
 * so `kubectl describe` shows how long something has been true.
 */
import type { Condition } from './types.js';

export interface ConditionUpdate {
  type: string;
  status: Condition['status'];
  reason: string;
  message: string;
}

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export function toKubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Returns a new list with `c` set; other conditions keep their order and content. */
export function setCondition(
  conditions: Condition[] | undefined,
  c: ConditionUpdate,
  now: number,
  observedGeneration?: number,
): Condition[] {
  const list = conditions ?? [];
  const existing = list.find((x) => x.type === c.type);
  const next: Condition = {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime:
      existing && existing.status === c.status ? existing.lastTransitionTime : toKubeTime(now),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
  return existing ? list.map((x) => (x === existing ? next : x)) : [...list, next];
}

/** Returns a new list without the condition of `type`. */
export function removeCondition(conditions: Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((x) => x.type !== type);
}

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((x) => x.type === type);
}

export function isConditionTrue(conditions: Condition[] | undefined, type: string): boolean {
  return getCondition(conditions, type)?.status === 'True';
}
