/**
 * Pure functions that derive what users see (phase, printer-column summary, cost)
 * from the per-node entries, so the numbers shown are always the numbers stored.
 */
import type { GpuRequestStatus, NodeStatus, Phase } from '../../api/types.js';
import { formatPrice } from '../../api/price.js';

const LIVE_STATES = new Set<NodeStatus['state']>(['Launching', 'Joining', 'Ready', 'Interrupted', 'Terminating']);

export function liveNodes(status: GpuRequestStatus): NodeStatus[] {
  return (status.nodes ?? []).filter((n) => LIVE_STATES.has(n.state));
}

/** Whether an interruption is still being dealt with: a machine on its way out or a replacement not yet Ready. */
export function interruptionInProgress(status: GpuRequestStatus): boolean {
  return (status.retiring?.length ?? 0) > 0 || (status.nodes ?? []).some((n) => n.replaces || n.interruption);
}

/** Machines being paid for: the live slots and interrupted machines still on their way out. */
export function paidNodes(status: GpuRequestStatus): NodeStatus[] {
  return [...liveNodes(status), ...(status.retiring ?? []).filter((n) => n.state !== 'Terminated')];
}

export function derivePhase(status: GpuRequestStatus, wanted: number, deleting: boolean, failed: boolean): Phase {
  if (deleting) return 'Terminating';
  const live = liveNodes(status);
  const ready = live.filter((n) => n.state === 'Ready').length;
  if (ready >= wanted && wanted > 0) return 'Ready';
  if (interruptionInProgress(status)) return 'Interrupted';
  if (live.length === 0) return failed ? 'Failed' : 'Pending';
  if (live.some((n) => n.state === 'Launching')) return 'Provisioning';
  return 'Joining';
}

function distinct(values: (string | undefined)[]): string | undefined {
  const set = [...new Set(values.filter((v): v is string => !!v))];
  return set.length ? set.join(',') : undefined;
}

/** The printer-column fields: one value, or a comma list when nodes differ. */
export function summarize(status: GpuRequestStatus): Pick<
  GpuRequestStatus,
  'provider' | 'region' | 'capacityType' | 'nodeNames' | 'hourlyCost'
> {
  const live = liveNodes(status);
  return {
    provider: distinct(live.map((n) => n.provider)),
    region: distinct(live.map((n) => n.region)),
    capacityType: distinct(live.map((n) => n.capacityType)),
    nodeNames: distinct(live.map((n) => n.nodeName)),
    hourlyCost: paidNodes(status).length ? formatPrice(hourlyCost(paidNodes(status))) : undefined,
  };
}

export function hourlyCost(nodes: NodeStatus[]): number {
  return nodes.reduce((sum, n) => sum + Number(n.pricePerHour), 0);
}

/**
 * Brings accumulatedCost up to `now`: what the live machines cost since the last
 * update. Called on every reconcile, so each interval is charged once.
 */
export function accrueCost(status: GpuRequestStatus, now: number): Pick<GpuRequestStatus, 'accumulatedCost' | 'costUpdatedAt'> {
  const live = paidNodes(status);
  const previous = Number(status.accumulatedCost ?? '0');
  const since = status.costUpdatedAt ? Date.parse(status.costUpdatedAt) : now;
  let added = 0;
  for (const n of live) {
    const from = Math.max(since, Date.parse(n.launchedAt));
    if (now > from) added += (Number(n.pricePerHour) * (now - from)) / 3_600_000;
  }
  return { accumulatedCost: formatPrice(previous + added), costUpdatedAt: new Date(now).toISOString() };
}
