import { UNKNOWN_ACTION_MESSAGE } from '../http/form';
import { z } from 'zod';
import { multiline, VersionSchema } from '../http/form';
import { addYears, fromGermanWallClock, isIsoDate } from '../time/time';
import { CASE_RETENTION_YEARS, DATA_CATEGORIES, type DataCategory } from '../cases/case';
import type { ReferralTable } from './referral.table';
import { formatDateTime } from '../i18n/format';

/** The statuses of a referral (DESIGN.md §3, after the FHIR SDOH closed-loop Task). */
export const REFERRAL_STATUSES = [
  'draft',
  'sent',
  'accepted',
  'declined',
  'cancelled',
  'in_progress',
  'on_hold',
  'completed',
  'failed',
  'entered_in_error',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** German labels of the statuses. */
export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  draft: 'Entwurf',
  sent: 'Gesendet',
  accepted: 'Angenommen',
  declined: 'Abgelehnt',
  cancelled: 'Zurückgezogen',
  in_progress: 'In Arbeit',
  on_hold: 'Pausiert',
  completed: 'Abgeschlossen',
  failed: 'Nicht zustande gekommen',
  entered_in_error: 'Irrtümlich angelegt',
};

/** Statuses in which the referral still waits for someone. */
export const OPEN_STATUSES: readonly ReferralStatus[] = [
  'draft',
  'sent',
  'accepted',
  'in_progress',
  'on_hold',
];

/**
 * Statuses the recipient never sees: a draft is not yet addressed to anyone. With `partnerSeesReferral` the one
 * rule of what a partner sees — used by the policy (detail pages, mutations) and by the inbox's list queries.
 */
export const HIDDEN_FROM_PARTNER: readonly ReferralStatus[] = ['draft'];

/** Whether partner organization `organizationId` sees this referral at all (as its recipient, once sent). */
export function partnerSeesReferral(
  organizationId: string,
  referral: { recipientOrganizationId: string; status: string },
): boolean {
  return (
    referral.recipientOrganizationId === organizationId &&
    !(HIDDEN_FROM_PARTNER as readonly string[]).includes(referral.status)
  );
}

/** The two parties of a referral; a partner may act through an account or a single-use link. */
export type ReferralParty = 'caseworker' | 'partner';

/** Status-changing actions. */
export const TRANSITION_ACTIONS = [
  'send',
  'accept',
  'decline',
  'cancel',
  'start',
  'hold',
  'complete',
  'fail',
  'enter_in_error',
] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

/** German button labels of the actions. */
export const ACTION_LABELS: Record<TransitionAction, string> = {
  send: 'Senden',
  accept: 'Annehmen',
  decline: 'Ablehnen',
  cancel: 'Zurückziehen',
  start: 'Begonnen',
  hold: 'Pausieren',
  complete: 'Abschließen',
  fail: 'Nicht zustande gekommen',
  enter_in_error: 'Als irrtümlich markieren',
};

/** The button label for one party: a partner breaks off ("Abbrechen") what a caseworker withdraws. */
export function actionLabel(action: TransitionAction, party: ReferralParty): string {
  return action === 'cancel' && party === 'partner' ? 'Abbrechen' : ACTION_LABELS[action];
}

/** Outcome codes (findhelp-style). */
export const OUTCOMES = [
  'got_help',
  'started',
  'waiting_list',
  'not_eligible',
  'no_capacity',
  'not_reached',
  'not_interested',
  'referred_elsewhere',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** German labels of the outcomes. */
export const OUTCOME_LABELS: Record<Outcome, string> = {
  got_help: 'Hilfe erhalten',
  started: 'Kurs / Maßnahme begonnen',
  waiting_list: 'Auf der Warteliste',
  not_eligible: 'Voraussetzungen nicht erfüllt',
  no_capacity: 'Kein Platz frei',
  not_reached: 'Nicht erreicht',
  not_interested: 'Kein Interesse mehr',
  referred_elsewhere: 'An andere Stelle verwiesen',
};

/** Which outcomes fit a completed and which a failed referral. */
export const COMPLETION_OUTCOMES: readonly Outcome[] = [
  'got_help',
  'started',
  'waiting_list',
  'referred_elsewhere',
];
export const FAILURE_OUTCOMES: readonly Outcome[] = [
  'not_eligible',
  'no_capacity',
  'not_reached',
  'not_interested',
  'referred_elsewhere',
  'waiting_list',
];

interface TransitionRule {
  from: readonly ReferralStatus[] | 'any';
  to: ReferralStatus;
  by: readonly ReferralParty[];
  reason: boolean;
  outcomes: readonly Outcome[] | null;
}

// The lifecycle table of DESIGN.md §3, the single source every page and test goes through.
export const TRANSITIONS: Record<TransitionAction, TransitionRule> = {
  send: { from: ['draft'], to: 'sent', by: ['caseworker'], reason: false, outcomes: null },
  accept: { from: ['sent'], to: 'accepted', by: ['partner'], reason: false, outcomes: null },
  decline: { from: ['sent'], to: 'declined', by: ['partner'], reason: true, outcomes: null },
  cancel: {
    from: ['sent', 'accepted', 'on_hold'],
    to: 'cancelled',
    by: ['caseworker', 'partner'],
    reason: true,
    outcomes: null,
  },
  start: { from: ['accepted', 'on_hold'], to: 'in_progress', by: ['partner'], reason: false, outcomes: null },
  hold: { from: ['accepted', 'in_progress'], to: 'on_hold', by: ['partner'], reason: true, outcomes: null },
  complete: {
    from: ['accepted', 'in_progress', 'on_hold'],
    to: 'completed',
    by: ['partner'],
    reason: false,
    outcomes: COMPLETION_OUTCOMES,
  },
  fail: {
    from: ['accepted', 'in_progress', 'on_hold'],
    to: 'failed',
    by: ['partner'],
    reason: true,
    outcomes: FAILURE_OUTCOMES,
  },
  enter_in_error: { from: 'any', to: 'entered_in_error', by: ['caseworker'], reason: true, outcomes: null },
};

/** Input of a transition beyond the action itself. */
export interface TransitionInput {
  reason?: string | null;
  outcome?: string | null;
}

export type TransitionDecision =
  | { ok: true; to: ReferralStatus; reason: string | null; outcome: Outcome | null }
  | { ok: false; field: 'action' | 'reason' | 'outcome'; error: string };

/** Decides whether `party` may take `action` on a referral in `status`; the result says why not, in German. */
export function decideTransition(
  status: ReferralStatus,
  action: TransitionAction,
  party: ReferralParty,
  input: TransitionInput = {},
): TransitionDecision {
  const rule = TRANSITIONS[action];
  if (!rule.by.includes(party)) {
    const who = rule.by.includes('partner') ? 'der Einrichtung' : 'der vermittelnden Fachkraft';
    return { ok: false, field: 'action', error: `„${ACTION_LABELS[action]}“ steht nur ${who} zu.` };
  }
  const fromAllowed = rule.from === 'any' ? status !== rule.to : rule.from.includes(status);
  if (!fromAllowed) {
    return {
      ok: false,
      field: 'action',
      error: `Eine Vermittlung im Status „${REFERRAL_STATUS_LABELS[status]}“ kann nicht mehr „${ACTION_LABELS[action]}“ werden. Bitte laden Sie die Seite neu.`,
    };
  }
  const reason = input.reason?.trim() || null;
  if (rule.reason && !reason) {
    return { ok: false, field: 'reason', error: 'Bitte geben Sie einen kurzen Grund an.' };
  }
  if (reason && reason.length > 500) {
    return { ok: false, field: 'reason', error: 'Grund: höchstens 500 Zeichen.' };
  }
  let outcome: Outcome | null = null;
  if (rule.outcomes) {
    if (!input.outcome || !rule.outcomes.includes(input.outcome as Outcome)) {
      return { ok: false, field: 'outcome', error: 'Bitte wählen Sie ein Ergebnis aus der Liste.' };
    }
    outcome = input.outcome as Outcome;
  }
  return { ok: true, to: rule.to, reason, outcome };
}

/** The transition actions `party` could take now (for the buttons on the page). */
export function availableActions(status: ReferralStatus, party: ReferralParty): TransitionAction[] {
  return TRANSITION_ACTIONS.filter((action) => {
    const rule = TRANSITIONS[action];
    if (!rule.by.includes(party)) return false;
    return rule.from === 'any' ? status !== rule.to : rule.from.includes(status);
  });
}

/** Statuses in which the partner can still propose an appointment. */
export const APPOINTMENT_STATUSES: readonly ReferralStatus[] = ['sent', 'accepted', 'in_progress', 'on_hold'];

/** Statuses in which a single-use link can be (re)sent. */
export const LINK_STATUSES: readonly ReferralStatus[] = ['sent', 'accepted', 'in_progress', 'on_hold'];

/** Purpose categories of a referral. */
export const PURPOSES = [
  'language',
  'school',
  'training_work',
  'recognition',
  'counselling',
  'authority',
  'mentoring_leisure',
  'other',
] as const;
export type Purpose = (typeof PURPOSES)[number];
export const PURPOSE_LABELS: Record<Purpose, string> = {
  language: 'Sprachförderung',
  school: 'Schule',
  training_work: 'Ausbildung und Arbeit',
  recognition: 'Anerkennung von Abschlüssen',
  counselling: 'Beratung',
  authority: 'Behördenangelegenheiten',
  mentoring_leisure: 'Begleitung und Freizeit',
  other: 'Sonstiges',
};

/** How the first contact happens. */
export const CONTACT_MODES = ['partner_calls', 'young_person_goes', 'appointment'] as const;
export type ContactMode = (typeof CONTACT_MODES)[number];
export const CONTACT_MODE_LABELS: Record<ContactMode, string> = {
  partner_calls: 'Die Einrichtung meldet sich beim jungen Menschen',
  young_person_goes: 'Der junge Mensch geht selbst hin',
  appointment: 'Die Einrichtung schlägt einen Termin vor',
};

/** Why a contact mode does not fit the shared data (German, for the contact-mode field), or null when it fits. */
export function contactModeProblem(
  contactMode: string | null | undefined,
  sharedCategories: readonly string[],
): string | null {
  // "The partner gets in touch" needs a way to reach the young person: without shared contact data the handout
  // would tell them to wait for a call that cannot come.
  if (contactMode === 'partner_calls' && !sharedCategories.includes('contact'))
    return 'Kontakt: „Die Einrichtung meldet sich“ geht nur, wenn Sie die Kontaktdaten (Telefon, E-Mail) mit Einwilligung teilen. Ohne Kontaktdaten wählen Sie bitte „Der junge Mensch geht selbst hin“ oder „Die Einrichtung schlägt einen Termin vor“.';
  return null;
}

/** Default time for an answer. */
export const DEFAULT_ANSWER_WORKING_DAYS = 5;

/** What a caseworker fills in on a new referral, as columns (the rest of the row is the lifecycle's). */
export type ReferralContentColumns = Pick<
  ReferralTable,
  | 'purpose'
  | 'message'
  | 'shared_categories'
  | 'consent_id'
  | 'contact_mode'
  | 'plan_step_id'
  | 'response_due_on'
>;

/**
 * The row of a new referral, created at `at` as a draft or sent at once: no answer, reminder or outcome yet, version
 * 1, kept for the case's retention period. The one place both ways of creating a referral build it.
 */
export function newReferralRow(input: {
  id: string;
  caseId: string;
  sender: { id: string; organizationId: string };
  service: { id: string; organizationId: string };
  content: ReferralContentColumns;
  status: 'draft' | 'sent';
  submissionKey: string;
  at: string;
}): ReferralTable {
  return {
    id: input.id,
    case_id: input.caseId,
    sender_user_id: input.sender.id,
    sender_office_id: input.sender.organizationId,
    recipient_organization_id: input.service.organizationId,
    service_id: input.service.id,
    ...input.content,
    status: input.status,
    status_reason: null,
    outcome: null,
    appointment_at: null,
    appointment_note: null,
    sent_at: input.status === 'sent' ? input.at : null,
    answered_at: null,
    overdue_since: null,
    reminder_count: 0,
    last_reminded_at: null,
    submission_key: input.submissionKey,
    created_at: input.at,
    updated_at: input.at,
    delete_after: addYears(input.at, CASE_RETENTION_YEARS),
    version: 1,
  };
}

/** A referral as pages see it. */
export interface Referral {
  id: string;
  caseId: string;
  senderUserId: string;
  senderOfficeId: string;
  recipientOrganizationId: string;
  serviceId: string;
  purpose: Purpose;
  message: string;
  sharedCategories: DataCategory[];
  consentId: string | null;
  contactMode: ContactMode;
  planStepId: string | null;
  status: ReferralStatus;
  statusReason: string | null;
  outcome: Outcome | null;
  appointmentAt: string | null;
  appointmentNote: string | null;
  responseDueOn: string;
  sentAt: string | null;
  answeredAt: string | null;
  overdueSince: string | null;
  reminderCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One entry of the timeline. */
export interface ReferralEvent {
  id: string;
  referralId: string;
  at: string;
  actorUserId: string | null;
  actorOrganizationId: string | null;
  actorKind: 'caseworker' | 'partner' | 'partner_link' | 'system';
  kind: string;
  fromStatus: ReferralStatus | null;
  toStatus: ReferralStatus | null;
  reason: string | null;
  outcome: Outcome | null;
  note: string | null;
}

/** German labels of timeline events that are not status changes. */
export const EVENT_LABELS: Record<string, string> = {
  created: 'Vermittlung angelegt',
  viewed: 'Von der Einrichtung geöffnet',
  appointment: 'Termin vorgeschlagen',
  reminder: 'Erinnerung an die Einrichtung',
  overdue: 'Antwort überfällig',
  link_sent: 'Einmal-Link verschickt',
  plan_step_done: 'Förderplan-Schritt abgehakt',
  consent_revoked: 'Einwilligung widerrufen',
  link_requested: 'Neuer Link von der Einrichtung angefordert',
  outcome_requested: 'Einrichtung nach dem Ergebnis gefragt',
  closed_no_answer: 'Ohne Rückmeldung der Einrichtung geschlossen',
};

/** What a status change means, said as what happened (never the status machine's "Senden → Gesendet"). */
const HAPPENED: Record<TransitionAction, string> = {
  send: 'Vermittlung an die Einrichtung gesendet',
  accept: 'Einrichtung hat angenommen',
  decline: 'Einrichtung hat abgelehnt',
  cancel: 'Vermittlung zurückgezogen',
  start: 'Einrichtung hat mit der Unterstützung begonnen',
  hold: 'Einrichtung hat pausiert',
  complete: 'Einrichtung meldet den Abschluss',
  fail: 'Einrichtung meldet: nicht zustande gekommen',
  enter_in_error: 'Als irrtümlich angelegt markiert',
};

/**
 * One timeline entry in plain German: "Einrichtung hat angenommen", "Termin vorgeschlagen: 03.12.2026, 10:00" …
 * Reason and outcome are shown beside it (timeline) or added by `eventSummary` (lists, referral.view.ts).
 */
export function describeEvent(
  event: Pick<ReferralEvent, 'kind' | 'toStatus' | 'note'> & Partial<Pick<ReferralEvent, 'actorKind'>>,
): string {
  if (event.kind === 'cancel' && event.actorKind) {
    return event.actorKind === 'caseworker'
      ? 'Fachkraft hat die Vermittlung zurückgezogen'
      : 'Einrichtung hat die Vermittlung abgebrochen';
  }
  if (event.kind in HAPPENED) return HAPPENED[event.kind as TransitionAction];
  if (event.kind === 'appointment' && event.note)
    return `Termin vorgeschlagen: ${formatDateTime(event.note)}`;
  if (event.kind === 'reminder') return `${EVENT_LABELS['reminder']} (${event.note ?? '1'}.)`;
  if (event.kind === 'outcome_requested' && event.note === '2')
    return `${EVENT_LABELS['outcome_requested']} (Erinnerung)`;
  return EVENT_LABELS[event.kind] ?? event.kind;
}

/** Whether a referral waits for the partner's first answer beyond its due date (a proposed appointment answers). */
export function isOverdue(
  referral: Pick<Referral, 'status' | 'responseDueOn' | 'answeredAt'>,
  today: string,
): boolean {
  return referral.status === 'sent' && referral.answeredAt === null && referral.responseDueOn < today;
}

const SENSITIVE_HINT =
  'Kurz und ohne sensible Einzelheiten (keine Diagnosen, keine Fluchtgeschichte, keine Namen Dritter).';

/** The referral form. */
export const ReferralFormSchema = z.object({
  caseId: z.string().min(1, { message: 'Bitte einen Fall wählen oder neu anlegen.' }),
  serviceId: z.string().min(1, { message: 'Bitte ein Angebot wählen.' }),
  purpose: z.enum(PURPOSES, { message: 'Bitte einen Anlass wählen.' }),
  message: multiline(
    z
      .string({ message: 'Nachricht: bitte kurz beschreiben, worum es geht.' })
      .trim()
      .min(10, {
        message: `Nachricht: bitte kurz beschreiben, worum es geht (mindestens 10 Zeichen). ${SENSITIVE_HINT}`,
      })
      .max(1000, { message: `Nachricht: höchstens 1000 Zeichen. ${SENSITIVE_HINT}` }),
  ),
  sharedCategories: z.array(z.enum(DATA_CATEGORIES, { message: 'Unbekannte Datenkategorie.' })).default([]),
  contactMode: z.enum(CONTACT_MODES, { message: 'Bitte wählen, wie der Kontakt zustande kommt.' }),
  responseDueOn: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Antwort bis: bitte ein Datum wählen.' })
    .refine(isIsoDate, { message: 'Antwort bis: dieses Datum gibt es nicht.' }),
  planStepId: z
    .string()
    .optional()
    .transform((value) => (value ? value : null)),
  submissionKey: z.string().regex(/^[a-z2-7]{16,32}$/, {
    message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.',
  }),
  intent: z.enum(['send', 'draft']).default('send'),
});
export type ReferralFormInput = z.infer<typeof ReferralFormSchema>;
export { SENSITIVE_HINT };

const APPOINTMENT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** Converts "2026-12-03T14:30" in German local time into an ISO timestamp (UTC); null when it is no such time. */
export function germanLocalToIso(value: string): string | null {
  if (!APPOINTMENT_PATTERN.test(value) || !isIsoDate(value.slice(0, 10))) return null;
  const [hours, minutes] = value.slice(11).split(':').map(Number) as [number, number];
  if (hours > 23 || minutes > 59) return null;
  return fromGermanWallClock(new Date(`${value}:00Z`)).toISOString();
}

/** A status change from the referral page: the action, the version the user saw, reason and outcome. */
export const TransitionSchema = z.object({
  action: z.enum(TRANSITION_ACTIONS, { message: UNKNOWN_ACTION_MESSAGE }),
  version: VersionSchema,
  reason: multiline(z.string())
    .optional()
    .transform((value) => value || null),
  outcome: z
    .string()
    .optional()
    .transform((value) => value || null),
});
export type TransitionFormInput = z.infer<typeof TransitionSchema>;

/** The partner proposes an appointment: German local date and time, a short note. */
export const AppointmentSchema = z.object({
  action: z.literal('appointment'),
  version: VersionSchema,
  appointmentAt: z.string({ message: 'Termin: bitte Datum und Uhrzeit angeben.' }).transform((value, ctx) => {
    const iso = germanLocalToIso(value);
    if (iso) return iso;
    ctx.addIssue({ code: 'custom', message: 'Termin: bitte Datum und Uhrzeit angeben.' });
    return z.NEVER;
  }),
  appointmentNote: z
    .string()
    .max(300, { message: 'Hinweis: höchstens 300 Zeichen.' })
    .optional()
    .transform((value) => value || null),
});
export type AppointmentInput = z.infer<typeof AppointmentSchema>;

/** The caseworker asks for a fresh single-use link. */
export const ResendLinkSchema = z.object({
  action: z.literal('resend_link'),
  version: VersionSchema.optional(),
});

/** The caseworker ticks off the plan step a completed referral served. */
export const TickStepSchema = z.object({ action: z.literal('tick_step'), version: VersionSchema.optional() });

/** Every form of a referral page, told apart by `action` (one schema per action). */
export const ReferralActionSchema = z.discriminatedUnion('action', [
  TransitionSchema,
  AppointmentSchema,
  ResendLinkSchema,
  TickStepSchema,
]);
export type ReferralActionInput = z.infer<typeof ReferralActionSchema>;

/** The schema of one action of a referral page, or null for an action no form has. */
export function referralActionSchema(action: string) {
  if ((TRANSITION_ACTIONS as readonly string[]).includes(action)) return TransitionSchema;
  if (action === 'appointment') return AppointmentSchema;
  if (action === 'resend_link') return ResendLinkSchema;
  if (action === 'tick_step') return TickStepSchema;
  return null;
}
