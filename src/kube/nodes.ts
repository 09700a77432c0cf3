/** Node operations the controllers share, written once over the cluster port. */
import { GPU_RESOURCE } from '../api/constants.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { isConflict } from './errors.js';
import { Kinds, type ClusterPort, type Node, type Pod } from './types.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** A lost optimistic-locking race is retried this many times before the conflict reaches the caller. */
const CONFLICT_RETRIES = 5;

/**
 * Fences a Node in one write: unschedulable, and the taint added or updated (matched by
 * key and effect) beside every other. A merge patch replaces the whole taint list, so
 * the write is guarded by resourceVersion and redone on conflict rather than dropping a
 * taint someone else just added. A no-op when the Node is fenced already.
 */
export async function fenceNode(port: ClusterPort, name: string, taint: Taint): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const node = await port.get<Node>(Kinds.Node, name);
    if (!node) return;
    const taints = node.spec?.taints ?? [];
    const same = taints.find((t) => t.key === taint.key && t.effect === taint.effect);
    const tainted = !!same && (same.value ?? '') === (taint.value ?? '');
    if (tainted && node.spec?.unschedulable) return;
    const next = [
      ...taints.filter((t) => t !== same),
      { key: taint.key, effect: taint.effect, ...(taint.value !== undefined ? { value: taint.value } : {}) },
    ];
    try {
      await port.patch(
        Kinds.Node,
        name,
        undefined,
        { spec: { unschedulable: true, ...(tainted ? {} : { taints: next }) } },
        { resourceVersion: node.metadata.resourceVersion },
      );
      return;
    } catch (e) {
      if (!isConflict(e) || attempt >= CONFLICT_RETRIES) throw e;
    }
  }
}

export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** GPUs the kubelet offers to pods; 0 until the device plugin has registered them. */
export function allocatableGpus(node: Node): number {
  const raw = node.status?.allocatable?.[GPU_RESOURCE];
  const n = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function podsOnNode(port: ClusterPort, name: string): Promise<Pod[]> {
  return port.list<Pod>(Kinds.Pod, { fieldSelector: { 'spec.nodeName': name } });
}

/** DaemonSet pods come straight back and mirror pods cannot be evicted, so a drain leaves both, as kubectl does. */
export function isDrainable(pod: Pod): boolean {
  if (pod.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.controller !== false)) return false;
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return false;
  return true;
}

export interface DrainOptions {
  clock: Clock;
  /** Epoch ms after which the drain stops and reports what is left. */
  deadline: number;
  /** How often pods held by a PodDisruptionBudget (or still terminating) are retried. */
  pollMs?: number;
  logger?: Logger;
}

export interface DrainResult {
  evicted: number;
  /** Drainable pods still on the node at the end. */
  remaining: number;
  /** Of those, how many a PodDisruptionBudget refused on the last attempt. */
  blockedByPdb: number;
  timedOut: boolean;
}

/**
 * Evicts every drainable pod on the node through the Eviction API, retrying the ones a
 * budget holds until the deadline. It never deletes a pod around a budget: what is left
 * at the deadline is reported and the caller decides.
 */
export async function drainNode(port: ClusterPort, name: string, opts: DrainOptions): Promise<DrainResult> {
  const pollMs = opts.pollMs ?? 5000;
  let evicted = 0;
  for (;;) {
    let blockedByPdb = 0;
    let remaining = 0;
    const pods = (await podsOnNode(port, name)).filter(isDrainable);
    for (const pod of pods) {
      const ns = pod.metadata.namespace ?? 'default';
      // A pod already being deleted is on its way out; evicting it again changes nothing.
      if (pod.metadata.deletionTimestamp) {
        remaining++;
        continue;
      }
      try {
        const result = await port.evict(pod.metadata.name, ns);
        if (result === 'evicted') {
          evicted++;
          // Finalizers can keep an evicted pod around; it still counts until it is gone.
          const still = await port.get<Pod>(Kinds.Pod, pod.metadata.name, ns);
          if (still && still.metadata.uid === pod.metadata.uid) remaining++;
        } else if (result === 'blocked-by-pdb') {
          blockedByPdb++;
          remaining++;
        }
      } catch (e) {
        remaining++;
        opts.logger?.warn('eviction failed; will retry', {
          node: name,
          pod: `${ns}/${pod.metadata.name}`,
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
    if (remaining === 0) return { evicted, remaining, blockedByPdb, timedOut: false };
    const left = opts.deadline - opts.clock.now();
    if (left <= 0) {
      opts.logger?.info('drain deadline reached', { node: name, remaining, blockedByPdb });
      return { evicted, remaining, blockedByPdb, timedOut: true };
    }
    opts.logger?.debug('waiting for pods to leave the node', { node: name, remaining, blockedByPdb });
    await opts.clock.sleep(Math.min(pollMs, left));
  }
}
