/** Lambda Cloud, as the registry knows it. */
import type { ProviderDefinition } from '../definition.js';
import { fromThrownFetch } from '../http-errors.js';
import { LAMBDA_CAPABILITIES, LambdaProvider } from './lambda-provider.js';

export const lambdaDefinition: ProviderDefinition = {
  type: 'lambda',
  title: 'Lambda Cloud',
  capabilities: () => LAMBDA_CAPABILITIES,
  credentials: { need: 'required', keys: [{ key: 'apiKey', env: 'LAMBDA_API_KEY' }] },
  // No custom images: cloud-init user_data kexecs into Talos.
  boot: { method: 'kexec' },
  // Most machine types are x86; GH200 types are ARM and say so in their offers.
  defaultArch: 'amd64',
  // Documented: about one request per second per account; launches far less often.
  limits: { requestsPerSecond: 1, burst: 2, maxConcurrent: 2, createMinIntervalMs: 12_000 },
  mapError: (e, operation, ctx) => fromThrownFetch('Lambda', e, operation, ctx),
  factory: () => (config, ctx) => new LambdaProvider(config.name, config, ctx),
};
