/**
 * Single-use links for partner organisations without an account, on the referral link's design (decision 0010):
 * a random token mailed once, only its SHA-256 stored, valid seven days, redeemed by a click (a POST) and then bound to
 * a fresh browser access token (stored hashed) that opens this one request until the link's expiry.
 * @module
 */
import type { ActionContext } from '../action/context';
import { ok, refused, type Result } from '../action/result';
import type { Executor } from '../db/executor';
import { findLinkByAccessToken, issueLink, redeemLinkForAccess } from '../links/link';
import type { StoredLink } from '../links/link.queries';
import { findUpkeepRequest } from './upkeep-request.queries';

/** A link is valid for seven days after it was sent. */
export const UPKEEP_LINK_TTL_MS = 7 * 24 * 60 * 60_000;

/** The cookie that carries a redeemed link's access token (HttpOnly, only under /einrichtung). */
export const UPKEEP_ACCESS_COOKIE = 'jmd_einrichtung_link';

export const INVALID_UPKEEP_LINK =
  'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Mit der nächsten Anfrage der Netzwerkkoordination kommt ein neuer Link; Sie können sie auch direkt anrufen.';

/** Issues a fresh link for a request and revokes older ones, in the caller's transaction. */
export async function issueUpkeepLink(trx: Executor, requestId: string, now: Date): Promise<string> {
  return issueLink(
    trx,
    'upkeep',
    { request_id: requestId },
    {
      now,
      expiresAt: new Date(now.getTime() + UPKEEP_LINK_TTL_MS),
      replaces: { scope: { request_id: requestId }, unusedOnly: false },
    },
  );
}

/** A browser's access through a redeemed link. */
export interface UpkeepLinkAccess {
  linkId: string;
  requestId: string;
  organizationId: string;
  expiresAt: string;
}

/** The access a redeemed link gives at `now`: none once it expired or was revoked, or its request is gone. */
async function accessOf(db: Executor, link: StoredLink, now: Date): Promise<UpkeepLinkAccess | null> {
  if (link.revokedAt || link.expiresAt <= now.toISOString()) return null;
  const request = await findUpkeepRequest(db, link.ownerId);
  return request
    ? {
        linkId: link.id,
        requestId: request.id,
        organizationId: request.organizationId,
        expiresAt: link.expiresAt,
      }
    : null;
}

/** Redeems a link once and returns the browser's access token; a second redemption is refused. */
export async function openUpkeepLink(
  db: Executor,
  ctx: ActionContext,
  input: { token: string },
): Promise<Result<UpkeepLinkAccess & { accessToken: string }>> {
  const redeemed = await redeemLinkForAccess(db, 'upkeep', input.token, ctx.now);
  const access = redeemed ? await accessOf(db, redeemed.link, ctx.now) : null;
  if (!redeemed || !access) return refused(INVALID_UPKEEP_LINK);
  return ok({ ...access, accessToken: redeemed.accessToken });
}

/** What a browser's access token opens at `now`, or null (unknown, malformed, expired or revoked). */
export async function findUpkeepLinkAccess(
  db: Executor,
  accessToken: string | undefined,
  now: Date,
): Promise<UpkeepLinkAccess | null> {
  const link = await findLinkByAccessToken(db, 'upkeep', accessToken);
  return link ? accessOf(db, link, now) : null;
}
