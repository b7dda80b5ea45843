import { addWorkingDays, addYears, todayInGermany } from '../time/time';
import type { Transaction } from 'kysely';
import type { Db } from '../db/create-db';
import type { Database } from '../db/database';
import { newId, nowIso } from '../db/ids';
import { recordAuditUnclocked } from '../audit/audit.queries';
import { referralPartyOf, type Actor } from '../auth/policy';
import { enqueueMail } from '../notify/outbox.queries';
import {
  CASE_RETENTION_YEARS,
  consentCovers,
  DATA_CATEGORY_LABELS,
  isConsentActive,
  type CaseIdentity,
  type DataCategory,
} from '../cases/case';
import {
  findCase,
  findCaseIdentity,
  findConsent,
  findPlanStep,
  listConsents,
  extendCaseRetention,
  updatePlanStepStatusIfCurrent,
} from '../cases/case.queries';
import { findService } from '../directory/service.queries';
import {
  APPOINTMENT_STATUSES,
  DEFAULT_ANSWER_WORKING_DAYS,
  decideTransition,
  LINK_STATUSES,
  REFERRAL_STATUS_LABELS,
  TRANSITIONS,
  type Referral,
  type ReferralFormInput,
  type ReferralParty,
  type TransitionAction,
  type TransitionInput,
} from './referral';
import {
  findReferral,
  findReferralBySubmissionKey,
  hasRecentEvent,
  insertReferral,
  insertReferralEvent,
  updateReferralIfCurrent,
} from './referral.queries';
import { issueReferralLink, revokeReferralLinks } from './referral-link';
import {
  answerMail,
  cancelledMail,
  freshLinkMail,
  newReferralLinkMail,
  newReferralMail,
  reminderMail,
} from './referral-mail';

type Executor = Db | Transaction<Database>;

/** Who acts on a referral: a signed-in user, or a partner holding a redeemed single-use link. */
export type ReferralActor =
  { kind: 'user'; user: Actor } | { kind: 'link'; linkId: string; referralId: string };

/** Request-level context: the base URL for mails, the request id for the audit log, the clock. */
export interface ReferralContext {
  baseUrl: string;
  requestId: string | null;
  now?: Date;
}

/** Results of referral changes; `conflict` carries the current state to show. */
export type ReferralResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'not_found' }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  | { ok: false; kind: 'conflict'; error: string; current: Referral };

/** The side of the referral the actor is on, or null (then the referral does not exist for them). */
export function partyOf(actor: ReferralActor, referral: Referral): ReferralParty | null {
  if (actor.kind === 'link')
    return actor.referralId === referral.id && referral.status !== 'draft' ? 'partner' : null;
  return referralPartyOf(actor.user, referral);
}

function auditActor(
  actor: ReferralActor,
  referral: Referral,
): { id: string | null; organizationId: string | null } {
  return actor.kind === 'user'
    ? { id: actor.user.id, organizationId: actor.user.organizationId }
    : { id: null, organizationId: referral.recipientOrganizationId };
}

function eventActor(actor: ReferralActor, referral: Referral) {
  return actor.kind === 'user'
    ? {
        actor_user_id: actor.user.id,
        actor_organization_id: actor.user.organizationId,
        actor_kind: (actor.user.role === 'partner' ? 'partner' : 'caseworker') as 'partner' | 'caseworker',
      }
    : {
        actor_user_id: null,
        actor_organization_id: referral.recipientOrganizationId,
        actor_kind: 'partner_link' as const,
      };
}

const conflictMessage = (current: Referral) =>
  `Diese Vermittlung wurde inzwischen geändert (jetzt: „${REFERRAL_STATUS_LABELS[current.status]}“). Ihre Eingabe wurde nicht übernommen. Bitte prüfen Sie den aktuellen Stand.`;

/** Active partner accounts of an organization, to notify by mail. */
async function partnerAddresses(db: Executor, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('app_user')
    .select('email')
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'partner')
    .where('active', '=', 1)
    .execute();
  return rows.map((row) => row.email);
}

async function organizationEmail(db: Executor, organizationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('organization')
    .select('email')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  return row?.email ?? null;
}

/** How a partner organization is reached: its staff's accounts, else its directory address (link), else not. */
type PartnerReach = { kind: 'account'; to: string[] } | { kind: 'link'; to: string } | { kind: 'none' };

async function reachPartner(db: Executor, organizationId: string): Promise<PartnerReach> {
  const accounts = await partnerAddresses(db, organizationId);
  if (accounts.length > 0) return { kind: 'account', to: accounts };
  const email = await organizationEmail(db, organizationId);
  return email ? { kind: 'link', to: email } : { kind: 'none' };
}

/**
 * Tells the partner about a new referral inside the caller's transaction: partner staff with an account get a
 * "please sign in" mail; an organization without accounts gets a single-use link at its directory address.
 */
async function notifyPartnerOfNewReferral(
  trx: Transaction<Database>,
  referral: Referral,
  ctx: ReferralContext,
  now: Date,
): Promise<'account' | 'link' | 'none'> {
  const reach = await reachPartner(trx, referral.recipientOrganizationId);
  if (reach.kind === 'account') {
    for (const to of reach.to)
      await enqueueMail(trx, newReferralMail(to, ctx.baseUrl, referral.responseDueOn), now);
    return 'account';
  }
  if (reach.kind === 'none') return 'none';
  const token = await issueReferralLink(trx, referral.id, now);
  await enqueueMail(trx, newReferralLinkMail(reach.to, ctx.baseUrl, token, referral.responseDueOn), now);
  await insertReferralEvent(trx, {
    referral_id: referral.id,
    at: nowIso(now),
    actor_user_id: null,
    actor_organization_id: null,
    actor_kind: 'system',
    kind: 'link_sent',
  });
  return 'link';
}

/** How the partner of a referral is reached: by account, by single-use link, or not at all (no address). */
export async function partnerChannel(
  db: Executor,
  organizationId: string,
): Promise<'account' | 'link' | 'none'> {
  return (await reachPartner(db, organizationId)).kind;
}

/** The newest consent that covers sharing `categories` with `organizationId` today, if any. */
export async function findCoveringConsent(
  db: Executor,
  caseId: string,
  organizationId: string,
  categories: readonly DataCategory[],
  today: string,
): Promise<string | null> {
  const consents = await listConsents(db, caseId);
  return consents.find((consent) => consentCovers(consent, organizationId, categories, today))?.id ?? null;
}

/**
 * Creates a referral from the form (sent at once or kept as a draft). Shared data categories need a consent
 * that covers the recipient and every category; otherwise only an anonymous enquiry can go out. The same form
 * submitted twice (same submission key) yields the one referral created first.
 */
export async function createReferral(
  db: Db,
  input: ReferralFormInput,
  actor: Actor,
  ctx: ReferralContext,
): Promise<
  ReferralResult<{ referral: Referral; created: boolean; channel: 'account' | 'link' | 'none' | null }>
> {
  const now = ctx.now ?? new Date();
  const today = todayInGermany(now);
  const existing = await findReferralBySubmissionKey(db, input.submissionKey);
  if (existing) {
    if (existing.senderUserId !== actor.id) return { ok: false, kind: 'not_found' };
    return { ok: true, value: { referral: existing, created: false, channel: null } };
  }
  // Only caseworkers refer: anyone else could create a referral that no page would then show them.
  if (actor.role !== 'caseworker' || !actor.active) return { ok: false, kind: 'not_found' };
  const errors: Record<string, string> = {};
  const caseFile = await findCase(db, input.caseId);
  if (!caseFile || caseFile.officeId !== actor.organizationId) {
    errors['caseId'] = 'Bitte einen Fall Ihrer Dienststelle wählen.';
  }
  const service = await findService(db, input.serviceId);
  if (!service || service.archivedAt)
    errors['serviceId'] = 'Dieses Angebot gibt es nicht mehr. Bitte wählen Sie ein anderes.';
  if (input.responseDueOn < today)
    errors['responseDueOn'] = 'Antwort bis: das Datum darf nicht in der Vergangenheit liegen.';
  if (input.planStepId && caseFile) {
    const step = await findPlanStep(db, input.planStepId);
    if (!step || step.caseId !== caseFile.id)
      errors['planStepId'] = 'Bitte einen Schritt aus dem Förderplan dieses Falls wählen.';
  }
  let consentId: string | null = null;
  if (service && caseFile && input.sharedCategories.length > 0) {
    consentId = await findCoveringConsent(
      db,
      caseFile.id,
      service.organizationId,
      input.sharedCategories,
      today,
    );
    if (!consentId) {
      errors['sharedCategories'] =
        `Für „${service.organizationName}“ liegt keine gültige Einwilligung vor, die ${input.sharedCategories
          .map((category) => DATA_CATEGORY_LABELS[category])
          .join(
            ', ',
          )} abdeckt. Erfassen Sie zuerst die Einwilligung – oder senden Sie eine anonyme Anfrage ohne persönliche Daten.`;
    }
  }
  if (Object.keys(errors).length > 0 || !service || !caseFile) return { ok: false, kind: 'invalid', errors };

  const id = newId();
  const at = nowIso(now);
  const sending = input.intent === 'send';
  try {
    const channel = await db.transaction().execute(async (trx) => {
      await insertReferral(trx, {
        id,
        case_id: caseFile.id,
        sender_user_id: actor.id,
        sender_office_id: actor.organizationId,
        recipient_organization_id: service.organizationId,
        service_id: service.id,
        purpose: input.purpose,
        message: input.message,
        shared_categories: input.sharedCategories.join(','),
        consent_id: consentId,
        contact_mode: input.contactMode,
        plan_step_id: input.planStepId,
        status: sending ? 'sent' : 'draft',
        status_reason: null,
        outcome: null,
        appointment_at: null,
        appointment_note: null,
        response_due_on: input.responseDueOn,
        sent_at: sending ? at : null,
        answered_at: null,
        overdue_since: null,
        reminder_count: 0,
        last_reminded_at: null,
        submission_key: input.submissionKey,
        created_at: at,
        updated_at: at,
        delete_after: addYears(at, CASE_RETENTION_YEARS),
        version: 1,
      });
      await extendCaseRetention(trx, caseFile.id, addYears(at, CASE_RETENTION_YEARS));
      const base = {
        referral_id: id,
        at,
        actor_user_id: actor.id,
        actor_organization_id: actor.organizationId,
      };
      await insertReferralEvent(trx, {
        ...base,
        actor_kind: 'caseworker',
        kind: 'created',
        to_status: 'draft',
      });
      let channel: 'account' | 'link' | 'none' | null = null;
      if (sending) {
        await insertReferralEvent(trx, {
          ...base,
          actor_kind: 'caseworker',
          kind: 'send',
          from_status: 'draft',
          to_status: 'sent',
        });
        channel = await notifyPartnerOfNewReferral(trx, (await findReferral(trx, id))!, ctx, now);
      }
      await recordAuditUnclocked(trx, {
        actor: { id: actor.id, organizationId: actor.organizationId },
        action: sending ? 'referral.send' : 'referral.create',
        objectType: 'referral',
        objectId: id,
        consentId,
        requestId: ctx.requestId,
      });
      return channel;
    });
    return { ok: true, value: { referral: (await findReferral(db, id))!, created: true, channel } };
  } catch (error) {
    // Two submits of the same form racing: the unique submission key lets one insert win; the other returns it.
    const winner = await findReferralBySubmissionKey(db, input.submissionKey);
    if (winner && winner.senderUserId === actor.id) {
      return { ok: true, value: { referral: winner, created: false, channel: null } };
    }
    throw error;
  }
}

/**
 * Moves a referral through its lifecycle (DESIGN.md §3) in one transaction: status, timeline entry, mail to the
 * other side, audit entry. A stale version is a conflict with the current state, never a silent overwrite;
 * repeating the action one just took (a double click) is answered as done.
 */
export async function transitionReferral(
  db: Db,
  referralId: string,
  version: number,
  action: TransitionAction,
  input: TransitionInput,
  actor: ReferralActor,
  ctx: ReferralContext,
): Promise<ReferralResult<Referral>> {
  const now = ctx.now ?? new Date();
  const at = nowIso(now);
  return db.transaction().execute(async (trx): Promise<ReferralResult<Referral>> => {
    const referral = await findReferral(trx, referralId);
    if (!referral) return { ok: false, kind: 'not_found' };
    const party = partyOf(actor, referral);
    if (!party) return { ok: false, kind: 'not_found' };
    if (referral.version !== version) {
      if (await isRepeatOfLastAction(trx, referral, action, actor)) return { ok: true, value: referral };
      return { ok: false, kind: 'conflict', error: conflictMessage(referral), current: referral };
    }
    const decision = decideTransition(referral.status, action, party, input);
    if (!decision.ok) return { ok: false, kind: 'invalid', errors: { [decision.field]: decision.error } };
    const firstAnswer = party === 'partner' && referral.answeredAt === null;
    const updated = await updateReferralIfCurrent(trx, referral.id, version, {
      status: decision.to,
      status_reason: decision.reason,
      outcome: decision.outcome,
      updated_at: at,
      sent_at: action === 'send' ? at : referral.sentAt,
      // A draft sent after its answer date would be overdue at once: it gets the default time from today.
      response_due_on:
        action === 'send' && referral.responseDueOn < todayInGermany(now)
          ? addWorkingDays(todayInGermany(now), DEFAULT_ANSWER_WORKING_DAYS)
          : referral.responseDueOn,
      answered_at: firstAnswer ? at : referral.answeredAt,
      overdue_since: decision.to === 'sent' ? referral.overdueSince : null,
    });
    if (!updated) {
      const current = (await findReferral(trx, referral.id))!;
      // Both requests of a double click can pass the version check before either commits (PostgreSQL runs them
      // side by side): the one that loses the update is a repeat, not a conflict.
      if (await isRepeatOfLastAction(trx, current, action, actor)) return { ok: true, value: current };
      return { ok: false, kind: 'conflict', error: conflictMessage(current), current };
    }
    await extendCaseRetention(trx, referral.caseId, addYears(at, CASE_RETENTION_YEARS));
    await trx
      .updateTable('referral')
      .set({ delete_after: addYears(at, CASE_RETENTION_YEARS) })
      .where('id', '=', referral.id)
      .execute();
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor(actor, referral),
      kind: action,
      from_status: referral.status,
      to_status: decision.to,
      reason: decision.reason,
      outcome: decision.outcome,
    });
    const after = (await findReferral(trx, referral.id))!;
    if (action === 'send') await notifyPartnerOfNewReferral(trx, after, ctx, now);
    if (party === 'partner') {
      const sender = await trx
        .selectFrom('app_user')
        .select(['email', 'active'])
        .where('id', '=', referral.senderUserId)
        .executeTakeFirst();
      if (sender && Number(sender.active) === 1) {
        await enqueueMail(trx, answerMail(sender.email, ctx.baseUrl, referral.id, decision.to), now);
      }
    }
    if (
      party === 'caseworker' &&
      (action === 'cancel' || action === 'enter_in_error') &&
      referral.status !== 'draft'
    ) {
      const reach = await reachPartner(trx, referral.recipientOrganizationId);
      const addresses = reach.kind === 'account' ? reach.to : reach.kind === 'link' ? [reach.to] : [];
      for (const to of addresses) await enqueueMail(trx, cancelledMail(to), now);
    }
    // A closed referral needs no link any more: whoever holds one loses access with the close.
    if (!LINK_STATUSES.includes(decision.to)) await revokeReferralLinks(trx, referral.id, now);
    await recordAuditUnclocked(trx, {
      actor: auditActor(actor, referral),
      action: `referral.${action}`,
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
      requestId: ctx.requestId,
    });
    return { ok: true, value: after };
  });
}

async function isRepeatOfLastAction(
  db: Executor,
  referral: Referral,
  action: TransitionAction,
  actor: ReferralActor,
): Promise<boolean> {
  if (referral.status !== TRANSITIONS[action].to) return false;
  const last = await db
    .selectFrom('referral_event')
    .select(['kind', 'actor_user_id', 'actor_kind'])
    .where('referral_id', '=', referral.id)
    .where('to_status', 'is not', null)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last || last.kind !== action) return false;
  return actor.kind === 'user' ? last.actor_user_id === actor.user.id : last.actor_kind === 'partner_link';
}

/** The partner proposes an appointment (date, time, short note); not a status change. */
export async function proposeAppointment(
  db: Db,
  referralId: string,
  version: number,
  input: { at: string; note: string | null },
  actor: ReferralActor,
  ctx: ReferralContext,
): Promise<ReferralResult<Referral>> {
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx): Promise<ReferralResult<Referral>> => {
    const referral = await findReferral(trx, referralId);
    if (!referral || partyOf(actor, referral) !== 'partner') return { ok: false, kind: 'not_found' };
    if (referral.version !== version) {
      return { ok: false, kind: 'conflict', error: conflictMessage(referral), current: referral };
    }
    if (!APPOINTMENT_STATUSES.includes(referral.status)) {
      return {
        ok: false,
        kind: 'invalid',
        errors: {
          appointmentAt: `Im Status „${REFERRAL_STATUS_LABELS[referral.status]}“ kann kein Termin mehr vorgeschlagen werden.`,
        },
      };
    }
    if (Date.parse(input.at) < now.getTime()) {
      return {
        ok: false,
        kind: 'invalid',
        errors: { appointmentAt: 'Der Termin muss in der Zukunft liegen.' },
      };
    }
    const at = nowIso(now);
    const updated = await updateReferralIfCurrent(trx, referral.id, version, {
      appointment_at: input.at,
      appointment_note: input.note,
      updated_at: at,
      answered_at: referral.answeredAt ?? at,
    });
    if (!updated) {
      const current = (await findReferral(trx, referral.id))!;
      return { ok: false, kind: 'conflict', error: conflictMessage(current), current };
    }
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor(actor, referral),
      kind: 'appointment',
      note: input.at,
    });
    const sender = await trx
      .selectFrom('app_user')
      .select(['email', 'active'])
      .where('id', '=', referral.senderUserId)
      .executeTakeFirst();
    if (sender && Number(sender.active) === 1) {
      await enqueueMail(trx, answerMail(sender.email, ctx.baseUrl, referral.id, null), now);
    }
    await recordAuditUnclocked(trx, {
      actor: auditActor(actor, referral),
      action: 'referral.appointment',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
      requestId: ctx.requestId,
    });
    return { ok: true, value: (await findReferral(trx, referral.id))! };
  });
}

/**
 * Records that a party opened the referral's detail: always in the audit log; for the partner also as a
 * "viewed" entry on the timeline (at most one per hour and person, so reloading does not flood it).
 */
export async function recordReferralView(
  db: Db,
  referral: Referral,
  actor: ReferralActor,
  ctx: ReferralContext,
): Promise<void> {
  const now = ctx.now ?? new Date();
  const party = partyOf(actor, referral);
  if (!party) return;
  await db.transaction().execute(async (trx) => {
    if (party === 'partner') {
      const who = eventActor(actor, referral);
      const seen = await hasRecentEvent(
        trx,
        referral.id,
        'viewed',
        { userId: who.actor_user_id, organizationId: who.actor_organization_id },
        nowIso(new Date(now.getTime() - 60 * 60_000)),
      );
      if (!seen)
        await insertReferralEvent(trx, { referral_id: referral.id, at: nowIso(now), ...who, kind: 'viewed' });
    }
    await recordAuditUnclocked(trx, {
      actor: auditActor(actor, referral),
      action: 'referral.read',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
      requestId: ctx.requestId,
    });
  });
}

/** Personal data the partner may see: per shared category, the field labels and values. */
export interface SharedPersonalData {
  consentId: string;
  categories: DataCategory[];
  fields: { label: string; value: string }[];
}

const FIELDS_OF: Record<DataCategory, { label: string; of: (identity: CaseIdentity) => string | null }[]> = {
  name: [
    { label: 'Vorname', of: (i) => i.firstName },
    { label: 'Nachname', of: (i) => i.lastName },
  ],
  birth_date: [{ label: 'Geburtsdatum', of: (i) => i.birthDate?.split('-').reverse().join('.') ?? null }],
  contact: [
    { label: 'Telefon', of: (i) => i.phone },
    { label: 'E-Mail', of: (i) => i.email },
  ],
  residence_status: [{ label: 'Aufenthaltsstatus', of: (i) => i.residenceStatus }],
  qualifications: [{ label: 'Schul- und Berufsabschlüsse', of: (i) => i.qualifications }],
  language_level: [
    { label: 'Sprachstand', of: (i) => i.languageLevel },
    { label: 'Bevorzugte Sprache', of: (i) => i.preferredLanguage },
  ],
  health: [{ label: 'Gesundheitsbezogene Angaben', of: (i) => i.healthNotes }],
};

/**
 * The personal fields a party may see on a referral. The partner sees only the categories that were shared AND
 * that the referral's consent still covers today — checked on every read, so a revocation takes effect at once.
 * Every disclosure is recorded with its consent id.
 */
export async function readSharedPersonalData(
  db: Db,
  referral: Referral,
  actor: ReferralActor,
  ctx: ReferralContext,
): Promise<SharedPersonalData | null> {
  const now = ctx.now ?? new Date();
  const party = partyOf(actor, referral);
  if (party === null || !referral.consentId || referral.sharedCategories.length === 0) return null;
  // A closed referral (declined, cancelled, done, entered in error) needs no personal data on the partner's side:
  // the partner keeps the record of the handoff, not the young person's details.
  if (party === 'partner' && !LINK_STATUSES.includes(referral.status)) return null;
  const consent = await findConsent(db, referral.consentId);
  if (!consent || !isConsentActive(consent, todayInGermany(now))) return null;
  if (consent.recipientOrganizationId !== referral.recipientOrganizationId) return null;
  const categories = referral.sharedCategories.filter((category) => consent.categories.includes(category));
  if (categories.length === 0) return null;
  const identity = await findCaseIdentity(db, referral.caseId);
  const fields = categories.flatMap((category) =>
    FIELDS_OF[category].map((field) => ({
      label: field.label,
      value: (identity && field.of(identity)) || '—',
    })),
  );
  await recordAuditUnclocked(db, {
    actor: auditActor(actor, referral),
    action: 'referral.personal_data_read',
    objectType: 'referral',
    objectId: referral.id,
    consentId: consent.id,
    requestId: ctx.requestId,
  });
  return { consentId: consent.id, categories, fields };
}

/** The caseworker sends the partner a fresh single-use link (older links stop working). */
export async function resendReferralLink(
  db: Db,
  referralId: string,
  actor: Actor,
  ctx: ReferralContext,
): Promise<ReferralResult<null>> {
  const now = ctx.now ?? new Date();
  const referral = await findReferral(db, referralId);
  if (!referral || referralPartyOf(actor, referral) !== 'caseworker') return { ok: false, kind: 'not_found' };
  if (!LINK_STATUSES.includes(referral.status)) {
    return {
      ok: false,
      kind: 'invalid',
      errors: { link: 'Für eine abgeschlossene Vermittlung gibt es keinen Link mehr.' },
    };
  }
  const email = await organizationEmail(db, referral.recipientOrganizationId);
  if (!email) {
    return {
      ok: false,
      kind: 'invalid',
      errors: { link: 'Für diese Einrichtung ist keine E-Mail-Adresse hinterlegt. Bitte rufen Sie dort an.' },
    };
  }
  await db.transaction().execute(async (trx) => {
    const token = await issueReferralLink(trx, referral.id, now);
    await enqueueMail(trx, freshLinkMail(email, ctx.baseUrl, token), now);
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at: nowIso(now),
      ...eventActor({ kind: 'user', user: actor }, referral),
      kind: 'link_sent',
    });
    await recordAuditUnclocked(trx, {
      actor: { id: actor.id, organizationId: actor.organizationId },
      action: 'referral.link_sent',
      objectType: 'referral',
      objectId: referral.id,
      requestId: ctx.requestId,
    });
  });
  return { ok: true, value: null };
}

/** The caseworker ticks off the plan step a completed referral served. */
export async function tickPlanStepOfReferral(
  db: Db,
  referralId: string,
  actor: Actor,
  ctx: ReferralContext,
): Promise<ReferralResult<null>> {
  const now = ctx.now ?? new Date();
  const referral = await findReferral(db, referralId);
  if (!referral || referralPartyOf(actor, referral) !== 'caseworker') return { ok: false, kind: 'not_found' };
  if (!referral.planStepId)
    return {
      ok: false,
      kind: 'invalid',
      errors: { planStep: 'Diese Vermittlung dient keinem Förderplan-Schritt.' },
    };
  if (referral.status !== 'completed') {
    return {
      ok: false,
      kind: 'invalid',
      errors: {
        planStep: 'Den Schritt können Sie abhaken, sobald die Einrichtung den Abschluss gemeldet hat.',
      },
    };
  }
  const step = await findPlanStep(db, referral.planStepId);
  if (!step) return { ok: false, kind: 'not_found' };
  if (step.status === 'done') return { ok: true, value: null };
  const at = nowIso(now);
  // Step, timeline entry and audit entry commit together.
  return db.transaction().execute(async (trx): Promise<ReferralResult<null>> => {
    if (!(await updatePlanStepStatusIfCurrent(trx, step.id, step.version, 'done', at))) {
      return {
        ok: false,
        kind: 'conflict',
        error: 'Dieser Schritt wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        current: referral,
      };
    }
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor({ kind: 'user', user: actor }, referral),
      kind: 'plan_step_done',
    });
    await recordAuditUnclocked(trx, {
      actor: { id: actor.id, organizationId: actor.organizationId },
      action: 'plan_step.done',
      objectType: 'case',
      objectId: referral.caseId,
      requestId: ctx.requestId,
    });
    return { ok: true, value: null };
  });
}

/**
 * The reminders job: a referral still unanswered after its due date gets a reminder to the partner and is
 * flagged overdue on the caseworker's dashboard; a second reminder follows `repeatWorkingDays` later.
 */
export async function sendDueReminders(
  db: Db,
  options: { baseUrl: string; repeatWorkingDays: number; now?: Date },
): Promise<{ first: number; second: number }> {
  const now = options.now ?? new Date();
  const today = todayInGermany(now);
  const unanswered = () =>
    db
      .selectFrom('referral')
      .selectAll()
      .where('status', '=', 'sent')
      .where('response_due_on', '<', today)
      // A partner who proposed an appointment has answered, even before accepting: no reminder for that.
      .where('answered_at', 'is', null);
  // n working days are at least n calendar days: rows reminded since then cannot be due for a second reminder.
  // The exact working-day check follows in code; the bound keeps a backlog of not-yet-due rows out of the batch.
  const latestFirstReminder = new Date(`${today}T00:00:00Z`);
  latestFirstReminder.setUTCDate(latestFirstReminder.getUTCDate() - options.repeatWorkingDays + 2);
  const [firstDue, secondDue] = await Promise.all([
    unanswered().where('reminder_count', '=', 0).orderBy('response_due_on').limit(500).execute(),
    unanswered()
      .where('reminder_count', '=', 1)
      .where('last_reminded_at', '<', latestFirstReminder.toISOString())
      .orderBy('last_reminded_at')
      .limit(500)
      .execute(),
  ]);
  let first = 0;
  let second = 0;
  for (const row of [...firstDue, ...secondDue]) {
    const count = Number(row.reminder_count);
    // The gap counts from the first reminder, not from the due date: when the first went out late (jobs paused,
    // a draft sent with an old due date) the second must not follow on the job's next run a minute later.
    const firstRemindedOn = row.last_reminded_at
      ? todayInGermany(new Date(row.last_reminded_at))
      : row.response_due_on;
    if (count === 1 && addWorkingDays(firstRemindedOn, options.repeatWorkingDays) > today) continue;
    const at = nowIso(now);
    const sentOne = await db.transaction().execute(async (trx) => {
      // Guarded by the count we read, not by the version: a reminder must not turn the partner's answer into a 409.
      const claimed = await trx
        .updateTable('referral')
        .set({ reminder_count: count + 1, last_reminded_at: at, overdue_since: row.overdue_since ?? at })
        .where('id', '=', row.id)
        .where('status', '=', 'sent')
        .where('answered_at', 'is', null)
        .where('reminder_count', '=', count)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const reach = await reachPartner(trx, row.recipient_organization_id);
      if (reach.kind === 'account') {
        for (const to of reach.to)
          await enqueueMail(trx, reminderMail(to, options.baseUrl, null, count === 1), now);
      } else if (reach.kind === 'link') {
        const token = await issueReferralLink(trx, row.id, now);
        await enqueueMail(trx, reminderMail(reach.to, options.baseUrl, token, count === 1), now);
      }
      const mailed = reach.kind !== 'none';
      const base = {
        referral_id: row.id,
        at,
        actor_user_id: null,
        actor_organization_id: null,
        actor_kind: 'system' as const,
      };
      if (count === 0) await insertReferralEvent(trx, { ...base, kind: 'overdue' });
      // Without any address there is nobody to remind: the referral is flagged overdue, the timeline says no more.
      if (mailed) await insertReferralEvent(trx, { ...base, kind: 'reminder', note: String(count + 1) });
      return mailed;
    });
    if (sentOne) {
      if (count === 0) first += 1;
      else second += 1;
    }
  }
  return { first, second };
}
