/**
 * RBAC as the API server applies it, over any cluster port (the in-memory cluster in
 * tests): every call is checked against PolicyRules before it goes through, and
 * refused with a ForbiddenError worded like the API server's. It records what each
 * rule allowed, so a test can show that a set of rules is enough (nothing refused)
 * and no more than needed (every verb used).
 *
 * Port calls map onto the verbs the client-node adapter sends: get, list, watch
 * (which lists first, so it needs list and watch; a refused one delivers nothing and
 * never syncs, as the real adapter's), create, replace = update, patch
 * (status patches on `<resource>/status`), delete, evict = create on `pods/eviction`,
 * and recordEvent = create on `events`.
 */
import { ForbiddenError } from './errors.js';
import type {
  ClusterPort,
  EventRecord,
  EvictionResult,
  KubeObject,
  ListOptions,
  PatchOptions,
  ResourceKind,
  WatchEvent,
  WatchHandle,
} from './types.js';

/** rbac.authorization.k8s.io/v1 PolicyRule (resource rules only). */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface RbacPolicy {
  /** Who is asking, for messages: e.g. `system:serviceaccount:gpu-system:gpu-provisioner`. */
  subject: string;
  /** From ClusterRoles bound by ClusterRoleBindings: everywhere. */
  clusterRules: PolicyRule[];
  /** From Roles bound by RoleBindings: only in their namespace. */
  namespaceRules?: Record<string, PolicyRule[]>;
}

export interface RbacRequest {
  verb: string;
  group: string;
  /** `plural` or `plural/subresource`. */
  resource: string;
  /** Undefined for cluster-scoped objects and for requests across all namespaces. */
  namespace?: string;
  name?: string;
}

/** One grant a rule gives: a rule's verb on one of its resources, where it applies. */
export interface Grant {
  /** `ClusterRole` or `Role <namespace>`, and the rule's position in it. */
  where: string;
  group: string;
  resource: string;
  verb: string;
}

const grantKey = (g: Grant) => `${g.where}|${g.group}|${g.resource}|${g.verb}`;

function allows(rule: PolicyRule, req: RbacRequest): boolean {
  const has = (list: string[], v: string) => list.includes('*') || list.includes(v);
  if (!has(rule.apiGroups, req.group) || !has(rule.resources, req.resource) || !has(rule.verbs, req.verb)) return false;
  return !rule.resourceNames?.length || (req.name !== undefined && rule.resourceNames.includes(req.name));
}

function expand(rule: PolicyRule, where: string): Grant[] {
  return rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => ({ where, group, resource, verb }))));
}

export class RbacCluster implements ClusterPort {
  private readonly used = new Set<string>();
  /** Kinds (by plural) whose watch was refused. */
  private readonly refusedWatches = new Set<string>();
  private readonly refused: RbacRequest[] = [];

  constructor(
    private readonly inner: ClusterPort,
    readonly policy: RbacPolicy,
  ) {}

  /** Every request refused so far, oldest first. */
  denials(): RbacRequest[] {
    return this.refused.map((r) => ({ ...r }));
  }

  /** Every grant of the policy, expanded to one verb on one resource. */
  grants(): Grant[] {
    return [
      ...this.policy.clusterRules.flatMap((r, i) => expand(r, `ClusterRole rule ${i}`)),
      ...Object.entries(this.policy.namespaceRules ?? {}).flatMap(([ns, rules]) => rules.flatMap((r, i) => expand(r, `Role ${ns} rule ${i}`))),
    ];
  }

  /** Grants no request has needed so far. */
  unusedGrants(): Grant[] {
    return this.grants().filter((g) => !this.used.has(grantKey(g)));
  }

  /** Throws ForbiddenError unless a rule allows `req`; records which rules did. */
  authorize(req: RbacRequest): void {
    const matched: Grant[] = [];
    this.policy.clusterRules.forEach((rule, i) => {
      if (allows(rule, req)) matched.push({ where: `ClusterRole rule ${i}`, group: req.group, resource: req.resource, verb: req.verb });
    });
    if (req.namespace !== undefined) {
      (this.policy.namespaceRules?.[req.namespace] ?? []).forEach((rule, i) => {
        if (allows(rule, req)) matched.push({ where: `Role ${req.namespace} rule ${i}`, group: req.group, resource: req.resource, verb: req.verb });
      });
    }
    if (matched.length > 0) {
      for (const g of matched) this.used.add(grantKey(g));
      return;
    }
    this.refused.push({ ...req });
    const [plural] = req.resource.split('/');
    const what = `${plural}${req.group ? `.${req.group}` : ''}${req.name ? ` "${req.name}"` : ''}`;
    const scope = req.namespace !== undefined ? ` in the namespace "${req.namespace}"` : req.verb === 'list' || req.verb === 'watch' ? ' at the cluster scope' : '';
    throw new ForbiddenError(
      `${what} is forbidden: User "${this.policy.subject}" cannot ${req.verb} resource "${req.resource}" in API group "${req.group}"${scope}`,
    );
  }

  private check(verb: string, kind: ResourceKind, namespace: string | undefined, name?: string, subresource?: string): void {
    this.authorize({
      verb,
      group: kind.group,
      resource: subresource ? `${kind.plural}/${subresource}` : kind.plural,
      ...(kind.namespaced && namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
    });
  }

  async get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined> {
    this.check('get', kind, namespace, name);
    return this.inner.get<T>(kind, name, namespace);
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<T[]> {
    this.check('list', kind, opts.namespace);
    return this.inner.list<T>(kind, opts);
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.check('create', kind, obj.metadata.namespace);
    return this.inner.create(kind, obj);
  }

  async replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.check('update', kind, obj.metadata.namespace, obj.metadata.name);
    return this.inner.replace(kind, obj);
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
    opts: PatchOptions = {},
  ): Promise<T> {
    this.check('patch', kind, namespace, name, opts.subresource);
    return this.inner.patch<T>(kind, name, namespace, patch, opts);
  }

  async delete(kind: ResourceKind, name: string, namespace?: string): Promise<void> {
    this.check('delete', kind, namespace, name);
    return this.inner.delete(kind, name, namespace);
  }

  watch<T extends KubeObject>(kind: ResourceKind, opts: ListOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    try {
      this.check('list', kind, opts.namespace);
      this.check('watch', kind, opts.namespace);
    } catch {
      // As the client-node adapter: a refused watch never lists and keeps retrying; it does not throw.
      this.refusedWatches.add(kind.plural);
      return { stop: () => undefined };
    }
    return this.inner.watch(kind, opts, onEvent);
  }

  /** A kind whose watch was refused never syncs, as against a real API server. */
  synced(kind: ResourceKind): boolean {
    return !this.refusedWatches.has(kind.plural) && this.inner.synced(kind);
  }

  waitForSync(kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void> {
    return this.inner.waitForSync(kinds, signal);
  }

  async evict(podName: string, namespace: string): Promise<EvictionResult> {
    this.authorize({ verb: 'create', group: '', resource: 'pods/eviction', namespace, name: podName });
    return this.inner.evict(podName, namespace);
  }

  async recordEvent(e: EventRecord): Promise<void> {
    // The port never fails for an event; a refused one is only recorded, as the real adapter only logs it.
    try {
      this.authorize({ verb: 'create', group: '', resource: 'events', namespace: e.involved.namespace ?? 'default' });
    } catch {
      return;
    }
    return this.inner.recordEvent(e);
  }
}

/** The rules a ServiceAccount gets from rendered ClusterRoles, Roles and their bindings. */
export function policyFor(objects: KubeObject[], serviceAccount: { namespace: string; name: string }): RbacPolicy {
  type Binding = KubeObject & { roleRef: { kind: string; name: string }; subjects?: { kind: string; name: string; namespace?: string }[] };
  type Role = KubeObject & { rules?: PolicyRule[] };
  const bound = (b: Binding) =>
    (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount.name && (s.namespace ?? b.metadata.namespace) === serviceAccount.namespace);
  const roles = objects.filter((o): o is Role => o.kind === 'ClusterRole' || o.kind === 'Role');
  const find = (kind: string, name: string, namespace?: string) =>
    roles.find((r) => r.kind === kind && r.metadata.name === name && (kind === 'ClusterRole' || r.metadata.namespace === namespace));
  const policy: RbacPolicy = { subject: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`, clusterRules: [], namespaceRules: {} };
  for (const b of objects.filter((o): o is Binding => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && bound(o as Binding))) {
    const role = find(b.roleRef.kind, b.roleRef.name, b.metadata.namespace);
    if (!role) throw new Error(`${b.kind} ${b.metadata.name} refers to ${b.roleRef.kind} ${b.roleRef.name}, which is not there`);
    if (b.kind === 'ClusterRoleBinding') policy.clusterRules.push(...(role.rules ?? []));
    else (policy.namespaceRules![b.metadata.namespace!] ??= []).push(...(role.rules ?? []));
  }
  return policy;
}
