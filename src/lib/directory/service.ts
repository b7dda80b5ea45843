import { z } from 'zod';
import { multiline, VersionSchema } from '../http/form';
import { languageName, parseLanguages } from '../i18n/languages';
import { parseOpeningHours, formatOpeningHours } from './opening-hours';
import { optionalNumber, optionalText as text, PostcodeSchema } from './organization';

export const SERVICE_STATUSES = ['active', 'temporarily_closed', 'inactive'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** German labels of a service's status. */
export const STATUS_LABELS: Record<ServiceStatus, string> = {
  active: 'aktiv',
  temporarily_closed: 'vorübergehend geschlossen',
  inactive: 'eingestellt',
};

/** After this many months without confirmation an entry counts as stale. */
export const STALE_AFTER_MONTHS = 12;

/** A named person to ask for at a service. */
export interface Contact {
  id: string;
  name: string;
  title: string | null;
  email: string | null;
  phone: string | null;
}

/** A place where services are offered. */
export interface Location {
  id: string;
  organizationId: string;
  name: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  district: string | null;
  latitude: number | null;
  longitude: number | null;
  transitNotes: string | null;
  archivedAt: string | null;
  needsReview: boolean;
  version: number;
}

/** A service of the directory with everything a caseworker needs to refer with confidence. */
export interface Service {
  id: string;
  organizationId: string;
  organizationName: string;
  externalId: string | null;
  name: string;
  description: string | null;
  termIds: string[];
  minAge: number | null;
  maxAge: number | null;
  eligibilityNotes: string | null;
  freeOfCharge: boolean | null;
  feesDescription: string | null;
  applicationProcess: string | null;
  requiredDocuments: string | null;
  accessibility: string | null;
  wheelchairAccessible: boolean | null;
  freePlaces: number | null;
  freePlacesUpdatedAt: string | null;
  openingHours: string;
  status: ServiceStatus;
  assuredDate: string | null;
  assurerUserId: string | null;
  /** Where the last confirmation came from (ASSURED_SOURCES), null for entries confirmed before it was recorded. */
  assuredSource: string | null;
  /** When an import last wrote the entry ("Stand laut Import") and which import it was. */
  importedAt: string | null;
  importId: string | null;
  /** Until when a temporarily closed service stays closed (a date), and its next intake date. */
  temporarilyClosedUntil: string | null;
  nextIntakeOn: string | null;
  archivedAt: string | null;
  needsReview: boolean;
  isSample: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  languages: string[];
  phone: string | null;
  contact: Contact | null;
  locationIds: string[];
}

/** The instant before which a confirmation counts as stale at `now` (STALE_AFTER_MONTHS earlier), as ISO text. */
export function staleBefore(now: Date): string {
  const limit = new Date(now);
  limit.setMonth(limit.getMonth() - STALE_AFTER_MONTHS);
  return limit.toISOString();
}

/** The date the entry's data stands at: its last confirmation, or else its last import ("Stand laut Import"). */
export function standOf(service: Pick<Service, 'assuredDate' | 'importedAt'>): string | null {
  return service.assuredDate ?? service.importedAt;
}

/** Whether an entry was last confirmed more than STALE_AFTER_MONTHS before `now` (or never). */
export function isStale(assuredDate: string | null, now: Date): boolean {
  if (!assuredDate) return true;
  return new Date(assuredDate) < new Date(staleBefore(now));
}

const age = (label: string) =>
  z
    .string()
    .trim()
    .default('')
    .transform((value, ctx) => {
      if (value === '') return null;
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0 || number > 99) {
        ctx.addIssue({ code: 'custom', message: `${label} bitte als ganze Zahl zwischen 0 und 99 angeben.` });
        return z.NEVER;
      }
      return number;
    });

const yesNo = (label: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .default('')
    .transform((value, ctx) => {
      if (value === '' || value === 'unbekannt') return null;
      if (['ja', 'j', 'yes', 'true', '1', 'x'].includes(value)) return true;
      if (['nein', 'n', 'no', 'false', '0'].includes(value)) return false;
      ctx.addIssue({
        code: 'custom',
        message: `${label}: bitte „ja“ oder „nein“ angeben (oder leer lassen).`,
      });
      return z.NEVER;
    });

const serviceShape = {
  name: z
    .string({ message: 'Bitte geben Sie den Namen des Angebots ein.' })
    .trim()
    .min(2, { message: 'Der Name des Angebots braucht mindestens 2 Zeichen.' })
    .max(200, { message: 'Der Name darf höchstens 200 Zeichen haben.' }),
  description: multiline(text(4000, 'Die Beschreibung')),
  termIds: z.array(z.string().max(100)).default([]),
  minAge: age('Das Mindestalter'),
  maxAge: age('Das Höchstalter'),
  eligibilityNotes: multiline(text(1000, 'Die Hinweise zur Zielgruppe')),
  freeOfCharge: yesNo('Kostenlos'),
  feesDescription: text(500, 'Die Angaben zu Kosten'),
  applicationProcess: multiline(text(2000, '„So vermitteln Sie“')),
  requiredDocuments: multiline(text(2000, '„Bitte mitbringen“')),
  accessibility: multiline(text(1000, 'Die Angaben zur Barrierefreiheit')),
  wheelchairAccessible: yesNo('Barrierefrei'),
  freePlaces: z
    .string()
    .trim()
    .default('')
    .transform((value, ctx) => {
      if (value === '') return null;
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0 || number > 100_000) {
        ctx.addIssue({
          code: 'custom',
          message: 'Freie Plätze bitte als ganze Zahl ab 0 angeben (oder leer lassen).',
        });
        return z.NEVER;
      }
      return number;
    }),
  openingHours: z
    .string()
    .max(500, { message: 'Die Öffnungszeiten dürfen höchstens 500 Zeichen haben.' })
    .default('')
    .transform((value, ctx) => {
      const parsed = parseOpeningHours(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.value;
    }),
  languages: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const { codes, unknown } = parseLanguages(value);
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `Unbekannte Sprache: „${unknown.join('“, „')}“. Bitte deutsche Namen (Arabisch) oder Kürzel (ar) verwenden.`,
        });
        return z.NEVER;
      }
      return codes;
    }),
  status: z
    .enum(SERVICE_STATUSES, { message: 'Bitte wählen Sie einen Status aus der Liste.' })
    .default('active'),
  phone: text(50, 'Die Telefonnummer'),
  contactName: text(120, 'Der Name der Ansprechperson'),
  contactTitle: text(120, 'Die Funktion der Ansprechperson'),
  contactEmail: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || z.email().safeParse(value).success, {
      message: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. beratung@beispiel.de.',
    })
    .transform((value) => (value === '' ? null : value.toLowerCase())),
  contactPhone: text(50, 'Die Telefonnummer der Ansprechperson'),
  locationIds: z.array(z.string().max(64)).default([]),
};

type ServiceFields = z.output<z.ZodObject<typeof serviceShape>>;

/** Rules across fields: an age range that makes sense, a named contact person. */
function serviceRules(value: ServiceFields, ctx: z.RefinementCtx): void {
  if (value.minAge !== null && value.maxAge !== null && value.minAge > value.maxAge) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxAge'],
      message: 'Das Höchstalter darf nicht kleiner sein als das Mindestalter.',
    });
  }
  if ((value.contactTitle || value.contactEmail || value.contactPhone) && !value.contactName) {
    ctx.addIssue({
      code: 'custom',
      path: ['contactName'],
      message: 'Bitte geben Sie den Namen der Ansprechperson an (oder lassen Sie alle Felder zu ihr leer).',
    });
  }
}

/** The service form (and one import row) as typed text; the result is what the database stores. */
export const ServiceFormSchema = z.object(serviceShape).superRefine(serviceRules);
export type ServiceForm = z.infer<typeof ServiceFormSchema>;

/** The edit form of a service: its fields and the version the user started from. */
export const ServiceEditSchema = z
  .object({ ...serviceShape, version: VersionSchema })
  .superRefine(serviceRules);
export type ServiceEdit = z.infer<typeof ServiceEditSchema>;

/** What can happen to a service besides editing it, each with its own policy. */
export const SERVICE_STATE_ACTIONS = ['confirm', 'archive', 'restore', 'approve'] as const;
export type ServiceStateAction = (typeof SERVICE_STATE_ACTIONS)[number];

/** The buttons "Daten bestätigen", "Archivieren", "Wiederherstellen", "Als geprüft markieren". */
export const ServiceStateSchema = z.object({
  version: VersionSchema,
  intent: z.enum(SERVICE_STATE_ACTIONS, {
    message: 'Diese Aktion gibt es nicht. Bitte laden Sie die Seite neu.',
  }),
});
export type ServiceStateInput = z.infer<typeof ServiceStateSchema>;

/** The same buttons in the upkeep list, one form per row naming its service. */
export const ServiceRowStateSchema = z.object({
  service: z.string({ message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' }).max(64),
  version: VersionSchema,
  intent: z
    .enum(['confirm', 'approve'], { message: 'Diese Aktion gibt es nicht. Bitte laden Sie die Seite neu.' })
    .default('confirm'),
});

/** The editable fields of a location. */
export interface LocationFields {
  name: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  district: string | null;
  latitude: number | null;
  longitude: number | null;
  transitNotes: string | null;
}

const locationShape = {
  name: text(200, 'Der Name des Standorts'),
  street: text(200, 'Die Straße'),
  postcode: PostcodeSchema,
  city: text(100, 'Der Ort'),
  district: text(100, 'Der Stadtteil'),
  latitude: optionalNumber(-90, 90, 'Der Breitengrad'),
  longitude: optionalNumber(-180, 180, 'Der Längengrad'),
  transitNotes: multiline(text(500, 'Der Hinweis zur Anfahrt')),
};

/** A location needs an address to be found, and coordinates come in pairs. */
function locationRules(value: LocationFields, ctx: z.RefinementCtx): void {
  if ((value.latitude === null) !== (value.longitude === null)) {
    ctx.addIssue({
      code: 'custom',
      path: ['longitude'],
      message: 'Bitte geben Sie Breiten- und Längengrad zusammen an oder beide nicht.',
    });
  }
  if (!value.street && !value.postcode && !value.city) {
    ctx.addIssue({
      code: 'custom',
      path: ['street'],
      message: 'Bitte geben Sie mindestens Straße, PLZ oder Ort an.',
    });
  }
}

/** The location form. */
export const LocationFormSchema = z.object(locationShape).superRefine(locationRules);
export type LocationForm = z.infer<typeof LocationFormSchema>;

/** The location edit form: its fields and the version the user started from. */
export const LocationEditSchema = z
  .object({ ...locationShape, version: VersionSchema })
  .superRefine(locationRules);
export type LocationEdit = z.infer<typeof LocationEditSchema>;

/** A location's fields as comparable text, for the history. */
export function locationToFields(location: LocationFields): Record<string, string> {
  const value = (v: string | number | null) => (v === null ? '' : String(v));
  return {
    name: value(location.name),
    street: value(location.street),
    postcode: value(location.postcode),
    city: value(location.city),
    district: value(location.district),
    latitude: value(location.latitude),
    longitude: value(location.longitude),
    transitNotes: value(location.transitNotes),
  };
}

/** The form values (typed text) of an existing location, for the edit form. */
export function locationToFormValues(location: LocationFields): Record<string, string> {
  const decimal = (v: number | null) => (v === null ? '' : String(v).replace('.', ','));
  return {
    name: location.name ?? '',
    street: location.street ?? '',
    postcode: location.postcode ?? '',
    city: location.city ?? '',
    district: location.district ?? '',
    latitude: decimal(location.latitude),
    longitude: decimal(location.longitude),
    transitNotes: location.transitNotes ?? '',
  };
}

/** The form values (typed text) of an existing service, for the edit form. */
export function serviceToFormValues(service: Service): Record<string, string | string[]> {
  const yes = (value: boolean | null) => (value === null ? '' : value ? 'ja' : 'nein');
  const number = (value: number | null) => (value === null ? '' : String(value));
  return {
    name: service.name,
    description: service.description ?? '',
    termIds: service.termIds,
    minAge: number(service.minAge),
    maxAge: number(service.maxAge),
    eligibilityNotes: service.eligibilityNotes ?? '',
    freeOfCharge: yes(service.freeOfCharge),
    feesDescription: service.feesDescription ?? '',
    applicationProcess: service.applicationProcess ?? '',
    requiredDocuments: service.requiredDocuments ?? '',
    accessibility: service.accessibility ?? '',
    wheelchairAccessible: yes(service.wheelchairAccessible),
    freePlaces: number(service.freePlaces),
    openingHours: service.openingHours,
    languages: service.languages.map(languageName).join(', '),
    status: service.status,
    phone: service.phone ?? '',
    contactName: service.contact?.name ?? '',
    contactTitle: service.contact?.title ?? '',
    contactEmail: service.contact?.email ?? '',
    contactPhone: service.contact?.phone ?? '',
    locationIds: service.locationIds,
  };
}

/** German labels of the fields the history and the conflict view name. */
export const SERVICE_FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Beschreibung',
  termIds: 'Kategorien',
  minAge: 'Alter von',
  maxAge: 'Alter bis',
  eligibilityNotes: 'Zielgruppe',
  freeOfCharge: 'Kostenlos',
  feesDescription: 'Kosten',
  applicationProcess: 'So vermitteln Sie',
  requiredDocuments: 'Bitte mitbringen',
  accessibility: 'Barrierefreiheit',
  wheelchairAccessible: 'Barrierefrei',
  freePlaces: 'Freie Plätze',
  openingHours: 'Öffnungszeiten',
  languages: 'Sprachen',
  status: 'Status',
  phone: 'Telefon',
  contactName: 'Ansprechperson',
  contactTitle: 'Funktion',
  contactEmail: 'E-Mail der Ansprechperson',
  contactPhone: 'Telefon der Ansprechperson',
  locationIds: 'Standorte',
  assuredDate: 'Zuletzt bestätigt',
  archivedAt: 'Archiviert',
  organizationId: 'Organisation',
  externalId: 'Externe ID',
};

/** A comparable text per field of a parsed form, so history and conflicts can say "from … to …". */
export function serviceFormToFields(form: ServiceForm): Record<string, string> {
  const yes = (value: boolean | null) => (value === null ? '' : value ? 'ja' : 'nein');
  return {
    name: form.name,
    description: form.description ?? '',
    termIds: [...form.termIds].sort().join(', '),
    minAge: form.minAge === null ? '' : String(form.minAge),
    maxAge: form.maxAge === null ? '' : String(form.maxAge),
    eligibilityNotes: form.eligibilityNotes ?? '',
    freeOfCharge: yes(form.freeOfCharge),
    feesDescription: form.feesDescription ?? '',
    applicationProcess: form.applicationProcess ?? '',
    requiredDocuments: form.requiredDocuments ?? '',
    accessibility: form.accessibility ?? '',
    wheelchairAccessible: yes(form.wheelchairAccessible),
    freePlaces: form.freePlaces === null ? '' : String(form.freePlaces),
    openingHours: formatOpeningHours(form.openingHours),
    languages: [...form.languages].sort().join(', '),
    status: form.status,
    phone: form.phone ?? '',
    contactName: form.contactName ?? '',
    contactTitle: form.contactTitle ?? '',
    contactEmail: form.contactEmail ?? '',
    contactPhone: form.contactPhone ?? '',
    locationIds: [...form.locationIds].sort().join(', '),
  };
}

/** The same comparable texts for a stored service (through the form's shape, so both always agree). */
export function serviceToFields(service: Service): Record<string, string> {
  const hours = parseOpeningHours(service.openingHours);
  return serviceFormToFields({
    name: service.name,
    description: service.description,
    termIds: service.termIds,
    minAge: service.minAge,
    maxAge: service.maxAge,
    eligibilityNotes: service.eligibilityNotes,
    freeOfCharge: service.freeOfCharge,
    feesDescription: service.feesDescription,
    applicationProcess: service.applicationProcess,
    requiredDocuments: service.requiredDocuments,
    accessibility: service.accessibility,
    wheelchairAccessible: service.wheelchairAccessible,
    freePlaces: service.freePlaces,
    openingHours: hours.ok ? hours.value : { rules: [], closedOnHolidays: false },
    languages: service.languages,
    status: service.status,
    phone: service.phone,
    contactName: service.contact?.name ?? null,
    contactTitle: service.contact?.title ?? null,
    contactEmail: service.contact?.email ?? null,
    contactPhone: service.contact?.phone ?? null,
    locationIds: service.locationIds,
  });
}

/** The fields whose values differ between two field maps, with both values. */
export function diffFields(
  before: Record<string, string>,
  after: Record<string, string>,
): { field: string; from: string; to: string }[] {
  return Object.keys(after)
    .filter((field) => (before[field] ?? '') !== (after[field] ?? ''))
    .map((field) => ({ field, from: before[field] ?? '', to: after[field] ?? '' }));
}

/** The Wegweiser's form: the chosen services and a note printed once (never stored). */
export const WegweiserFormSchema = z.object({
  angebot: z.array(z.string().max(64)).max(50).default([]),
  hinweis: multiline(
    z.string().max(500, { message: 'Der Hinweis darf höchstens 500 Zeichen haben.' }).default(''),
  ),
});
