/**
 * Prices travel as decimal strings in USD ("2.49", "25"), as in the CRDs, so that
 * what users read is exactly what was compared. Arithmetic is done on numbers and
 * rounded to 4 decimals, which no provider's price list goes beyond.
 */

const PRICE = /^(\d+)(?:\.(\d{1,4}))?$/;

/** Parses a non-negative USD decimal string; throws on anything else. */
export function parsePrice(text: string): number {
  const m = PRICE.exec(text.trim());
  if (!m) throw new Error(`invalid price ${JSON.stringify(text)}: use a decimal such as "2.49" or "25"`);
  return Number(text.trim());
}

/**
 * USD with 2 to 4 decimals as needed and no float noise:
 * 2.4900001 -> "2.49", 25 -> "25.00", 0.12345 -> "0.1235".
 */
export function formatPrice(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot format price ${value}`);
  // Whole ten-thousandths, so that binary fractions (0.1 + 0.2) never show.
  const units = Math.round(Math.abs(value) * 10_000);
  if (units === 0) return '0.00';
  const whole = Math.floor(units / 10_000);
  let fraction = String(units % 10_000).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${value < 0 ? '-' : ''}${whole}.${fraction}`;
}
