/**
 * What `gpu-provisioner offers` shows, as plain functions over offers: the filters,
 * the order and the text. No I/O here, so every line of output can be tested.
 */
import { formatPricePerHour, normaliseGpuModel } from '../pricing/selection.js';
import type { Capabilities, CapacityType, Offer } from '../providers/types.js';

export interface OfferFilter {
  gpu?: string;
  count?: number;
  capacityType?: CapacityType;
  regions?: string[];
  maxPrice?: number;
  /** Offers without capacity right now are hidden unless this is set. */
  all?: boolean;
  /** GpuProvider names or provider types; empty or absent means all. */
  providers?: string[];
}

/** Capabilities by GpuProvider name, for the column that says who cannot join a node. */
export type CapabilitiesByProvider = ReadonlyMap<string, Capabilities>;

/** The same predicates selection applies for a GpuRequest, minus what a listing must show. */
export function filterOffers(offers: readonly Offer[], f: OfferFilter): Offer[] {
  const model = f.gpu === undefined ? undefined : normaliseGpuModel(f.gpu);
  return offers.filter(
    (o) =>
      (model === undefined || normaliseGpuModel(o.gpuModel) === model) &&
      (f.count === undefined || o.gpuCount === f.count) &&
      (f.capacityType === undefined || o.capacityType === f.capacityType) &&
      (!f.regions?.length || f.regions.includes(o.region)) &&
      (f.maxPrice === undefined || o.pricePerHour <= f.maxPrice) &&
      (f.all === true || o.available) &&
      (!f.providers?.length || f.providers.includes(o.provider) || f.providers.includes(o.providerType)),
  );
}

const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Cheapest first; ties in an order that does not change from run to run. */
export function compareOffers(a: Offer, b: Offer): number {
  return (
    a.pricePerHour - b.pricePerHour ||
    str(a.provider, b.provider) ||
    str(a.region, b.region) ||
    str(a.zone ?? '', b.zone ?? '') ||
    str(a.instanceType, b.instanceType) ||
    str(a.capacityType, b.capacityType)
  );
}

export function sortOffers(offers: readonly Offer[]): Offer[] {
  return [...offers].sort(compareOffers);
}

export const OFFER_COLUMNS = [
  'PROVIDER',
  'TYPE',
  'GPU',
  'COUNT',
  'MEM/GPU',
  'VCPU',
  'RAM',
  'REGION',
  'ZONE',
  'CAPACITY',
  'PRICE/H',
  'AVAILABLE',
  'NODE-JOIN',
] as const;

/** Why a provider's machines cannot become nodes of the cluster, or undefined when they can. */
export function cannotJoinReason(o: Offer, caps: CapabilitiesByProvider): string | undefined {
  return caps.get(o.provider)?.unsupported['node-join'];
}

function gib(n: number): string {
  return `${Number(n.toFixed(1))}GiB`;
}

export function offerCells(o: Offer, caps: CapabilitiesByProvider): string[] {
  return [
    o.provider,
    o.instanceType,
    o.gpuModel,
    String(o.gpuCount),
    gib(o.gpuMemoryGiB),
    String(o.vcpus),
    gib(o.memoryGiB),
    o.region,
    o.zone ?? '-',
    o.capacityType,
    `$${formatPricePerHour(o.pricePerHour)}`,
    o.available ? 'yes' : 'no',
    cannotJoinReason(o, caps) === undefined ? 'yes' : 'no',
  ];
}

/** Columns as wide as their widest cell, two spaces apart, like kubectl. */
export function formatColumns(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * The table, then one note per provider whose machines cannot join a node, so the
 * NODE-JOIN column's "no" says why once rather than on every row.
 */
export function formatOfferTable(offers: readonly Offer[], caps: CapabilitiesByProvider): string[] {
  const lines = formatColumns(
    OFFER_COLUMNS,
    offers.map((o) => offerCells(o, caps)),
  );
  const notes = new Map<string, string>();
  for (const o of offers) {
    const why = cannotJoinReason(o, caps);
    if (why !== undefined && !notes.has(o.provider)) notes.set(o.provider, why);
  }
  if (notes.size > 0) lines.push('');
  for (const [provider, why] of notes) lines.push(`${provider} cannot join a node: ${why}`);
  return lines;
}

/** An offer as `--json` prints it: the offer itself, and whether it can become a node. */
export interface OfferJson extends Offer {
  canJoinNode: boolean;
  cannotJoinReason?: string;
}

export function offersJson(offers: readonly Offer[], caps: CapabilitiesByProvider): OfferJson[] {
  return offers.map((o) => {
    const why = cannotJoinReason(o, caps);
    return why === undefined ? { ...o, canJoinNode: true } : { ...o, canJoinNode: false, cannotJoinReason: why };
  });
}
