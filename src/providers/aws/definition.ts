/**
 * AWS EC2, as the registry knows it. Every operator and CLI loads this file, so it
 * imports no SDK value, nor anything that does: the adapter and its three SDK clients
 * (about 80 MB of RSS) load when the first AWS provider is built
 * (test/providers/aws/sdk-lazy-load.test.ts).
 */
import type { ProviderDefinition } from '../definition.js';
import type { Capabilities } from '../types.js';
import { mapAwsError } from './errors.js';

/** EC2 sells everything the operator uses. */
export const AWS_CAPABILITIES: Capabilities = { unsupported: {} };

export const awsDefinition: ProviderDefinition = {
  type: 'aws',
  title: 'AWS EC2',
  capabilities: () => AWS_CAPABILITIES,
  credentials: {
    need: 'optional',
    keys: [
      { key: 'accessKeyId', env: 'AWS_ACCESS_KEY_ID' },
      { key: 'secretAccessKey', env: 'AWS_SECRET_ACCESS_KEY' },
      { key: 'sessionToken', env: 'AWS_SESSION_TOKEN', optional: true },
    ],
    otherwise: "the SDK's default credential chain (the operator's IAM role, AWS_PROFILE, ...)",
    ambientEnv: ['AWS_PROFILE'],
  },
  // A Talos AMI reads its machine config from user-data.
  boot: { method: 'user-data' },
  defaultArch: 'amd64',
  // EC2 token buckets per account and region: non-mutating 100 (refill 20/s), mutating
  // 200 (refill 5/s). A fraction of that, leaving room for everything else.
  limits: { requestsPerSecond: 10, burst: 20, maxConcurrent: 10 },
  requiresRegions: { env: ['AWS_REGION', 'AWS_DEFAULT_REGION'] },
  mapError: (e, operation, ctx) => mapAwsError(e, operation, ctx),
  factory: () => async (config, ctx) => {
    const { AwsProvider } = await import('./aws-provider.js');
    return new AwsProvider(config.name, config.spec, ctx);
  },
};
