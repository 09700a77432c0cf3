import type { CloudProvider } from '../types.js';

/**
 * Wraps a provider from outside (limits, metrics), the way Karpenter's `Decorate(cp)`
 * does, so adapters carry none of it.
 */
export type Decorator = (provider: CloudProvider) => CloudProvider;

/**
 * Applies decorators inside out: `decorate(p, a, b)` is `b(a(p))`, so the last one
 * listed is the first to see a call. Put metrics last to time what callers wait for,
 * retries and queueing included.
 */
export function decorate(provider: CloudProvider, ...decorators: Decorator[]): CloudProvider {
  return decorators.reduce<CloudProvider>((p, d) => d(p), provider);
}
