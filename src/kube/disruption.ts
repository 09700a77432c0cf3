/**
 * PodDisruptionBudget arithmetic, as the Kubernetes disruption controller does it,
 * kept apart from any store so both the in-memory eviction and tests can use it.
 */
import type { Pod, PodDisruptionBudget } from './types.js';

/** policy/v1: an empty selector matches every pod in the namespace; no selector matches none. */
export function pdbSelects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  const selector = pdb.spec?.selector;
  if (!selector) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

export function isHealthy(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp;
}

/** Resolves an int-or-percent against `total`, rounding up the way the disruption controller does. */
export function scaledValue(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value.trim());
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(value);
  if (Number.isInteger(n)) return n;
  throw new Error(`invalid int-or-percent value "${value}"`);
}

export interface BudgetState {
  expected: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/** The budget's numbers over `pods`, the pods it selects. */
export function budgetState(pdb: PodDisruptionBudget, pods: Pod[]): BudgetState {
  const expected = pods.length;
  const currentHealthy = pods.filter(isHealthy).length;
  let desiredHealthy = 0;
  if (pdb.spec?.maxUnavailable !== undefined) {
    desiredHealthy = Math.max(0, expected - scaledValue(pdb.spec.maxUnavailable, expected));
  } else if (pdb.spec?.minAvailable !== undefined) {
    desiredHealthy = scaledValue(pdb.spec.minAvailable, expected);
  }
  return {
    expected,
    currentHealthy,
    desiredHealthy,
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
  };
}

/**
 * Whether evicting `pod` keeps every budget whole. Terminal pods always go; a pod that
 * is not healthy does not reduce the healthy count, so it may go while the budget is met
 * (the IfHealthyBudget policy).
 */
export function evictionAllowed(pod: Pod, budgets: PodDisruptionBudget[], namespacePods: Pod[]): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  for (const pdb of budgets) {
    if (!pdbSelects(pdb, pod)) continue;
    const state = budgetState(
      pdb,
      namespacePods.filter((p) => pdbSelects(pdb, p)),
    );
    if (isHealthy(pod) ? state.disruptionsAllowed < 1 : state.currentHealthy < state.desiredHealthy) return false;
  }
  return true;
}
