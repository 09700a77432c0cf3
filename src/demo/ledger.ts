/**
 * The demo's closing figures, from what the objects record and what the cloud bills:
 * spend as the GpuRequests' status says, spot savings from each spot GpuMachine's own
 * prices and run time, and cloud instances no GpuMachine holds.
 */
import type { GpuMachine, GpuRequest } from '../api/types.js';
import type { Instance } from '../providers/types.js';

const HOUR_MS = 3_600_000;

/** USD the request has cost so far, as its status records it. */
export function spentBy(r: GpuRequest): number {
  return Number(r.status?.accumulatedCost ?? 0);
}

/** How long the machine has been (or was) billed, in ms, as of `now`. */
export function runTimeMs(m: GpuMachine, now: number): number {
  const s = m.status;
  if (!s?.launchedAt) return 0;
  const end = s.terminatedAt ? Date.parse(s.terminatedAt) : now;
  return Math.max(0, end - Date.parse(s.launchedAt));
}

/** On-demand price less spot price, over the machine's run time; 0 for on-demand machines. */
export function spotSaving(m: GpuMachine, now: number): number {
  const s = m.status;
  if (s?.capacityType !== 'spot' || !s.onDemandPricePerHour || !s.pricePerHour) return 0;
  return ((Number(s.onDemandPricePerHour) - Number(s.pricePerHour)) * runTimeMs(m, now)) / HOUR_MS;
}

/** Instances the cloud still bills (not terminated) that no GpuMachine records. */
export function unaccounted(instances: Instance[], machines: GpuMachine[]): Instance[] {
  const held = new Set(machines.map((m) => m.status?.instanceId).filter(Boolean));
  return instances.filter((i) => i.state !== 'terminated' && !held.has(i.id));
}

/** `text` broken at spaces into lines of at most `width` characters, each after `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w.length > 0; ) {
      const candidate = line ? `${line} ${w}` : w;
      if (candidate.length <= room) {
        line = candidate;
        w = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(w.slice(0, room));
        w = w.slice(room);
      }
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l);
}
