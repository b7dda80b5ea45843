import type { FormValues } from '../http/form';
import {
  DATA_CATEGORY_LABELS,
  isConsentActive,
  PLAN_STEP_STATUS_LABELS,
  type Case,
  type CaseIdentity,
  type Consent,
  type PlanStepStatus,
} from './case';

// What the case pages show, decided here (pure, tested) so the pages only render.

/** The one-time message after a case was opened. */
export function caseCreatedMessage(caseFile: Pick<Case, 'code'>): string {
  return `Der Fall ${caseFile.code} ist angelegt.`;
}

/**
 * Where to go after a case was opened or a consent recorded: on to the referral form when the user came from
 * "Vermitteln" (a service id), else the case.
 */
export function nextAfterCaseChange(caseId: string, serviceId: string | null): string {
  return serviceId && /^[a-z2-7]{16}$/.test(serviceId)
    ? `/vermittlungen/neu?fall=${caseId}&angebot=${serviceId}`
    : `/faelle/${caseId}`;
}

/** The one-time message after an action on the case page. */
export function caseActionMessage(input: { action: string; status?: PlanStepStatus }): string {
  switch (input.action) {
    case 'add_step':
      return 'Der Schritt ist im Förderplan.';
    case 'step_status':
      return `Der Schritt ist jetzt „${PLAN_STEP_STATUS_LABELS[input.status ?? 'open']}“.`;
    default:
      return 'Die Einwilligung ist widerrufen. Einrichtungen sehen ab sofort keine Daten mehr, die nur sie abdeckte.';
  }
}

/** The identity data as label/value rows, only the filled ones. */
export function identityRows(identity: CaseIdentity | null): [string, string][] {
  if (!identity) return [];
  const rows: [string, string | null][] = [
    ['Vorname', identity.firstName],
    ['Nachname', identity.lastName],
    ['Geburtsdatum', identity.birthDate?.split('-').reverse().join('.') ?? null],
    ['Bevorzugte Sprache', identity.preferredLanguage],
    ['Telefon', identity.phone],
    ['E-Mail', identity.email],
    ['Aufenthaltsstatus', identity.residenceStatus],
    ['Abschlüsse', identity.qualifications],
    ['Sprachstand', identity.languageLevel],
    ['Gesundheitsbezogene Angaben', identity.healthNotes],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}

/** The identity data as form values ('' for empty fields). */
export function identityValues(identity: CaseIdentity | null): FormValues {
  return Object.fromEntries(Object.entries(identity ?? {}).map(([key, value]) => [key, value ?? '']));
}

/** One consent as the case page lists it. */
export interface ConsentView {
  id: string;
  organization: string;
  state: string;
  categories: string;
  purpose: string;
  details: string;
  revocable: boolean;
}

/**
 * The consents of a case in German. `names` resolves organisation and user ids; the guardian's name is family data
 * and appears only with the audited identity view (`showGuardianName`).
 */
export function consentViews(
  consents: Consent[],
  names: { organizations: Map<string, string>; users: Map<string, string> },
  today: string,
  showGuardianName: boolean,
  formatDay: (isoDate: string) => string,
): ConsentView[] {
  return consents.map((consent) => {
    const state = consent.revokedOn
      ? `widerrufen am ${formatDay(consent.revokedOn)}`
      : isConsentActive(consent, today)
        ? `gültig bis ${formatDay(consent.validUntil)}`
        : 'nicht mehr gültig';
    const guardian = consent.guardianConsent
      ? showGuardianName && consent.guardianName
        ? `, mit Zustimmung von ${consent.guardianName}`
        : ', mit Zustimmung der Sorgeberechtigten'
      : '';
    return {
      id: consent.id,
      organization: names.organizations.get(consent.recipientOrganizationId) ?? 'unbekannte Einrichtung',
      state,
      categories: consent.categories.map((c) => DATA_CATEGORY_LABELS[c]).join(', '),
      purpose: consent.purpose,
      details:
        `Erteilt am ${formatDay(consent.givenOn)}, ${consent.form === 'written' ? 'schriftlich' : 'mündlich'}` +
        `${consent.interpreterUsed ? ', mit Dolmetschung' : ''}${guardian}` +
        `, eingeholt von ${names.users.get(consent.obtainedByUserId) ?? 'unbekannt'}`,
      revocable: consent.revokedOn === null,
    };
  });
}

/** Default values of the consent form: the recipient asked for, given today, valid one year. */
export function consentFormDefaults(recipientOrganizationId: string, today: string): FormValues {
  return {
    recipientOrganizationId,
    givenOn: today,
    validUntil: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
    form: 'written',
  };
}

/**
 * The errors a case form shows: a problem with the hidden `version` (a stale or tampered form) has no field of its
 * own, so it becomes the summary above the form.
 */
export function caseFormErrors(errors: Record<string, string> | undefined): Record<string, string> {
  if (!errors) return {};
  return !errors['_form'] && errors['version'] ? { ...errors, _form: errors['version'] } : errors;
}
