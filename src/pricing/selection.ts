/**
 * Choosing offers: a pure function over data. Every offer goes through the same
 * filters in the same order; the ones that pass are ordered by capacity-type
 * preference, then price. When none passes, the offers that got furthest explain why.
 */
import type { CapacityTypeName, GpuRequestSpec, OfferSummary } from '../api/types.js';

/** What an offer must satisfy: the part of a GpuRequest's (or GpuMachine's) spec that selection reads. */
export type OfferRequirements = Pick<GpuRequestSpec, 'gpu' | 'capacityTypes' | 'maxPricePerHour' | 'providers' | 'regions'>;
import { supports, type Capabilities, type Offer, offerKey } from '../providers/types.js';

export interface SelectionContext {
  isUnavailable(key: string): boolean;
  /** undefined when no live provider goes by that name. */
  capabilities: (provider: string) => Capabilities | undefined;
}

/** Which filter turned an offer down, in the order they run. */
export type RejectionCode =
  | 'gpu-model'
  | 'gpu-count'
  | 'gpu-memory'
  | 'provider'
  | 'region'
  | 'capacity-type'
  | 'provider-not-ready'
  | 'node-join'
  | 'spot'
  | 'out-of-capacity'
  | 'recently-unavailable'
  | 'price';

/** The filters, in the order they run; an offer is rejected by the first that fails. */
export const FILTER_ORDER: readonly RejectionCode[] = [
  'gpu-model',
  'gpu-count',
  'gpu-memory',
  'provider',
  'region',
  'capacity-type',
  'provider-not-ready',
  'node-join',
  'spot',
  'out-of-capacity',
  'recently-unavailable',
  'price',
];

export interface Rejection {
  offer: Offer;
  code: RejectionCode;
  reason: string;
}

export interface Selection {
  /** Offers that fit, best first. */
  candidates: Offer[];
  rejected: Rejection[];
  /** The selected offer, a few runners-up and a few instructive rejections, for status. */
  summary: OfferSummary[];
  /** Set when nothing fits: says why, in a line fit for a condition message. */
  noFitMessage?: string;
}

export const DEFAULT_CAPACITY_TYPES: readonly CapacityTypeName[] = ['on-demand'];
const MAX_SUMMARY = 5;
const MAX_RUNNERS_UP = 2;

/** `h100`, `a100 80gb`, `NVIDIA H100` -> `H100`, `A100-80GB`, `H100`. */
export function normaliseGpuModel(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/[\s_]+/g, '-')
    .replace(/^NVIDIA-/, '');
}

/** USD per hour as status shows it: cents, or more digits when the price has them. */
export function formatPricePerHour(price: number): string {
  const s = String(Number(price.toFixed(4)));
  const [whole, frac = ''] = s.split('.');
  return `${whole}.${frac.padEnd(2, '0')}`;
}

/** Each returns why the offer is turned down, or undefined when it passes. */
type Checks = Record<RejectionCode, (o: Offer) => string | undefined>;

interface Wanted {
  model: string;
  count: number;
  minMemoryGiB?: number;
  capacityTypes: readonly CapacityTypeName[];
  maxPrice?: number;
  providers?: string[];
  regions?: string[];
}

function wanted(spec: OfferRequirements): Wanted {
  const max = spec.maxPricePerHour === undefined ? undefined : Number(spec.maxPricePerHour);
  return {
    model: normaliseGpuModel(spec.gpu.model),
    count: spec.gpu.count,
    minMemoryGiB: spec.gpu.minMemoryGiB,
    capacityTypes: spec.capacityTypes?.length ? spec.capacityTypes : DEFAULT_CAPACITY_TYPES,
    maxPrice: max !== undefined && Number.isFinite(max) ? max : undefined,
    providers: spec.providers?.length ? spec.providers : undefined,
    regions: spec.regions?.length ? spec.regions : undefined,
  };
}

function checks(w: Wanted, ctx: SelectionContext): Checks {
  return {
    'gpu-model': (o) => (normaliseGpuModel(o.gpuModel) === w.model ? undefined : `GPU is ${o.gpuModel}, not ${w.model}`),
    'gpu-count': (o) => (o.gpuCount === w.count ? undefined : `${o.gpuCount} GPUs per node, not ${w.count}`),
    'gpu-memory': (o) =>
      w.minMemoryGiB === undefined || o.gpuMemoryGiB >= w.minMemoryGiB
        ? undefined
        : `${o.gpuMemoryGiB} GiB per GPU, less than ${w.minMemoryGiB} GiB`,
    provider: (o) =>
      !w.providers || w.providers.includes(o.provider) || w.providers.includes(o.providerType)
        ? undefined
        : `provider ${o.provider} is not in spec.providers`,
    region: (o) => (!w.regions || w.regions.includes(o.region) ? undefined : `region ${o.region} is not in spec.regions`),
    'capacity-type': (o) =>
      w.capacityTypes.includes(o.capacityType) ? undefined : `${o.capacityType} is not in spec.capacityTypes`,
    'provider-not-ready': (o) => (ctx.capabilities(o.provider) ? undefined : `provider ${o.provider} is not ready`),
    'node-join': (o) => {
      const why = ctx.capabilities(o.provider)?.unsupported['node-join'];
      return why === undefined ? undefined : `${o.provider} cannot join a node: ${why}`;
    },
    spot: (o) => {
      const caps = ctx.capabilities(o.provider);
      if (o.capacityType !== 'spot' || !caps || supports(caps, 'spot')) return undefined;
      return `${o.provider} cannot launch spot: ${caps.unsupported.spot}`;
    },
    'out-of-capacity': (o) => (o.available ? undefined : 'out of capacity'),
    'recently-unavailable': (o) => (ctx.isUnavailable(offerKey(o)) ? 'recently failed for lack of capacity' : undefined),
    price: (o) =>
      w.maxPrice === undefined || o.pricePerHour <= w.maxPrice
        ? undefined
        : `$${formatPricePerHour(o.pricePerHour)}/h is over the $${formatPricePerHour(w.maxPrice)}/h limit`,
  };
}

function compareOffers(w: Wanted): (a: Offer, b: Offer) => number {
  const pref = (o: Offer) => {
    const i = w.capacityTypes.indexOf(o.capacityType);
    return i < 0 ? w.capacityTypes.length : i;
  };
  const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return (a, b) =>
    pref(a) - pref(b) ||
    a.pricePerHour - b.pricePerHour ||
    str(a.provider, b.provider) ||
    str(a.region, b.region) ||
    str(a.zone ?? '', b.zone ?? '') ||
    str(a.instanceType, b.instanceType);
}

export function selectOffers(offers: Offer[], spec: OfferRequirements, ctx: SelectionContext): Selection {
  const w = wanted(spec);
  const check = checks(w, ctx);
  const compare = compareOffers(w);
  const candidates: Offer[] = [];
  const rejected: (Rejection & { stage: number })[] = [];
  for (const offer of offers) {
    let rejection: (Rejection & { stage: number }) | undefined;
    for (let stage = 0; stage < FILTER_ORDER.length && !rejection; stage++) {
      const code = FILTER_ORDER[stage]!;
      const reason = check[code](offer);
      if (reason !== undefined) rejection = { offer, code, reason, stage };
    }
    if (rejection) rejected.push(rejection);
    else candidates.push(offer);
  }
  candidates.sort(compare);

  const selection: Selection = {
    candidates,
    rejected: rejected.map(({ offer, code, reason }) => ({ offer, code, reason })),
    summary: summarise(candidates, rejected, compare),
  };
  if (candidates.length === 0) selection.noFitMessage = explain(w, spec, rejected, compare);
  return selection;
}

function summaryOf(o: Offer, outcome: string, reason?: string): OfferSummary {
  const s: OfferSummary = {
    provider: o.provider,
    region: o.region,
    instanceType: o.instanceType,
    capacityType: o.capacityType,
    pricePerHour: formatPricePerHour(o.pricePerHour),
    outcome,
  };
  if (o.zone !== undefined) s.zone = o.zone;
  if (reason !== undefined) s.reason = reason;
  return s;
}

/** The first stage past what the user asked for: rejections from here on are worth showing. */
const FIRST_INSTRUCTIVE: RejectionCode = 'provider-not-ready';
const AVAILABILITY: readonly RejectionCode[] = ['out-of-capacity', 'recently-unavailable'];

function summarise(
  candidates: Offer[],
  rejected: (Rejection & { stage: number })[],
  compare: (a: Offer, b: Offer) => number,
): OfferSummary[] {
  const out: OfferSummary[] = [];
  const [best, ...rest] = candidates;
  if (best) out.push(summaryOf(best, 'selected'));
  for (const o of rest.slice(0, MAX_RUNNERS_UP)) out.push(summaryOf(o, 'runner-up'));
  const firstInstructive = FILTER_ORDER.indexOf(FIRST_INSTRUCTIVE);
  const instructive = rejected
    .filter((r) => r.stage >= firstInstructive)
    // Only what would have beaten the choice explains it; with no choice, everything does.
    .filter((r) => !best || compare(r.offer, best) < 0)
    .sort((a, b) => compare(a.offer, b.offer));
  for (const r of instructive.slice(0, MAX_SUMMARY - out.length)) {
    out.push(summaryOf(r.offer, AVAILABILITY.includes(r.code) ? 'unavailable' : 'rejected', r.reason));
  }
  return out;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function list(values: string[], max = 4): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}

function where(o: Offer): string {
  return `${o.provider} ${o.capacityType} ${o.zone ?? o.region}`;
}

/** Explains a miss from the offers that got furthest through the filters. */
function explain(
  w: Wanted,
  spec: OfferRequirements,
  rejected: (Rejection & { stage: number })[],
  compare: (a: Offer, b: Offer) => number,
): string {
  const what = `${w.count}×${w.model}`;
  const furthest = rejected.reduce((max, r) => Math.max(max, r.stage), -1);
  const closest = rejected.filter((r) => r.stage === furthest).sort((a, b) => compare(a.offer, b.offer));
  const offers = closest.map((r) => r.offer);
  const inRegions = w.regions ? ` in ${w.regions.join(', ')}` : '';
  const stage: RejectionCode | undefined = FILTER_ORDER[furthest];
  switch (stage) {
    case undefined:
    case 'gpu-model':
      return `no provider offers ${w.model}`;
    case 'gpu-count':
      return `no provider offers ${what} on one node; ${w.model} comes in ${[...new Set(offers.map((o) => o.gpuCount))]
        .sort((a, b) => a - b)
        .map((n) => `${n}×`)
        .join(', ')}`;
    case 'gpu-memory':
      return `no ${what} offer has ${w.minMemoryGiB} GiB per GPU; the most is ${offers.reduce((max, o) => Math.max(max, o.gpuMemoryGiB), 0)} GiB`;
    case 'provider':
      return `no ${what} offer from ${w.providers?.join(', ')}; offered by ${list(distinct(offers.map((o) => o.provider)))}`;
    case 'region':
      return `no ${what} offer${inRegions}; offered in ${list(distinct(offers.map((o) => o.region)))}`;
    case 'capacity-type':
      return `no ${what} offer as ${w.capacityTypes.join(' or ')}${inRegions}; only ${distinct(offers.map((o) => o.capacityType)).join(', ')}`;
    case 'provider-not-ready':
      return `${what} is offered only by ${list(distinct(offers.map((o) => o.provider)))}, not ready yet`;
    case 'node-join':
    case 'spot': {
      const byProvider = new Map(closest.map((r) => [r.offer.provider, r.reason]));
      return `${what} fits only at providers that cannot serve it: ${[...byProvider.values()].join('; ')}`;
    }
    case 'out-of-capacity':
    case 'recently-unavailable':
      return `every ${what} offer that fits is out of capacity (${list(offers.map(where), 3)}); try other regions, providers or capacity types`;
    case 'price': {
      const cheapest = [...offers].sort((a, b) => a.pricePerHour - b.pricePerHour)[0]!;
      const limit = spec.maxPricePerHour ?? formatPricePerHour(w.maxPrice ?? 0);
      return `no offer for ${what} under $${limit}/h${inRegions}; cheapest is $${formatPricePerHour(cheapest.pricePerHour)}/h (${cheapest.provider} ${cheapest.capacityType} ${cheapest.region})`;
    }
  }
}
