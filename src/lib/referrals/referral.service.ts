import type { ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { findUserById, listActivePartnerEmails } from '../auth/auth.queries';
import { can, referralPartyOf } from '../auth/policy';
import {
  CASE_RETENTION_YEARS,
  consentCovers,
  DATA_CATEGORY_LABELS,
  isConsentActive,
  RESTRICTED_CASE_MESSAGE,
  type CaseIdentity,
  type DataCategory,
} from '../cases/case';
import {
  extendCaseRetention,
  findCase,
  findCaseIdentity,
  findConsent,
  findPlanStep,
  listConsents,
  updatePlanStepStatusIfCurrent,
} from '../cases/case.queries';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { findOrganization } from '../directory/organization.queries';
import { findService } from '../directory/service.queries';
import { enqueueMail } from '../notify/outbox.queries';
import { addWorkingDays, addYears, todayInGermany } from '../time/time';
import {
  APPOINTMENT_STATUSES,
  contactModeProblem,
  DEFAULT_ANSWER_WORKING_DAYS,
  decideTransition,
  LINK_STATUSES,
  newReferralRow,
  REFERRAL_STATUS_LABELS,
  TRANSITIONS,
  type AppointmentInput,
  type Referral,
  type ReferralEvent,
  type ReferralFormInput,
  type TransitionFormInput,
} from './referral';
import { findSenderContact } from './referral-contact';
import { draftGaps } from './referral-draft';
import { issueReferralLink, revokeReferralLinks } from './referral-link';

import {
  answerMail,
  cancelledMail,
  freshLinkMail,
  newReferralLinkMail,
  newReferralMail,
  reminderMail,
} from './referral-mail';
import {
  claimReminder,
  findLastStatusEvent,
  findReferral,
  findReferralBySubmissionKey,
  hasRecentEvent,
  insertReferral,
  insertReferralEvent,
  listDueForReminder,
  setReferralDeleteAfter,
  updateReferralIfCurrent,
} from './referral.queries';

/** Who a timeline entry names: a user (caseworker or partner staff), the organisation behind a link, or the system. */
export function eventActor(ctx: ActionContext): {
  actor_user_id: string | null;
  actor_organization_id: string | null;
  actor_kind: ReferralEvent['actorKind'];
} {
  switch (ctx.actor.kind) {
    case 'user':
      return {
        actor_user_id: ctx.actor.user.id,
        actor_organization_id: ctx.actor.user.organizationId,
        actor_kind: ctx.actor.user.role === 'partner' ? 'partner' : 'caseworker',
      };
    case 'link':
      return {
        actor_user_id: null,
        actor_organization_id: ctx.actor.organizationId,
        actor_kind: 'partner_link',
      };
    default:
      return { actor_user_id: null, actor_organization_id: null, actor_kind: 'system' };
  }
}

const conflictMessage = (current: Referral) =>
  `Diese Vermittlung wurde inzwischen geändert (jetzt: „${REFERRAL_STATUS_LABELS[current.status]}“). Ihre Eingabe wurde nicht übernommen. Bitte prüfen Sie den aktuellen Stand.`;

/** How a partner organization is reached: its staff's accounts, else its directory address (link), else not. */
export type PartnerReach =
  { kind: 'account'; to: string[] } | { kind: 'link'; to: string } | { kind: 'none' };

/** Where mails to a partner organisation go: its staff's accounts, else its directory address, else nowhere. */
export async function reachPartner(db: Executor, organizationId: string): Promise<PartnerReach> {
  const accounts = await listActivePartnerEmails(db, organizationId);
  if (accounts.length > 0) return { kind: 'account', to: accounts };
  const email = (await findOrganization(db, organizationId))?.email ?? null;
  return email ? { kind: 'link', to: email } : { kind: 'none' };
}

/** How the partner of a referral is reached: by account, by single-use link, or not at all (no address). */
export async function partnerChannel(
  db: Executor,
  organizationId: string,
): Promise<'account' | 'link' | 'none'> {
  return (await reachPartner(db, organizationId)).kind;
}

/**
 * Tells the partner about a new referral inside the caller's transaction: partner staff with an account get a
 * "please sign in" mail; an organization without accounts gets a single-use link at its directory address.
 */
async function notifyPartnerOfNewReferral(
  trx: Executor,
  ctx: ActionContext,
  referral: Referral,
): Promise<'account' | 'link' | 'none'> {
  const baseUrl = ctx.config.publicBaseUrl;
  const reach = await reachPartner(trx, referral.recipientOrganizationId);
  const sender = await findSenderContact(trx, referral);
  if (reach.kind === 'account') {
    for (const to of reach.to)
      await enqueueMail(trx, newReferralMail(to, baseUrl, referral.responseDueOn, sender), ctx.now);
    return 'account';
  }
  if (reach.kind === 'none') return 'none';
  const token = await issueReferralLink(trx, referral.id, ctx.now);
  await enqueueMail(
    trx,
    newReferralLinkMail(reach.to, baseUrl, token, referral.responseDueOn, sender),
    ctx.now,
  );
  await insertReferralEvent(trx, {
    referral_id: referral.id,
    at: ctx.now.toISOString(),
    actor_user_id: null,
    actor_organization_id: null,
    actor_kind: 'system',
    kind: 'link_sent',
  });
  return 'link';
}

/** Tells the caseworker who sent the referral that the partner answered (if the account is still active). */
async function notifySender(
  trx: Executor,
  ctx: ActionContext,
  referral: Referral,
  status: Referral['status'] | null,
): Promise<void> {
  const sender = await findUserById(trx, referral.senderUserId);
  if (sender?.active) {
    await enqueueMail(trx, answerMail(sender.email, ctx.config.publicBaseUrl, referral.id, status), ctx.now);
  }
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

/** A referral the form made: `created` is false when the same form came twice (same submission key). */
export interface CreatedReferral {
  referral: Referral;
  created: boolean;
  channel: 'account' | 'link' | 'none' | null;
}

/**
 * Creates a referral from the form (sent at once or kept as a draft). Shared data categories need a consent
 * that covers the recipient and every category; otherwise only an anonymous enquiry can go out. The same form
 * submitted twice (same submission key) yields the one referral created first.
 */
export async function createReferral(
  db: Db,
  ctx: ActionContext,
  input: ReferralFormInput,
): Promise<Result<CreatedReferral>> {
  const user = ctx.actor.kind === 'user' ? ctx.actor.user : null;
  // Only caseworkers refer: anyone else could create a referral that no page would then show them.
  if (!user || !can(user, 'case.create', { type: 'case', officeId: null })) return notFound();
  const existing = await findReferralBySubmissionKey(db, input.submissionKey);
  if (existing) {
    if (existing.senderUserId !== user.id) return notFound();
    return ok({ referral: existing, created: false, channel: null });
  }
  const today = todayInGermany(ctx.now);
  const errors: Record<string, string> = {};
  const caseFile = await findCase(db, input.caseId);
  if (!caseFile || !can(user, 'case.read', { type: 'case', officeId: caseFile.officeId })) {
    errors['caseId'] = 'Bitte einen Fall Ihrer Dienststelle wählen.';
  } else if (caseFile.restrictedAt) errors['caseId'] = RESTRICTED_CASE_MESSAGE; // Art. 18: no new referrals
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
  const contactProblem = contactModeProblem(input.contactMode, input.sharedCategories);
  if (contactProblem) errors['contactMode'] = contactProblem;
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
  if (Object.keys(errors).length > 0 || !service || !caseFile) return invalid(errors);

  const id = newId();
  const at = ctx.now.toISOString();
  const sending = input.intent === 'send';
  try {
    return await db.transaction().execute(async (trx) => {
      await insertReferral(
        trx,
        newReferralRow({
          id,
          caseId: caseFile.id,
          sender: user,
          service,
          content: {
            purpose: input.purpose,
            message: input.message,
            shared_categories: input.sharedCategories.join(','),
            consent_id: consentId,
            contact_mode: input.contactMode,
            plan_step_id: input.planStepId,
            response_due_on: input.responseDueOn,
          },
          status: sending ? 'sent' : 'draft',
          submissionKey: input.submissionKey,
          at,
        }),
      );
      await extendCaseRetention(trx, caseFile.id, addYears(at, CASE_RETENTION_YEARS));
      const base = { referral_id: id, at, ...eventActor(ctx) };
      await insertReferralEvent(trx, { ...base, kind: 'created', to_status: 'draft' });
      let channel: CreatedReferral['channel'] = null;
      if (sending) {
        await insertReferralEvent(trx, { ...base, kind: 'send', from_status: 'draft', to_status: 'sent' });
        channel = await notifyPartnerOfNewReferral(trx, ctx, (await findReferral(trx, id))!);
      }
      await recordAudit(trx, ctx, {
        action: sending ? 'referral.send' : 'referral.create',
        objectType: 'referral',
        objectId: id,
        consentId,
      });
      return ok({ referral: (await findReferral(trx, id))!, created: true, channel });
    });
  } catch (error) {
    // Two submits of the same form racing: the unique submission key lets one insert win; the other returns it.
    const winner = await findReferralBySubmissionKey(db, input.submissionKey);
    if (winner && winner.senderUserId === user.id)
      return ok({ referral: winner, created: false, channel: null });
    throw error;
  }
}

/** Whether the actor's last status change on this referral was this very action (a double click, a reload). */
async function isRepeatOfLastAction(
  db: Executor,
  ctx: ActionContext,
  referral: Referral,
  action: TransitionFormInput['action'],
): Promise<boolean> {
  if (referral.status !== TRANSITIONS[action].to) return false;
  const last = await findLastStatusEvent(db, referral.id);
  if (!last || last.kind !== action) return false;
  return ctx.actor.kind === 'user'
    ? last.actorUserId === ctx.actor.user.id
    : last.actorKind === 'partner_link';
}

/**
 * Moves a referral through its lifecycle (DESIGN.md §3) in one transaction: status, timeline entry, mail to the
 * other side, audit entry. A stale version is a conflict with the current state, never a silent overwrite;
 * repeating the action one just took (a double click) is answered as done.
 */
export async function transitionReferral(
  db: Db,
  ctx: ActionContext,
  input: TransitionFormInput & { id: string },
): Promise<Result<Referral, Referral>> {
  const { action, version } = input;
  const at = ctx.now.toISOString();
  const today = todayInGermany(ctx.now);
  return db.transaction().execute(async (trx): Promise<Result<Referral, Referral>> => {
    const referral = await findReferral(trx, input.id);
    const party = referral ? referralPartyOf(ctx.actor, referral) : null;
    if (!referral || !party) return notFound();
    if (referral.version !== version) {
      if (await isRepeatOfLastAction(trx, ctx, referral, action)) return ok(referral);
      return conflict(conflictMessage(referral), referral);
    }
    // A restricted case (Art. 18) shares nothing: a draft of it is not sent.
    if (action === 'send' && (await findCase(trx, referral.caseId))?.restrictedAt)
      return refused(RESTRICTED_CASE_MESSAGE);
    const decision = decideTransition(referral.status, action, party, input);
    if (!decision.ok) return invalid({ [decision.field]: decision.error });
    // A draft saved half-filled (referral-draft.service.ts) goes out only once it is complete.
    const gaps = action === 'send' ? draftGaps(referral) : {};
    if (Object.keys(gaps).length > 0) return invalid(gaps);
    const firstAnswer = party === 'partner' && referral.answeredAt === null;
    const updated = await updateReferralIfCurrent(trx, referral.id, version, {
      status: decision.to,
      status_reason: decision.reason,
      outcome: decision.outcome,
      updated_at: at,
      sent_at: action === 'send' ? at : referral.sentAt,
      // A draft sent after its answer date would be overdue at once: it gets the default time from today.
      response_due_on:
        action === 'send' && referral.responseDueOn < today
          ? addWorkingDays(today, DEFAULT_ANSWER_WORKING_DAYS)
          : referral.responseDueOn,
      answered_at: firstAnswer ? at : referral.answeredAt,
      overdue_since: decision.to === 'sent' ? referral.overdueSince : null,
    });
    if (!updated) {
      const current = (await findReferral(trx, referral.id))!;
      // Both requests of a double click can pass the version check before either commits (PostgreSQL runs them
      // side by side): the one that loses the update is a repeat, not a conflict.
      if (await isRepeatOfLastAction(trx, ctx, current, action)) return ok(current);
      return conflict(conflictMessage(current), current);
    }
    await extendCaseRetention(trx, referral.caseId, addYears(at, CASE_RETENTION_YEARS));
    await setReferralDeleteAfter(trx, referral.id, addYears(at, CASE_RETENTION_YEARS));
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor(ctx),
      kind: action,
      from_status: referral.status,
      to_status: decision.to,
      reason: decision.reason,
      outcome: decision.outcome,
    });
    const after = (await findReferral(trx, referral.id))!;
    if (action === 'send') await notifyPartnerOfNewReferral(trx, ctx, after);
    if (party === 'partner') await notifySender(trx, ctx, referral, decision.to);
    if (
      party === 'caseworker' &&
      (action === 'cancel' || action === 'enter_in_error') &&
      referral.status !== 'draft'
    ) {
      const reach = await reachPartner(trx, referral.recipientOrganizationId);
      const addresses = reach.kind === 'account' ? reach.to : reach.kind === 'link' ? [reach.to] : [];
      const sender = await findSenderContact(trx, referral);
      for (const to of addresses) await enqueueMail(trx, cancelledMail(to, sender), ctx.now);
    }
    // A closed referral needs no link any more: whoever holds one loses access with the close.
    if (!LINK_STATUSES.includes(decision.to)) await revokeReferralLinks(trx, referral.id, at);
    await recordAudit(trx, ctx, {
      action: `referral.${action}`,
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
    });
    return ok(after);
  });
}

/** The partner proposes an appointment (date, time, short note); not a status change. */
export async function proposeAppointment(
  db: Db,
  ctx: ActionContext,
  input: AppointmentInput & { id: string },
): Promise<Result<Referral, Referral>> {
  const at = ctx.now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result<Referral, Referral>> => {
    const referral = await findReferral(trx, input.id);
    if (!referral || referralPartyOf(ctx.actor, referral) !== 'partner') return notFound();
    // The same proposal sent again (a reload, a second tab) is the one already saved, not a conflict.
    if (referral.appointmentAt === input.appointmentAt && referral.appointmentNote === input.appointmentNote)
      return ok(referral);
    if (referral.version !== input.version) return conflict(conflictMessage(referral), referral);
    if (!APPOINTMENT_STATUSES.includes(referral.status)) {
      return invalid({
        appointmentAt: `Im Status „${REFERRAL_STATUS_LABELS[referral.status]}“ kann kein Termin mehr vorgeschlagen werden.`,
      });
    }
    if (Date.parse(input.appointmentAt) < ctx.now.getTime()) {
      return invalid({ appointmentAt: 'Der Termin muss in der Zukunft liegen.' });
    }
    const updated = await updateReferralIfCurrent(trx, referral.id, input.version, {
      appointment_at: input.appointmentAt,
      appointment_note: input.appointmentNote,
      updated_at: at,
      answered_at: referral.answeredAt ?? at,
    });
    if (!updated) {
      const current = (await findReferral(trx, referral.id))!;
      return conflict(conflictMessage(current), current);
    }
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor(ctx),
      kind: 'appointment',
      note: input.appointmentAt,
    });
    await notifySender(trx, ctx, referral, null);
    await recordAudit(trx, ctx, {
      action: 'referral.appointment',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
    });
    return ok((await findReferral(trx, referral.id))!);
  });
}

/**
 * Records that a party opened the referral's detail: always in the audit log; for the partner also as a
 * "viewed" entry on the timeline (at most one per hour and person, so reloading does not flood it).
 */
export async function recordReferralView(db: Db, ctx: ActionContext, referral: Referral): Promise<void> {
  const party = referralPartyOf(ctx.actor, referral);
  if (!party) return;
  await db.transaction().execute(async (trx) => {
    if (party === 'partner') {
      const who = eventActor(ctx);
      const seen = await hasRecentEvent(
        trx,
        referral.id,
        'viewed',
        { userId: who.actor_user_id, organizationId: who.actor_organization_id },
        new Date(ctx.now.getTime() - 60 * 60_000).toISOString(),
      );
      if (!seen)
        await insertReferralEvent(trx, {
          referral_id: referral.id,
          at: ctx.now.toISOString(),
          ...who,
          kind: 'viewed',
        });
    }
    await recordAudit(trx, ctx, {
      action: 'referral.read',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
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

/** The labelled personal fields of the shared categories, as the partner reads them ("—" where nothing is known). */
export function personalFieldsOf(
  identity: CaseIdentity | null,
  categories: readonly DataCategory[],
): { label: string; value: string }[] {
  return categories.flatMap((category) =>
    FIELDS_OF[category].map((field) => ({
      label: field.label,
      value: (identity && field.of(identity)) || '—',
    })),
  );
}

/**
 * The personal fields a party may see on a referral. The partner sees only the categories that were shared AND
 * that the referral's consent still covers today — checked on every read, so a revocation takes effect at once.
 * Every disclosure is recorded with its consent id.
 */
export async function readSharedPersonalData(
  db: Db,
  ctx: ActionContext,
  referral: Referral,
): Promise<SharedPersonalData | null> {
  const party = referralPartyOf(ctx.actor, referral);
  if (party === null || !referral.consentId || referral.sharedCategories.length === 0) return null;
  // A closed referral (declined, cancelled, done, entered in error) needs no personal data on the partner's side:
  // the partner keeps the record of the handoff, not the young person's details.
  if (party === 'partner' && !LINK_STATUSES.includes(referral.status)) return null;
  // A restricted case (Art. 18) shares nothing with partners until the restriction is lifted.
  if (party === 'partner' && (await findCase(db, referral.caseId))?.restrictedAt) return null;
  const consent = await findConsent(db, referral.consentId);
  if (!consent || !isConsentActive(consent, todayInGermany(ctx.now))) return null;
  if (consent.recipientOrganizationId !== referral.recipientOrganizationId) return null;
  const categories = referral.sharedCategories.filter((category) => consent.categories.includes(category));
  if (categories.length === 0) return null;
  const fields = personalFieldsOf(await findCaseIdentity(db, referral.caseId), categories);
  await recordAudit(db, ctx, {
    action: 'referral.personal_data_read',
    objectType: 'referral',
    objectId: referral.id,
    consentId: consent.id,
  });
  return { consentId: consent.id, categories, fields };
}

/** The caseworker sends the partner a fresh single-use link (older links stop working). */
export async function resendReferralLink(
  db: Db,
  ctx: ActionContext,
  input: { id: string },
): Promise<Result<null, Referral>> {
  return db.transaction().execute(async (trx): Promise<Result<null, Referral>> => {
    const referral = await findReferral(trx, input.id);
    if (!referral || referralPartyOf(ctx.actor, referral) !== 'caseworker') return notFound();
    if (!LINK_STATUSES.includes(referral.status)) {
      return invalid({ link: 'Für eine abgeschlossene Vermittlung gibt es keinen Link mehr.' });
    }
    const email = (await findOrganization(trx, referral.recipientOrganizationId))?.email ?? null;
    if (!email) {
      return invalid({
        link: 'Für diese Einrichtung ist keine E-Mail-Adresse hinterlegt. Bitte rufen Sie dort an.',
      });
    }
    const token = await issueReferralLink(trx, referral.id, ctx.now);
    const sender = await findSenderContact(trx, referral);
    await enqueueMail(trx, freshLinkMail(email, ctx.config.publicBaseUrl, token, sender), ctx.now);
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at: ctx.now.toISOString(),
      ...eventActor(ctx),
      kind: 'link_sent',
    });
    await recordAudit(trx, ctx, {
      action: 'referral.link_sent',
      objectType: 'referral',
      objectId: referral.id,
    });
    return ok(null);
  });
}

/** The caseworker ticks off the plan step a completed referral served. */
export async function tickPlanStepOfReferral(
  db: Db,
  ctx: ActionContext,
  input: { id: string },
): Promise<Result<null, Referral>> {
  const at = ctx.now.toISOString();
  // Step, timeline entry and audit entry commit together.
  return db.transaction().execute(async (trx): Promise<Result<null, Referral>> => {
    const referral = await findReferral(trx, input.id);
    if (!referral || referralPartyOf(ctx.actor, referral) !== 'caseworker') return notFound();
    if (!referral.planStepId)
      return invalid({ planStep: 'Diese Vermittlung dient keinem Förderplan-Schritt.' });
    if (referral.status !== 'completed') {
      return invalid({
        planStep: 'Den Schritt können Sie abhaken, sobald die Einrichtung den Abschluss gemeldet hat.',
      });
    }
    const step = await findPlanStep(trx, referral.planStepId);
    if (!step) return notFound();
    if (step.status === 'done') return ok(null);
    if (!(await updatePlanStepStatusIfCurrent(trx, step.id, step.version, 'done', at))) {
      return conflict(
        'Dieser Schritt wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        referral,
      );
    }
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor(ctx),
      kind: 'plan_step_done',
    });
    await recordAudit(trx, ctx, { action: 'plan_step.done', objectType: 'case', objectId: referral.caseId });
    return ok(null);
  });
}

/**
 * The reminders job: a referral still unanswered after its due date gets a reminder to the partner and is
 * flagged overdue on the caseworker's dashboard; a second reminder follows `reminderRepeatWorkingDays` (config)
 * later. A job: it runs as the system (`systemContext`) and reports what it sent.
 */
export async function sendDueReminders(
  db: Db,
  ctx: ActionContext,
): Promise<{ first: number; second: number }> {
  const repeatWorkingDays = ctx.config.reminderRepeatWorkingDays;
  const today = todayInGermany(ctx.now);
  // n working days are at least n calendar days: rows reminded since then cannot be due for a second reminder.
  // The exact working-day check follows in code; the bound keeps a backlog of not-yet-due rows out of the batch.
  const latestFirstReminder = new Date(`${today}T00:00:00Z`);
  latestFirstReminder.setUTCDate(latestFirstReminder.getUTCDate() - repeatWorkingDays + 2);
  const [firstDue, secondDue] = await Promise.all([
    listDueForReminder(db, today, 0, null),
    listDueForReminder(db, today, 1, latestFirstReminder.toISOString()),
  ]);
  let first = 0;
  let second = 0;
  const at = ctx.now.toISOString();
  for (const referral of [...firstDue, ...secondDue]) {
    const count = referral.reminderCount;
    // The gap counts from the first reminder, not from the due date: when the first went out late (jobs paused,
    // a draft sent with an old due date) the second must not follow on the job's next run a minute later.
    const firstRemindedOn = referral.lastRemindedAt
      ? todayInGermany(new Date(referral.lastRemindedAt))
      : referral.responseDueOn;
    if (count === 1 && addWorkingDays(firstRemindedOn, repeatWorkingDays) > today) continue;
    const sentOne = await db.transaction().execute(async (trx) => {
      if (!(await claimReminder(trx, referral.id, count, at, referral.overdueSince ?? at))) return false;
      const reach = await reachPartner(trx, referral.recipientOrganizationId);
      const baseUrl = ctx.config.publicBaseUrl;
      const sender = await findSenderContact(trx, referral);
      if (reach.kind === 'account') {
        for (const to of reach.to)
          await enqueueMail(trx, reminderMail(to, baseUrl, null, count === 1, sender), ctx.now);
      } else if (reach.kind === 'link') {
        const token = await issueReferralLink(trx, referral.id, ctx.now);
        await enqueueMail(trx, reminderMail(reach.to, baseUrl, token, count === 1, sender), ctx.now);
      }
      const mailed = reach.kind !== 'none';
      const base = { referral_id: referral.id, at, ...eventActor(ctx) };
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
