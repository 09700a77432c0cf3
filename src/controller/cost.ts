/**
 * What machines cost, derived from what their status records (price, launch and end
 * time), so a restart neither loses nor double-counts anything.
 */
import type { GpuMachine } from '../api/types.js';

const HOUR_MS = 3_600_000;

/** Whether the machine is being paid for now: launched and not yet gone. */
export function isBilled(m: GpuMachine): boolean {
  return !!m.status?.instanceId && !m.status.terminatedAt;
}

/** USD per hour while billed, else 0. */
export function hourlyPrice(m: GpuMachine): number {
  return isBilled(m) ? Number(m.status?.pricePerHour ?? 0) : 0;
}

/** USD spent on the machine from its launch until `now` or its end. */
export function machineCost(m: GpuMachine, now: number): number {
  return machineCostSince(m, -Infinity, now);
}

/** USD spent on the machine from `since` (a budget period's start) until `now` or its end. */
export function machineCostSince(m: GpuMachine, since: number, now: number): number {
  const s = m.status;
  if (!s?.launchedAt || !s.pricePerHour) return 0;
  const end = s.terminatedAt ? Date.parse(s.terminatedAt) : now;
  const ms = Math.max(0, end - Math.max(since, Date.parse(s.launchedAt)));
  return (Number(s.pricePerHour) * ms) / HOUR_MS;
}

/** USD per hour the machine saves over the same instance type on demand, while billed. */
export function spotSavingsPerHour(m: GpuMachine): number {
  const s = m.status;
  if (!isBilled(m) || s?.capacityType !== 'spot' || !s.onDemandPricePerHour) return 0;
  return Math.max(0, Number(s.onDemandPricePerHour) - Number(s.pricePerHour ?? 0));
}
