import { AUDIT_ACTION_LABELS } from '../audit/audit-labels';
import { DATA_CATEGORY_LABELS, PLAN_STEP_STATUS_LABELS } from '../cases/case';
import {
  CONTACT_MODE_LABELS,
  describeEvent,
  OUTCOME_LABELS,
  PURPOSE_LABELS,
  REFERRAL_STATUS_LABELS,
} from '../referrals/referral';
import type { AccessExport, AccessReferral } from './access.service';

// What the access export's print view (/faelle/[id]/auskunft) shows, in plain German, decided here (pure, tested).

/** Labels of the privacy actions in the audit log (beside the audit module's own labels). */
export const PRIVACY_ACTION_LABELS: Record<string, string> = {
  'case.access_export': 'Auskunft erstellt (Art. 15 DSGVO)',
  'case.restrict': 'Verarbeitung eingeschränkt (Art. 18 DSGVO)',
  'case.restriction_lift': 'Einschränkung aufgehoben',
  'case.erase': 'Fall auf Antrag gelöscht (Art. 17 DSGVO)',
  'case.retention_delete': 'Fall nach Ablauf der Aufbewahrungsfrist gelöscht',
};

/** An audit action in German; an unknown one shows its key. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? PRIVACY_ACTION_LABELS[action] ?? action;
}

type Rows = [string, string][];
type Format = { date: (isoDate: string) => string; dateTime: (iso: string) => string };

const filled = (rows: [string, string | null | undefined][]): Rows =>
  rows.filter((row): row is [string, string] => row[1] !== null && row[1] !== undefined && row[1] !== '');
const day = (format: Format, value: string | null) => (value ? format.date(`${value}T12:00:00Z`) : null);

/** The case itself: number, office, who is responsible, dates, restriction, how long it is kept. */
export function caseRows(data: AccessExport, format: Format): Rows {
  const c = data.case;
  return filled([
    ['Fallnummer', c.code],
    ['Dienststelle', c.office],
    ['Zuständige Fachkraft', c.owner],
    ['Angelegt am', format.dateTime(c.createdAt)],
    ['Zuletzt geändert am', format.dateTime(c.updatedAt)],
    ['Abgeschlossen am', c.closedAt ? format.dateTime(c.closedAt) : null],
    [
      'Einschränkung der Verarbeitung',
      c.restrictedAt ? `seit ${format.dateTime(c.restrictedAt)} (Art. 18 DSGVO)` : 'keine',
    ],
    [
      'Gespeichert bis mindestens',
      c.retainedUntil
        ? `${format.date(c.retainedUntil)} – danach wird der Fall gelöscht, wenn bis dahin nichts mehr geschieht`
        : null,
    ],
  ]);
}

/** One consent: recipient, categories, purpose, form, validity. */
export function consentRows(consent: AccessExport['consents'][number], format: Format): Rows {
  return filled([
    ['Einrichtung', consent.recipientOrganization],
    ['Daten', consent.categories.map((c) => DATA_CATEGORY_LABELS[c]).join(', ')],
    ['Zweck', consent.purpose],
    [
      'Erteilt',
      `am ${day(format, consent.givenOn)}, ${consent.form === 'written' ? 'schriftlich' : 'mündlich'}${
        consent.interpreterUsed ? ', mit Dolmetschung' : ''
      }`,
    ],
    ['Aufgenommen von', consent.obtainedBy],
    ['Sorgeberechtigte', consent.guardianConsent ? (consent.guardianName ?? 'zugestimmt') : null],
    ['Gültig bis', day(format, consent.validUntil)],
    ['Widerrufen am', day(format, consent.revokedOn)],
  ]);
}

/** One referral: where to, why, what was written and shared, where it stands. */
export function referralRows(referral: AccessReferral, format: Format): Rows {
  return filled([
    ['Einrichtung', referral.recipientOrganization],
    ['Angebot', referral.service],
    ['Gesendet von', referral.sender],
    ['Anlass', PURPOSE_LABELS[referral.purpose] ?? referral.purpose],
    ['Nachricht an die Einrichtung', referral.message],
    [
      'Weitergegebene Daten',
      referral.sharedCategories.length > 0
        ? referral.sharedCategories.map((c) => DATA_CATEGORY_LABELS[c]).join(', ')
        : 'keine (anonyme Anfrage)',
    ],
    ['Kontakt', CONTACT_MODE_LABELS[referral.contactMode] ?? referral.contactMode],
    ['Stand', REFERRAL_STATUS_LABELS[referral.status] ?? referral.status],
    ['Begründung', referral.statusReason],
    ['Ergebnis', referral.outcome ? (OUTCOME_LABELS[referral.outcome] ?? referral.outcome) : null],
    ['Termin', referral.appointmentAt ? format.dateTime(referral.appointmentAt) : null],
    ['Hinweis zum Termin', referral.appointmentNote],
    ['Angelegt am', format.dateTime(referral.createdAt)],
  ]);
}

/** One timeline entry in a sentence: what happened, by whom, with its reason or note. */
export function eventText(event: AccessReferral['events'][number]): string {
  const extra = [event.reason, event.kind === 'appointment' ? null : event.note]
    .filter((value): value is string => Boolean(value))
    .join(' – ');
  return `${describeEvent(event)}${event.actor ? ` (${event.actor})` : ''}${extra ? `: ${extra}` : ''}`;
}

/** A plan step in a line. */
export function planStepText(step: AccessExport['planSteps'][number], format: Format): string {
  const due = step.dueOn ? `, fällig ${day(format, step.dueOn)}` : '';
  return `${step.title} – ${PLAN_STEP_STATUS_LABELS[step.status]}${due}`;
}

/** A row of a further table as "column: value" pairs (ids and empty values left out). */
export function recordRows(row: Record<string, unknown>): Rows {
  return Object.entries(row)
    .filter(([column, value]) => value !== null && value !== '' && column !== 'id' && !column.endsWith('_id'))
    .map(([column, value]) => [column, String(value)]);
}

/** Who did something, for the access log: person and organisation. */
export function auditActor(entry: AccessExport['accessLog'][number]): string {
  if (entry.actor && entry.organization) return `${entry.actor} (${entry.organization})`;
  return entry.actor || entry.organization || 'System';
}

/** The one-time message after restricting or lifting. */
export function restrictionMessage(action: 'restrict' | 'lift'): string {
  return action === 'restrict'
    ? 'Der Fall ist eingeschränkt. Er bleibt lesbar; Änderungen, neue Vermittlungen und Freigaben sind gesperrt.'
    : 'Die Einschränkung ist aufgehoben. Der Fall kann wieder bearbeitet werden.';
}
