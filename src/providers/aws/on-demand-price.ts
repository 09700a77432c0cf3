/**
 * On-demand prices from the AWS Price List (Pricing GetProducts). The answer is a
 * list of JSON documents, one per product, each with `terms.OnDemand.<offer>.
 * priceDimensions.<rate>.pricePerUnit.USD`.
 */
import type { Filter } from '@aws-sdk/client-pricing';

/** The Pricing API lives in a few regions only; us-east-1 serves every EC2 region's prices. */
export const PRICING_REGION = 'us-east-1';

/** Linux, shared tenancy, no pre-installed software, capacity actually used (not reserved-unused). */
export function onDemandPriceFilters(instanceType: string, region: string): Filter[] {
  const match = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  return [
    match('instanceType', instanceType),
    match('regionCode', region),
    match('operatingSystem', 'Linux'),
    match('tenancy', 'Shared'),
    match('preInstalledSw', 'NA'),
    match('capacitystatus', 'Used'),
  ];
}

interface PriceDimension {
  unit?: string;
  pricePerUnit?: Record<string, string>;
}

interface PriceListProduct {
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, PriceDimension> }> };
}

function parse(entry: unknown): PriceListProduct | undefined {
  if (typeof entry === 'object' && entry !== null && !(entry instanceof String)) return entry as PriceListProduct;
  try {
    const parsed: unknown = JSON.parse(String(entry));
    return typeof parsed === 'object' && parsed !== null ? (parsed as PriceListProduct) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hourly USD on-demand price in a GetProducts PriceList, or undefined when it has
 * none. With the filters above one product remains; if several do, the lowest hourly
 * rate is the one a plain RunInstances pays.
 */
export function onDemandPriceFrom(priceList: readonly unknown[] | undefined): number | undefined {
  let best: number | undefined;
  for (const entry of priceList ?? []) {
    const product = parse(entry);
    for (const term of Object.values(product?.terms?.OnDemand ?? {})) {
      for (const dim of Object.values(term.priceDimensions ?? {})) {
        if (dim.unit !== undefined && !/^hrs?$/i.test(dim.unit)) continue;
        const usd = Number(dim.pricePerUnit?.USD);
        if (!Number.isFinite(usd) || usd <= 0) continue;
        if (best === undefined || usd < best) best = usd;
      }
    }
  }
  return best;
}
