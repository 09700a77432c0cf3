/**
 * Paperspace has no price API, so prices ship with the code. On-demand list prices in
 * USD per machine-hour for Linux machines, as https://www.paperspace.com/pricing listed
 * them around 2024-06. They have not been checked against the live page since, so treat
 * them as a starting point: GpuProvider `spec.paperspace.priceOverrides` replaces any of
 * them without a release, and a running machine's usageRate says what it really costs.
 * Storage is billed apart and is not included. Multi-GPU machines the list did not
 * show one by one (A100x2/x4, A100-80Gx2/x4, V100-32Gx2/x4) are priced at the per-GPU
 * rate times the GPU count, as every multi-GPU row it did show is.
 */
import type { Logger } from '../../util/logger.js';

export const PRICE_TABLE_DATE = '2024-06';

export const LIST_PRICES: Readonly<Record<string, number>> = {
  H100x8: 47.6,
  H100: 5.95,
  'A100-80Gx8': 25.44,
  'A100-80Gx4': 12.72,
  'A100-80Gx2': 6.36,
  'A100-80G': 3.18,
  A100x8: 24.72,
  A100x4: 12.36,
  A100x2: 6.18,
  A100: 3.09,
  A6000x4: 7.56,
  A6000x2: 3.78,
  A6000: 1.89,
  A5000x4: 5.52,
  A5000x2: 2.76,
  A5000: 1.38,
  A4000x4: 3.04,
  A4000x2: 1.52,
  A4000: 0.76,
  'V100-32Gx4': 9.2,
  'V100-32Gx2': 4.6,
  'V100-32G': 2.3,
  V100: 2.3,
  RTX4000: 0.56,
  P6000: 1.1,
  P5000: 0.78,
  P4000: 0.51,
};

export interface PriceOverride {
  machineType: string;
  /** USD per hour as a decimal string, as the CRD holds it. */
  pricePerHour: string;
}

/**
 * The shipped table with the GpuProvider's overrides applied. An override that is not
 * a positive number is ignored with a warning rather than pricing a machine at zero.
 */
export function priceTable(overrides: readonly PriceOverride[] = [], logger?: Logger): Map<string, number> {
  const table = new Map(Object.entries(LIST_PRICES));
  for (const o of overrides) {
    const price = Number(o.pricePerHour);
    if (!Number.isFinite(price) || price <= 0) {
      logger?.warn('ignoring paperspace price override that is not a positive number', {
        machineType: o.machineType,
        pricePerHour: o.pricePerHour,
      });
      continue;
    }
    table.set(o.machineType, price);
  }
  return table;
}
