/**
 * What a cloud is, written once in its own folder (`src/providers/<name>/definition.ts`)
 * and listed in the registry: what it can do, which credentials it needs, how a machine
 * of it becomes a node, how hard it may be called, how its failures read, and how its
 * adapter is built. Code outside `src/providers/` asks the definition; it never
 * switches on a provider type.
 */
import type { GpuProviderSpec } from '../api/types.js';
import type { ErrorContext } from './http-errors.js';
import type { ProviderLimits } from './pipeline/limit-settings.js';
import type { Capabilities, CpuArch, ProviderFactory, ProviderType } from './types.js';

/** One key the adapter reads from the credentials it is given. */
export interface CredentialKey {
  /** Name in the adapter's credentials (and the Secret's key, unless spec.credentialsSecretRef.key renames it). */
  key: string;
  /** Environment variable `gpu-provisioner offers` reads it from. */
  env: string;
  /** Whether the adapter works without this one key when the others are there. */
  optional?: boolean;
}

/**
 * Which credentials a provider needs: none (the sim), optional (AWS: without a Secret
 * the SDK's default chain, e.g. the pod's IAM role, is used), or required (an API key).
 */
export type CredentialNeed =
  | { need: 'none' }
  | {
      need: 'optional';
      keys: readonly CredentialKey[];
      /** What is used instead when there are none, for messages. */
      otherwise: string;
      /** Environment variables that say an identity is there although no key is (AWS_PROFILE). */
      ambientEnv?: readonly string[];
    }
  | { need: 'required'; keys: readonly CredentialKey[] };

/**
 * How a machine of this cloud becomes a Talos node: its boot payload is the machine
 * config itself (user-data of a Talos image), a script that kexecs into Talos from the
 * vendor's stock image, or no way at all (with the reason users are told).
 */
export type BootMethod =
  | {
      method: 'user-data' | 'kexec';
      /**
       * A machine that registers its Node without booting the config (the sim) may
       * launch with no Talos template at all.
       */
      templateOptional?: boolean;
    }
  | { method: 'none'; reason: string };

export interface ProviderDefinition {
  type: ProviderType;
  /** The vendor's own name for messages, e.g. "Lambda Cloud". */
  title: string;
  /** What it cannot do; a function because some depend on the GpuProvider's spec. */
  capabilities(spec: GpuProviderSpec): Capabilities;
  credentials: CredentialNeed;
  boot: BootMethod;
  /** CPU architecture of its machines when an offer does not say. */
  defaultArch: CpuArch;
  /** How hard the operator may call one account by default (PROVIDER_APIS.md, Rate limits). */
  limits: ProviderLimits;
  /**
   * Whether spec.regions must list at least one region (AWS: there is no "every
   * region"), and the environment variables `gpu-provisioner offers` takes them from.
   */
  requiresRegions?: { env: readonly string[] };
  /**
   * The adapter's error mapper: whatever one of its calls threw -> a shared error type.
   * The adapter's own call helpers use it; the pipeline applies it once more to anything
   * that still leaves a call unmapped.
   */
  mapError(e: unknown, operation: string, ctx: ErrorContext): unknown;
  /**
   * Makes the adapter factory one registry (one operator) builds with. A function, so
   * that the sim's providers share one simulated cloud per operator, across rebuilds.
   */
  factory(): ProviderFactory;
}

/** The credentials Secret's values as the adapter reads them, or what is wrong with them. */
export type CredentialsRead = { values: Record<string, string> } | { problem: string };

/**
 * Turns a credentials Secret's decoded data into what the adapter reads. `renamedKey` is
 * spec.credentialsSecretRef.key: for a provider with one key it names the Secret key that
 * holds it; for several, it must exist. `where` names the Secret in messages.
 */
export function credentialsFromSecret(
  def: ProviderDefinition,
  data: Record<string, string>,
  where: string,
  renamedKey?: string,
): CredentialsRead {
  const need = def.credentials;
  if (need.need === 'none') return { values: {} };
  if (renamedKey !== undefined && data[renamedKey] === undefined) return { problem: `${where} has no key ${renamedKey}` };
  const values: Record<string, string> = {};
  const single = need.keys.length === 1;
  for (const k of need.keys) {
    const from = single && renamedKey !== undefined ? renamedKey : k.key;
    const v = data[from]?.trim();
    if (v) values[k.key] = v;
  }
  const missing = need.keys.filter((k) => !k.optional && values[k.key] === undefined).map((k) => k.key);
  const present = Object.keys(values).length > 0;
  if (need.need === 'optional' && !present) {
    return Object.keys(data).length === 0
      ? { problem: `${where} is empty; put ${keyList(need.keys)} in it, or drop spec.credentialsSecretRef to use ${need.otherwise}` }
      : { problem: `${where} has none of ${keyList(need.keys)}` };
  }
  if (missing.length > 0) {
    return Object.keys(data).length === 0
      ? { problem: `${where} is empty; put the ${def.title} ${keyList(need.keys)} in it` }
      : { problem: `${where} has no ${missing.join(', ')}; the ${def.title} adapter needs ${keyList(need.keys)}` };
  }
  return { values };
}

/** What to do when a GpuProvider names no Secret: nothing needed, the default chain, or a problem. */
export function credentialsWithoutSecret(def: ProviderDefinition): CredentialsRead {
  if (def.credentials.need === 'required') {
    return { problem: `spec.credentialsSecretRef is required for ${def.type}: name a Secret holding ${keyList(def.credentials.keys)}` };
  }
  return { values: {} };
}

/** Credentials from the environment, for `gpu-provisioner offers`; undefined when none are set. */
export function credentialsFromEnv(
  def: ProviderDefinition,
  env: Readonly<Record<string, string | undefined>>,
): CredentialsRead | undefined {
  const need = def.credentials;
  if (need.need === 'none') return { values: {} };
  const data: Record<string, string> = {};
  for (const k of need.keys) {
    const v = env[k.env]?.trim();
    if (v) data[k.key] = v;
  }
  const ambient = need.need === 'optional' && (need.ambientEnv ?? []).some((name) => env[name]?.trim());
  if (Object.keys(data).length === 0) return ambient ? { values: {} } : undefined;
  const read = credentialsFromSecret(def, data, 'the environment');
  // Incomplete optional keys: the SDK's default chain reads the environment itself.
  if ('problem' in read && need.need === 'optional') return { values: {} };
  if ('problem' in read) {
    const missing = need.keys.filter((k) => !k.optional && data[k.key] === undefined).map((k) => k.env);
    return { problem: `set ${missing.join(' and ')} as well` };
  }
  return read;
}

/** The environment variables that hold a provider's credentials, for messages. */
export function credentialEnvNames(def: ProviderDefinition): string[] {
  return def.credentials.need === 'none' ? [] : def.credentials.keys.filter((k) => !k.optional).map((k) => k.env);
}

function keyList(keys: readonly CredentialKey[]): string {
  const required = keys.filter((k) => !k.optional).map((k) => k.key);
  const optional = keys.filter((k) => k.optional).map((k) => k.key);
  return [required.join(' and '), ...(optional.length ? [`(optional ${optional.join(', ')})`] : [])].join(' ');
}
