/**
 * Lambda Cloud: on-demand GPU machines, priced per instance type and sold in whichever
 * regions have capacity right now. There are no spot machines and no custom images;
 * the node boots Talos through cloud-init `user_data` (see src/talos/).
 *
 * Ownership is by name: every instance this cluster launches is named with the launch
 * key `gpr-<cluster>-...`, which also makes create idempotent (Lambda has no client
 * token, so create looks for the name before it launches).
 */
import createClient from 'openapi-fetch';
import { AuthError, InvalidRequestError, isNotFound, UnsupportedError } from '../errors.js';
import { httpCall, type HttpVendor } from '../http-call.js';
import { instanceNamePrefix } from '../naming.js';
import type {
  Capabilities,
  CloudProvider,
  Instance,
  InstanceState,
  InterruptionNotice,
  LaunchRequest,
  Offer,
  ProviderConfig,
  ProviderContext,
} from '../types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { GPU_MODELS } from '../../api/gpu-models.js';
import { GROUP } from '../../api/constants.js';
import { fromHttpFailure, type LambdaOperation, malformedAnswer } from './errors.js';
import { lambdaArch, lambdaGpuMemoryGiB, lambdaGpuModel } from './gpu-names.js';
import type { components, paths } from './generated/lambda.js';

type LambdaInstance = components['schemas']['Instance'];
type LambdaStatus = components['schemas']['InstanceStatus'];
type RegionCode = components['schemas']['PublicRegionCode'];

export const LAMBDA_BASE_URL = 'https://cloud.lambda.ai';

const STATES: Record<LambdaStatus, InstanceState> = {
  booting: 'pending',
  // Up but failing Lambda's health checks: still billed and still ours; the node's
  // own readiness tells the controllers whether it is usable.
  active: 'running',
  unhealthy: 'running',
  terminating: 'terminating',
  terminated: 'terminated',
  // Lambda took the machine back; it will not return.
  preempted: 'terminated',
};

const HOSTNAME = /^[a-z0-9][0-9a-z-]{0,62}$/;
const TAG_KEY = /^[a-z][a-z0-9-:]+$/;
const GROUP_TAG_PREFIX = `${GROUP.replace(/\./g, '-')}:`;

/** Lambda tag keys allow only `[a-z0-9-:]`: `gpu-provisioner.dev/cluster` -> `gpu-provisioner-dev:cluster`. */
export function toLambdaTagKey(key: string): string | undefined {
  const k = key.startsWith(`${GROUP}/`) ? GROUP_TAG_PREFIX + key.slice(GROUP.length + 1) : key;
  const safe = k.toLowerCase().replace(/\//g, ':').replace(/[^a-z0-9-:]/g, '-').slice(0, 55);
  return TAG_KEY.test(safe) ? safe : undefined;
}

export function fromLambdaTagKey(key: string): string {
  return key.startsWith(GROUP_TAG_PREFIX) ? `${GROUP}/${key.slice(GROUP_TAG_PREFIX.length)}` : key;
}

/** What Lambda Cloud cannot do, as the adapter and its definition both state it. */
export const LAMBDA_CAPABILITIES: Capabilities = {
  unsupported: {
    spot: 'Lambda Cloud sells no spot capacity',
    'capacity-reservation': 'Lambda Cloud reservations are contracts made with sales, not an API',
    'interruption-notice': 'Lambda Cloud gives no notice before a machine is preempted; it is only seen afterwards',
  },
};

export class LambdaProvider implements CloudProvider {
  readonly type = 'lambda' as const;
  readonly capabilities: Capabilities = LAMBDA_CAPABILITIES;

  private readonly client: ReturnType<typeof createClient<paths>>;
  private readonly secrets: string[];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly vendor: HttpVendor<LambdaOperation>;
  private readonly prefix: string;
  private readonly sshKeyName: string | undefined;
  private readonly regions: ReadonlySet<string> | undefined;
  /** Lambda reports no launch time, so it is the first time this process saw the instance. */
  private readonly firstSeen = new Map<string, number>();
  /** Preemptions already reported by pollInterruptions. */
  private readonly reported = new Set<string>();

  constructor(
    readonly name: string,
    config: ProviderConfig,
    ctx: ProviderContext,
  ) {
    const apiKey = ctx.credentials.apiKey ?? '';
    this.secrets = apiKey ? [apiKey] : [];
    this.clock = ctx.clock;
    this.logger = ctx.logger.child({ provider: name, providerType: 'lambda' });
    this.vendor = { name: 'Lambda', fromHttpFailure, errorContext: () => ({ secrets: this.secrets, now: this.clock.now() }) };
    this.prefix = instanceNamePrefix(ctx.clusterName);
    this.sshKeyName = config.spec.lambda?.sshKeyName;
    this.regions = config.spec.regions?.length ? new Set(config.spec.regions) : undefined;
    const f = ctx.fetch ?? globalThis.fetch;
    this.client = createClient<paths>({
      baseUrl: (ctx.baseUrl ?? LAMBDA_BASE_URL).replace(/\/+$/, ''),
      fetch: (req) => f(req),
      headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
    });
  }

  async listOffers(signal?: AbortSignal): Promise<Offer[]> {
    const data = await this.call('list instance types', signal, (s) => this.client.GET('/api/v1/instance-types', { signal: s }));
    if (typeof data !== 'object' || data === null) throw malformedAnswer('list instance types', 'no data');
    const offers: Offer[] = [];
    for (const item of Object.values(data)) {
      const t = item?.instance_type;
      if (!t?.specs) continue;
      const gpuModel = lambdaGpuModel(t.gpu_description ?? '');
      if (!gpuModel) continue;
      const pricePerHour = t.price_cents_per_hour / 100;
      if (!(pricePerHour > 0) || !(t.specs.gpus > 0)) continue;
      for (const region of item.regions_with_capacity_available ?? []) {
        if (this.regions && !this.regions.has(region.name)) continue;
        offers.push({
          provider: this.name,
          providerType: 'lambda',
          instanceType: t.name,
          gpuModel,
          gpuCount: t.specs.gpus,
          gpuMemoryGiB: lambdaGpuMemoryGiB(t.gpu_description) ?? GPU_MODELS[gpuModel].memoryGiB,
          vcpus: t.specs.vcpus,
          memoryGiB: t.specs.memory_gib,
          arch: lambdaArch(t.gpu_description ?? ''),
          region: region.name,
          capacityType: 'on-demand',
          pricePerHour,
          available: true,
        });
      }
    }
    return offers;
  }

  async create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    if (req.offer.capacityType !== 'on-demand') {
      throw new UnsupportedError(`Lambda launch: ${this.capabilities.unsupported.spot}`);
    }
    if (!this.sshKeyName) {
      throw new InvalidRequestError('Lambda launch: GpuProvider spec.lambda.sshKeyName is required; Lambda launches need exactly one SSH key');
    }
    const existing = (await this.listAll(signal)).find((i) => i.name === req.name && STATES[i.status] !== 'terminated');
    if (existing) {
      this.logger.info('instance with this launch key already exists', { instanceId: existing.id, name: req.name });
      return this.toInstance(existing);
    }

    const tags = Object.entries(req.tags).flatMap(([k, v]) => {
      const key = toLambdaTagKey(k);
      return key ? [{ key, value: v.slice(0, 128) }] : [];
    });
    const hostname = req.bootstrap.hostname.toLowerCase();
    const data = await this.call('launch', signal, (s) =>
      this.client.POST('/api/v1/instance-operations/launch', {
        signal: s,
        body: {
          region_name: req.offer.region as RegionCode,
          instance_type_name: req.offer.instanceType,
          ssh_key_names: [this.sshKeyName!],
          name: req.name.slice(0, 64),
          ...(HOSTNAME.test(hostname) ? { hostname } : {}),
          ...(req.bootstrap.userData !== undefined ? { user_data: req.bootstrap.userData } : {}),
          ...(tags.length > 0 ? { tags } : {}),
        },
      }),
    );
    const id = data?.instance_ids?.[0];
    if (typeof id !== 'string') throw malformedAnswer('launch', 'no instance id');
    const now = this.clock.now();
    this.firstSeen.set(id, now);
    this.logger.info('launched instance', { instanceId: id, name: req.name, instanceType: req.offer.instanceType, region: req.offer.region });
    // Built from the request rather than read back: a fresh launch can take a moment
    // to show in GET /instances, and Lambda allows one request per second.
    return {
      id,
      name: req.name,
      provider: this.name,
      providerType: 'lambda',
      instanceType: req.offer.instanceType,
      region: req.offer.region,
      capacityType: 'on-demand',
      pricePerHour: req.offer.pricePerHour,
      state: 'pending',
      idempotencyKey: req.idempotencyKey,
      tags: { ...req.tags },
      launchedAt: now,
    };
  }

  async get(id: string, signal?: AbortSignal): Promise<Instance> {
    const data = await this.call('get instance', signal, (s) =>
      this.client.GET('/api/v1/instances/{id}', { signal: s, params: { path: { id } } }),
    );
    if (!data?.id) throw malformedAnswer('get instance', 'no instance');
    return this.toInstance(data);
  }

  async list(signal?: AbortSignal): Promise<Instance[]> {
    return (await this.listAll(signal))
      .filter((i) => this.owns(i) && STATES[i.status] !== 'terminated')
      .map((i) => this.toInstance(i));
  }

  async delete(id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('terminate', signal, (s) =>
        this.client.POST('/api/v1/instance-operations/terminate', { signal: s, body: { instance_ids: [id] } }),
      );
      this.logger.info('terminating instance', { instanceId: id });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }

  async checkCredentials(signal?: AbortSignal): Promise<void> {
    if (this.secrets.length === 0) throw new AuthError('Lambda: the credentials Secret has no apiKey');
    await this.call('list ssh keys', signal, (s) => this.client.GET('/api/v1/ssh-keys', { signal: s }));
  }

  /** Lambda has no notice; a `preempted` machine of ours is reported once, after the fact. */
  async pollInterruptions(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const notices: InterruptionNotice[] = [];
    for (const i of await this.listAll(signal)) {
      if (i.status !== 'preempted' || !this.owns(i) || this.reported.has(i.id)) continue;
      this.reported.add(i.id);
      notices.push({ provider: this.name, instanceId: i.id, kind: 'terminated', receivedAt: this.clock.now() });
    }
    return notices;
  }

  private owns(i: LambdaInstance): boolean {
    return typeof i.name === 'string' && i.name.startsWith(this.prefix);
  }

  private async listAll(signal?: AbortSignal): Promise<LambdaInstance[]> {
    const data = await this.call('list instances', signal, (s) => this.client.GET('/api/v1/instances', { signal: s }));
    if (!Array.isArray(data)) throw malformedAnswer('list instances', 'data is not a list');
    return data;
  }

  private toInstance(i: LambdaInstance): Instance {
    let launchedAt = this.firstSeen.get(i.id);
    if (launchedAt === undefined) {
      launchedAt = this.clock.now();
      this.firstSeen.set(i.id, launchedAt);
    }
    const tags: Record<string, string> = {};
    for (const t of i.tags ?? []) tags[fromLambdaTagKey(t.key)] = t.value;
    return {
      id: i.id,
      ...(i.name ? { name: i.name, idempotencyKey: i.name } : {}),
      provider: this.name,
      providerType: 'lambda',
      instanceType: i.instance_type?.name ?? '',
      region: i.region?.name ?? '',
      capacityType: 'on-demand',
      pricePerHour: (i.instance_type?.price_cents_per_hour ?? 0) / 100,
      state: STATES[i.status] ?? 'pending',
      tags,
      launchedAt,
    };
  }

  /**
   * One attempt of one call under the pipeline's signal. Returns the `data` of
   * Lambda's `{ data }` envelope; every failure leaves as a shared provider error.
   */
  private async call<T>(
    operation: LambdaOperation,
    signal: AbortSignal | undefined,
    send: (signal: AbortSignal | undefined) => Promise<{ data?: { data?: T }; error?: unknown; response: Response }>,
  ): Promise<T> {
    if (this.secrets.length === 0) throw new AuthError(`Lambda ${operation}: the credentials Secret has no apiKey`);
    const data = await httpCall(this.vendor, operation, signal, send);
    if (typeof data !== 'object' || data === null || !('data' in data)) throw malformedAnswer(operation, 'no data envelope');
    return data.data as T;
  }
}


