/**
 * RunPod: GPU offers from the v2 REST catalog (prices and stock per data centre), spot
 * bids from one GraphQL query (optional), pods through the v1 REST API.
 *
 * RunPod runs containers, not machines, so its pods can never become Talos nodes: the
 * adapter declares `node-join` unsupported and selection leaves RunPod out of node
 * launches, while `offers` still shows what RunPod would cost. Pods have no tags; the
 * name carries ownership (`gpr-<cluster>-` prefix) and idempotency (exact name), and
 * the request's tags ride along as one environment variable so they can be read back.
 */
import createClient, { type Client } from 'openapi-fetch';
import { describeError, InvalidRequestError, isNotFound, isProviderError, NotFoundError } from '../errors.js';
import { instanceNamePrefix } from '../naming.js';
import type {
  CapacityType,
  Capabilities,
  CloudProvider,
  Instance,
  InstanceState,
  InterruptionNotice,
  LaunchRequest,
  Offer,
  ProviderConfig,
  ProviderContext,
  ProviderFactory,
} from '../types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { fromGraphQLErrors, fromHttpFailure } from './errors.js';
import { httpCall, type HttpVendor } from '../http-call.js';
import type { ErrorContext } from '../http-errors.js';
import type { components as RestComponents, paths as RestPaths } from './generated/runpod.js';
import type { components as CatalogComponents, paths as CatalogPaths } from './generated/runpod-v2.js';
import { runpodGpuModel } from './gpu-names.js';
import { spotPriceQuery, spotPricesFrom, type SpotPriceAnswer } from './spot-prices.js';

type Pod = RestComponents['schemas']['Pod'];
type PodCreateInput = RestComponents['schemas']['PodCreateInput'];
type GpuType = CatalogComponents['schemas']['GpuType'];
type GpuTypeId = NonNullable<PodCreateInput['gpuTypeIds']>[number];
type DataCenterId = NonNullable<PodCreateInput['dataCenterIds']>[number];

export const RUNPOD_REST_URL = 'https://rest.runpod.io/v1';
export const RUNPOD_CATALOG_URL = 'https://api.runpod.io';
export const RUNPOD_GRAPHQL_URL = 'https://api.runpod.io/graphql';

/** Environment variables on every pod we launch; pods have no tags of their own. */
export const RunPodEnv = {
  tags: 'GPU_PROVISIONER_TAGS',
  idempotencyKey: 'GPU_PROVISIONER_IDEMPOTENCY_KEY',
  launchedAt: 'GPU_PROVISIONER_LAUNCHED_AT',
} as const;

export type RunPodCloud = 'SECURE' | 'COMMUNITY';

export interface RunPodProviderOptions {
  /** v1 REST API (pods). Default https://rest.runpod.io/v1, or ctx.baseUrl + '/v1'. */
  restBaseUrl?: string;
  /** v2 REST API (catalog), without the /v2. Default https://api.runpod.io, or ctx.baseUrl. */
  catalogBaseUrl?: string;
  /** GraphQL endpoint for spot prices. Default https://api.runpod.io/graphql, or ctx.baseUrl + '/graphql'. */
  graphqlUrl?: string;
  /**
   * Query spot (interruptible) prices over GraphQL and offer spot. Off by default: RunPod
   * is winding interruptible pods down and only its legacy GraphQL API prices them.
   */
  spotPrices?: boolean;
  /**
   * Secure cloud (RunPod's own data centres) by default: community hosts are third-party
   * machines with weaker isolation and reliability guarantees.
   */
  cloud?: RunPodCloud;
  /** GPU counts per pod to offer, each capped by the type's largest machine. Default 1, 2, 4, 8. */
  gpuCounts?: readonly number[];
  /** Minimum vCPUs and RAM per GPU asked for at launch; offers quote these floors. */
  vcpusPerGpu?: number;
  memoryGiBPerGpu?: number;
  /** The container a pod runs (RunPod cannot boot a machine image). */
  image?: string;
  startCommand?: readonly string[];
  containerDiskGb?: number;
}

const DEFAULTS = {
  gpuCounts: [1, 2, 4, 8],
  vcpusPerGpu: 2,
  memoryGiBPerGpu: 8,
  image: 'nvidia/cuda:12.4.1-base-ubuntu22.04',
  startCommand: ['sleep', 'infinity'],
  containerDiskGb: 20,
} as const;

export const NODE_JOIN_REASON = 'RunPod runs containers, not machines: it cannot boot Talos or run a kubelet';

/** What RunPod cannot do; spot only with GraphQL spot prices on (spec.runpod.spotPrices). */
export function runpodCapabilities(spotPrices: boolean): Capabilities {
  return {
    unsupported: {
      'node-join': NODE_JOIN_REASON,
      'capacity-reservation': 'RunPod has no capacity reservations to target',
      'interruption-notice': 'RunPod gives no advance notice; interruptions are found by polling pod state',
      ...(spotPrices ? {} : { spot: 'spot prices come only from RunPod GraphQL, which is off for this provider (GpuProvider spec.runpod.spotPrices)' }),
    },
  };
}

/** `<count>x <gpuTypeId>`: the RunPod GPU type id is needed verbatim to launch. */
export function runpodInstanceType(gpuTypeId: string, gpuCount: number): string {
  return `${gpuCount}x ${gpuTypeId}`;
}

export function parseRunpodInstanceType(instanceType: string): { gpuTypeId: string; gpuCount: number } | undefined {
  const m = /^(\d+)x (.+)$/.exec(instanceType);
  if (!m) return undefined;
  return { gpuCount: Number(m[1]), gpuTypeId: m[2]! };
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function podState(pod: Pod): InstanceState {
  switch (pod.desiredStatus) {
    case 'TERMINATED':
      return 'terminated';
    case 'EXITED':
      return 'stopped';
    default:
      return 'running';
  }
}

function podEnv(pod: Pod): Record<string, unknown> {
  const env: unknown = pod.env;
  return typeof env === 'object' && env !== null && !Array.isArray(env) ? (env as Record<string, unknown>) : {};
}

function parseTags(raw: unknown): Record<string, string> {
  if (typeof raw !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export class RunPodProvider implements CloudProvider {
  readonly type = 'runpod' as const;
  readonly name: string;
  readonly capabilities: Capabilities;

  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly apiKey: string;
  private readonly prefix: string;
  private readonly regions: ReadonlySet<string> | undefined;
  private readonly rest: Client<RestPaths>;
  private readonly catalog: Client<CatalogPaths>;
  private readonly fetchFn: typeof fetch;
  private readonly graphqlUrl: string;
  private readonly spot: boolean;
  private readonly cloud: RunPodCloud;
  private readonly gpuCounts: readonly number[];
  private readonly vcpusPerGpu: number;
  private readonly memoryGiBPerGpu: number;
  private readonly image: string;
  private readonly startCommand: readonly string[];
  private readonly containerDiskGb: number;
  private readonly vendor: HttpVendor;

  /** Pods we asked RunPod to delete: their exit is ours, not an interruption. */
  private readonly deleted = new Set<string>();
  /** Interruptible pods seen running; one that vanishes without our delete was interrupted. */
  private readonly watchedSpot = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(config: ProviderConfig, ctx: ProviderContext, options: RunPodProviderOptions = {}) {
    this.name = config.name;
    this.clock = ctx.clock;
    this.logger = ctx.logger.child({ provider: config.name, providerType: 'runpod' });
    this.apiKey = ctx.credentials.apiKey ?? '';
    this.prefix = instanceNamePrefix(ctx.clusterName);
    this.regions = config.spec.regions?.length ? new Set(config.spec.regions) : undefined;
    this.fetchFn = ctx.fetch ?? globalThis.fetch.bind(globalThis);
    this.spot = options.spotPrices ?? false;
    this.cloud = options.cloud ?? 'SECURE';
    this.gpuCounts = options.gpuCounts ?? DEFAULTS.gpuCounts;
    this.vcpusPerGpu = options.vcpusPerGpu ?? DEFAULTS.vcpusPerGpu;
    this.memoryGiBPerGpu = options.memoryGiBPerGpu ?? DEFAULTS.memoryGiBPerGpu;
    this.image = options.image ?? DEFAULTS.image;
    this.startCommand = options.startCommand ?? DEFAULTS.startCommand;
    this.containerDiskGb = options.containerDiskGb ?? DEFAULTS.containerDiskGb;
    this.vendor = { name: 'RunPod', fromHttpFailure, errorContext: () => this.errorContext() };

    const base = ctx.baseUrl?.replace(/\/+$/, '');
    const headers = { Authorization: `Bearer ${this.apiKey}` };
    const fetchFn = (req: Request) => this.fetchFn(req);
    this.rest = createClient<RestPaths>({ baseUrl: options.restBaseUrl ?? (base ? `${base}/v1` : RUNPOD_REST_URL), headers, fetch: fetchFn });
    this.catalog = createClient<CatalogPaths>({ baseUrl: options.catalogBaseUrl ?? base ?? RUNPOD_CATALOG_URL, headers, fetch: fetchFn });
    this.graphqlUrl = options.graphqlUrl ?? (base ? `${base}/graphql` : RUNPOD_GRAPHQL_URL);

    this.capabilities = runpodCapabilities(this.spot);
  }

  async listOffers(signal?: AbortSignal): Promise<Offer[]> {
    const counts = [...new Set(this.gpuCounts)].filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
    const [catalogs, spotPrices] = await Promise.all([
      Promise.all(counts.map((n) => this.listGpuTypes(n, signal).then((gpus) => ({ n, gpus })))),
      this.spot ? this.spotPrices(counts, signal) : Promise.resolve(new Map<string, Map<number, number>>()),
    ]);
    const offers: Offer[] = [];
    for (const { n, gpus } of catalogs) {
      for (const gpu of gpus) offers.push(...this.offersFor(gpu, n, spotPrices.get(gpu.id)?.get(n)));
    }
    return offers;
  }

  async create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    const name = req.name.startsWith(this.prefix) ? req.name : `${this.prefix}${req.name}`;
    const parsed = parseRunpodInstanceType(req.offer.instanceType);
    if (req.offer.providerType !== 'runpod' || !parsed) {
      throw new InvalidRequestError(`RunPod create pod: offer ${req.offer.instanceType} is not a RunPod offer`);
    }
    const existing = await this.findByName(name, signal);
    if (existing) {
      this.logger.info('pod already exists for this launch key; returning it', { podId: existing.id, name });
      return this.remember(this.toInstance(existing, req.offer.region));
    }

    const env: Record<string, string> = {
      [RunPodEnv.tags]: JSON.stringify(req.tags),
      [RunPodEnv.idempotencyKey]: req.idempotencyKey,
      [RunPodEnv.launchedAt]: new Date(this.clock.now()).toISOString(),
    };
    // The generated type makes every defaulted field required; the CPU-only ones keep RunPod's defaults.
    const body: PodCreateInput = {
      name,
      computeType: 'GPU',
      cloudType: this.cloud,
      gpuTypeIds: [parsed.gpuTypeId as GpuTypeId],
      gpuTypePriority: 'custom',
      gpuCount: parsed.gpuCount,
      interruptible: req.offer.capacityType === 'spot',
      dataCenterIds: [req.offer.region as DataCenterId],
      dataCenterPriority: 'custom',
      imageName: this.image,
      dockerEntrypoint: [],
      dockerStartCmd: [...this.startCommand],
      minVCPUPerGPU: this.vcpusPerGpu,
      minRAMPerGPU: this.memoryGiBPerGpu,
      containerDiskInGb: this.containerDiskGb,
      volumeInGb: 0,
      volumeMountPath: '/workspace',
      ports: [],
      globalNetworking: false,
      locked: false,
      cpuFlavorPriority: 'availability',
      vcpuCount: 2,
      // The spec types env as an object of `never` (it misuses `items`); the API takes string values.
      env: env as unknown as PodCreateInput['env'],
    };
    // The Talos user-data is never sent: RunPod cannot boot it, and it holds cluster secrets.
    const pod = await this.call('create pod', signal, (s) => this.rest.POST('/pods', { body, signal: s }));
    if (!pod?.id) throw new InvalidRequestError('RunPod create pod: the answer has no pod id');
    return this.remember(this.toInstance(pod, req.offer.region, req));
  }

  async get(id: string, signal?: AbortSignal): Promise<Instance> {
    const pod = await this.call('get pod', signal, (s) =>
      this.rest.GET('/pods/{podId}', { params: { path: { podId: id }, query: { includeMachine: true } }, signal: s }),
    );
    if (!pod?.id) throw new NotFoundError(`RunPod get pod: pod ${id} not found`);
    return this.toInstance(pod);
  }

  async list(signal?: AbortSignal): Promise<Instance[]> {
    const pods = await this.ownPods(signal);
    return pods.filter((p) => p.desiredStatus !== 'TERMINATED').map((p) => this.toInstance(p));
  }

  async delete(id: string, signal?: AbortSignal): Promise<void> {
    this.deleted.add(id);
    this.watchedSpot.delete(id);
    try {
      await this.call('delete pod', signal, (s) => this.rest.DELETE('/pods/{podId}', { params: { path: { podId: id } }, signal: s }));
    } catch (e) {
      if (isNotFound(e)) return;
      // RunPod answers 400 "Invalid Pod ID" for pods it no longer knows: ask before failing.
      if (isProviderError(e) && e.kind === 'InvalidRequest') {
        try {
          await this.get(id, signal);
        } catch (again) {
          if (isNotFound(again)) return;
        }
      }
      throw e;
    }
  }

  async checkCredentials(signal?: AbortSignal): Promise<void> {
    await this.call('check credentials', signal, (s) =>
      this.rest.GET('/pods', { params: { query: { name: `${this.prefix}credentials-check` } }, signal: s }),
    );
  }

  async pollInterruptions(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const pods = await this.ownPods(signal);
    const now = this.clock.now();
    const seen = new Set<string>();
    const notices: InterruptionNotice[] = [];
    const report = (instanceId: string) => {
      this.watchedSpot.delete(instanceId);
      if (this.reported.has(instanceId) || this.deleted.has(instanceId)) return;
      this.reported.add(instanceId);
      notices.push({ provider: this.name, instanceId, kind: 'spot-interruption', receivedAt: now });
    };
    for (const pod of pods) {
      if (!pod.id) continue;
      seen.add(pod.id);
      if (!pod.interruptible) continue;
      if (pod.desiredStatus === 'EXITED' || pod.desiredStatus === 'TERMINATED') report(pod.id);
      else if (!this.reported.has(pod.id)) this.watchedSpot.add(pod.id);
    }
    for (const id of [...this.watchedSpot]) if (!seen.has(id)) report(id);
    // Ids RunPod no longer lists cannot come back; forget them so the sets stay small.
    for (const id of [...this.deleted]) if (!seen.has(id)) this.deleted.delete(id);
    for (const id of [...this.reported]) if (!seen.has(id)) this.reported.delete(id);
    return notices;
  }

  private remember(inst: Instance): Instance {
    if (inst.capacityType === 'spot' && inst.state === 'running') this.watchedSpot.add(inst.id);
    return inst;
  }

  private async listGpuTypes(gpuCount: number, signal?: AbortSignal): Promise<GpuType[]> {
    const answer = await this.call(`list GPU types (${gpuCount} GPU)`, signal, (s) =>
      this.catalog.GET('/v2/catalog/gpus', {
        params: { query: { include: ['AVAILABILITY'], product: ['POD'], count: gpuCount, cloud: this.cloud } },
        signal: s,
      }),
    );
    return answer?.gpus ?? [];
  }

  private offersFor(gpu: GpuType, n: number, spotPerGpu: number | undefined): Offer[] {
    const model = runpodGpuModel(gpu.id);
    if (!model) return [];
    const secure = this.cloud === 'SECURE';
    if (!(secure ? gpu.secure : gpu.community)) return [];
    if (n > (secure ? gpu.maxCount.secure : gpu.maxCount.community)) return [];
    const perGpu = secure ? gpu.price.secure : gpu.price.community;
    if (!(perGpu > 0)) return [];

    const prices: Array<[CapacityType, number]> = [['on-demand', perGpu]];
    if (spotPerGpu !== undefined) prices.push(['spot', spotPerGpu]);
    const offers: Offer[] = [];
    for (const dc of gpu.dataCenters ?? []) {
      if (this.regions && !this.regions.has(dc.id)) continue;
      for (const [capacityType, price] of prices) {
        offers.push({
          provider: this.name,
          providerType: 'runpod',
          instanceType: runpodInstanceType(gpu.id, n),
          gpuModel: model,
          gpuCount: n,
          gpuMemoryGiB: gpu.memory,
          vcpus: this.vcpusPerGpu * n,
          memoryGiB: this.memoryGiBPerGpu * n,
          region: dc.id,
          capacityType,
          pricePerHour: round4(price * n),
          available: dc.availability !== 'NONE',
        });
      }
    }
    return offers;
  }

  /** Spot prices are a bonus: when GraphQL fails, on-demand offers still go out. */
  private async spotPrices(counts: readonly number[], signal?: AbortSignal): Promise<Map<string, Map<number, number>>> {
    const operation = 'query spot prices';
    try {
      const answer = await httpCall(this.vendor, operation, signal, async (s) => {
        const response = await this.fetchFn(this.graphqlUrl, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: spotPriceQuery(counts, this.cloud === 'SECURE') }),
          ...(s ? { signal: s } : {}),
        });
        const text = await response.text();
        if (!response.ok) return { error: jsonOrText(text), response };
        return { data: JSON.parse(text) as SpotPriceAnswer, response };
      });
      if (answer?.errors?.length && !answer.data?.gpuTypes) throw fromGraphQLErrors(answer.errors, operation, this.errorContext());
      return answer ? spotPricesFrom(answer, counts) : new Map();
    } catch (e) {
      if (signal?.aborted) throw e;
      this.logger.warn('spot prices unavailable; offering on-demand only', { error: describeError(e) });
      return new Map();
    }
  }

  private async findByName(name: string, signal?: AbortSignal): Promise<Pod | undefined> {
    const pods = await this.call('find pod by name', signal, (s) =>
      this.rest.GET('/pods', { params: { query: { name, includeMachine: true } }, signal: s }),
    );
    return (pods ?? []).find((p) => p.name === name && p.id && p.desiredStatus !== 'TERMINATED');
  }

  private async ownPods(signal?: AbortSignal): Promise<Pod[]> {
    const pods = await this.call('list pods', signal, (s) =>
      this.rest.GET('/pods', { params: { query: { includeMachine: true } }, signal: s }),
    );
    return (pods ?? []).filter((p) => typeof p.id === 'string' && typeof p.name === 'string' && p.name.startsWith(this.prefix));
  }

  private toInstance(pod: Pod, fallbackRegion?: string, launched?: LaunchRequest): Instance {
    const env = podEnv(pod);
    const tags = launched?.tags ?? parseTags(env[RunPodEnv.tags]);
    const launchedAtRaw = env[RunPodEnv.launchedAt] ?? pod.lastStartedAt;
    const launchedAt = typeof launchedAtRaw === 'string' ? Date.parse(launchedAtRaw) : NaN;
    const gpuTypeId = pod.gpu?.id ?? pod.machine?.gpuTypeId;
    const gpuCount = pod.gpu?.count;
    const key = launched?.idempotencyKey ?? env[RunPodEnv.idempotencyKey];
    const cost = Number(pod.costPerHr ?? pod.adjustedCostPerHr);
    return {
      id: pod.id!,
      ...(pod.name ? { name: pod.name } : {}),
      provider: this.name,
      providerType: 'runpod',
      instanceType:
        gpuTypeId && gpuCount ? runpodInstanceType(gpuTypeId, gpuCount) : (launched?.offer.instanceType ?? 'unknown'),
      region: pod.machine?.dataCenterId ?? fallbackRegion ?? 'unknown',
      capacityType: pod.interruptible ? 'spot' : 'on-demand',
      pricePerHour: Number.isFinite(cost) && cost > 0 ? cost : (launched?.offer.pricePerHour ?? 0),
      state: podState(pod),
      ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      tags,
      launchedAt: Number.isNaN(launchedAt) ? this.clock.now() : launchedAt,
    };
  }

  private errorContext(): ErrorContext {
    return { secrets: [this.apiKey], now: this.clock.now() };
  }

  /** One openapi-fetch call, one attempt under the pipeline's signal. */
  private call<D>(
    operation: string,
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal | undefined) => Promise<{ data?: D; error?: unknown; response: Response }>,
  ): Promise<D | undefined> {
    return httpCall(this.vendor, operation, signal, run);
  }
}

/** A non-JSON error page is quoted as text. */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Builds a RunPod adapter with the given options (spot prices, cloud, image ...). */
export function runPodProviderFactory(options: RunPodProviderOptions = {}): ProviderFactory {
  return (config, ctx) =>
    new RunPodProvider(config, ctx, { spotPrices: config.spec.runpod?.spotPrices ?? false, ...options });
}

