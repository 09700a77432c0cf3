/**
 * Where `gpu-provisioner offers` finds its providers: the environment (API keys, the
 * AWS default chain, or the sim cloud, which needs nothing) or the GpuProviders of a
 * cluster with their credential Secrets. Each source is one GpuProvider-shaped config
 * plus credentials; building and listing happen elsewhere.
 */
import type { GpuProvider, GpuProviderSpec } from '../api/types.js';
import { Kinds, type ClusterPort, type Secret } from '../kube/types.js';
import type { ProviderConfig, ProviderType } from '../providers/types.js';

export interface ProviderSource {
  config: ProviderConfig;
  /** Never printed; kept so that messages can be scrubbed of them. */
  credentials: Record<string, string>;
}

export interface Sources {
  sources: ProviderSource[];
  /** Providers that were asked for but cannot be used, one line each. */
  problems: string[];
  /** Things worth saying that are not problems. */
  notes: string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable holding each API-key provider's key. */
export const API_KEY_ENV = {
  lambda: 'LAMBDA_API_KEY',
  runpod: 'RUNPOD_API_KEY',
  paperspace: 'PAPERSPACE_API_KEY',
} as const satisfies Partial<Record<ProviderType, string>>;

type ApiKeyType = keyof typeof API_KEY_ENV;

function isApiKeyType(t: string): t is ApiKeyType {
  return t in API_KEY_ENV;
}

function set(env: Env, key: string): string | undefined {
  const v = env[key]?.trim();
  return v ? v : undefined;
}

function hasAwsIdentity(env: Env): boolean {
  return set(env, 'AWS_ACCESS_KEY_ID') !== undefined || set(env, 'AWS_PROFILE') !== undefined;
}

export interface EnvSourceOptions {
  /** Provider types asked for; empty means every one with credentials in `env`. */
  providers: readonly string[];
  /** Regions the offers are filtered to; AWS lists only these when `awsRegions` is empty. */
  regions: readonly string[];
  awsRegions: readonly string[];
}

export function sourcesFromEnv(opts: EnvSourceOptions, env: Env): Sources {
  const out: Sources = { sources: [], problems: [], notes: [] };
  let wanted = [...opts.providers];
  if (wanted.length === 0) {
    wanted = (Object.keys(API_KEY_ENV) as ApiKeyType[]).filter((t) => set(env, API_KEY_ENV[t]) !== undefined);
    if (hasAwsIdentity(env)) wanted.push('aws');
    if (wanted.length === 0) {
      out.notes.push(
        `no provider credentials in the environment (${Object.values(API_KEY_ENV).join(', ')}, AWS_ACCESS_KEY_ID); ` +
          'showing the simulated cloud (--provider sim)',
      );
      wanted = ['sim'];
    }
  }
  for (const type of wanted) {
    if (type === 'sim') {
      out.sources.push({ config: { name: 'sim', spec: { type: 'sim' } }, credentials: {} });
    } else if (type === 'aws') {
      const regions = awsRegions(opts, env);
      if (regions.length === 0) {
        out.problems.push('aws: name the regions to list with --aws-region (or set AWS_REGION)');
        continue;
      }
      out.sources.push({ config: { name: 'aws', spec: { type: 'aws', regions } }, credentials: awsCredentials(env) });
    } else if (isApiKeyType(type)) {
      const key = set(env, API_KEY_ENV[type]);
      if (key === undefined) {
        out.problems.push(`${type}: set ${API_KEY_ENV[type]} to list its offers`);
        continue;
      }
      out.sources.push({ config: { name: type, spec: { type } }, credentials: { apiKey: key } });
    } else {
      out.problems.push(`${type}: not a provider type`);
    }
  }
  return out;
}

function awsRegions(opts: EnvSourceOptions, env: Env): string[] {
  if (opts.awsRegions.length > 0) return [...opts.awsRegions];
  if (opts.regions.length > 0) return [...opts.regions];
  const fromEnv = set(env, 'AWS_REGION') ?? set(env, 'AWS_DEFAULT_REGION');
  return fromEnv ? [fromEnv] : [];
}

/** Static keys when both are set; otherwise none, so the SDK's default chain decides. */
function awsCredentials(env: Env): Record<string, string> {
  const accessKeyId = set(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = set(env, 'AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId || !secretAccessKey) return {};
  const sessionToken = set(env, 'AWS_SESSION_TOKEN');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export interface ClusterSourceOptions {
  /** GpuProvider names or types; empty means all of them. */
  providers: readonly string[];
  /** Where Secrets named without a namespace live (the operator's namespace). */
  namespace: string;
}

/** The GpuProviders of a cluster, read the way the GpuProvider controller reads them. */
export async function sourcesFromCluster(cluster: ClusterPort, opts: ClusterSourceOptions): Promise<Sources> {
  const out: Sources = { sources: [], problems: [], notes: [] };
  const all = await cluster.list<GpuProvider>(Kinds.GpuProvider);
  const chosen = all.filter(
    (gp) => opts.providers.length === 0 || opts.providers.some((p) => p === gp.metadata.name || p === gp.spec.type),
  );
  for (const p of opts.providers) {
    if (!all.some((gp) => gp.metadata.name === p || gp.spec.type === p)) {
      out.problems.push(`${p}: no GpuProvider of that name or type in the cluster`);
    }
  }
  if (all.length === 0) out.notes.push('the cluster has no GpuProviders');
  for (const gp of chosen) {
    const name = gp.metadata.name;
    if (gp.spec.enabled === false) {
      out.notes.push(`${name}: skipped, spec.enabled is false`);
      continue;
    }
    const creds = await readCredentials(cluster, gp.spec, opts.namespace);
    if ('problem' in creds) {
      out.problems.push(`${name}: ${creds.problem}`);
      continue;
    }
    out.sources.push({ config: { name, spec: gp.spec }, credentials: creds.values });
  }
  return out;
}

async function readCredentials(
  cluster: ClusterPort,
  spec: GpuProviderSpec,
  defaultNamespace: string,
): Promise<{ values: Record<string, string> } | { problem: string }> {
  const ref = spec.credentialsSecretRef;
  if (!ref) {
    if (spec.type === 'sim' || spec.type === 'aws') return { values: {} };
    return { problem: `spec.credentialsSecretRef is required for ${spec.type}` };
  }
  const namespace = ref.namespace ?? defaultNamespace;
  const secret = await cluster.get<Secret>(Kinds.Secret, ref.name, namespace);
  if (!secret) return { problem: `Secret ${namespace}/${ref.name} not found` };
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) values[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) values[k] = v;
  if (ref.key && values[ref.key] === undefined) return { problem: `Secret ${namespace}/${ref.name} has no key ${ref.key}` };
  return { values };
}

/**
 * Replaces every credential value found in `text`. Adapters already keep keys out of
 * their errors; this is the last line before a terminal that may be screen-shared.
 */
export function redact(text: string, sources: readonly ProviderSource[]): string {
  const secrets = sources
    .flatMap((s) => Object.values(s.credentials))
    .filter((v) => v.length >= 4)
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((t, s) => t.split(s).join('***'), text);
}
