/**
 * The cluster port: everything the controllers need from Kubernetes, and nothing
 * more. Two implementations: `client-node-cluster.ts` (a real API server) and
 * `memory-cluster.ts` (in-memory, with Kubernetes semantics, for the demo and tests).
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // Kubernetes objects are open-ended; typed views narrow these.
  spec?: unknown;
  status?: unknown;
}

/** How to reach one resource type over the API. */
export interface ResourceKind {
  group: string; // '' for core
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Whether status is a subresource (main-resource writes ignore it). */
  statusSubresource: boolean;
}

export function apiVersionOf(k: ResourceKind): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

export const Kinds = {
  GpuRequest: {
    group: 'gpu-provisioner.dev',
    version: 'v1alpha1',
    kind: 'GpuRequest',
    plural: 'gpurequests',
    namespaced: true,
    statusSubresource: true,
  },
  GpuMachine: {
    group: 'gpu-provisioner.dev',
    version: 'v1alpha1',
    kind: 'GpuMachine',
    plural: 'gpumachines',
    namespaced: true,
    statusSubresource: true,
  },
  GpuBudget: {
    group: 'gpu-provisioner.dev',
    version: 'v1alpha1',
    kind: 'GpuBudget',
    plural: 'gpubudgets',
    namespaced: true,
    statusSubresource: true,
  },
  GpuProvider: {
    group: 'gpu-provisioner.dev',
    version: 'v1alpha1',
    kind: 'GpuProvider',
    plural: 'gpuproviders',
    namespaced: false,
    statusSubresource: true,
  },
  Node: { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, statusSubresource: true },
  Pod: { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, statusSubresource: true },
  Secret: { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, statusSubresource: false },
  Event: { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, statusSubresource: false },
  Lease: {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    statusSubresource: false,
  },
  PodDisruptionBudget: {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    statusSubresource: true,
  },
} as const satisfies Record<string, ResourceKind>;

export interface ListOptions {
  namespace?: string;
  /** Equality-based selector, e.g. `{ 'gpu-provisioner.dev/request-uid': uid }`. */
  labelSelector?: Record<string, string>;
  /**
   * Equality on a field: `spec.nodeName=<name>` (pods on a node, which the API server
   * selects) and `spec.providerID=<id>` (Nodes, which it does not: the client-node
   * adapter serves it from its cache index, or filters a list itself while unsynced).
   */
  fieldSelector?: Record<string, string>;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface WatchHandle {
  stop(): void;
}

export interface PatchOptions {
  /** Write to the status subresource. */
  subresource?: 'status';
  /** Optimistic concurrency: fail with ConflictError unless the object is still at this version. */
  resourceVersion?: string;
}

export type EvictionResult = 'evicted' | 'not-found' | 'blocked-by-pdb';

export interface ObjectRef {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid?: string;
}

export interface EventRecord {
  involved: ObjectRef;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/**
 * The operator's view of the API server. Every object it returns (from reads, writes and
 * watches) is frozen and shared with every other reader: copy before changing one.
 */
export interface ClusterPort {
  get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string): Promise<T | undefined>;
  list<T extends KubeObject>(kind: ResourceKind, opts?: ListOptions): Promise<T[]>;
  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  /** Full replace (PUT); fails with ConflictError when metadata.resourceVersion is stale. */
  replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  /** JSON merge patch (RFC 7386). Throws NotFoundError / ConflictError from kube/errors. */
  patch<T extends KubeObject>(
    kind: ResourceKind,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
    opts?: PatchOptions,
  ): Promise<T>;
  /** Idempotent: deleting something already gone resolves. Finalizers delay removal. */
  delete(kind: ResourceKind, name: string, namespace?: string): Promise<void>;
  /**
   * Streams changes. The real implementation lists first, then watches from that
   * resourceVersion and reconnects (re-listing on 410 Gone); the handler sees an
   * ADDED for every existing object at start. Handlers of one cached kind share one
   * list+watch per namespace scope, and `get`/`list` read from it once it has synced.
   */
  watch<T extends KubeObject>(
    kind: ResourceKind,
    opts: ListOptions,
    onEvent: (e: WatchEvent<T>) => void,
  ): WatchHandle;
  /** Eviction API: honours PodDisruptionBudgets (blocked-by-pdb when it would break one). */
  evict(podName: string, namespace: string): Promise<EvictionResult>;
  /** Records a core/v1 Event; failures are logged, never thrown. */
  recordEvent(e: EventRecord): Promise<void>;
  /**
   * Whether reads of `kind` come from a cache that has finished its initial list: true
   * once every watch of that kind has listed (a cache starts with the first `watch()` of
   * a kind), and always true for a kind that is never cached. Readiness reports this.
   */
  synced(kind: ResourceKind): boolean;
  /** Resolves once `synced` holds for every one of `kinds`; rejects when `signal` aborts. */
  waitForSync(kinds: readonly ResourceKind[], signal?: AbortSignal): Promise<void>;
}

// Typed views of the core objects the operator touches.

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  /** When the kubelet last posted this condition; the node-lifecycle controller watches it. */
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface Node extends KubeObject {
  spec?: {
    providerID?: string;
    unschedulable?: boolean;
    taints?: { key: string; value?: string; effect: string; timeAdded?: string }[];
  };
  status?: {
    conditions?: NodeCondition[];
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
  };
}

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers?: unknown[]; [k: string]: unknown };
  status?: { phase?: string; conditions?: NodeCondition[] };
}

export interface Secret extends KubeObject {
  type?: string;
  /** base64 values, as the API returns them */
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: { matchLabels?: Record<string, string> };
  };
}
