import type { GpuProviderSpec } from '../../api/types.js';
import type { ProviderType } from '../types.js';

/** How hard the operator may call one cloud account. See PROVIDER_APIS.md (Rate limits). */
export interface ProviderLimits {
  /** Sustained request rate; unset means no rate limit. */
  requestsPerSecond?: number;
  /** Requests that may go at once after a quiet spell (token bucket size). */
  burst?: number;
  /** Calls in flight at once; unset means no bound. */
  maxConcurrent?: number;
  /** Smallest gap between two launches, for clouds that limit launches apart from reads. */
  createMinIntervalMs?: number;
}

/**
 * Defaults per provider type, each a little under what the vendor documents (or, where
 * it documents nothing, a rate that a polite client would keep to), because the same
 * account is often shared with people and other tools.
 */
const DEFAULTS: Record<ProviderType, ProviderLimits> = {
  // Documented: about one request per second per account; launches far less often.
  lambda: { requestsPerSecond: 1, burst: 2, maxConcurrent: 2, createMinIntervalMs: 12_000 },
  // v2 quotas are per user per minute/hour/day and announced in RateLimit headers.
  runpod: { requestsPerSecond: 2, burst: 5, maxConcurrent: 4 },
  // No published limit; the API answers 429 when pushed.
  paperspace: { requestsPerSecond: 2, burst: 5, maxConcurrent: 4 },
  // EC2 token buckets per account and region: non-mutating 100 (refill 20/s),
  // mutating 200 (refill 5/s). A fraction of that, leaving room for everything else.
  aws: { requestsPerSecond: 10, burst: 20, maxConcurrent: 10 },
  // The simulated cloud has no limits; throttling it would only slow the demo and tests.
  sim: {},
};

export function defaultLimits(type: ProviderType): ProviderLimits {
  return { ...DEFAULTS[type] };
}

/** The defaults for `type` with any field the GpuProvider sets in `spec.rateLimit` taking over. */
export function resolveLimits(type: ProviderType, override?: GpuProviderSpec['rateLimit']): ProviderLimits {
  const limits = defaultLimits(type);
  if (override?.requestsPerSecond !== undefined) limits.requestsPerSecond = override.requestsPerSecond;
  if (override?.burst !== undefined) limits.burst = override.burst;
  if (override?.maxConcurrent !== undefined) limits.maxConcurrent = override.maxConcurrent;
  return limits;
}
