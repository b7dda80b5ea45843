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
