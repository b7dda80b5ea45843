import { z } from 'zod';
import type { ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { referralPartyOf } from '../auth/policy';
import { extendCaseRetention } from '../cases/case.queries';
import { CASE_RETENTION_YEARS } from '../cases/case';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { multiline, VersionSchema } from '../http/form';
import { enqueueMail } from '../notify/outbox.queries';
import { addYears } from '../time/time';
import { REFERRAL_STATUS_LABELS, type Referral } from './referral';
import { findSenderContact } from './referral-contact';
import {
  findOutcomeFollowup,
  listDueForOutcomeReminder,
  listDueForOutcomeRequest,
  markOutcomeReminded,
  markOutcomeRequested,
  type OutcomeFollowup,
} from './referral-followup.queries';
import { issueReferralLink, revokeReferralLinks } from './referral-link';

import { cancelledMail, outcomeRequestMail } from './referral-mail';
import {
  findReferral,
  insertReferralEvent,
  setReferralDeleteAfter,
  updateReferralIfCurrent,
} from './referral.queries';
import { eventActor, reachPartner } from './referral.service';

const DAY_MS = 86_400_000;

/**
 * The outcome follow-up job: a referral running at the partner (accepted, in progress, on hold) without news for
 * OUTCOME_FOLLOWUP_DAYS gets a mail asking for the outcome; without news OUTCOME_REMINDER_DAYS after that, one
 * reminder. From then on the caseworker's dashboard shows "Ergebnis fehlt". Time only from `ctx.now`.
 */
export async function sendOutcomeFollowups(
  db: Db,
  ctx: ActionContext,
): Promise<{ asked: number; reminded: number }> {
  const askBefore = new Date(ctx.now.getTime() - ctx.config.outcomeFollowupDays * DAY_MS).toISOString();
  const remindBefore = new Date(ctx.now.getTime() - ctx.config.outcomeReminderDays * DAY_MS).toISOString();
  const at = ctx.now.toISOString();
  let asked = 0;
  let reminded = 0;
  for (const id of await listDueForOutcomeRequest(db, askBefore)) {
    await db.transaction().execute(async (trx) => {
      const referral = await findReferral(trx, id);
      if (!referral) return;
      await markOutcomeRequested(trx, id, at);
      await mailOutcomeRequest(trx, ctx, referral, false);
      asked += 1;
    });
  }
  for (const id of await listDueForOutcomeReminder(db, remindBefore)) {
    await db.transaction().execute(async (trx) => {
      const referral = await findReferral(trx, id);
      if (!referral || !(await markOutcomeReminded(trx, id, at))) return;
      await mailOutcomeRequest(trx, ctx, referral, true);
      reminded += 1;
    });
  }
  return { asked, reminded };
}

/** Mails the partner of one referral the outcome question (with a fresh link where there is no account). */
async function mailOutcomeRequest(trx: Executor, ctx: ActionContext, referral: Referral, second: boolean) {
  const reach = await reachPartner(trx, referral.recipientOrganizationId);
  const sender = await findSenderContact(trx, referral);
  const baseUrl = ctx.config.publicBaseUrl;
  if (reach.kind === 'account') {
    for (const to of reach.to)
      await enqueueMail(trx, outcomeRequestMail(to, baseUrl, null, second, sender), ctx.now);
  } else if (reach.kind === 'link') {
    const token = await issueReferralLink(trx, referral.id, ctx.now);
    await enqueueMail(trx, outcomeRequestMail(reach.to, baseUrl, token, second, sender), ctx.now);
  }
  await insertReferralEvent(trx, {
    referral_id: referral.id,
    at: ctx.now.toISOString(),
    ...eventActor(ctx),
    kind: 'outcome_requested',
    note: second ? '2' : '1',
  });
}

/** Whether the caseworker may close a referral for lack of an answer: asked, reminded, and still nothing since. */
export function canCloseWithoutAnswer(
  followup: OutcomeFollowup | null,
  now: Date,
  reminderDays: number,
): boolean {
  return (
    followup !== null &&
    followup.waiting &&
    followup.remindedAt !== null &&
    now.getTime() - Date.parse(followup.remindedAt) >= reminderDays * DAY_MS
  );
}

/** The caseworker's "close without answer" form. */
export const CloseUnansweredSchema = z.object({
  action: z.literal('close_unanswered'),
  version: VersionSchema,
  reason: multiline(
    z
      .string({ message: 'Bitte geben Sie einen kurzen Grund an.' })
      .trim()
      .min(1, { message: 'Bitte geben Sie einen kurzen Grund an.' })
      .max(500, { message: 'Grund: höchstens 500 Zeichen.' }),
  ),
});
export type CloseUnansweredInput = z.infer<typeof CloseUnansweredSchema>;

/**
 * The caseworker closes a referral the partner never reported on (asked and reminded, then silence): it ends as
 * withdrawn ("Zurückgezogen") with the reason, the partner's links stop working and the partner is told.
 */
export async function closeWithoutAnswer(
  db: Db,
  ctx: ActionContext,
  input: CloseUnansweredInput & { id: string },
): Promise<Result<Referral, Referral>> {
  const at = ctx.now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result<Referral, Referral>> => {
    const referral = await findReferral(trx, input.id);
    if (!referral || referralPartyOf(ctx.actor, referral) !== 'caseworker') return notFound();
    // Already closed this way (a reload, a double click): done, not a conflict.
    if (referral.status === 'cancelled' && referral.version === input.version + 1) return ok(referral);
    if (referral.version !== input.version) {
      return conflict(
        `Diese Vermittlung wurde inzwischen geändert (jetzt: „${REFERRAL_STATUS_LABELS[referral.status]}“). Bitte prüfen Sie den aktuellen Stand.`,
        referral,
      );
    }
    const followup = await findOutcomeFollowup(trx, referral.id);
    if (!canCloseWithoutAnswer(followup, ctx.now, ctx.config.outcomeReminderDays)) {
      return invalid({
        reason:
          'Schließen ohne Rückmeldung geht erst, wenn die Einrichtung nach dem Ergebnis gefragt und erinnert wurde und sich danach nicht gemeldet hat.',
      });
    }
    const reason = `Ohne Rückmeldung der Einrichtung geschlossen: ${input.reason}`;
    if (
      !(await updateReferralIfCurrent(trx, referral.id, input.version, {
        status: 'cancelled',
        status_reason: reason,
        updated_at: at,
      }))
    ) {
      const current = (await findReferral(trx, referral.id))!;
      return conflict(
        'Diese Vermittlung wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        current,
      );
    }
    await extendCaseRetention(trx, referral.caseId, addYears(at, CASE_RETENTION_YEARS));
    await setReferralDeleteAfter(trx, referral.id, addYears(at, CASE_RETENTION_YEARS));
    await insertReferralEvent(trx, {
      referral_id: referral.id,
      at,
      ...eventActor(ctx),
      kind: 'closed_no_answer',
      from_status: referral.status,
      to_status: 'cancelled',
      reason: input.reason,
    });
    await revokeReferralLinks(trx, referral.id, at);
    const reach = await reachPartner(trx, referral.recipientOrganizationId);
    const addresses = reach.kind === 'account' ? reach.to : reach.kind === 'link' ? [reach.to] : [];
    const sender = await findSenderContact(trx, referral);
    for (const to of addresses) await enqueueMail(trx, cancelledMail(to, sender), ctx.now);
    await recordAudit(trx, ctx, {
      action: 'referral.close_unanswered',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
    });
    return ok((await findReferral(trx, referral.id))!);
  });
}
