/**
 * The GpuProvider controller: turns each GpuProvider (one cloud account) into a live,
 * rate-limited provider in the registry. It reads the credentials Secret, checks the
 * credentials with one cheap call, and says on the GpuProvider what to fix when they do
 * not work. Credentials never leave this file except into the adapter.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import { parseDuration } from '../../api/duration.js';
import type { GpuProvider, GpuProviderStatus } from '../../api/types.js';
import { Kinds, type ClusterPort, type KubeObject, type Secret } from '../../kube/types.js';
import { decorate, type Decorator } from '../../providers/decorators/decorator.js';
import { resolveLimits } from '../../providers/decorators/default-limits.js';
import { withLimits } from '../../providers/decorators/with-limits.js';
import { describeError, isProviderError } from '../../providers/errors.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { CloudProvider } from '../../providers/types.js';
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
  /** Extra decorators (metrics) applied around the rate limiter. */
  decorators?: Decorator[];
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
  provider: CloudProvider;
  close?: () => Promise<void>;
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

    const creds = await this.readCredentials(gp);
    if ('problem' in creds) {
      await this.drop(name);
      set(ConditionTypes.CredentialsValid, false, Reasons.CredentialsMissing, creds.problem);
      set(ConditionTypes.Ready, false, Reasons.CredentialsMissing, creds.problem);
      await this.writeStatus(gp, status, before);
      return { requeueAfterMs: RETRY_BROKEN_MS };
    }

    const fingerprint = `${gp.metadata.generation}/${creds.version}`;
    let entry = this.built.get(name);
    if (!entry || entry.fingerprint !== fingerprint) {
      await this.drop(name);
      try {
        entry = this.build(gp, creds.values, fingerprint);
      } catch (e) {
        const message = `cannot build the ${gp.spec.type} provider: ${describeError(e)}`;
        set(ConditionTypes.Ready, false, Reasons.ProviderNotReady, message);
        await this.writeStatus(gp, status, before);
        return { requeueAfterMs: RETRY_BROKEN_MS };
      }
    }

    try {
      await entry.provider.checkCredentials();
      set(ConditionTypes.CredentialsValid, true, Reasons.CredentialsValid, 'credentials accepted');
    } catch (e) {
      const auth = isProviderError(e) && e.kind === 'Auth';
      const message = auth
        ? `${gp.spec.type} refused the credentials (${describeError(e)}); update the Secret ${this.secretName(gp)}`
        : `cannot reach ${gp.spec.type} to check the credentials: ${describeError(e)}`;
      log.warn('credential check failed', { error: describeError(e) });
      await this.drop(name);
      set(ConditionTypes.CredentialsValid, false, auth ? Reasons.CredentialsInvalid : Reasons.ProviderError, message);
      set(ConditionTypes.Ready, false, auth ? Reasons.CredentialsInvalid : Reasons.ProviderError, message);
      await this.writeStatus(gp, status, before);
      return { requeueAfterMs: RETRY_BROKEN_MS };
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
    return { requeueAfterMs: failure ? RETRY_BROKEN_MS : refreshMs };
  }

  private secretName(gp: GpuProvider): string {
    const ref = gp.spec.credentialsSecretRef;
    return ref ? `${ref.namespace ?? this.deps.defaultSecretNamespace}/${ref.name}` : '(none)';
  }

  private async readCredentials(
    gp: GpuProvider,
  ): Promise<{ values: Record<string, string>; version: string } | { problem: string }> {
    const ref = gp.spec.credentialsSecretRef;
    if (!ref) {
      if (gp.spec.type === 'sim' || gp.spec.type === 'aws') return { values: {}, version: '-' };
      return { problem: `spec.credentialsSecretRef is required for ${gp.spec.type}` };
    }
    const namespace = ref.namespace ?? this.deps.defaultSecretNamespace;
    const users = this.secretUsers.get(`${namespace}/${ref.name}`) ?? new Set<string>();
    users.add(gp.metadata.name);
    this.secretUsers.set(`${namespace}/${ref.name}`, users);
    const secret = await this.deps.cluster.get<Secret>(Kinds.Secret, ref.name, namespace);
    if (!secret) return { problem: `Secret ${namespace}/${ref.name} not found; create it with the ${gp.spec.type} credentials` };
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(secret.data ?? {})) values[k] = Buffer.from(v, 'base64').toString('utf8');
    for (const [k, v] of Object.entries(secret.stringData ?? {})) values[k] = v;
    if (ref.key && values[ref.key] === undefined) {
      return { problem: `Secret ${namespace}/${ref.name} has no key ${ref.key}` };
    }
    if (Object.keys(values).length === 0) return { problem: `Secret ${namespace}/${ref.name} is empty` };
    return { values, version: secret.metadata.resourceVersion ?? '' };
  }

  private build(gp: GpuProvider, credentials: Record<string, string>, fingerprint: string): Built {
    const { registry, clock, logger, cluster, clusterName } = this.deps;
    const raw = registry.build(
      { name: gp.metadata.name, spec: gp.spec },
      { clusterName, credentials, clock, logger: logger.child({ provider: gp.metadata.name }), cluster },
    );
    const limited = withLimits(raw, {
      ...resolveLimits(gp.spec.type, gp.spec.rateLimit),
      clock,
      logger,
      timeoutMs: this.deps.callTimeoutMs,
    });
    return { fingerprint, provider: decorate(limited, ...(this.deps.decorators ?? [])), close: () => limited.close() };
  }

  private async drop(name: string): Promise<void> {
    const entry = this.built.get(name);
    this.built.delete(name);
    this.deps.registry.remove(name);
    this.settings.delete(name);
    this.deps.offers.forget(name);
    await entry?.close?.();
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
