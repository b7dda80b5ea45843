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

const LANGUAGE_NAMES = new Intl.DisplayNames(['de'], { type: 'language' });

/** German name of an ISO 639 language code ("ar" → "Arabisch"). */
export function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}
