/** RunPod, as the registry knows it: it sells GPU containers, so it cannot become a node. */
import type { ProviderDefinition } from '../definition.js';
import { fromThrownFetch } from '../http-errors.js';
import { NODE_JOIN_REASON, runPodProviderFactory, runpodCapabilities } from './runpod-provider.js';

export const runpodDefinition: ProviderDefinition = {
  type: 'runpod',
  title: 'RunPod',
  capabilities: (spec) => runpodCapabilities(spec.runpod?.spotPrices ?? false),
  credentials: { need: 'required', keys: [{ key: 'apiKey', env: 'RUNPOD_API_KEY' }] },
  boot: { method: 'none', reason: `${NODE_JOIN_REASON}; choose another provider for node join` },
  defaultArch: 'amd64',
  // v2 quotas are per user per minute/hour/day and announced in RateLimit headers.
  limits: { requestsPerSecond: 2, burst: 5, maxConcurrent: 4 },
  mapError: (e, operation, ctx) => fromThrownFetch('RunPod', e, operation, ctx),
  factory: () => runPodProviderFactory(),
};
