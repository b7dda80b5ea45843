import type { ActionContext } from '../action/context';
import { ok, refused, type Result } from '../action/result';
import { generateToken, hashToken, isWellFormedToken } from '../auth/token';
import type { Executor } from '../db/executor';
import {
  findLinkByAccessHash,
  insertReferralLink,
  redeemReferralLink,
  revokeReferralLinks,
} from './referral-link.queries';

/** A single-use link is valid for seven days after it was sent. */
export const LINK_TTL_MS = 7 * 24 * 60 * 60_000;

/**
 * Issues a fresh single-use link for one referral and revokes older ones (only the newest mailed link works), in the
 * caller's transaction. Only the SHA-256 of the token is stored: a leaked database or outbox yields no usable link.
 */
export async function issueReferralLink(trx: Executor, referralId: string, now: Date): Promise<string> {
  const token = generateToken();
  await revokeReferralLinks(trx, referralId, now.toISOString());
  await insertReferralLink(trx, {
    id: hashToken(token),
    referralId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + LINK_TTL_MS).toISOString(),
  });
  return token;
}

export const INVALID_LINK =
  'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte fragen Sie die vermittelnde Fachkraft nach einem neuen Link.';

/** What redeeming a link gives the browser: its access token, the referral it opens, until when. */
export interface OpenedLink {
  accessToken: string;
  referralId: string;
  expiresAt: string;
}

/**
 * Redeems a link once (`input.token` from the mail): marks it used and binds it to a fresh browser token (stored
 * hashed) that opens this one referral until the link's expiry. A second redemption — a forwarded mail, a replay —
 * is refused.
 */
export async function openReferralLink(
  db: Executor,
  ctx: ActionContext,
  input: { token: string },
): Promise<Result<OpenedLink>> {
  if (!isWellFormedToken(input.token)) return refused(INVALID_LINK);
  const accessToken = generateToken();
  const at = ctx.now.toISOString();
  const referralId = await redeemReferralLink(db, hashToken(input.token), hashToken(accessToken), at);
  if (!referralId) return refused(INVALID_LINK);
  const access = await findLinkByAccessHash(db, hashToken(accessToken), at);
  if (!access) return refused(INVALID_LINK);
  return ok({ accessToken, referralId, expiresAt: access.expiresAt });
}

/** A browser's access through a redeemed link: usable, or revoked (the referral closed or a newer link went out). */
export type LinkAccess =
  | { state: 'open'; linkId: string; referralId: string; organizationId: string; expiresAt: string }
  | { state: 'revoked'; referralId: string };

/** What a browser's access token opens at `now`, or null (unknown, malformed or expired). */
export async function findLinkAccess(
  db: Executor,
  accessToken: string,
  now: Date,
): Promise<LinkAccess | null> {
  if (!isWellFormedToken(accessToken)) return null;
  const row = await findLinkByAccessHash(db, hashToken(accessToken), now.toISOString());
  if (!row) return null;
  if (row.revoked) return { state: 'revoked', referralId: row.referralId };
  return {
    state: 'open',
    linkId: row.linkId,
    referralId: row.referralId,
    organizationId: row.organizationId,
    expiresAt: row.expiresAt,
  };
}
