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
