/**
 * Single-use links for partner organisations without an account, on the referral link's design (decision 0010):
 * a random token mailed once, only its SHA-256 stored, valid seven days, redeemed by a click (a POST) and then bound to
 * a fresh browser access token (stored hashed) that opens this one request until the link's expiry.
 * @module
 */
import type { ActionContext } from '../action/context';
import { ok, refused, type Result } from '../action/result';
import { generateToken, hashToken, isWellFormedToken } from '../auth/token';
import type { Executor } from '../db/executor';
import {
  findUpkeepLinkByAccessHash,
  insertUpkeepLink,
  redeemUpkeepLink,
  revokeUpkeepLinks,
} from './upkeep-request.queries';

/** A link is valid for seven days after it was sent. */
export const UPKEEP_LINK_TTL_MS = 7 * 24 * 60 * 60_000;

/** The cookie that carries a redeemed link's access token (HttpOnly, only under /einrichtung). */
export const UPKEEP_ACCESS_COOKIE = 'jmd_einrichtung_link';

export const INVALID_UPKEEP_LINK =
  'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Mit der nächsten Anfrage der Netzwerkkoordination kommt ein neuer Link; Sie können sie auch direkt anrufen.';

/** Issues a fresh link for a request and revokes older ones, in the caller's transaction. */
export async function issueUpkeepLink(trx: Executor, requestId: string, now: Date): Promise<string> {
  const token = generateToken();
  await revokeUpkeepLinks(trx, requestId, now.toISOString());
  await insertUpkeepLink(trx, {
    id: hashToken(token),
    requestId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UPKEEP_LINK_TTL_MS).toISOString(),
  });
  return token;
}

/** A browser's access through a redeemed link. */
export interface UpkeepLinkAccess {
  linkId: string;
  requestId: string;
  organizationId: string;
  expiresAt: string;
}

/** Redeems a link once and returns the browser's access token; a second redemption is refused. */
export async function openUpkeepLink(
  db: Executor,
  ctx: ActionContext,
  input: { token: string },
): Promise<Result<UpkeepLinkAccess & { accessToken: string }>> {
  if (!isWellFormedToken(input.token)) return refused(INVALID_UPKEEP_LINK);
  const accessToken = generateToken();
  const at = ctx.now.toISOString();
  const requestId = await redeemUpkeepLink(db, hashToken(input.token), hashToken(accessToken), at);
  if (!requestId) return refused(INVALID_UPKEEP_LINK);
  const access = await findUpkeepLinkByAccessHash(db, hashToken(accessToken), at);
  if (!access) return refused(INVALID_UPKEEP_LINK);
  return ok({ ...access, accessToken });
}

/** What a browser's access token opens at `now`, or null (unknown, malformed, expired or revoked). */
export async function findUpkeepLinkAccess(
  db: Executor,
  accessToken: string | undefined,
  now: Date,
): Promise<UpkeepLinkAccess | null> {
  if (!accessToken || !isWellFormedToken(accessToken)) return null;
  return findUpkeepLinkByAccessHash(db, hashToken(accessToken), now.toISOString());
}
