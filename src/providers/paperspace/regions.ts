/**
 * Paperspace regions. Users and offers use the short code (`ny2`); the v1 API documents
 * the display name (`East Coast (NY2)`) for machine creation and returns it on
 * machines. Reading accepts either form.
 */
export const REGIONS: Readonly<Record<string, string>> = {
  ny2: 'East Coast (NY2)',
  ca1: 'West Coast (CA1)',
  ams1: 'Europe (AMS1)',
};

export const REGION_CODES: readonly string[] = Object.keys(REGIONS);

/** The name the API expects for a short code; unknown codes pass through unchanged. */
export function apiRegion(code: string): string {
  return REGIONS[code] ?? code;
}

/** `East Coast (NY2)` or `ny2` -> `ny2`. */
export function regionCode(apiName: string | undefined): string {
  if (!apiName) return '';
  const inParens = /\(([A-Za-z0-9]+)\)\s*$/.exec(apiName);
  return (inParens?.[1] ?? apiName).toLowerCase();
}
