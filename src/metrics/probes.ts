/**
 * What /readyz and /healthz say, from the parts that know: the API server monitor,
 * leadership, and the controller manager.
 *
 * Ready: the API server answers, and a replica that acts (the leader, or every replica
 * without leader election) has its watches synced. A follower waiting for the Lease is
 * ready: it can take over at once. Alive: no reconcile has run longer than
 * `stuckAfterMs`, which no healthy reconcile does (every cloud and API call has a
 * timeout far below it), so a restart is the remedy.
 */
import type { ApiServerState } from '../kube/api-server-monitor.js';
import type { ProbeResult } from './server.js';

/** The parts of the operator the probes read. */
export interface ProbedOperator {
  readonly isLeader: boolean;
  readonly manager: {
    synced(): boolean;
    longestReconcile(): { key: string; runningMs: number } | undefined;
  };
}

export interface ProbeSources {
  api: () => ApiServerState;
  /** Undefined until the operator exists (before the API server first answered). */
  operator: () => ProbedOperator | undefined;
  /** A reconcile running longer than this makes /healthz fail. Default 10 minutes. */
  stuckAfterMs?: number;
}

export const DEFAULT_STUCK_AFTER_MS = 10 * 60_000;

export function readiness(src: ProbeSources): ProbeResult {
  const api = src.api();
  if (!api.reachable) return { ok: false, message: api.problem };
  const operator = src.operator();
  if (!operator) return { ok: false, message: 'starting' };
  if (!operator.isLeader) return { ok: true, message: 'ok: standby, waiting for the leader lease' };
  if (!operator.manager.synced()) return { ok: false, message: 'leading; waiting for the watches to list every object' };
  return { ok: true, message: 'ok' };
}

export function liveness(src: ProbeSources): ProbeResult {
  const longest = src.operator()?.manager.longestReconcile();
  const limit = src.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  if (longest && longest.runningMs > limit) {
    return {
      ok: false,
      message: `reconcile ${longest.key} has been running for ${Math.round(longest.runningMs / 1000)}s (limit ${Math.round(limit / 1000)}s)`,
    };
  }
  return { ok: true, message: 'ok' };
}
