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

export function derivePhase(status: GpuRequestStatus, wanted: number, deleting: boolean, failed: boolean): Phase {
  if (deleting) return 'Terminating';
  const live = liveNodes(status);
  if (live.some((n) => n.state === 'Interrupted')) return 'Interrupted';
  const ready = live.filter((n) => n.state === 'Ready').length;
  if (ready >= wanted && wanted > 0) return 'Ready';
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
    hourlyCost: live.length ? formatPrice(hourlyCost(live)) : undefined,
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
  const live = liveNodes(status);
  const previous = Number(status.accumulatedCost ?? '0');
  const since = status.costUpdatedAt ? Date.parse(status.costUpdatedAt) : now;
  let added = 0;
  for (const n of live) {
    const from = Math.max(since, Date.parse(n.launchedAt));
    if (now > from) added += (Number(n.pricePerHour) * (now - from)) / 3_600_000;
  }
  return { accumulatedCost: formatPrice(previous + added), costUpdatedAt: new Date(now).toISOString() };
}
