/** The simulated cloud, as the registry knows it: no account, no limits, no OS to boot. */
import type { ProviderDefinition } from '../definition.js';
import { SIM_CAPABILITIES, simProviderFactory } from './sim-provider.js';

export const simDefinition: ProviderDefinition = {
  type: 'sim',
  title: 'the simulated cloud',
  capabilities: () => SIM_CAPABILITIES,
  credentials: { need: 'none' },
  // The sim registers its Node from labels; a template, when named, is still rendered
  // and checked, so a bad one fails here as it would on a real cloud.
  boot: { method: 'user-data', templateOptional: true },
  defaultArch: 'amd64',
  // No limits: throttling the sim would only slow the demo and tests.
  limits: {},
  // The sim throws shared provider errors only; anything else is a bug in it.
  mapError: (e) => e,
  // One simulated cloud per operator, so providers rebuilt after a spec change keep their machines.
  factory: () => simProviderFactory(),
};
