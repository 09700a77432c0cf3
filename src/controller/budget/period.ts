/**
 * Calendar periods in an IANA time zone: a day, a week (from Monday) or a month begins
 * at local midnight, which is found through Intl, so daylight-saving days last 23 or 25
 * hours as they do on the wall clock.
 */
import type { BudgetPeriod } from '../../api/types.js';

export interface PeriodWindow {
  /** epoch ms of the period's first instant */
  start: number;
  /** epoch ms of the next period's first instant */
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (RangeError otherwise). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallTime(ms: number, timeZone: string): Wall {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(ms).map((p) => [p.type, Number(p.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallTime(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant the zone's wall clock shows midnight of that date (Date.UTC normalises overflowing days and months). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day);
  let at = asUtc - offsetAt(asUtc, timeZone);
  // Once more with the offset in force at the guess: right across an offset change.
  at = asUtc - offsetAt(at, timeZone);
  return at;
}

/** The period of `kind` in `timeZone` that contains `now`. */
export function periodWindow(kind: BudgetPeriod, timeZone: string, now: number): PeriodWindow {
  const w = wallTime(now, timeZone);
  if (kind === 'day') {
    return { start: localMidnight(w.year, w.month, w.day, timeZone), end: localMidnight(w.year, w.month, w.day + 1, timeZone) };
  }
  if (kind === 'week') {
    const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay(); // 0 = Sunday
    const monday = w.day - ((weekday + 6) % 7);
    return { start: localMidnight(w.year, w.month, monday, timeZone), end: localMidnight(w.year, w.month, monday + 7, timeZone) };
  }
  return { start: localMidnight(w.year, w.month, 1, timeZone), end: localMidnight(w.year, w.month + 1, 1, timeZone) };
}
