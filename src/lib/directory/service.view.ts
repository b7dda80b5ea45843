/**
 * What the directory pages show about services and locations: labels, messages, readable history and conflict
 * diffs. Pure functions of their arguments, so pages only render and tests need no database.
 * @module
 */
import type { Role } from '../auth/roles';
import type { FormValues } from '../http/form';
import { formatDate, formatDateTime } from '../i18n/format';
import { languageName } from '../i18n/languages';
import {
  diffFields,
  isStale,
  standOf,
  SERVICE_FIELD_LABELS,
  ServiceFormSchema,
  serviceFormToFields,
  serviceToFields,
  STALE_AFTER_MONTHS,
  type Location,
  type Service,
  type ServiceStateAction,
} from './service';
import type { TaxonomyTerm } from './taxonomy';

/** A location in one line: street, postcode, city. */
export function locationLine(location: Pick<Location, 'street' | 'postcode' | 'city'>): string {
  return [location.street, location.postcode, location.city].filter(Boolean).join(' ');
}

/** Names for the ids stored in a service's history and fields (categories, locations). */
export interface EntryNames {
  terms: Map<string, string>;
  locations: Map<string, string>;
}

/** The names the history and the conflict view use for category and location ids. */
export function entryNames(terms: TaxonomyTerm[], locations: Location[]): EntryNames {
  return {
    terms: new Map(terms.map((t) => [t.id, t.name])),
    locations: new Map(locations.map((l) => [l.id, locationLine(l)])),
  };
}

/** A stored field value as a reader understands it: names instead of ids, dates in German, "(leer)" for nothing. */
export function readableValue(field: string, value: string | null, names: EntryNames): string {
  if (value === null || value === '') return '(leer)';
  const ids = () => value.split(', ').filter(Boolean);
  if (field === 'termIds')
    return ids()
      .map((id) => names.terms.get(id) ?? id)
      .join(', ');
  if (field === 'locationIds')
    return ids()
      .map((id) => names.locations.get(id) ?? id)
      .join('; ');
  if (field === 'assuredDate' || field === 'archivedAt') return formatDateTime(value);
  return value;
}

/** The German label of a field in a service's history. */
export function serviceFieldLabel(field: string): string {
  return field === 'review' ? 'Prüfung' : (SERVICE_FIELD_LABELS[field] ?? field);
}

const VIA_LABELS: Record<string, string> = { form: 'Formular', partner: 'Einrichtung', import: 'CSV-Import' };

/** One row of the change history as the page shows it. */
export interface HistoryRow {
  at: string;
  who: string;
  via: string;
  field: string;
  before: string;
  after: string;
}

/** The history of an entry, readable: who (or which import), through what, which field, from what to what. */
export function historyRows(
  changes: {
    changedAt: string;
    changedByName: string | null;
    via: string;
    field: string;
    oldValue: string | null;
    newValue: string | null;
  }[],
  names: EntryNames,
): HistoryRow[] {
  return changes.map((c) => ({
    at: formatDateTime(c.changedAt),
    who: c.changedByName ?? (c.via === 'import' ? 'Import (Kommandozeile)' : 'unbekannt'),
    via: VIA_LABELS[c.via] ?? c.via,
    field: serviceFieldLabel(c.field),
    before: readableValue(c.field, c.oldValue, names),
    after: readableValue(c.field, c.newValue, names),
  }));
}

/**
 * After a conflict: the fields where what is stored now differs from what the user typed, with the stored value.
 * The typed form is parsed as on saving, so like is compared with like; an unparsable form shows no diff.
 */
export function serviceConflictFields(
  current: Service,
  typed: FormValues,
  names: EntryNames,
): { label: string; value: string }[] {
  const list = (key: string) => [typed[key] ?? []].flat();
  const parsed = ServiceFormSchema.safeParse({
    ...typed,
    termIds: list('termIds'),
    locationIds: list('locationIds'),
  });
  if (!parsed.success) return [];
  return diffFields(serviceToFields(current), serviceFormToFields(parsed.data)).map((change) => ({
    label: serviceFieldLabel(change.field),
    value: readableValue(change.field, change.from, names),
  }));
}

/** The message after saving a service: partners learn that the coordination looks at it. */
export function serviceSavedMessage(role: Role): string {
  return role === 'partner'
    ? 'Die Änderungen sind gespeichert. Die Netzwerkkoordination sieht sie sich an.'
    : 'Die Änderungen sind gespeichert.';
}

/** The message after a state button on the service's own page. */
export const SERVICE_STATE_MESSAGES: Record<ServiceStateAction, string> = {
  confirm: 'Die Daten sind bestätigt (heute).',
  archive: 'Das Angebot ist archiviert und erscheint nicht mehr im Verzeichnis.',
  restore: 'Das Angebot ist wiederhergestellt.',
  approve: 'Die Änderungen sind als geprüft markiert.',
};

/** The message after a state button in the upkeep list, naming the service. */
export function rowStateMessage(intent: 'confirm' | 'approve', name: string): string {
  return intent === 'approve' ? `„${name}“ ist geprüft.` : `„${name}“ ist bestätigt (heute).`;
}

/** What the upkeep list says when a row was changed by someone else in between. */
export function rowConflictMessage(current: Service | null): string {
  return current
    ? `„${current.name}“ wurde inzwischen geändert. Bitte öffnen Sie den Eintrag und prüfen Sie ihn dort.`
    : 'Das Angebot wurde inzwischen geändert. Bitte laden Sie die Liste neu.';
}

/** The warning on a stale entry: when it was last confirmed, or that it never was. */
export function staleNote(assuredDate: string | null, importedAt: string | null = null): string {
  if (!assuredDate && importedAt)
    return `Diese Angaben stammen aus einem Import vom ${formatDate(importedAt)} und wurden seitdem nicht bestätigt.`;
  return assuredDate
    ? `Diese Angaben wurden zuletzt am ${formatDate(assuredDate)} bestätigt – vor mehr als ${STALE_AFTER_MONTHS} Monaten.`
    : 'Diese Angaben wurden noch nie bestätigt.';
}

/** The age range in words. */
export function ageText(service: Pick<Service, 'minAge' | 'maxAge'>): string {
  const { minAge, maxAge } = service;
  if (minAge !== null && maxAge !== null) return `${minAge} bis ${maxAge} Jahre`;
  if (minAge !== null) return `ab ${minAge} Jahren`;
  if (maxAge !== null) return `bis ${maxAge} Jahre`;
  return 'ohne Altersgrenze';
}

/** The costs in words. */
export function costText(service: Pick<Service, 'freeOfCharge' | 'feesDescription'>): string {
  if (service.freeOfCharge === true) return 'kostenlos';
  if (service.freeOfCharge === false) return service.feesDescription ?? 'kostenpflichtig';
  return 'unbekannt';
}

/** Free places with the date they were last reported. */
export function freePlacesText(service: Pick<Service, 'freePlaces' | 'freePlacesUpdatedAt'>): string {
  if (service.freePlaces === null) return 'keine Angabe';
  return `${service.freePlaces}${service.freePlacesUpdatedAt ? ` (Stand ${formatDate(service.freePlacesUpdatedAt)})` : ''}`;
}

/** Accessibility in words: the wheelchair flag, then the details. */
export function accessibilityText(service: Pick<Service, 'wheelchairAccessible' | 'accessibility'>): string {
  const flag =
    service.wheelchairAccessible === true
      ? 'Barrierefrei zugänglich. '
      : service.wheelchairAccessible === false
        ? 'Nicht barrierefrei. '
        : '';
  const details = service.accessibility ?? (service.wheelchairAccessible === null ? 'Keine Angabe.' : '');
  return `${flag}${details}`.trim();
}

/** One row of the directory list: the service with its lookups done once, not in the template. */
export interface DirectoryRow {
  service: Service;
  categories: string;
  place: string;
  languages: string;
  confirmed: string;
  stale: boolean;
}

/** The rows of the directory list: category names, the first location's area, languages, confirmation state. */
export function directoryRows(
  services: Service[],
  terms: TaxonomyTerm[],
  locations: Location[],
  now: Date,
): DirectoryRow[] {
  const termName = new Map(terms.map((t) => [t.id, t.name]));
  return services.map((service) => {
    const own = new Set(service.locationIds);
    const place = locations.find((l) => own.has(l.id));
    return {
      service,
      categories: service.termIds.map((id) => termName.get(id) ?? id).join(', '),
      place: place ? [place.district, place.city].filter(Boolean).join(', ') || '–' : '–',
      languages: service.languages.map(languageName).join(', '),
      confirmed: service.assuredDate ? formatDate(service.assuredDate) : 'nie',
      stale: isStale(standOf(service), now),
    };
  });
}
