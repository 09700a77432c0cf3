/**
 * Assembles the operator from its ports: the same wiring runs in a cluster (main.ts,
 * client-node) and in the demo and tests (in-memory cluster, sim cloud).
 */
import { ControllerManager, type ReconcileEvent } from './controller/runtime/manager.js';
import { LeaderElector } from './controller/runtime/leader-election.js';
import { GpuRequestController, type RequestControllerOptions } from './controller/request/controller.js';
import { GpuMachineController } from './controller/machine/controller.js';
import { GpuProviderController } from './controller/provider/controller.js';
import { InterruptionRouter } from './controller/interruption/router.js';
import { errorPolicy } from './controller/error-policy.js';
import {
  defaultLifecycleOptions,
  type BootstrapBuilder,
  type ControllerContext,
  type LifecycleOptions,
} from './controller/context.js';
import type { ClusterPort } from './kube/types.js';
import { OfferCache } from './pricing/offer-cache.js';
import { UnavailableOfferings } from './pricing/unavailable-offerings.js';
import { ProviderRegistry } from './providers/registry.js';
import type { ProviderCallMetrics } from './providers/pipeline/metrics.js';
import { createBootstrapBuilder } from './providers/bootstrap.js';
import type { ProviderFactory, ProviderType } from './providers/types.js';
import type { Clock } from './util/clock.js';
import type { Logger } from './util/logger.js';
import { InterruptionPoller } from './controller/interruption/poller.js';
import { GarbageCollector } from './controller/garbagecollection/collector.js';
import { noLifecycleMetrics, type LifecycleMetrics } from './metrics/lifecycle-metrics.js';
import { GpuBudgetController } from './controller/budget/controller.js';
import { BudgetGuard } from './controller/budget/guard.js';
import { InstanceCensus } from './controller/machine/instance-census.js';
import { createTalosBootstrap, type TalosDefaults } from './talos/bootstrap-builder.js';
import type { ConfigStore } from './talos/config-endpoint.js';

export interface OperatorOptions {
  cluster: ClusterPort;
  clock: Clock;
  logger: Logger;
  /** Adapter factories replacing the shipped ones, by type (tests share one sim cloud). */
  factories?: Partial<Record<ProviderType, ProviderFactory>>;
  lifecycle?: Partial<LifecycleOptions>;
  /** Namespace of the operator: its Lease, and Secrets referenced without a namespace. */
  namespace: string;
  /** Unique per replica; leader election is off when undefined. */
  identity?: string;
  offersTtlMs?: number;
  resyncPeriodMs?: number;
  /** Provider call durations and errors, for every provider's pipeline (prom-client in a cluster). */
  providerMetrics?: ProviderCallMetrics;
  /** Builds each machine's boot payload; defaults to the Talos builder. */
  bootstrap?: BootstrapBuilder;
  /** Talos defaults (version, schematic, artifact checksums) for the default builder. */
  talos?: Omit<TalosDefaults, 'secretNamespace'>;
  /** Serves machine configs too large for the kernel command line (Lambda, Paperspace). */
  configStore?: ConfigStore;
  onReconcile?: (e: ReconcileEvent) => void;
  /** How long keys wait in the work queues (metrics). */
  onQueueWait?: (controller: string, waitedMs: number) => void;
  /** Lifecycle and interruption counters and timings (prom-client in a cluster); what is left out is not measured. */
  metrics?: Partial<LifecycleMetrics>;
  /** Called when leadership is lost (not released): the process should exit and restart. */
  onLostLeadership?: () => void;
  /** Names of new GpuMachines (tests fix them). */
  machineNames?: RequestControllerOptions['suffix'];
}

export class Operator {
  readonly registry: ProviderRegistry;
  readonly offers: OfferCache;
  readonly unavailable: UnavailableOfferings;
  readonly manager: ControllerManager;
  readonly providerController: GpuProviderController;
  readonly requestController: GpuRequestController;
  readonly machineController: GpuMachineController;
  readonly budgetController: GpuBudgetController;
  readonly router: InterruptionRouter;
  readonly interruptions: InterruptionPoller;
  readonly garbage: GarbageCollector;
  private readonly elector?: LeaderElector;

  constructor(private readonly opts: OperatorOptions) {
    const { cluster, clock, logger } = opts;
    const options: LifecycleOptions = { ...defaultLifecycleOptions, ...opts.lifecycle };
    this.registry = new ProviderRegistry(opts.factories);
    this.offers = new OfferCache({ clock, ttlMs: opts.offersTtlMs ?? 5 * 60_000, logger });
    this.unavailable = new UnavailableOfferings(clock);
    this.providerController = new GpuProviderController({
      cluster,
      registry: this.registry,
      offers: this.offers,
      clock,
      logger,
      clusterName: options.clusterName,
      defaultSecretNamespace: opts.namespace,
      metrics: opts.providerMetrics,
    });
    const ctx: ControllerContext = {
      cluster,
      providers: this.registry,
      offers: this.offers,
      unavailable: this.unavailable,
      bootstrap:
        opts.bootstrap ??
        createBootstrapBuilder(
          createTalosBootstrap({
            cluster,
            clock,
            logger: logger.child({ component: 'talos' }),
            configStore: opts.configStore,
            defaults: { secretNamespace: opts.namespace, ...opts.talos },
          }),
        ),
      clock,
      logger,
      options,
      metrics: { ...noLifecycleMetrics, ...opts.metrics },
      budgets: new BudgetGuard({ cluster, clock }),
      census: new InstanceCensus({ clock, logger, maxAgeMs: options.pollMs }),
      providerSettings: (name) => this.providerController.settingsOf(name),
    };
    this.requestController = new GpuRequestController({ ...ctx, logger: logger.child({ controller: 'gpurequest' }) }, { suffix: opts.machineNames });
    this.machineController = new GpuMachineController(
      { ...ctx, logger: logger.child({ controller: 'gpumachine' }) },
      { enqueueRequest: (key) => this.manager.enqueue(this.requestController.name, key) },
    );
    this.manager = new ControllerManager({
      cluster,
      clock,
      logger,
      errorPolicy,
      resyncPeriodMs: opts.resyncPeriodMs,
      onReconcile: opts.onReconcile,
      onQueueWait: opts.onQueueWait,
    });
    this.budgetController = new GpuBudgetController({ ...ctx, logger: logger.child({ controller: 'gpubudget' }) });
    this.manager
      .register(this.providerController)
      .register(this.requestController)
      .register(this.machineController)
      .register(this.budgetController);
    this.router = new InterruptionRouter({ ...ctx, logger: logger.child({ component: 'interruption' }) }, (machine, request) => {
      this.manager.enqueue(this.machineController.name, machine);
      if (request) this.manager.enqueue(this.requestController.name, request);
    });
    this.garbage = new GarbageCollector({
      cluster,
      providers: this.registry,
      clock,
      logger: logger.child({ controller: 'garbagecollection' }),
      clusterName: options.clusterName,
      graceMs: options.orphanGraceMs,
      intervalMs: options.orphanScanMs,
      metrics: ctx.metrics,
    });
    this.interruptions = new InterruptionPoller({
      providers: this.registry,
      clock,
      logger,
      intervalMs: options.interruptionPollMs,
      onNotice: (notice) => this.router.deliver(notice),
    });
    if (opts.identity) {
      this.elector = new LeaderElector({
        cluster,
        namespace: opts.namespace,
        name: 'gpu-provisioner-leader',
        identity: opts.identity,
        clock,
        logger,
        onStartedLeading: () => this.act(),
        onStoppedLeading: () => {
          logger.error('lost leadership; stopping');
          void this.interruptions.stop();
          void this.garbage.stop();
          void this.manager.stop().finally(() => opts.onLostLeadership?.());
        },
      });
    }
  }

  /** Starts acting: at once without leader election, else once this replica leads. */
  start(): void {
    if (this.elector) this.elector.start();
    else this.act();
  }

  private act(): void {
    this.manager.start();
    this.interruptions.start();
    this.garbage.start();
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : true;
  }

  /** Stops taking work, finishes what is in flight, releases the Lease. */
  async stop(timeoutMs = 30_000): Promise<void> {
    await this.interruptions.stop();
    await this.garbage.stop();
    await this.manager.stop(timeoutMs);
    await this.providerController.close();
    await this.elector?.release();
  }
}
