/** Rows the way `kubectl get gpurequests -w` prints them. */
import type { GpuRequest } from '../api/types.js';

export const COLUMNS = ['NAMESPACE', 'NAME', 'GPU', 'COUNT', 'NODES', 'PROVIDER', 'REGION', 'CAPACITY', 'PRICE/H', 'PHASE', 'NODE', 'AGE'];
const WIDTHS = [10, 16, 10, 6, 6, 10, 18, 18, 9, 13, 40, 5];

export function age(fromIso: string | undefined, now: number): string {
  if (!fromIso) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m}m` : `${Math.floor(m / 60)}h`;
}

export function row(cells: string[]): string {
  return cells.map((c, i) => c.padEnd(WIDTHS[i] ?? 10)).join(' ').trimEnd();
}

export function requestRow(r: GpuRequest, now: number, phaseOverride?: string): string {
  const s = r.status ?? {};
  return row([
    r.metadata.namespace ?? '',
    r.metadata.name,
    r.spec.gpu.model,
    String(r.spec.gpu.count),
    String(r.spec.nodes ?? 1),
    s.provider ?? '<none>',
    s.region ?? '<none>',
    s.capacityType ?? '<none>',
    s.hourlyCost ? `$${s.hourlyCost}` : '<none>',
    phaseOverride ?? s.phase ?? '',
    s.nodeNames ?? '<none>',
    age(r.metadata.creationTimestamp, now),
  ]);
}
