/**
 * Spot ("interruptible") prices. Neither REST spec carries them; RunPod's GraphQL API
 * does, as `gpuTypes { lowestPrice(input: {gpuCount}) { minimumBidPrice } }` (USD per GPU
 * per hour, the lowest bid a pod of that many GPUs is placed at). This is the only
 * GraphQL the adapter sends, so it is typed here by hand instead of generated.
 */

/** The answer to SPOT_PRICE_QUERY: one `lowestPrice` alias (`n1`, `n2` ...) per GPU count. */
export interface SpotPriceAnswer {
  data?: {
    gpuTypes?: Array<{ id: string } & Record<string, LowestPrice | string | null | undefined>> | null;
  } | null;
  errors?: Array<{ message?: string }>;
}

export interface LowestPrice {
  minimumBidPrice?: number | null;
  uninterruptablePrice?: number | null;
}

/** One query for every GPU count, by aliasing `lowestPrice` per count. */
export function spotPriceQuery(gpuCounts: readonly number[], secureCloud: boolean): string {
  const fields = gpuCounts
    .filter((n) => Number.isInteger(n) && n > 0)
    .map((n) => `n${n}: lowestPrice(input: {gpuCount: ${n}, secureCloud: ${secureCloud}}) { minimumBidPrice uninterruptablePrice }`)
    .join(' ');
  return `query GpuSpotPrices { gpuTypes { id ${fields} } }`;
}

/** `gpuTypeId -> gpuCount -> spot price per GPU`; types without a bid price are left out. */
export function spotPricesFrom(answer: SpotPriceAnswer, gpuCounts: readonly number[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const gpu of answer.data?.gpuTypes ?? []) {
    if (typeof gpu?.id !== 'string') continue;
    for (const n of gpuCounts) {
      const entry = gpu[`n${n}`];
      const bid = typeof entry === 'object' && entry !== null ? entry.minimumBidPrice : undefined;
      if (typeof bid !== 'number' || !(bid > 0)) continue;
      const byCount = out.get(gpu.id) ?? new Map<number, number>();
      byCount.set(n, bid);
      out.set(gpu.id, byCount);
    }
  }
  return out;
}
