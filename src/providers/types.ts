import type { GpuProviderSpec } from '../api/types.js';
import type { ClusterPort } from '../kube/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/**
 * The cloud boundary: one small interface every provider implements, modelled on
 * Karpenter's CloudProvider and SkyPilot's Cloud. Everything that is not cloud I/O
 * (filtering, ordering, choosing) is a plain function over the data defined here.
 */

export type ProviderType = 'sim' | 'aws' | 'lambda' | 'runpod' | 'paperspace';
export const PROVIDER_TYPES: readonly ProviderType[] = ['sim', 'aws', 'lambda', 'runpod', 'paperspace'];

export type CapacityType = 'spot' | 'on-demand';
export const CAPACITY_TYPES: readonly CapacityType[] = ['spot', 'on-demand'];

/** Features a provider may lack; what it cannot do is data, filtered before pricing. */
export type Feature = 'spot' | 'node-join' | 'capacity-reservation' | 'price-api' | 'interruption-notice';

export interface Capabilities {
  /** Feature -> why this provider cannot do it. Absent means supported. */
  unsupported: Partial<Record<Feature, string>>;
}

export function supports(caps: Capabilities, feature: Feature): boolean {
  return caps.unsupported[feature] === undefined;
}

/** CPU architecture of a machine, as Talos names its artefacts. */
export type CpuArch = 'amd64' | 'arm64';

/** One thing that can be bought: an instance type in a place at a price. */
export interface Offer {
  /** Name of the GpuProvider (one cloud account) that sells it. */
  provider: string;
  providerType: ProviderType;
  instanceType: string;
  /** Normalised GPU model (see src/api/gpu-models.ts), e.g. H100, A100-80GB. */
  gpuModel: string;
  gpuCount: number;
  /** Memory per GPU. */
  gpuMemoryGiB: number;
  vcpus: number;
  memoryGiB: number;
  /** CPU architecture; the provider definition's default when absent. ARM hosts (GH200) boot arm64 Talos. */
  arch?: CpuArch;
  region: string;
  zone?: string;
  capacityType: CapacityType;
  /** USD per instance-hour. */
  pricePerHour: number;
  /** Whether the provider says there is capacity right now. */
  available: boolean;
}

/** Identity of an offering, used by the unavailable-offerings cache and status. */
export function offerKey(o: Pick<Offer, 'provider' | 'region' | 'zone' | 'instanceType' | 'capacityType'>): string {
  return `${o.provider}/${o.region}/${o.zone ?? '-'}/${o.instanceType}/${o.capacityType}`;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** What the machine needs to become a node of this cluster. */
export interface Bootstrap {
  hostname: string;
  /** Labels the Node must carry; they bind it to its GpuRequest. */
  nodeLabels: Record<string, string>;
  nodeTaints: Taint[];
  /** Provider-specific boot payload (Talos machine config, cloud-init, startup script). */
  userData?: string;
}

/**
 * What the controller gives the boot-payload seam for one machine. Nothing in it is a
 * GpuRequest: the controller copies these fields from whatever object the machine
 * belongs to. The provider's boot method and the CPU architecture come from the
 * provider definition and the offer (src/providers/bootstrap.ts).
 */
export interface BootstrapInput {
  /** Namespace of the object the machine belongs to; Secrets it names without one live here. */
  namespace: string;
  /** The request's Talos settings (GpuRequest spec.talos). */
  talos?: {
    configSecretRef?: { name: string; namespace?: string; key?: string };
    nodeLabels?: Record<string, string>;
    nodeTaints?: Taint[];
  };
  offer: Offer;
  hostname: string;
  /** Labels the Node must carry; they bind it to its machine and request. */
  nodeLabels: Record<string, string>;
}

/** Builds what a machine needs to join as a node (the Talos seam the controller calls). */
export type BootstrapBuilder = (input: BootstrapInput) => Promise<Bootstrap>;

export interface LaunchRequest {
  /**
   * Stable for one node slot of one GpuRequest (`<uid>-<index>`): a retry after a
   * crash finds the instance already made instead of buying a second one.
   */
  idempotencyKey: string;
  /** Instance name, unique per cluster, derived from the idempotency key. */
  name: string;
  offer: Offer;
  /** Tags naming cluster, namespace, request name and UID, node index. */
  tags: Record<string, string>;
  bootstrap: Bootstrap;
  capacityReservation?: {
    id?: string;
    preference: 'open' | 'none' | 'targeted';
  };
}

export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminating' | 'terminated';

export interface Instance {
  id: string;
  /** The name it was launched with (LaunchRequest.name), where the provider keeps one. */
  name?: string;
  provider: string;
  providerType: ProviderType;
  instanceType: string;
  region: string;
  zone?: string;
  capacityType: CapacityType;
  pricePerHour: number;
  state: InstanceState;
  idempotencyKey?: string;
  tags: Record<string, string>;
  /** epoch ms */
  launchedAt: number;
  /** The Node.spec.providerID the machine registers with, when the provider knows it. */
  providerID?: string;
}

/**
 * `capacity-reservation-interruption`: EC2 takes back capacity of an interruptible
 * Capacity Reservation the machine runs in, with two minutes' notice.
 */
export type InterruptionKind =
  | 'spot-interruption'
  | 'capacity-reservation-interruption'
  | 'rebalance'
  | 'scheduled-maintenance'
  | 'stopped'
  | 'terminated';

export interface InterruptionNotice {
  provider: string;
  instanceId: string;
  kind: InterruptionKind;
  /** epoch ms by which the machine will be gone, when known. */
  deadline?: number;
  /** epoch ms the provider sent it. */
  receivedAt: number;
  /**
   * Tells the provider the notice is recorded and may be forgotten (AWS deletes its
   * queue message). Called once the notice is on its GpuMachine, never before, so a
   * crash in between has the provider deliver it again. Absent where the provider keeps
   * nothing to acknowledge.
   */
  ack?: () => Promise<void>;
}

export interface CloudProvider {
  /** GpuProvider name. */
  readonly name: string;
  readonly type: ProviderType;
  readonly capabilities: Capabilities;
  /** Every GPU offer this account can buy, with current prices and availability. */
  listOffers(signal?: AbortSignal): Promise<Offer[]>;
  /** Launches one instance; with an idempotency key already used, returns that instance. */
  create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance>;
  /** Throws NotFoundError when the provider no longer knows the instance. */
  get(id: string, signal?: AbortSignal): Promise<Instance>;
  /** Instances this cluster owns (by tag or name prefix), terminated ones excluded. */
  list(signal?: AbortSignal): Promise<Instance[]>;
  /** Idempotent: an instance that is already gone counts as deleted. */
  delete(id: string, signal?: AbortSignal): Promise<void>;
  /** A cheap authenticated call; throws AuthError when the credentials do not work. */
  checkCredentials(signal?: AbortSignal): Promise<void>;
  /** Interruptions seen since the last call, where the provider can tell. */
  pollInterruptions?(signal?: AbortSignal): Promise<InterruptionNotice[]>;
}

/** What a provider adapter is built from: one GpuProvider object and its credentials. */
export interface ProviderConfig {
  /** GpuProvider metadata.name */
  name: string;
  spec: GpuProviderSpec;
}

export interface ProviderContext {
  /** Identifies this cluster in instance tags and name prefixes. */
  clusterName: string;
  /** The keys of the credentials Secret, decoded. Never log or echo these. */
  credentials: Record<string, string>;
  clock: Clock;
  logger: Logger;
  /** The sim cloud registers its booted machines as Nodes through this. */
  cluster?: ClusterPort;
  /** Overrides the vendor endpoint (tests point it at a local mock). */
  baseUrl?: string;
  /** Injected fetch for HTTP adapters (defaults to globalThis.fetch). */
  fetch?: typeof fetch;
}

/**
 * Builds one adapter. It may wait: an adapter whose module is heavy (AWS and its SDK)
 * loads it on its first build, so an operator without such a provider never pays for it.
 */
export type ProviderFactory = (config: ProviderConfig, ctx: ProviderContext) => CloudProvider | Promise<CloudProvider>;
