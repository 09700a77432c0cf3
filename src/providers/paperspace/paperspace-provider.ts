/**
 * Paperspace machines as GPU nodes. Paperspace has no price API (prices come from the
 * shipped table in prices.ts), no spot market, no tags and no idempotency key, so this
 * adapter owns machines by name prefix (`gpr-<cluster>-`) and makes create idempotent
 * by looking the exact name up before buying. The Talos bootstrap goes in as a run-once
 * startup script, created first and attached to the machine; deleting the machine
 * deletes its script too.
 */
import createClient from 'openapi-fetch';
import {
  AuthError,
  InvalidRequestError,
  isNotFound,
  type ProviderError,
  TransientError,
  UnsupportedError,
} from '../errors.js';
import { httpCall, type HttpVendor } from '../http-call.js';
import { instanceNamePrefix } from '../naming.js';
import type {
  Capabilities,
  CloudProvider,
  Instance,
  InstanceState,
  LaunchRequest,
  Offer,
  ProviderConfig,
  ProviderContext,
} from '../types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { fromEventError, fromHttpFailure } from './errors.js';
import type { ErrorContext } from '../http-errors.js';
import type { components, paths } from './generated/paperspace.js';
import { MACHINE_TYPES, machineTypeSpec } from './gpu-names.js';
import { priceTable } from './prices.js';
import { apiRegion, REGION_CODES, regionCode } from './regions.js';

type Machine = components['schemas']['Machine'];
type StartupScript = components['schemas']['StartupScript'];
type Client = ReturnType<typeof createClient<paths>>;

export const PAPERSPACE_BASE_URL = 'https://api.paperspace.com/v1';

/** The OS template machines boot before the startup script kexecs into Talos. */
export const DEFAULT_TEMPLATE_NAME = 'Ubuntu 22.04';

/** Startup scripts are limited to 16 KiB by Paperspace. */
export const MAX_STARTUP_SCRIPT_BYTES = 16 * 1024;

export interface PaperspaceOptions {
  /**
   * How long create follows the machine's create event before returning the machine
   * as pending. Kept under the pipeline's per-attempt timeout so the wait never
   * turns a good launch into a timeout. Default 20 s.
   */
  eventWaitMs?: number;
  /** Between polls of the create event. Default 2 s. */
  eventPollMs?: number;
  /** Pins the OS template; otherwise the first template named like `templateName`. */
  templateId?: string;
  templateName?: string;
  /** Boot disk in GB. Default 100. */
  diskSizeGb?: number;
}

const PAGE_SIZE = 120;
const AVAILABILITY_CONCURRENCY = 4;

function machineState(m: Machine): InstanceState {
  if (m.dtDeleted) return 'terminated';
  switch (m.state) {
    case 'ready':
    case 'serviceready':
      return 'running';
    case 'stopping':
      return 'stopping';
    case 'off':
      return 'stopped';
    default:
      return 'pending';
  }
}

export const PAPERSPACE_CAPABILITIES: Capabilities = {
  unsupported: {
    spot: 'Paperspace sells on-demand machines only; there is no spot or preemptible market.',
    'price-api': 'Paperspace publishes no price API; prices come from a dated table and spec.paperspace.priceOverrides.',
    'capacity-reservation': 'Paperspace has no capacity reservations in its API.',
    'interruption-notice': 'On-demand machines are not interrupted; lost machines are found by polling.',
  },
};

export class PaperspaceProvider implements CloudProvider {
  readonly type = 'paperspace' as const;
  readonly name: string;
  readonly capabilities: Capabilities = PAPERSPACE_CAPABILITIES;

  private readonly client: Client;
  private readonly prefix: string;
  private readonly prices: Map<string, number>;
  private readonly regions: readonly string[];
  private readonly apiKey: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly vendor: HttpVendor;
  private readonly eventWaitMs: number;
  private readonly eventPollMs: number;
  private readonly diskSizeGb: number;
  private readonly templateName: string;
  private templateId?: string;

  constructor(config: ProviderConfig, ctx: ProviderContext, opts: PaperspaceOptions = {}) {
    this.name = config.name;
    this.apiKey = ctx.credentials.apiKey ?? '';
    this.clock = ctx.clock;
    this.logger = ctx.logger.child({ provider: config.name });
    this.prefix = instanceNamePrefix(ctx.clusterName);
    this.prices = priceTable(config.spec.paperspace?.priceOverrides, this.logger);
    this.regions = config.spec.regions?.length ? config.spec.regions.map((r) => r.toLowerCase()) : REGION_CODES;
    this.vendor = { name: 'paperspace', fromHttpFailure, errorContext: () => this.errorContext() };
    this.eventWaitMs = opts.eventWaitMs ?? 20_000;
    this.eventPollMs = opts.eventPollMs ?? 2_000;
    this.diskSizeGb = opts.diskSizeGb ?? 100;
    this.templateName = opts.templateName ?? DEFAULT_TEMPLATE_NAME;
    this.templateId = opts.templateId;
    this.client = createClient<paths>({
      baseUrl: ctx.baseUrl ?? PAPERSPACE_BASE_URL,
      fetch: ctx.fetch ?? globalThis.fetch,
      headers: { Authorization: `Bearer ${this.apiKey}` },
    });
  }

  async listOffers(signal?: AbortSignal): Promise<Offer[]> {
    const pairs: { machineType: string; region: string; price: number }[] = [];
    for (const machineType of Object.keys(MACHINE_TYPES)) {
      const price = this.prices.get(machineType);
      if (price === undefined) continue;
      for (const region of this.regions) pairs.push({ machineType, region, price });
    }
    const offers = await mapPool(pairs, AVAILABILITY_CONCURRENCY, async ({ machineType, region, price }) => {
      const { available } = await this.call('get machine availability', signal, (s) =>
        this.client.GET('/machine-availability', { params: { query: { machineType, region: apiRegion(region) } }, signal: s }),
      );
      const spec = machineTypeSpec(machineType)!;
      const offer: Offer = {
        provider: this.name,
        providerType: this.type,
        instanceType: machineType,
        gpuModel: spec.gpuModel,
        gpuCount: spec.gpuCount,
        gpuMemoryGiB: spec.gpuMemoryGiB,
        vcpus: spec.vcpus,
        memoryGiB: spec.memoryGiB,
        region,
        capacityType: 'on-demand',
        pricePerHour: price,
        available,
      };
      return offer;
    });
    return offers;
  }

  async create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    if (req.offer.capacityType === 'spot') throw new UnsupportedError(`paperspace: ${this.capabilities.unsupported.spot}`);
    if (!machineTypeSpec(req.offer.instanceType)) {
      throw new InvalidRequestError(`paperspace: unknown machine type ${req.offer.instanceType}`);
    }
    const script = req.bootstrap.userData;
    if (script !== undefined && Buffer.byteLength(script, 'utf8') > MAX_STARTUP_SCRIPT_BYTES) {
      throw new InvalidRequestError(
        `paperspace: bootstrap is ${Buffer.byteLength(script, 'utf8')} bytes; startup scripts hold at most ${MAX_STARTUP_SCRIPT_BYTES}`,
      );
    }
    const name = req.name.startsWith(this.prefix) ? req.name : `${this.prefix}${req.name}`;

    const existing = await this.findMachineByName(name, signal);
    if (existing) return this.toInstance(existing);

    const templateId = await this.resolveTemplate(signal);
    const scriptId = script !== undefined ? await this.ensureStartupScript(name, script, signal) : undefined;

    let created: components['schemas']['MachineWithEvent'];
    try {
      created = await this.call('create machine', signal, (s) =>
        this.client.POST('/machines', {
          body: {
            name,
            machineType: req.offer.instanceType,
            templateId,
            region: apiRegion(req.offer.region),
            diskSize: this.diskSizeGb,
            publicIpType: 'dynamic',
            startOnCreate: true,
            // The operator never logs in with a password; do not mail one out.
            emailPassword: false,
            ...(scriptId !== undefined ? { startupScriptId: scriptId } : {}),
          },
          signal: s,
        }),
      );
    } catch (e) {
      if (scriptId !== undefined) await this.bestEffort('delete startup script', () => this.deleteScript(scriptId));
      throw e;
    }
    const machine = created.data;
    if (!machine?.id) throw fromEventError('create machine', 'response carried no machine id', this.errorContext());

    const failure = await this.waitForEvent(created.event?.id, signal);
    if (failure) {
      // A machine whose create event failed is dead weight that may still bill: remove it
      // so a retry with the same name launches afresh instead of finding it.
      await this.bestEffort('delete failed machine', () => this.delete(machine.id!));
      throw failure;
    }
    return this.toInstance(machine);
  }

  async get(id: string, signal?: AbortSignal): Promise<Instance> {
    const m = await this.call('get machine', signal, (s) =>
      this.client.GET('/machines/{id}', { params: { path: { id } }, signal: s }),
    );
    return this.toInstance(m);
  }

  async list(signal?: AbortSignal): Promise<Instance[]> {
    const machines = await this.listMachines({}, signal);
    return machines
      .filter((m) => m.name?.startsWith(this.prefix) && machineState(m) !== 'terminated')
      .map((m) => this.toInstance(m));
  }

  async delete(id: string, signal?: AbortSignal): Promise<void> {
    let machine: Machine | undefined;
    try {
      machine = await this.call('get machine', signal, (s) =>
        this.client.GET('/machines/{id}', { params: { path: { id } }, signal: s }),
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (machine && !machine.name?.startsWith(this.prefix)) {
      throw new InvalidRequestError(`paperspace: refusing to delete machine ${id}: not launched by this cluster`);
    }
    if (machine && !machine.dtDeleted) {
      try {
        await this.call('delete machine', signal, (s) =>
          this.client.DELETE('/machines/{id}', { params: { path: { id } }, signal: s }),
        );
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    await this.deleteScriptsOf(id, machine?.name, signal);
  }

  async checkCredentials(signal?: AbortSignal): Promise<void> {
    await this.call('list machines', signal, (s) =>
      this.client.GET('/machines', { params: { query: { limit: 1 } }, signal: s }),
    );
  }

  private toInstance(m: Machine): Instance {
    const instanceType = m.machineType ?? '';
    const rate = typeof m.usageRate === 'number' && m.usageRate > 0 ? m.usageRate : undefined;
    const launchedAt = m.dtCreated ? Date.parse(m.dtCreated) : NaN;
    return {
      id: m.id ?? '',
      name: m.name,
      provider: this.name,
      providerType: this.type,
      instanceType,
      region: regionCode(m.region),
      capacityType: 'on-demand',
      pricePerHour: rate ?? this.prices.get(instanceType) ?? 0,
      state: machineState(m),
      idempotencyKey: m.name,
      tags: {},
      launchedAt: Number.isNaN(launchedAt) ? this.clock.now() : launchedAt,
    };
  }

  private async findMachineByName(name: string, signal?: AbortSignal): Promise<Machine | undefined> {
    const machines = await this.listMachines({ name }, signal);
    return machines.find((m) => m.name === name && !m.dtDeleted);
  }

  private async listMachines(filter: { name?: string }, signal?: AbortSignal): Promise<Machine[]> {
    const out: Machine[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.call('list machines', signal, (s) =>
        this.client.GET('/machines', {
          params: { query: { limit: PAGE_SIZE, ...filter, ...(after ? { after } : {}) } },
          signal: s,
        }),
      );
      out.push(...page.items);
      if (!morePages(page, after)) return out;
      after = page.nextPage!;
    }
  }

  private async listScripts(filter: { name?: string }, signal?: AbortSignal): Promise<StartupScript[]> {
    const out: StartupScript[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.call('list startup scripts', signal, (s) =>
        this.client.GET('/startup-scripts', {
          params: { query: { limit: PAGE_SIZE, ...filter, ...(after ? { after } : {}) } },
          signal: s,
        }),
      );
      out.push(...page.items);
      if (!morePages(page, after)) return out;
      after = page.nextPage!;
    }
  }

  /** Reuses the script a crashed earlier attempt made for this name, else makes one. */
  private async ensureStartupScript(name: string, script: string, signal?: AbortSignal): Promise<string> {
    const existing = (await this.listScripts({ name }, signal)).find((s) => s.name === name && !s.dtDeleted);
    if (existing) return existing.id;
    const created = await this.call('create startup script', signal, (s) =>
      this.client.POST('/startup-scripts', { body: { name, script, isRunOnce: true }, signal: s }),
    );
    return created.id;
  }

  private async deleteScriptsOf(machineId: string, machineName: string | undefined, signal?: AbortSignal): Promise<void> {
    const scripts = await this.listScripts(machineName ? { name: machineName } : {}, signal);
    const ours = scripts.filter(
      (s) => s.name.startsWith(this.prefix) && (s.name === machineName || s.assignedMachineIds.includes(machineId)),
    );
    for (const s of ours) await this.deleteScript(s.id, signal);
  }

  private async deleteScript(id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('delete startup script', signal, (s) =>
        this.client.DELETE('/startup-scripts/{id}', { params: { path: { id } }, signal: s }),
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async resolveTemplate(signal?: AbortSignal): Promise<string> {
    if (this.templateId) return this.templateId;
    const page = await this.call('list os templates', signal, (s) =>
      this.client.GET('/os-templates', { params: { query: { name: this.templateName } }, signal: s }),
    );
    const wanted = this.templateName.toLowerCase();
    const found = page.items.find((t) => t.id && t.name?.toLowerCase().includes(wanted));
    if (!found?.id) {
      throw new InvalidRequestError(`paperspace: no OS template named like "${this.templateName}"; pin one with templateId`);
    }
    this.templateId = found.id;
    return found.id;
  }

  /**
   * Follows the create event until it is done or failed, for at most `eventWaitMs`.
   * Returns the failure, or undefined when it succeeded or is still going (the machine
   * is then returned as pending and the join timeout covers the rest).
   */
  private async waitForEvent(eventId: string | undefined, signal?: AbortSignal): Promise<ProviderError | undefined> {
    if (!eventId) return undefined;
    const deadline = this.clock.now() + this.eventWaitMs;
    for (;;) {
      const event = await this.call('get machine event', signal, (s) =>
        this.client.GET('/machine-events/{id}', { params: { path: { id: eventId } }, signal: s }),
      );
      if (event.state === 'done') return undefined;
      if (event.state === 'error' || event.state === 'cancelled') {
        return fromEventError('create machine', event.error ?? event.state, this.errorContext());
      }
      const left = deadline - this.clock.now();
      if (left <= 0) return undefined;
      await this.clock.sleep(Math.min(this.eventPollMs, left), signal);
    }
  }

  private async bestEffort(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.logger.warn(`paperspace: ${what} failed; garbage collection will retry`, {
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  private errorContext(): ErrorContext {
    return { secrets: [this.apiKey], now: this.clock.now() };
  }

  /** One HTTP call, one attempt under the pipeline's signal; an empty 2xx body is a malformed answer. */
  private async call<T>(
    operation: string,
    signal: AbortSignal | undefined,
    fn: (signal: AbortSignal | undefined) => Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<T> {
    if (!this.apiKey) throw new AuthError('paperspace: the credentials secret has no apiKey');
    const data = await httpCall(this.vendor, operation, signal, fn);
    if (data === undefined) throw new TransientError(`paperspace ${operation}: the answer had no body`);
    return data;
  }
}

/**
 * Whether to fetch another page. A cursor that does not move would loop for ever, so it
 * ends the listing as surely as `hasMore: false`.
 */
function morePages(page: { hasMore: boolean; nextPage?: string | null }, after: string | undefined): boolean {
  return page.hasMore && !!page.nextPage && page.nextPage !== after;
}

/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
async function mapPool<I, O>(items: readonly I[], limit: number, fn: (item: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        // The first failure fails the whole listing; stop spending requests on it.
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
