/**
 * Garbage collection: a machine this cluster launched that no GpuRequest holds (its
 * request is gone and the finalizer never ran, or a launch whose record was lost) is
 * terminated after a grace period. The grace covers a launch between its call and its
 * status write; a slot that recorded its launch key before the call holds the machine
 * by that key.
 */
import { Reasons } from '../../api/constants.js';
import type { GpuRequest } from '../../api/types.js';
import { Kinds, type ClusterPort } from '../../kube/types.js';
import { describeError } from '../../providers/errors.js';
import type { Instance } from '../../providers/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ProviderLookup } from '../context.js';
import { instanceLaunchKey } from '../lifecycle/launch-key.js';

export interface CollectorOptions {
  cluster: ClusterPort;
  providers: ProviderLookup;
  clock: Clock;
  logger: Logger;
  /** How old an unheld machine must be before it is terminated. */
  graceMs: number;
  intervalMs: number;
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

  /** One pass over every provider; returns the ids of the machines it terminated. */
  async collectOnce(): Promise<string[]> {
    const { cluster, providers, clock, logger, graceMs } = this.opts;
    // Requests are read before instances: a machine launched after this read is young, and kept.
    const requests = await cluster.list<GpuRequest>(Kinds.GpuRequest);
    const heldIds = new Set<string>();
    const heldKeys = new Set<string>();
    for (const r of requests) {
      for (const n of [...(r.status?.nodes ?? []), ...(r.status?.retiring ?? [])]) {
        if (n.instanceId) heldIds.add(n.instanceId);
        if (n.state !== 'Terminated') heldKeys.add(n.launchKey);
      }
    }
    const held = (i: Instance) => heldIds.has(i.id) || heldKeys.has(instanceLaunchKey(i) ?? '');

    const collected: string[] = [];
    for (const provider of providers.all()) {
      let instances: Instance[];
      try {
        instances = await provider.list();
      } catch (e) {
        logger.warn('cannot list instances for garbage collection', { provider: provider.name, error: describeError(e) });
        continue;
      }
      for (const inst of instances) {
        if (inst.state === 'terminated' || inst.state === 'terminating' || held(inst)) continue;
        if (clock.now() - inst.launchedAt < graceMs) continue;
        try {
          await provider.delete(inst.id);
          collected.push(inst.id);
          logger.warn('terminated a machine no GpuRequest holds', { provider: provider.name, instanceId: inst.id });
          await cluster.recordEvent({
            involved: { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', name: provider.name },
            type: 'Warning',
            reason: Reasons.OrphanTerminated,
            message: `terminated ${inst.id} (${inst.instanceType}, ${inst.region}, launch key ${instanceLaunchKey(inst) ?? 'unknown'}): no GpuRequest holds it`,
          });
        } catch (e) {
          logger.warn('cannot terminate an unheld machine', { provider: provider.name, instanceId: inst.id, error: describeError(e) });
        }
      }
    }
    return collected;
  }
}
