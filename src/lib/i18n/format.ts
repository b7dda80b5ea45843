const dateTime = new Intl.DateTimeFormat('de-DE', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/Berlin',
});
const date = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'Europe/Berlin' });

/** "22.11.2026, 15:40" in German time. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** "22.11.2026" in German time. */
export function formatDate(iso: string): string {
  return date.format(new Date(iso));
}

export { languageName } from './languages';

/** Whether `value` is a real calendar date as YYYY-MM-DD (no 2027-02-31, no month 13). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
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
