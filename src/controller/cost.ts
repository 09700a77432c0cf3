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
  const s = m.status;
  if (!s?.launchedAt || !s.pricePerHour) return 0;
  const end = s.terminatedAt ? Date.parse(s.terminatedAt) : now;
  const ms = Math.max(0, end - Date.parse(s.launchedAt));
  return (Number(s.pricePerHour) * ms) / HOUR_MS;
}
