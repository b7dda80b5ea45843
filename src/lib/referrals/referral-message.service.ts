import { z } from 'zod';
import type { ActionContext } from '../action/context';
import { invalid, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { findUserById } from '../auth/auth.queries';
import { referralPartyOf } from '../auth/policy';
import type { Db } from '../db/create-db';
import { newId } from '../db/ids';
import { multiline } from '../http/form';
import { enqueueMail } from '../notify/outbox.queries';
import { LINK_STATUSES, type Referral } from './referral';
import { findSenderContact } from './referral-contact';
import { issueReferralLink } from './referral-link';
import { messageToCaseworkerMail, messageToPartnerMail } from './referral-mail';
import {
  findRecentSameMessage,
  insertReferralMessage,
  listReferralMessages,
  markThreadSeen,
  type ReferralMessage,
} from './referral-message.queries';
import { findReferral, noteReferralMessage } from './referral.queries';
import { eventActor, reachPartner } from './referral.service';

export type { ReferralMessage } from './referral-message.queries';

/** The longest message; a thread is for short questions and arrangements, not for files or reports. */
export const MESSAGE_MAX_CHARS = 2000;

/** The message form of a referral page. */
export const MessageSchema = z.object({
  action: z.literal('message'),
  body: multiline(
    z
      .string({ message: 'Nachricht: bitte einen Text eingeben.' })
      .trim()
      .min(1, { message: 'Nachricht: bitte einen Text eingeben.' })
      .max(MESSAGE_MAX_CHARS, { message: `Nachricht: höchstens ${MESSAGE_MAX_CHARS} Zeichen.` }),
  ),
});
export type MessageInput = z.infer<typeof MessageSchema>;

/** Why the caseworker cannot write to a partner without an account once the referral is closed. */
export const CLOSED_FOR_LINK_PARTNER =
  'Die Vermittlung ist abgeschlossen; die Einrichtung hat keinen Zugang und kann sie nicht mehr öffnen. Bitte rufen Sie dort an.';

/** A repeat of the same message by the same author within this time is the message already saved. */
const REPEAT_WINDOW_MS = 10 * 60_000;

/**
 * Writes a message into a referral's thread (either party, signed in or through the link) and tells the other side
 * by mail — that there is a message, never what it says, since the thread is personal data. Closed referrals still
 * take messages from the caseworker's side only when they are not entered in error; a partner whose link access
 * ended cannot write at all (the policy has no party for them). The same message sent twice (a double click, a
 * re-sent form) is saved once.
 */
export async function postReferralMessage(
  db: Db,
  ctx: ActionContext,
  input: MessageInput & { id: string },
): Promise<Result<ReferralMessage | null, Referral>> {
  return db.transaction().execute(async (trx): Promise<Result<ReferralMessage | null, Referral>> => {
    const referral = await findReferral(trx, input.id);
    const party = referral ? referralPartyOf(ctx.actor, referral) : null;
    if (!referral || !party) return notFound();
    if (referral.status === 'entered_in_error' || referral.status === 'draft') {
      return invalid({ body: 'Zu dieser Vermittlung können keine Nachrichten geschrieben werden.' });
    }
    // A partner without an account cannot open a closed referral any more: a message would never be read.
    if (
      party === 'caseworker' &&
      !LINK_STATUSES.includes(referral.status) &&
      (await reachPartner(trx, referral.recipientOrganizationId)).kind !== 'account'
    ) {
      return invalid({ body: CLOSED_FOR_LINK_PARTNER });
    }
    const who = eventActor(ctx);
    const since = new Date(ctx.now.getTime() - REPEAT_WINDOW_MS).toISOString();
    const author = { userId: who.actor_user_id, organizationId: who.actor_organization_id };
    if (await findRecentSameMessage(trx, referral.id, author, input.body, since)) return ok(null);
    const id = newId();
    const at = ctx.now.toISOString();
    await insertReferralMessage(trx, {
      id,
      referral_id: referral.id,
      at,
      author_kind: who.actor_kind === 'system' ? 'caseworker' : who.actor_kind,
      author_user_id: who.actor_user_id,
      author_organization_id: who.actor_organization_id,
      body: input.body,
    });
    await noteReferralMessage(trx, referral.id, at);
    const baseUrl = ctx.config.publicBaseUrl;
    if (party === 'partner') {
      const sender = await findUserById(trx, referral.senderUserId);
      if (sender?.active)
        await enqueueMail(trx, messageToCaseworkerMail(sender.email, baseUrl, referral.id), ctx.now);
    } else {
      const reach = await reachPartner(trx, referral.recipientOrganizationId);
      const contact = await findSenderContact(trx, referral);
      if (reach.kind === 'account') {
        for (const to of reach.to)
          await enqueueMail(trx, messageToPartnerMail(to, baseUrl, null, contact), ctx.now);
      } else if (reach.kind === 'link' && LINK_STATUSES.includes(referral.status)) {
        // A partner without an account may have lost the browser that opened the last link: the notice brings a
        // fresh one (older unopened links stop working; opened browsers keep their access).
        const token = await issueReferralLink(trx, referral.id, ctx.now);
        await enqueueMail(trx, messageToPartnerMail(reach.to, baseUrl, token, contact), ctx.now);
      }
    }
    await recordAudit(trx, ctx, {
      action: 'referral.message',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
    });
    const thread = await listReferralMessages(trx, referral.id);
    return ok(thread.find((message) => message.id === id) ?? null);
  });
}

/**
 * The thread of a referral for one of its parties, oldest first; every read is recorded in the audit log (like the
 * referral itself, see recordReferralView). Null for anyone who is no party.
 */
export async function readReferralMessages(
  db: Db,
  ctx: ActionContext,
  referral: Referral,
): Promise<ReferralMessage[] | null> {
  if (!referralPartyOf(ctx.actor, referral)) return null;
  return db.transaction().execute(async (trx) => {
    const messages = await listReferralMessages(trx, referral.id);
    // Seen now: the thread's "new" marker goes for this user (a link partner has no user and no marker).
    if (ctx.actor.kind === 'user')
      await markThreadSeen(trx, referral.id, ctx.actor.user.id, ctx.now.toISOString());
    await recordAudit(trx, ctx, {
      action: 'referral.messages_read',
      objectType: 'referral',
      objectId: referral.id,
      consentId: referral.consentId,
    });
    return messages;
  });
}
