/** Paperspace, as the registry knows it. */
import type { ProviderDefinition } from '../definition.js';
import { fromThrownFetch } from '../http-errors.js';
import { PAPERSPACE_CAPABILITIES, PaperspaceProvider } from './paperspace-provider.js';

export const paperspaceDefinition: ProviderDefinition = {
  type: 'paperspace',
  title: 'Paperspace',
  capabilities: () => PAPERSPACE_CAPABILITIES,
  credentials: { need: 'required', keys: [{ key: 'apiKey', env: 'PAPERSPACE_API_KEY' }] },
  // Stock templates only: a run-once startup script kexecs into Talos.
  boot: { method: 'kexec' },
  defaultArch: 'amd64',
  // No published limit; the API answers 429 when pushed.
  limits: { requestsPerSecond: 2, burst: 5, maxConcurrent: 4 },
  mapError: (e, operation, ctx) => fromThrownFetch('paperspace', e, operation, ctx),
  factory: () => (config, ctx) => new PaperspaceProvider(config, ctx, { templateId: config.spec.paperspace?.templateId }),
};
