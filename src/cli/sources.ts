/**
 * Where `gpu-provisioner offers` finds its providers: the environment (the variables
 * each provider definition names, or the sim cloud, which needs nothing) or the
 * GpuProviders of a cluster with their credential Secrets, read as the provider
 * definitions say (the same rules as the GpuProvider controller). Each source is one GpuProvider-shaped config
 * plus credentials; building and listing happen elsewhere.
 */
import type { GpuProvider, GpuProviderSpec } from '../api/types.js';
import { Kinds, type ClusterPort, type Secret } from '../kube/types.js';
import {
  credentialEnvNames,
  credentialsFromEnv,
  credentialsFromSecret,
  credentialsWithoutSecret,
  type CredentialsRead,
  type ProviderDefinition,
} from '../providers/definition.js';
import { definitionOf, PROVIDER_DEFINITIONS } from '../providers/registry.js';
import type { ProviderConfig } from '../providers/types.js';

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

function set(env: Env, key: string): string | undefined {
  const v = env[key]?.trim();
  return v ? v : undefined;
}

export interface EnvSourceOptions {
  /** Provider types asked for; empty means every one with credentials in `env`. */
  providers: readonly string[];
  /** Regions the offers are filtered to; a provider that must list its regions lists only these when `awsRegions` is empty. */
  regions: readonly string[];
  /** --aws-region: the regions of providers that must name theirs (AWS). */
  awsRegions: readonly string[];
}

export function sourcesFromEnv(opts: EnvSourceOptions, env: Env): Sources {
  const out: Sources = { sources: [], problems: [], notes: [] };
  let wanted = [...opts.providers];
  if (wanted.length === 0) {
    const needing = PROVIDER_DEFINITIONS.filter((d) => d.credentials.need !== 'none');
    wanted = needing.filter((d) => credentialsFromEnv(d, env) !== undefined).map((d) => d.type);
    if (wanted.length === 0) {
      const free = PROVIDER_DEFINITIONS.filter((d) => d.credentials.need === 'none').map((d) => d.type);
      out.notes.push(
        `no provider credentials in the environment (${needing.flatMap(credentialEnvNames).join(', ')}); ` +
          `showing the simulated cloud (--provider ${free.join(', ')})`,
      );
      wanted = free;
    }
  }
  for (const type of wanted) {
    const def = definitionOf(type);
    if (!def) {
      out.problems.push(`${type}: not a provider type`);
      continue;
    }
    const creds = credentialsFromEnv(def, env);
    if (creds === undefined && def.credentials.need === 'required') {
      out.problems.push(`${type}: set ${credentialEnvNames(def).join(' and ')} to list its offers`);
      continue;
    }
    if (creds && 'problem' in creds) {
      out.problems.push(`${type}: ${creds.problem}`);
      continue;
    }
    const spec: GpuProviderSpec = { type: def.type };
    if (def.requiresRegions) {
      const regions = requiredRegions(opts, env, def.requiresRegions.env);
      if (regions.length === 0) {
        out.problems.push(`${type}: name the regions to list with --${type}-region (or set ${def.requiresRegions.env[0]})`);
        continue;
      }
      spec.regions = regions;
    }
    out.sources.push({ config: { name: type, spec }, credentials: creds?.values ?? {} });
  }
  return out;
}

function requiredRegions(opts: EnvSourceOptions, env: Env, names: readonly string[]): string[] {
  if (opts.awsRegions.length > 0) return [...opts.awsRegions];
  if (opts.regions.length > 0) return [...opts.regions];
  for (const name of names) {
    const v = set(env, name);
    if (v) return [v];
  }
  return [];
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

async function readCredentials(cluster: ClusterPort, spec: GpuProviderSpec, defaultNamespace: string): Promise<CredentialsRead> {
  const def: ProviderDefinition | undefined = definitionOf(spec.type);
  if (!def) return { problem: `no provider adapter for type ${spec.type}` };
  const ref = spec.credentialsSecretRef;
  if (!ref) return credentialsWithoutSecret(def);
  const namespace = ref.namespace ?? defaultNamespace;
  const secret = await cluster.get<Secret>(Kinds.Secret, ref.name, namespace);
  if (!secret) return { problem: `Secret ${namespace}/${ref.name} not found` };
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = v;
  return credentialsFromSecret(def, data, `Secret ${namespace}/${ref.name}`, ref.key);
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
