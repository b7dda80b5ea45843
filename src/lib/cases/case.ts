import { z } from 'zod';
import { multiline, VersionSchema } from '../http/form';
import { isIsoDate } from '../time/time';

/** The data categories a consent can release (DESIGN.md §3); `health` is a special category (Art. 9 DSGVO). */
export const DATA_CATEGORIES = [
  'name',
  'birth_date',
  'contact',
  'residence_status',
  'qualifications',
  'language_level',
  'health',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** German labels of the data categories. */
export const DATA_CATEGORY_LABELS: Record<DataCategory, string> = {
  name: 'Name',
  birth_date: 'Geburtsdatum',
  contact: 'Kontaktdaten (Telefon, E-Mail)',
  residence_status: 'Aufenthaltsstatus',
  qualifications: 'Schul- und Berufsabschlüsse',
  language_level: 'Sprachstand und bevorzugte Sprache',
  health: 'Gesundheitsbezogene Angaben (besondere Kategorie, Art. 9 DSGVO)',
};

/** Categories that need the extra care of Art. 9 DSGVO. */
export const SPECIAL_CATEGORIES: readonly DataCategory[] = ['health'];

/** Plan step states. */
export const PLAN_STEP_STATUSES = ['open', 'done', 'dropped'] as const;
export type PlanStepStatus = (typeof PLAN_STEP_STATUSES)[number];
export const PLAN_STEP_STATUS_LABELS: Record<PlanStepStatus, string> = {
  open: 'offen',
  done: 'erledigt',
  dropped: 'entfallen',
};

/** How long case data is kept after the last change before the retention job removes it. */
export const CASE_RETENTION_YEARS = 3;

/** A case as the office sees it (without identity data). */
export interface Case {
  id: string;
  code: string;
  officeId: string;
  ownerUserId: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  version: number;
  /** When the case was restricted (Art. 18 DSGVO); null when it is not. */
  restrictedAt: string | null;
}

/** Why a restricted case refuses a change (Art. 18 DSGVO: the data are only kept, not further processed). */
export const RESTRICTED_CASE_MESSAGE =
  'Dieser Fall ist eingeschränkt (Art. 18 DSGVO): Die Daten werden nur aufbewahrt. Änderungen, neue Vermittlungen und Freigaben an Einrichtungen sind erst wieder möglich, wenn die Einschränkung aufgehoben ist.';

/** The young person's identity data; every field optional (data minimisation). */
export interface CaseIdentity {
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  phone: string | null;
  email: string | null;
  preferredLanguage: string | null;
  residenceStatus: string | null;
  qualifications: string | null;
  languageLevel: string | null;
  healthNotes: string | null;
}

/** One step of the Förderplan. */
export interface PlanStep {
  id: string;
  caseId: string;
  title: string;
  dueOn: string | null;
  status: PlanStepStatus;
  doneAt: string | null;
  version: number;
}

/** A consent (Einwilligung / Schweigepflichtentbindung). */
export interface Consent {
  id: string;
  caseId: string;
  recipientOrganizationId: string;
  categories: DataCategory[];
  purpose: string;
  givenOn: string;
  form: 'written' | 'oral';
  interpreterUsed: boolean;
  obtainedByUserId: string;
  guardianConsent: boolean;
  guardianName: string | null;
  validUntil: string;
  revokedOn: string | null;
  createdAt: string;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A random, non-derivable case code like "K7M3-9QXP" (40 bits; no 0/O/1/I to misread). */
export function generateCaseCode(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  const chars = [...bytes].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Parses a comma-separated category list, dropping unknown codes. */
export function parseCategories(value: string): DataCategory[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part): part is DataCategory => (DATA_CATEGORIES as readonly string[]).includes(part));
}

/** Whether a consent is in force on `today` (YYYY-MM-DD): given, not expired, never revoked. */
export function isConsentActive(consent: Consent, today: string): boolean {
  return consent.revokedOn === null && consent.givenOn <= today && consent.validUntil >= today;
}

/** Whether a consent allows sharing every one of `categories` with `organizationId` on `today`. */
export function consentCovers(
  consent: Consent,
  organizationId: string,
  categories: readonly DataCategory[],
  today: string,
): boolean {
  return (
    isConsentActive(consent, today) &&
    consent.recipientOrganizationId === organizationId &&
    categories.every((category) => consent.categories.includes(category))
  );
}

/** Age in whole years on a date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const isoDate = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `${label}: bitte ein Datum wählen (TT.MM.JJJJ).` })
    .refine(isIsoDate, { message: `${label}: dieses Datum gibt es nicht.` });

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label}: höchstens ${max} Zeichen.` })
    .transform((value) => (value === '' ? null : value));

/** An optional date field: empty means null. */
export const OptionalDateSchema = (label: string) =>
  z
    .union([z.literal('').transform(() => null), isoDate(label)])
    .optional()
    .transform((v) => v ?? null);

// An absent field defaults to null: zod 4 returns a default as the output without running the transform, so
// `.default('')` would store '' and fail the phone and e-mail checks.
/** The identity form: every field optional; only what the case needs is recorded. */
export const CaseIdentitySchema = z.object({
  firstName: optionalText(100, 'Vorname').default(null),
  lastName: optionalText(100, 'Nachname').default(null),
  // "Not in the future" needs today: `checkIdentityRules` checks it in the mutation, with the action's clock.
  birthDate: OptionalDateSchema('Geburtsdatum').refine((value) => value === null || value >= '1950-01-01', {
    message: 'Geburtsdatum: bitte ein Datum in der Vergangenheit eingeben.',
  }),
  phone: optionalText(40, 'Telefon')
    .default(null)
    .refine((value) => value === null || /^[+\d][\d\s/()-]{3,}$/.test(value), {
      message: 'Telefon: bitte nur Ziffern, Leerzeichen, +, /, ( ) und - verwenden.',
    }),
  email: optionalText(200, 'E-Mail')
    .default(null)
    .refine((value) => value === null || z.email().safeParse(value).success, {
      message: 'E-Mail: bitte eine gültige Adresse eingeben (z. B. name@example.org).',
    }),
  preferredLanguage: optionalText(60, 'Bevorzugte Sprache').default(null),
  residenceStatus: optionalText(120, 'Aufenthaltsstatus').default(null),
  qualifications: multiline(optionalText(500, 'Abschlüsse')).default(null),
  languageLevel: optionalText(60, 'Sprachstand').default(null),
  healthNotes: multiline(optionalText(500, 'Gesundheitsbezogene Angaben')).default(null),
});
export type CaseIdentityInput = z.infer<typeof CaseIdentitySchema>;

/** Rules of the identity form that need today's date (YYYY-MM-DD); field → German message, empty when fine. */
export function checkIdentityRules(input: CaseIdentityInput, today: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (input.birthDate !== null && input.birthDate > today) {
    errors['birthDate'] = 'Geburtsdatum: bitte ein Datum in der Vergangenheit eingeben.';
  }
  return errors;
}

/** The identity form of an existing case, with the case version the user saw. */
export const UpdateIdentitySchema = CaseIdentitySchema.extend({ version: VersionSchema });
export type UpdateIdentityInput = z.infer<typeof UpdateIdentitySchema>;

/** Ids as forms and URLs carry them (random base32); anything else names no object. */
export const IdSchema = z
  .string({ message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' })
  .regex(/^[a-z2-7]{1,64}$/, { message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' });

/** A new plan step. */
export const PlanStepSchema = z.object({
  title: z
    .string()
    .trim()
    .min(3, { message: 'Schritt: bitte kurz beschreiben (mindestens 3 Zeichen).' })
    .max(200, { message: 'Schritt: höchstens 200 Zeichen.' }),
  dueOn: OptionalDateSchema('Fällig am'),
});
export type PlanStepInput = z.infer<typeof PlanStepSchema>;

/** The forms of a case page, told apart by `action` (one schema per action). */
export const AddPlanStepSchema = PlanStepSchema.extend({ action: z.literal('add_step') });
export const PlanStepStatusSchema = z.object({
  action: z.literal('step_status'),
  stepId: IdSchema,
  version: VersionSchema,
  status: z.enum(PLAN_STEP_STATUSES, { message: 'Unbekannter Status. Bitte laden Sie die Seite neu.' }),
});
export type PlanStepStatusInput = z.infer<typeof PlanStepStatusSchema>;
export const RevokeConsentSchema = z.object({ action: z.literal('revoke_consent'), consentId: IdSchema });
export type RevokeConsentInput = z.infer<typeof RevokeConsentSchema>;
export const CaseActionSchema = z.discriminatedUnion('action', [
  AddPlanStepSchema,
  PlanStepStatusSchema,
  RevokeConsentSchema,
]);

/** The schema of one form of the case page, or null for an action no form has. */
export function caseActionSchema(action: string) {
  if (action === 'add_step') return AddPlanStepSchema;
  if (action === 'step_status') return PlanStepStatusSchema;
  if (action === 'revoke_consent') return RevokeConsentSchema;
  return null;
}

/** The consent form; cross-field rules (guardian, dates) are checked in `checkConsentRules`. */
export const ConsentSchema = z.object({
  recipientOrganizationId: z
    .string()
    .min(1, { message: 'Bitte die Einrichtung wählen, für die die Einwilligung gilt.' }),
  categories: z
    .array(z.enum(DATA_CATEGORIES, { message: 'Unbekannte Datenkategorie.' }))
    .min(1, { message: 'Bitte mindestens eine Datenkategorie ankreuzen.' }),
  purpose: z
    .string()
    .trim()
    .min(5, { message: 'Zweck: bitte angeben, wofür die Daten weitergegeben werden (mindestens 5 Zeichen).' })
    .max(300, { message: 'Zweck: höchstens 300 Zeichen.' }),
  givenOn: isoDate('Erteilt am'),
  form: z.enum(['written', 'oral'], {
    message: 'Bitte angeben, ob die Einwilligung schriftlich oder mündlich erteilt wurde.',
  }),
  interpreterUsed: z
    .string()
    .optional()
    .transform((value) => value === 'on' || value === '1'),
  ageGroup: z.enum(['16plus', 'under16'], { message: 'Bitte angeben, ob der junge Mensch unter 16 ist.' }),
  guardianConsent: z
    .string()
    .optional()
    .transform((value) => value === 'on' || value === '1'),
  guardianName: optionalText(120, 'Name der sorgeberechtigten Person').default(null),
  validUntil: isoDate('Gültig bis'),
});
export type ConsentInput = z.infer<typeof ConsentSchema>;

/** Rules across fields of a consent; returns field → German message (empty when fine). */
export function checkConsentRules(
  input: ConsentInput,
  context: { today: string; birthDate: string | null },
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (input.givenOn > context.today)
    errors['givenOn'] = 'Erteilt am: das Datum darf nicht in der Zukunft liegen.';
  if (input.validUntil < context.today)
    errors['validUntil'] = 'Gültig bis: das Datum darf nicht in der Vergangenheit liegen.';
  if (input.validUntil < input.givenOn)
    errors['validUntil'] = 'Gültig bis: das Datum muss nach „Erteilt am“ liegen.';
  const under16 =
    input.ageGroup === 'under16' ||
    (context.birthDate !== null && ageOn(context.birthDate, input.givenOn) < 16);
  if (
    context.birthDate !== null &&
    input.ageGroup === '16plus' &&
    ageOn(context.birthDate, input.givenOn) < 16
  ) {
    errors['ageGroup'] = 'Laut Geburtsdatum war der junge Mensch bei der Einwilligung unter 16.';
  }
  if (under16 && !input.guardianConsent) {
    errors['guardianConsent'] = 'Unter 16 Jahren muss auch eine sorgeberechtigte Person einwilligen.';
  }
  if (under16 && input.guardianConsent && !input.guardianName) {
    errors['guardianName'] = 'Bitte den Namen der sorgeberechtigten Person angeben.';
  }
  return errors;
}

/** The "open a case by its code" form (the code goes by POST: even a pseudonym does not belong in URLs). */
export const CaseCodeSchema = z.object({
  code: z
    .string()
    .optional()
    .transform((value) => (value ?? '').slice(0, 20)),
});
