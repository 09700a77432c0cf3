/**
 * Durations in the Go syntax Kubernetes users know from other operators
 * ("90s", "20m", "1h30m", "1.5h", "250ms"). The CRDs accept the same units.
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

// "ms" must be tried before "m" and "s".
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/y;

/** Milliseconds in `text`; throws on anything that is not a Go-style duration. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (!text) throw invalid(text);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== at) throw invalid(text);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return Math.round(total);
}

function invalid(text: string): Error {
  return new Error(`invalid duration ${JSON.stringify(text)}: use Go syntax such as "90s", "20m" or "1h30m"`);
}

/** The shortest Go-style spelling of `ms`: 5_400_000 -> "1h30m", 1_500 -> "1.5s", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new Error(`cannot format duration ${ms}`);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  if (rest < 1_000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / UNIT_MS.h!);
  rest -= hours * UNIT_MS.h!;
  const minutes = Math.floor(rest / UNIT_MS.m!);
  rest -= minutes * UNIT_MS.m!;
  let out = sign;
  if (hours) out += `${hours}h`;
  if (minutes) out += `${minutes}m`;
  if (rest) out += `${(rest / 1_000).toString()}s`;
  return out;
}
