import type { ActionContext } from '../action/context';
import { ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { isWellFormedToken } from '../auth/token';
import type { Executor } from '../db/executor';
import { findOrganization } from '../directory/organization.queries';
import {
  findLinkByAccessToken,
  findLinkByToken,
  isLinkUsable,
  issueLink,
  redeemLinkForAccess,
} from '../links/link';
import { countLinksSince, revokeLinks } from '../links/link.queries';
import { enqueueMail } from '../notify/outbox.queries';
import { LINK_STATUSES } from './referral';
import { findSenderContact } from './referral-contact';
import { freshLinkMail, type SenderContact } from './referral-mail';
import { findReferral, insertReferralEvent } from './referral.queries';

/** A single-use link can be opened for seven days after it was sent. */
export const LINK_TTL_MS = 7 * 24 * 60 * 60_000;

/**
 * How long the browser keeps the access cookie. The database decides (access ends when the referral closes); the
 * cookie's own end only bounds a forgotten browser (decision 0013).
 */
export const ACCESS_COOKIE_MS = 180 * 24 * 60 * 60_000;

/** A partner may ask for a fresh link at most this often per referral: one per 10 minutes, three per day. */
export const RENEWAL_MIN_GAP_MS = 10 * 60_000;
export const RENEWAL_MAX_PER_DAY = 3;

/**
 * Issues a fresh single-use link for one referral, in the caller's transaction. Older links nobody opened stop
 * working (only the newest mailed link opens); browsers that already opened one keep their access until the referral
 * is closed. Only the SHA-256 of the token is stored: a leaked database or outbox yields no usable link.
 */
export async function issueReferralLink(trx: Executor, referralId: string, now: Date): Promise<string> {
  return issueLink(
    trx,
    'referral',
    { referral_id: referralId },
    {
      now,
      expiresAt: new Date(now.getTime() + LINK_TTL_MS),
      replaces: { scope: { referral_id: referralId }, unusedOnly: true },
    },
  );
}

/** Revokes every link of a referral and the browser access opened with them (the referral was closed). */
export async function revokeReferralLinks(db: Executor, referralId: string, at: string): Promise<void> {
  await revokeLinks(db, 'referral', { referral_id: referralId }, at, { unusedOnly: false });
}

export const INVALID_LINK =
  'Dieser Link ist abgelaufen, wurde schon benutzt oder durch einen neueren Link ersetzt.';

/** What redeeming a link gives the browser: its access token, the referral it opens, until when the cookie lasts. */
export interface OpenedLink {
  accessToken: string;
  referralId: string;
  cookieExpiresAt: string;
}

/**
 * Redeems a link once (`input.token` from the mail): marks it used and binds it to a fresh browser token (stored
 * hashed) that opens this one referral until the referral is closed. A second redemption — a forwarded mail, a
 * replay — is refused.
 */
export async function openReferralLink(
  db: Executor,
  ctx: ActionContext,
  input: { token: string },
): Promise<Result<OpenedLink>> {
  const redeemed = await redeemLinkForAccess(db, 'referral', input.token, ctx.now);
  if (!redeemed) return refused(INVALID_LINK);
  return ok({
    accessToken: redeemed.accessToken,
    referralId: redeemed.link.ownerId,
    cookieExpiresAt: new Date(ctx.now.getTime() + ACCESS_COOKIE_MS).toISOString(),
  });
}

/** A browser's access through a redeemed link: usable, or revoked (the referral was closed). */
export type LinkAccess =
  | { state: 'open'; linkId: string; referralId: string; organizationId: string }
  | { state: 'revoked'; referralId: string };

/** What a browser's access token opens, or null (unknown or malformed). */
export async function findLinkAccess(db: Executor, accessToken: string): Promise<LinkAccess | null> {
  const link = await findLinkByAccessToken(db, 'referral', accessToken);
  if (!link) return null;
  if (link.revokedAt) return { state: 'revoked', referralId: link.ownerId };
  const referral = await findReferral(db, link.ownerId);
  if (!referral) return null;
  return {
    state: 'open',
    linkId: link.id,
    referralId: referral.id,
    organizationId: referral.recipientOrganizationId,
  };
}

/** What the page of a mailed link knows before anything is redeemed. */
export type LinkState =
  | { state: 'unknown' }
  | { state: 'usable'; referralId: string }
  | { state: 'spent'; referralId: string; contact: SenderContact; closed: boolean };

/**
 * The state of a mailed link at `now`: unknown (a typo, a made-up token), usable, or spent (used, replaced or
 * expired) — then with the sending office's contact, so the partner is never stranded. Nothing is redeemed.
 */
export async function describeLink(db: Executor, token: string, now: Date): Promise<LinkState> {
  const link = await findLinkByToken(db, 'referral', token);
  if (!link) return { state: 'unknown' };
  const referral = await findReferral(db, link.ownerId);
  if (!referral) return { state: 'unknown' };
  if (isLinkUsable(link, now)) return { state: 'usable', referralId: referral.id };
  return {
    state: 'spent',
    referralId: referral.id,
    contact: await findSenderContact(db, referral),
    closed: !LINK_STATUSES.includes(referral.status),
  };
}

/** The one answer to "send a new link", whatever happened: it must not tell a stranger anything. */
export const RENEWAL_ANSWER =
  'Danke. Wenn die Vermittlung noch läuft, schicken wir in den nächsten Minuten einen neuen Link an die hinterlegte E-Mail-Adresse Ihrer Einrichtung.';

/**
 * A partner holding a spent link asks for a fresh one. It goes only to the organisation's stored address, at most
 * once per 10 minutes and three times a day per referral (a spent link must not become a mail cannon), and only while
 * the referral runs. The answer is the same in every case; the audit log records what was done.
 */
export async function requestFreshLink(
  db: Executor,
  ctx: ActionContext,
  input: { token: string },
): Promise<Result<string>> {
  if (!isWellFormedToken(input.token)) return ok(RENEWAL_ANSWER);
  return db.transaction().execute(async (trx) => {
    const link = await findLinkByToken(trx, 'referral', input.token);
    const referral = link ? await findReferral(trx, link.ownerId) : null;
    if (!link || !referral) return ok(RENEWAL_ANSWER);
    const at = ctx.now.toISOString();
    const recent = await countLinksSince(
      trx,
      'referral',
      referral.id,
      new Date(ctx.now.getTime() - 86_400_000).toISOString(),
    );
    const tooSoon =
      recent.newestAt !== null && ctx.now.getTime() - Date.parse(recent.newestAt) < RENEWAL_MIN_GAP_MS;
    const email = (await findOrganization(trx, referral.recipientOrganizationId))?.email ?? null;
    const granted =
      LINK_STATUSES.includes(referral.status) &&
      email !== null &&
      !tooSoon &&
      recent.count < RENEWAL_MAX_PER_DAY;
    if (granted) {
      const token = await issueReferralLink(trx, referral.id, ctx.now);
      const sender = await findSenderContact(trx, referral);
      await enqueueMail(trx, freshLinkMail(email, ctx.config.publicBaseUrl, token, sender), ctx.now);
      await insertReferralEvent(trx, {
        referral_id: referral.id,
        at,
        actor_user_id: null,
        actor_organization_id: referral.recipientOrganizationId,
        actor_kind: 'partner_link',
        kind: 'link_requested',
      });
    }
    await recordAudit(trx, ctx, {
      action: granted ? 'referral.link_renewed' : 'referral.link_renewal_refused',
      objectType: 'referral',
      objectId: referral.id,
    });
    return ok(RENEWAL_ANSWER);
  });
}
