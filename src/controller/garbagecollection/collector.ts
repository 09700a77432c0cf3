/**
 * Garbage collection from the objects. An instance this cluster launched that no
 * GpuMachine holds is terminated after a grace period; a Node with this operator's
 * labels and no GpuMachine is deleted. Instances are listed before GpuMachines: a
 * GpuMachine exists before its launch call, so any instance in the listing already has
 * its GpuMachine in the later read, and no timing can make the collector kill a held
 * machine.
 */
import { Labels, Reasons } from '../../api/constants.js';
import type { GpuMachine } from '../../api/types.js';
import { Kinds, type ClusterPort, type Node } from '../../kube/types.js';
import { describeError } from '../../providers/errors.js';
import { dnsSafe } from '../../providers/naming.js';
import type { CloudProvider, Instance } from '../../providers/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { LifecycleMetrics } from '../../metrics/lifecycle-metrics.js';
import type { ProviderLookup } from '../context.js';
import { machineOfInstance } from '../machine/naming.js';

/** A Node may register a moment before its GpuMachine records it; it is left that long. */
const NODE_GRACE_MS = 2 * 60_000;

export interface CollectorOptions {
  cluster: ClusterPort;
  providers: ProviderLookup;
  clock: Clock;
  logger: Logger;
  clusterName: string;
  /** How old an unheld instance must be before it is terminated. */
  graceMs: number;
  intervalMs: number;
  metrics?: Pick<LifecycleMetrics, 'orphanTerminated' | 'orphanNodeDeleted'>;
}

export interface Collected {
  instances: string[];
  nodes: string[];
}

export class GarbageCollector {
  private cancel?: () => void;
  private running = false;
  private inFlight?: Promise<unknown>;

  constructor(private readonly opts: CollectorOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = () => {
      this.inFlight = this.collectOnce().catch((e: unknown) => this.opts.logger.warn('garbage collection failed', { error: describeError(e) }));
      void this.inFlight.finally(() => {
        if (this.running) this.cancel = this.opts.clock.setTimer(this.opts.intervalMs, loop);
      });
    };
    this.cancel = this.opts.clock.setTimer(this.opts.intervalMs, loop);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.();
    await this.inFlight;
  }

  /** One pass over every provider and every Node of this cluster. */
  async collectOnce(): Promise<Collected> {
    const { cluster, providers, logger } = this.opts;
    // Instances first, then the machines: see the header.
    const listed: { provider: CloudProvider; instances: Instance[] }[] = [];
    for (const provider of providers.all()) {
      try {
        listed.push({ provider, instances: await provider.list() });
      } catch (e) {
        logger.warn('cannot list instances for garbage collection', { provider: provider.name, error: describeError(e) });
      }
    }
    const machines = await cluster.list<GpuMachine>(Kinds.GpuMachine);
    const names = new Set(machines.map((m) => m.metadata.name));
    const ids = new Set(machines.map((m) => m.status?.instanceId).filter(Boolean));

    const instances: string[] = [];
    for (const { provider, instances: list } of listed) {
      for (const inst of list) {
        if (inst.state === 'terminated' || inst.state === 'terminating') continue;
        if (ids.has(inst.id) || names.has(machineOfInstance(inst) ?? '')) continue;
        if (this.opts.clock.now() - inst.launchedAt < this.opts.graceMs) continue;
        if (await this.terminate(provider, inst)) instances.push(inst.id);
      }
    }
    return { instances, nodes: await this.collectNodes(names) };
  }

  private async terminate(provider: CloudProvider, inst: Instance): Promise<boolean> {
    const { cluster, logger } = this.opts;
    try {
      await provider.delete(inst.id);
    } catch (e) {
      logger.warn('cannot terminate an unheld machine', { provider: provider.name, instanceId: inst.id, error: describeError(e) });
      return false;
    }
    logger.warn('terminated a machine no GpuMachine holds', { provider: provider.name, instanceId: inst.id });
    this.opts.metrics?.orphanTerminated({ provider: provider.name });
    await cluster.recordEvent({
      involved: { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', name: provider.name },
      type: 'Warning',
      reason: Reasons.OrphanTerminated,
      message: `terminated ${inst.id} (${inst.instanceType}, ${inst.region}, name ${machineOfInstance(inst) ?? 'unknown'}): no GpuMachine holds it`,
    });
    return true;
  }

  /** Nodes labelled as this cluster's machines whose GpuMachine is gone. */
  private async collectNodes(machines: Set<string>): Promise<string[]> {
    const { cluster, clock, logger } = this.opts;
    const nodes = await cluster.list<Node>(Kinds.Node, { labelSelector: { [Labels.cluster]: dnsSafe(this.opts.clusterName, 63) } });
    const deleted: string[] = [];
    for (const node of nodes) {
      const machine = node.metadata.labels?.[Labels.machine];
      if (!machine || machines.has(machine) || node.metadata.deletionTimestamp) continue;
      const age = clock.now() - Date.parse(node.metadata.creationTimestamp ?? new Date(clock.now()).toISOString());
      if (age < NODE_GRACE_MS) continue;
      await cluster.delete(Kinds.Node, node.metadata.name);
      deleted.push(node.metadata.name);
      this.opts.metrics?.orphanNodeDeleted();
      logger.warn('deleted a Node no GpuMachine holds', { node: node.metadata.name, machine });
      await cluster.recordEvent({
        involved: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid },
        type: 'Warning',
        reason: Reasons.OrphanNodeDeleted,
        message: `deleted: labelled for GpuMachine ${machine}, which does not exist`,
      });
    }
    return deleted;
  }
}
