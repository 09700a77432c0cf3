import type { GpuProviderSpec } from '../../api/types.js';

/**
 * How hard the operator may call one cloud account. Each provider's definition holds
 * its defaults, each a little under what the vendor documents (or, where it documents
 * nothing, a rate a polite client keeps to), because the same account is often shared
 * with people and other tools. See PROVIDER_APIS.md (Rate limits).
 */
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

/** A provider's default limits with any field the GpuProvider sets in `spec.rateLimit` taking over. */
export function resolveLimits(defaults: ProviderLimits, override?: GpuProviderSpec['rateLimit']): ProviderLimits {
  const limits = { ...defaults };
  if (override?.requestsPerSecond !== undefined) limits.requestsPerSecond = override.requestsPerSecond;
  if (override?.burst !== undefined) limits.burst = override.burst;
  if (override?.maxConcurrent !== undefined) limits.maxConcurrent = override.maxConcurrent;
  return limits;
}
