/**
 * Tables the way `kubectl get` prints them, fitted to a terminal width: columns keep
 * their natural width while the table fits; when it does not, the widest cuttable
 * columns give way first and their cells are cut with an ellipsis.
 */
import type { GpuMachine, GpuRequest } from '../api/types.js';

export const TERMINAL_WIDTH = 100;
const GAP = 1;
const ELLIPSIS = '…';

export interface Column {
  header: string;
  /** Never cut (phases, prices): the table shrinks other columns first. */
  keep?: boolean;
  /** Where a long cell is cut: names differ at their end, so they keep it. Default 'end'. */
  cut?: 'end' | 'start';
}

/** `text` in exactly `width` characters: padded, or cut with an ellipsis. */
export function fitCell(text: string, width: number, cut: 'end' | 'start' = 'end'): string {
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  if (width <= 1) return ELLIPSIS.slice(0, width);
  return cut === 'start' ? ELLIPSIS + chars.slice(chars.length - width + 1).join('') : chars.slice(0, width - 1).join('') + ELLIPSIS;
}

/**
 * Widths that fit `maxWidth` for cells of the given natural widths: the widest column
 * that may be cut loses a character at a time, never below its header; `keep` columns
 * give way only when nothing else can.
 */
export function fitWidths(columns: Column[], natural: number[], maxWidth = TERMINAL_WIDTH): number[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, natural[i] ?? 0));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (columns.length - 1);
  const shrink = (allowed: (i: number) => boolean, floor: (i: number) => number): boolean => {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (allowed(i) && widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) return false;
    widths[widest]!--;
    return true;
  };
  const header = (i: number) => columns[i]!.header.length;
  while (total() > maxWidth) {
    if (shrink((i) => !columns[i]!.keep, header)) continue;
    if (shrink(() => true, header)) continue;
    if (!shrink(() => true, () => 1)) break;
  }
  return widths;
}

/** A table whose column widths are fixed once, so rows can be printed as they come (`kubectl get -w`). */
export class Table {
  readonly widths: number[];

  constructor(
    readonly columns: Column[],
    natural: number[],
    maxWidth = TERMINAL_WIDTH,
  ) {
    this.widths = fitWidths(columns, natural, maxWidth);
  }

  /** Widths that fit every one of `rows` (and the headers) as far as `maxWidth` allows. */
  static of(columns: Column[], rows: string[][], maxWidth = TERMINAL_WIDTH): Table {
    const natural = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
    return new Table(columns, natural, maxWidth);
  }

  header(): string {
    return this.row(this.columns.map((c) => c.header));
  }

  row(cells: string[]): string {
    return this.columns
      .map((c, i) => fitCell(cells[i] ?? '', this.widths[i]!, c.cut))
      .join(' '.repeat(GAP))
      .trimEnd();
  }

  /** Header and rows, one line each. */
  render(rows: string[][]): string[] {
    return [this.header(), ...rows.map((r) => this.row(r))];
  }
}

export const REQUEST_COLUMNS: Column[] = [
  { header: 'NAMESPACE' },
  { header: 'NAME' },
  { header: 'GPU' },
  { header: 'READY', keep: true },
  { header: 'PROVIDER' },
  { header: 'REGION' },
  { header: 'CAPACITY' },
  { header: 'PRICE/H', keep: true },
  { header: 'PHASE', keep: true },
];

/** The cells of a GpuRequest row; `phase` overrides the status phase (a delete is shown as `Deleted`). */
export function requestCells(r: GpuRequest, phase?: string): string[] {
  const s = r.status ?? {};
  return [
    r.metadata.namespace ?? '',
    r.metadata.name,
    `${r.spec.gpu.count}×${r.spec.gpu.model}`,
    `${s.readyMachines ?? 0}/${r.spec.nodes ?? 1}`,
    s.provider ?? '<none>',
    s.region ?? '<none>',
    s.capacityType ?? '<none>',
    s.hourlyCost ? `$${s.hourlyCost}` : '<none>',
    phase ?? s.phase ?? '',
  ];
}

/**
 * The live GpuRequest table for these requests: names and GPUs from the requests
 * themselves, the other columns as wide as what the operator can write in them.
 */
export function requestTable(requests: GpuRequest[], regions: string[], maxWidth = TERMINAL_WIDTH): Table {
  const longest = (values: string[]) => Math.max(0, ...values.map((v) => [...v].length));
  const natural = [
    longest(requests.map((r) => r.metadata.namespace ?? '')),
    longest(requests.map((r) => r.metadata.name)),
    longest(requests.map((r) => `${r.spec.gpu.count}×${r.spec.gpu.model}`)),
    longest(requests.map((r) => `${r.spec.nodes ?? 1}/${r.spec.nodes ?? 1}`)),
    'PROVIDER'.length,
    longest(regions),
    'spot,on-demand'.length,
    '$999.99'.length,
    'Provisioning'.length,
  ];
  return new Table(REQUEST_COLUMNS, natural, maxWidth);
}

export const MACHINE_COLUMNS: Column[] = [
  { header: 'NAME', cut: 'start' },
  { header: 'REQUEST' },
  { header: 'PROVIDER' },
  { header: 'TYPE' },
  { header: 'CAPACITY', keep: true },
  { header: 'ZONE', cut: 'start' },
  { header: 'PRICE/H', keep: true },
  { header: 'INSTANCE', keep: true },
  { header: 'NODE', cut: 'start' },
  { header: 'PHASE', keep: true },
];

/** The printer columns of a GpuMachine (crds/gpu-provisioner.dev_gpumachines.yaml), AGE left out. */
export function machineCells(m: GpuMachine): string[] {
  const s = m.status ?? {};
  const none = (v: string | undefined) => v || '<none>';
  return [
    m.metadata.name,
    none(m.metadata.ownerReferences?.[0]?.name),
    none(s.provider),
    none(s.instanceType),
    none(s.capacityType),
    none(s.zone),
    s.pricePerHour ? `$${s.pricePerHour}` : '<none>',
    none(s.instanceId),
    none(s.nodeName),
    none(s.phase),
  ];
}

/** `kubectl get gpumachines` for these machines, fitted to `maxWidth`. */
export function machineTable(machines: GpuMachine[], maxWidth = TERMINAL_WIDTH): string[] {
  const rows = machines.map(machineCells);
  return Table.of(MACHINE_COLUMNS, rows, maxWidth).render(rows);
}
