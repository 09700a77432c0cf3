/**
 * The GpuProvider controller: turns each GpuProvider (one cloud account) into a live
 * provider in the registry, built inside the call pipeline. It reads the credentials
 * Secret the provider's definition asks for, checks the credentials with one cheap
 * call, and says on the GpuProvider what to fix when they do not work. Only a refusal
 * (Auth) or missing credentials take a provider out of use: a check that fails for a
 * transient reason (429, 5xx, timeout) keeps a provider whose credentials worked
 * before, so its machines can still be looked after and deleted. Credentials never
 * leave this file except into the adapter.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { getCondition, setCondition } from '../../api/conditions.js';
import { parseDuration } from '../../api/duration.js';
import type { GpuProvider, GpuProviderStatus } from '../../api/types.js';
import { Kinds, type ClusterPort, type KubeObject, type Secret } from '../../kube/types.js';
import { credentialsFromSecret, credentialsWithoutSecret, type ProviderDefinition } from '../../providers/definition.js';
import { describeError, isProviderError } from '../../providers/errors.js';
import type { ProviderCallMetrics } from '../../providers/pipeline/metrics.js';
import type { PipelinedProvider } from '../../providers/pipeline/pipeline.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { OfferCache } from '../../pricing/offer-cache.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Controller, ReconcileResult } from '../runtime/manager.js';

export interface ProviderControllerDeps {
  cluster: ClusterPort;
  registry: ProviderRegistry;
  offers: OfferCache;
  clock: Clock;
  logger: Logger;
  clusterName: string;
  /** Where Secrets referenced without a namespace live (the operator's namespace). */
  defaultSecretNamespace: string;
  /** Provider call durations and errors (prom-client in a cluster). */
  metrics?: ProviderCallMetrics;
  /** Per-attempt provider call timeout. */
  callTimeoutMs?: number;
}

export interface ProviderSettings {
  /** How long a machine of this provider may take to join; the operator default when unset. */
  joinTimeoutMs?: number;
}

const DEFAULT_REFRESH_MS = 5 * 60_000;
const RETRY_BROKEN_MS = 60_000;

interface Built {
  fingerprint: string;
  provider: PipelinedProvider;
}

export class GpuProviderController implements Controller {
  readonly name = 'gpuprovider';
  readonly kind = Kinds.GpuProvider;
  readonly watches = [{ kind: Kinds.Secret, map: (s: KubeObject) => this.providersUsingSecret(s) }];
  private readonly built = new Map<string, Built>();
  /** `namespace/name` of a Secret -> GpuProviders that read it. */
  private readonly secretUsers = new Map<string, Set<string>>();
  /** Per-provider settings the GpuRequest controller reads (join timeout). */
  private readonly settings = new Map<string, ProviderSettings>();

  constructor(private readonly deps: ProviderControllerDeps) {}

  settingsOf(name: string): ProviderSettings {
    return this.settings.get(name) ?? {};
  }

  private providersUsingSecret(secret: KubeObject): string[] {
    return [...(this.secretUsers.get(`${secret.metadata.namespace}/${secret.metadata.name}`) ?? [])];
  }

  async reconcile(name: string): Promise<ReconcileResult> {
    const { cluster, registry, offers, clock } = this.deps;
    const gp = await cluster.get<GpuProvider>(Kinds.GpuProvider, name);
    if (!gp || gp.metadata.deletionTimestamp) {
      await this.drop(name);
      return {};
    }
    if (gp.spec.enabled === false) {
      await this.drop(name);
      const status: GpuProviderStatus = structuredClone(gp.status ?? {});
      const before = JSON.stringify(status);
      status.conditions = setCondition(
        status.conditions,
        { type: ConditionTypes.Ready, status: 'False', reason: 'Disabled', message: 'spec.enabled is false; set it to true to use this provider' },
        clock.now(),
        gp.metadata.generation,
      );
      await this.writeStatus(gp, status, before);
      return {};
    }
    const log = this.deps.logger.child({ name, controller: this.name });
    const status: GpuProviderStatus = structuredClone(gp.status ?? {});
    const before = JSON.stringify(status);
    const now = clock.now();
    const set = (type: string, ok: boolean, reason: string, message: string) => {
      status.conditions = setCondition(status.conditions, { type, status: ok ? 'True' : 'False', reason, message }, now, gp.metadata.generation);
    };
    status.observedGeneration = gp.metadata.generation;
    const refreshMs = gp.spec.priceRefreshInterval ? parseDuration(gp.spec.priceRefreshInterval) : DEFAULT_REFRESH_MS;

    let def: ProviderDefinition;
    try {
      def = registry.definition(gp.spec.type);
    } catch (e) {
      await this.drop(name);
      set(ConditionTypes.Ready, false, Reasons.ProviderNotReady, describeError(e));
      await this.writeStatus(gp, status, before);
      return {};
    }

    const creds = await this.readCredentials(gp, def);
    if ('problem' in creds) {
      await this.drop(name);
      set(ConditionTypes.CredentialsValid, false, Reasons.CredentialsMissing, creds.problem);
      set(ConditionTypes.Ready, false, Reasons.CredentialsMissing, creds.problem);
      await this.writeStatus(gp, status, before);
      return { requeueAfterMs: RETRY_BROKEN_MS };
    }

    const fingerprint = `${gp.metadata.generation}/${creds.version}`;
    let entry = this.built.get(name);
    // The provider in use stays registered until its successor has been checked, so
    // nothing that looks providers up meanwhile (deletes, garbage collection) misses it.
    let previous: Built | undefined;
    if (!entry || entry.fingerprint !== fingerprint) {
      try {
        const fresh = await this.build(gp, creds.values, fingerprint);
        previous = entry;
        entry = fresh;
      } catch (e) {
        await this.drop(name);
        const message = `cannot build the ${gp.spec.type} provider: ${describeError(e)}`;
        set(ConditionTypes.Ready, false, Reasons.ProviderNotReady, message);
        await this.writeStatus(gp, status, before);
        return { requeueAfterMs: RETRY_BROKEN_MS };
      }
    }

    let checkFailed = false;
    try {
      await entry.provider.checkCredentials();
      set(ConditionTypes.CredentialsValid, true, Reasons.CredentialsValid, 'credentials accepted');
    } catch (e) {
      log.warn('credential check failed', { error: describeError(e) });
      if (isProviderError(e) && e.kind === 'Auth') {
        const message = `${gp.spec.type} refused the credentials (${describeError(e)}); update the Secret ${this.secretName(gp)}`;
        await this.discard(name, entry);
        set(ConditionTypes.CredentialsValid, false, Reasons.CredentialsInvalid, message);
        set(ConditionTypes.Ready, false, Reasons.CredentialsInvalid, message);
        await this.writeStatus(gp, status, before);
        return { requeueAfterMs: RETRY_BROKEN_MS };
      }
      // Not a refusal: the cloud could not be asked. The credentials keep their last
      // known state, and a provider whose credentials worked stays in use.
      const last = getCondition(status.conditions, ConditionTypes.CredentialsValid);
      const worked = last?.status === 'True';
      const message =
        `cannot reach ${gp.spec.type} to check the credentials (${describeError(e)}); ` +
        (worked ? 'they worked before, so the provider stays in use; checking again shortly' : 'checking again shortly');
      status.conditions = setCondition(
        status.conditions,
        { type: ConditionTypes.CredentialsValid, status: last?.status ?? 'Unknown', reason: Reasons.CredentialsCheckFailed, message },
        now,
        gp.metadata.generation,
      );
      if (!worked) {
        await this.discard(name, entry);
        set(ConditionTypes.Ready, false, Reasons.CredentialsCheckFailed, message);
        await this.writeStatus(gp, status, before);
        return { requeueAfterMs: RETRY_BROKEN_MS };
      }
      checkFailed = true;
    }

    if (previous) {
      // A new spec or new credentials: the old offers are not this provider's any more.
      offers.forget(name);
      await previous.provider.close();
    }
    this.built.set(name, entry);
    registry.set(name, entry.provider);
    offers.setTtl(name, refreshMs);
    this.settings.set(name, { joinTimeoutMs: gp.spec.joinTimeout ? parseDuration(gp.spec.joinTimeout) : undefined });
    const result = await offers.getAll([entry.provider]);
    const failure = result.errors[0];
    if (failure) {
      set(ConditionTypes.Ready, false, Reasons.ProviderError, `listing offers failed: ${describeError(failure.error)}`);
    } else {
      status.offers = result.offers.length;
      const refreshed = offers.lastRefreshed(entry.provider.name);
      if (refreshed !== undefined) status.pricesRefreshedAt = new Date(refreshed).toISOString();
      set(ConditionTypes.Ready, true, 'Ready', `${result.offers.length} offers`);
    }
    await this.writeStatus(gp, status, before);
    return { requeueAfterMs: failure || checkFailed ? Math.min(RETRY_BROKEN_MS, refreshMs) : refreshMs };
  }

  private secretName(gp: GpuProvider): string {
    const ref = gp.spec.credentialsSecretRef;
    return ref ? `${ref.namespace ?? this.deps.defaultSecretNamespace}/${ref.name}` : '(none)';
  }

  private async readCredentials(
    gp: GpuProvider,
    def: ProviderDefinition,
  ): Promise<{ values: Record<string, string>; version: string } | { problem: string }> {
    const ref = gp.spec.credentialsSecretRef;
    if (!ref) {
      const without = credentialsWithoutSecret(def);
      return 'problem' in without ? without : { values: without.values, version: '-' };
    }
    const namespace = ref.namespace ?? this.deps.defaultSecretNamespace;
    const users = this.secretUsers.get(`${namespace}/${ref.name}`) ?? new Set<string>();
    users.add(gp.metadata.name);
    this.secretUsers.set(`${namespace}/${ref.name}`, users);
    const secret = await this.deps.cluster.get<Secret>(Kinds.Secret, ref.name, namespace);
    if (!secret) return { problem: `Secret ${namespace}/${ref.name} not found; create it with the ${def.title} credentials` };
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
    for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = v;
    const read = credentialsFromSecret(def, data, `Secret ${namespace}/${ref.name}`, ref.key);
    return 'problem' in read ? read : { values: read.values, version: secret.metadata.resourceVersion ?? '' };
  }

  /** Rejects when the adapter cannot be built, its module not loading included. */
  private async build(gp: GpuProvider, credentials: Record<string, string>, fingerprint: string): Promise<Built> {
    const { registry, clock, logger, cluster, clusterName } = this.deps;
    const provider = await registry.build(
      { name: gp.metadata.name, spec: gp.spec },
      { clusterName, credentials, clock, logger: logger.child({ provider: gp.metadata.name }), cluster },
      { metrics: this.deps.metrics, timeoutMs: this.deps.callTimeoutMs },
    );
    return { fingerprint, provider };
  }

  /** Takes the provider out of use, closing `entry` too when it was built but never registered. */
  private async discard(name: string, entry: Built): Promise<void> {
    const registered = this.built.get(name) === entry;
    await this.drop(name);
    if (!registered) await entry.provider.close();
  }

  private async drop(name: string): Promise<void> {
    const entry = this.built.get(name);
    this.built.delete(name);
    this.deps.registry.remove(name);
    this.settings.delete(name);
    this.deps.offers.forget(name);
    await entry?.provider.close();
  }

  private async writeStatus(gp: GpuProvider, status: GpuProviderStatus, before: string): Promise<void> {
    if (JSON.stringify(status) === before) return;
    await this.deps.cluster.patch(Kinds.GpuProvider, gp.metadata.name, undefined, { status }, { subresource: 'status' });
  }

  /** Releases every provider's timers (shutdown). */
  async close(): Promise<void> {
    for (const name of [...this.built.keys()]) await this.drop(name);
  }
}
