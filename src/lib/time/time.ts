import { isPublicHoliday, type GermanState } from './holidays';

/**
 * The one place for German calendar time: today in Germany, Berlin wall clock, working days, due dates.
 * Nothing here reads the wall clock: callers pass `now` (an action's `ctx.now`, a page's request time), so tests
 * move time instead of sleeping. The only reader of the real clock is `systemClock` in src/lib/time/clock.ts.
 */

// Built once: an Intl formatter costs about 0.2 ms to create, and pages ask for today several times.
const GERMAN_DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' });

/** The date (YYYY-MM-DD) that `now` is in German time. */
export function todayInGermany(now: Date): string {
  return GERMAN_DATE.format(now);
}

/** The current time as ISO 8601 text in UTC, as every timestamp column stores it. */
export function toIso(now: Date): string {
  return now.toISOString();
}

/** Adds calendar years to an ISO timestamp (for `delete_after`). */
export function addYears(iso: string, years: number): string {
  const date = new Date(iso);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString();
}

/** Whether `value` is a real calendar date as YYYY-MM-DD (no 2027-02-31, no month 13). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Adds working days (Mon–Fri, no public holiday of `state`) to a date (YYYY-MM-DD): how due dates are set. */
export function addWorkingDays(date: string, days: number, state: GermanState = 'SH'): string {
  let current = new Date(`${date}T12:00:00Z`);
  let left = days;
  while (left > 0) {
    current = new Date(current.getTime() + 86_400_000);
    const iso = current.toISOString().slice(0, 10);
    const weekday = current.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !isPublicHoliday(iso, state)) left -= 1;
  }
  return current.toISOString().slice(0, 10);
}

const berlinClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function berlinOffsetMs(at: Date): number {
  const p = Object.fromEntries(berlinClock.formatToParts(at).map((part) => [part.type, part.value]));
  const wall = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a German wall-clock time stands for, given as that wall clock read as UTC ("10:00" → 10:00Z): subtract
 * Berlin's offset at that moment (CET +1, CEST +2); a second pass settles the hours around a clock change.
 */
export function fromGermanWallClock(asUtc: Date): Date {
  const first = new Date(asUtc.getTime() - berlinOffsetMs(asUtc));
  return new Date(asUtc.getTime() - berlinOffsetMs(first));
}
