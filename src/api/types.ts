/**
 * TypeScript views of the CRDs. DRAFT: to be replaced by types generated from
 * crds/*.yaml (the single source of truth) with these names kept.
 */
import type { KubeObject, ObjectMeta } from '../kube/types.js';

export type CapacityTypeName = 'spot' | 'on-demand';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface SecretKeyRef {
  name: string;
  namespace?: string;
  key?: string;
}

export interface TaintSpec {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface GpuRequestSpec {
  gpu: { model: string; count: number; minMemoryGiB?: number };
  nodes?: number;
  capacityTypes?: CapacityTypeName[];
  maxPricePerHour?: string;
  providers?: string[];
  regions?: string[];
  aws?: { capacityReservationId?: string; capacityReservationPreference?: 'open' | 'none' | 'targeted' };
  talos?: { configSecretRef?: SecretKeyRef; nodeLabels?: Record<string, string>; nodeTaints?: TaintSpec[] };
  lifetime?: { maxDuration?: string };
  interruption?: { replace?: boolean; drainTimeout?: string; rebalance?: boolean };
}

export type Phase = 'Pending' | 'Provisioning' | 'Joining' | 'Ready' | 'Interrupted' | 'Terminating' | 'Failed';

export type NodeState = 'Launching' | 'Joining' | 'Ready' | 'Interrupted' | 'Terminating' | 'Terminated';

export interface NodeStatus {
  index: number;
  /** Incremented each time the slot gets a new instance (replacement, join timeout). */
  attempt: number;
  /** Idempotency key and instance name of this attempt. */
  launchKey: string;
  provider: string;
  providerType: string;
  region: string;
  zone?: string;
  instanceType: string;
  capacityType: CapacityTypeName;
  pricePerHour: string;
  instanceId: string;
  nodeName?: string;
  launchedAt: string;
  joinedAt?: string;
  readyAt?: string;
  /** When termination of this node began; the drain deadline counts from here. */
  terminatingSince?: string;
  state: NodeState;
}

export interface OfferSummary {
  provider: string;
  region: string;
  zone?: string;
  instanceType: string;
  capacityType: CapacityTypeName;
  pricePerHour: string;
  /** selected | runner-up | unavailable */
  outcome: string;
  reason?: string;
}

export interface GpuRequestStatus {
  phase?: Phase;
  message?: string;
  observedGeneration?: number;
  conditions?: Condition[];
  nodes?: NodeStatus[];
  offers?: OfferSummary[];
  /** Summary fields for printer columns. */
  provider?: string;
  region?: string;
  capacityType?: string;
  nodeNames?: string;
  hourlyCost?: string;
  accumulatedCost?: string;
  /** When accumulatedCost was last brought up to date. */
  costUpdatedAt?: string;
}

export interface GpuRequest extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuRequestSpec;
  status?: GpuRequestStatus;
}

export interface GpuProviderSpec {
  type: 'sim' | 'aws' | 'lambda' | 'runpod' | 'paperspace';
  credentialsSecretRef?: SecretKeyRef;
  regions?: string[];
  enabled?: boolean;
  priceRefreshInterval?: string;
  joinTimeout?: string;
  rateLimit?: { requestsPerSecond?: number; burst?: number; maxConcurrent?: number };
  talos?: { configSecretRef?: SecretKeyRef; version?: string; schematicId?: string };
  aws?: {
    subnetIds?: string[];
    securityGroupIds?: string[];
    amis?: Record<string, string>;
    interruptionQueueUrl?: string;
    instanceProfile?: string;
  };
  lambda?: { sshKeyName?: string };
  paperspace?: { priceOverrides?: { machineType: string; pricePerHour: string }[] };
  sim?: { bootSeconds?: number; callLatencyMs?: number; seed?: number };
}

export interface GpuProviderStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  offers?: number;
  pricesRefreshedAt?: string;
}

export interface GpuProvider extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuProviderSpec;
  status?: GpuProviderStatus;
}
