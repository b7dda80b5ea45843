import type { FormValues } from '../http/form';
import type { PageFailure } from '../http/respond';
import {
  availableActions,
  COMPLETION_OUTCOMES,
  describeEvent,
  FAILURE_OUTCOMES,
  LINK_STATUSES,
  OUTCOME_LABELS,
  REFERRAL_STATUS_LABELS,
  TRANSITIONS,
  type ContactMode,
  type Referral,
  type ReferralActionInput,
  type ReferralEvent,
  type ReferralParty,
  type ReferralStatus,
  type TransitionAction,
} from './referral';

// What the referral pages show, decided here (pure, tested) so the pages only render.

/** The one-time message after an action on a referral page succeeded. */
export function referralSuccessMessage(
  input: Pick<ReferralActionInput, 'action'>,
  referral: Referral | null,
): string {
  switch (input.action) {
    case 'appointment':
      return 'Der Terminvorschlag ist gespeichert.';
    case 'resend_link':
      return 'Ein neuer Link ist unterwegs. Ältere Links funktionieren nicht mehr.';
    case 'tick_step':
      return 'Der Förderplan-Schritt ist abgehakt.';
    default:
      return referral
        ? `Gespeichert. Neuer Stand: ${REFERRAL_STATUS_LABELS[referral.status]}.`
        : 'Gespeichert.';
  }
}

/** The one-time message after the referral form: sent, or kept as a draft. */
export function createdMessage(referral: Pick<Referral, 'status'>): string {
  return referral.status === 'draft'
    ? 'Der Entwurf ist gespeichert. Er geht erst raus, wenn Sie ihn prüfen und senden.'
    : 'Die Vermittlung ist gesendet. Die Einrichtung wird per E-Mail benachrichtigt.';
}

/** A failed POST as the referral page shows it: the summary message, and which action's form to reopen. */
export interface ReferralFormState {
  errors: Record<string, string>;
  values: FormValues;
  /** The action whose form had the error (reopened with the user's input); '' after a conflict. */
  openAction: string;
}

/** Turns a failed POST into what the page shows; the summary names the first problem when none is general. */
export function referralFormState(failure: PageFailure<unknown> | null): ReferralFormState {
  if (!failure) return { errors: {}, values: {}, openAction: '' };
  const first = Object.values(failure.errors)[0];
  const errors = { ...failure.errors };
  if (!errors['_form'] && first) errors['_form'] = first;
  const action = failure.values['action'];
  return {
    errors,
    values: failure.values,
    openAction: failure.current === null && typeof action === 'string' ? action : '',
  };
}

/** German hints under the reason field of each action that asks for one. */
export const REASON_HINTS: Partial<Record<TransitionAction, string>> = {
  decline: 'Zum Beispiel: kein Platz frei, Voraussetzungen nicht erfüllt. Bitte ohne persönliche Angaben.',
  cancel: 'Warum die Vermittlung endet – kurz und ohne persönliche Angaben.',
  hold: 'Warum es gerade nicht weitergeht und wann es weitergehen kann.',
  fail: 'Was nicht geklappt hat – kurz und ohne persönliche Angaben.',
  enter_in_error: 'Zum Beispiel: falsche Einrichtung oder falscher Fall gewählt.',
};

/** The actions a party can take now: one-click buttons, and those that need a reason or an outcome (a form each). */
export function actionsOf(
  status: ReferralStatus,
  party: ReferralParty,
): { simple: TransitionAction[]; detailed: TransitionAction[] } {
  const actions = availableActions(status, party);
  return {
    simple: actions.filter((a) => !TRANSITIONS[a].reason && !TRANSITIONS[a].outcomes),
    detailed: actions.filter((a) => TRANSITIONS[a].reason || TRANSITIONS[a].outcomes),
  };
}

/** The outcomes offered when completing or failing a referral. */
export function outcomeOptions(action: TransitionAction): { value: string; label: string }[] {
  const outcomes = action === 'complete' ? COMPLETION_OUTCOMES : action === 'fail' ? FAILURE_OUTCOMES : [];
  return outcomes.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }));
}

/** Who did a timeline entry, in German. */
export function eventActorText(
  event: Pick<ReferralEvent, 'actorKind'> & { actorName: string | null },
): string {
  if (event.actorKind === 'system') return 'automatisch';
  if (event.actorKind === 'partner_link') return 'Einrichtung (über Link)';
  return event.actorName ?? (event.actorKind === 'partner' ? 'Einrichtung' : 'Fachkraft');
}

/** What the caseworker reads about the newest single-use link. */
export function linkStatusText(
  link: { createdAt: string; expiresAt: string; usedAt: string | null; revokedAt: string | null } | null,
  format: (iso: string) => string,
): string {
  if (!link) return '';
  if (link.revokedAt) return ' Der letzte Link ist nicht mehr gültig.';
  if (link.usedAt)
    return ` Geöffnet am ${format(link.usedAt)}; der Zugang gilt, bis die Vermittlung abgeschlossen ist.`;
  return ` Verschickt am ${format(link.createdAt)}, noch nicht geöffnet, gültig bis ${format(link.expiresAt)}.`;
}

/**
 * What the single-use link page shows: the referral ('open'); a thank-you once the partner closed it, which revoked
 * the link ('closed'); or that the access is gone (expired, replaced by a newer link, unknown).
 */
export function linkPageState(
  access: { state: 'open' | 'revoked' } | null,
  referral: Pick<Referral, 'status'> | null,
): 'open' | 'closed' | 'gone' {
  if (!access || !referral) return 'gone';
  if (access.state === 'open') return 'open';
  return LINK_STATUSES.includes(referral.status) ? 'gone' : 'closed';
}

/** The groups of the caseworker's dashboard, in order, with how many rows each shows at a glance. */
export const DASHBOARD_GROUPS = [
  { group: 'overdue', title: 'Überfällig', empty: 'Keine überfälligen Vermittlungen.', rows: 10 },
  { group: 'waiting', title: 'Warten auf Antwort', empty: 'Keine Vermittlung wartet auf Antwort.', rows: 10 },
  { group: 'running', title: 'Laufend', empty: 'Keine laufenden Vermittlungen.', rows: 10 },
  { group: 'draft', title: 'Entwürfe', empty: 'Keine Entwürfe.', rows: 10 },
  { group: 'closed', title: 'Abgeschlossen', empty: 'Noch nichts abgeschlossen.', rows: 10 },
] as const;

/** A group of the dashboard. */
export type DashboardGroup = (typeof DASHBOARD_GROUPS)[number]['group'];

/** Rows per page when the dashboard shows one group alone ("Weitere anzeigen"). */
export const DASHBOARD_PAGE_SIZE = 50;

/** What the dashboard's address asks for: one group alone (`?gruppe=`) and which page of it (`?seite=`, from 1). */
export interface DashboardSelection {
  shown: DashboardGroup | null;
  page: number;
}

/** Reads `?gruppe=` and `?seite=`; an unknown group shows the overview, a junk or missing page number page 1. */
export function dashboardSelection(params: URLSearchParams): DashboardSelection {
  const group = params.get('gruppe');
  const shown = DASHBOARD_GROUPS.find((g) => g.group === group)?.group ?? null;
  const page = Number(params.get('seite') ?? '1');
  return { shown, page: shown && Number.isSafeInteger(page) && page >= 1 ? page : 1 };
}

/**
 * Which rows each group's list asks for: the group shown alone a page of DASHBOARD_PAGE_SIZE and one row more (so the
 * page knows whether another follows), every other group its first rows, and an open group counted empty none.
 */
export function dashboardPages(
  counts: Record<DashboardGroup, number>,
  selection: DashboardSelection,
): { group: DashboardGroup; limit: number; offset: number }[] {
  return DASHBOARD_GROUPS.map((g) => {
    if (selection.shown === g.group) {
      return {
        group: g.group,
        limit: DASHBOARD_PAGE_SIZE + 1,
        offset: (selection.page - 1) * DASHBOARD_PAGE_SIZE,
      };
    }
    // Closed referrals are not counted (the office's whole history): their first rows are always asked for.
    return { group: g.group, limit: g.group !== 'closed' && counts[g.group] === 0 ? 0 : g.rows, offset: 0 };
  });
}

/** The dashboard's address for a view, a group shown alone and a page of it (no personal data, only these keys). */
export function dashboardHref(officeView: boolean, group?: DashboardGroup, page = 1): string {
  const params = new URLSearchParams();
  if (officeView) params.set('ansicht', 'dienststelle');
  if (group) params.set('gruppe', group);
  if (group && page > 1) params.set('seite', String(page));
  const query = params.toString();
  return `/vermittlungen${query ? `?${query}` : ''}${group ? `#${group}` : ''}`;
}

/** The marker of a referral with messages the user has not seen yet ("Neue Nachricht", "3 neue Nachrichten"). */
export function unreadLabel(count: number): string {
  return count === 1 ? 'Neue Nachricht' : `${count.toLocaleString('de-DE')} neue Nachrichten`;
}

/** Since when the dashboard lists new answers: the last visit, else the seven days before `now`. */
export function answersSince(lastVisit: string | null, now: Date): string {
  return lastVisit ?? new Date(now.getTime() - 7 * 86_400_000).toISOString();
}

/**
 * One timeline entry in a line, for lists and the dashboard: what happened with its outcome or reason —
 * "Einrichtung hat abgelehnt: keine freien Plätze", "Ergebnis: Kurs / Maßnahme begonnen".
 */
export function eventSummary(
  event: Pick<ReferralEvent, 'kind' | 'toStatus' | 'note'> &
    Partial<Pick<ReferralEvent, 'actorKind' | 'reason' | 'outcome'>>,
): string {
  const outcome = event.outcome ? OUTCOME_LABELS[event.outcome] : null;
  if (event.kind === 'complete' && outcome) return `Ergebnis: ${outcome}`;
  if (event.kind === 'fail' && outcome) {
    return `Nicht zustande gekommen: ${outcome}${event.reason ? ` (${event.reason})` : ''}`;
  }
  const text = describeEvent(event);
  return event.reason ? `${text}: ${event.reason}` : text;
}

/** The "Stand" of a referral in a list: the outcome once it is done, else the status ("Angenommen"). */
export function statusText(referral: Pick<Referral, 'status' | 'outcome'>): string {
  if (referral.outcome && referral.status === 'completed')
    return `Ergebnis: ${OUTCOME_LABELS[referral.outcome]}`;
  if (referral.outcome && referral.status === 'failed')
    return `Nicht zustande gekommen: ${OUTCOME_LABELS[referral.outcome]}`;
  return REFERRAL_STATUS_LABELS[referral.status];
}

/**
 * A partner's answer in the dashboard's list, said as what happened: "Einrichtung hat angenommen", "Ergebnis: Hilfe
 * erhalten". Reason and outcome come from the referral while it still stands where that answer put it.
 */
export function answerLabel(
  answer: { answerStatus: ReferralStatus | null; answerKind: string } & Partial<
    Pick<Referral, 'status' | 'outcome' | 'statusReason'>
  >,
): string {
  const current = answer.answerStatus !== null && answer.answerStatus === answer.status;
  return eventSummary({
    kind: answer.answerKind,
    toStatus: answer.answerStatus,
    note: null,
    actorKind: 'partner',
    reason: current ? (answer.statusReason ?? null) : null,
    outcome: current ? (answer.outcome ?? null) : null,
  });
}

/** The one-time message after a draft was saved, or kept on the way to the check page. */
export function draftSavedMessage(saved: { toCheck: boolean }): string {
  return saved.toCheck
    ? 'Der Entwurf ist gespeichert. Bitte prüfen Sie die Angaben, bevor Sie senden.'
    : 'Der Entwurf ist gespeichert. Er geht erst raus, wenn Sie ihn prüfen und senden.';
}

/** Where a saved draft goes next: the check page ("Weiter"), or back to the draft's form. */
export function draftTarget(saved: { referral: Pick<Referral, 'id'>; toCheck: boolean }): string {
  return `/vermittlungen/entwurf/${saved.referral.id}${saved.toCheck ? '/pruefen' : ''}`;
}

/** Where a referral in a list leads: a draft to its form (editable), everything else to its page. */
export function referralHref(referral: Pick<Referral, 'id' | 'status'>): string {
  return referral.status === 'draft'
    ? `/vermittlungen/entwurf/${referral.id}`
    : `/vermittlungen/${referral.id}`;
}

const NEXT_STEP: Record<ContactMode, string> = {
  partner_calls:
    'Die Einrichtung meldet sich bei Ihnen. Wenn sich nach einer Woche niemand gemeldet hat, rufen Sie bitte dort an.',
  young_person_goes:
    'Gehen Sie bitte selbst hin – zu den Öffnungszeiten unten. Sagen Sie, dass der Jugendmigrationsdienst Sie schickt.',
  appointment: 'Die Einrichtung schlägt einen Termin vor. Wir sagen Ihnen Bescheid.',
};

/** The handout's line about the appointment: the proposed one, else what happens next for this contact mode. */
export function handoutAppointment(
  referral: Pick<Referral, 'appointmentAt' | 'appointmentNote' | 'contactMode'>,
  format: (iso: string) => string,
): string {
  if (!referral.appointmentAt) return NEXT_STEP[referral.contactMode];
  return `Ihr Termin: ${format(referral.appointmentAt)}${referral.appointmentNote ? ` – ${referral.appointmentNote}` : ''}`;
}
