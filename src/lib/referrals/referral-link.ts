import type { Transaction } from 'kysely';
import type { Db } from '../db/create-db';
import type { Database } from '../db/database';
import { nowIso } from '../db/ids';
import { generateToken, hashToken, isWellFormedToken } from '../auth/token';

type Executor = Db | Transaction<Database>;

/** A single-use link is valid for seven days after it was sent. */
export const LINK_TTL_MS = 7 * 24 * 60 * 60_000;

/**
 * Issues a fresh single-use link for one referral and revokes older ones (only the newest mailed link works).
 * Only the SHA-256 of the token is stored: a leaked database or outbox after delivery yields no usable link.
 */
export async function issueReferralLink(
  db: Executor,
  referralId: string,
  now: Date = new Date(),
): Promise<string> {
  const token = generateToken();
  await revokeReferralLinks(db, referralId, now);
  await db
    .insertInto('referral_link')
    .values({
      id: hashToken(token),
      referral_id: referralId,
      created_at: nowIso(now),
      expires_at: nowIso(new Date(now.getTime() + LINK_TTL_MS)),
      used_at: null,
      access_hash: null,
      revoked_at: null,
    })
    .execute();
  return token;
}

/** Revokes every link of a referral and the browser access opened with them. */
export async function revokeReferralLinks(
  db: Executor,
  referralId: string,
  now: Date = new Date(),
): Promise<void> {
  await db
    .updateTable('referral_link')
    .set({ revoked_at: nowIso(now) })
    .where('referral_id', '=', referralId)
    .where('revoked_at', 'is', null)
    .execute();
}

export type OpenLinkResult =
  { ok: true; accessToken: string; referralId: string } | { ok: false; error: string };

const INVALID_LINK =
  'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte bitten Sie die vermittelnde Fachkraft um einen neuen Link.';

/**
 * Redeems a link once: marks it used and binds it to a fresh browser token (stored hashed) that opens this one
 * referral until the link's expiry. A second redemption — a forwarded mail, a replay — fails.
 */
export async function openReferralLink(
  db: Db,
  token: string,
  now: Date = new Date(),
): Promise<OpenLinkResult> {
  if (!isWellFormedToken(token)) return { ok: false, error: INVALID_LINK };
  const id = hashToken(token);
  const accessToken = generateToken();
  const at = nowIso(now);
  const result = await db
    .updateTable('referral_link')
    .set({ used_at: at, access_hash: hashToken(accessToken) })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { ok: false, error: INVALID_LINK };
  const link = await db
    .selectFrom('referral_link')
    .select('referral_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { ok: true, accessToken, referralId: link.referral_id };
}

/** The referral a browser token opens, while its link is unrevoked and unexpired. */
export async function findLinkAccess(
  db: Executor,
  accessToken: string,
  now: Date = new Date(),
): Promise<{ linkId: string; referralId: string; expiresAt: string } | null> {
  if (!isWellFormedToken(accessToken)) return null;
  const row = await db
    .selectFrom('referral_link')
    .select(['id', 'referral_id', 'expires_at'])
    .where('access_hash', '=', hashToken(accessToken))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso(now))
    .executeTakeFirst();
  return row ? { linkId: row.id, referralId: row.referral_id, expiresAt: row.expires_at } : null;
}

/** The newest link of a referral, for the caseworker's view (never the token). */
export async function findLatestLink(
  db: Executor,
  referralId: string,
): Promise<{ createdAt: string; expiresAt: string; usedAt: string | null; revokedAt: string | null } | null> {
  const row = await db
    .selectFrom('referral_link')
    .select(['created_at', 'expires_at', 'used_at', 'revoked_at'])
    .where('referral_id', '=', referralId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? { createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at, revokedAt: row.revoked_at }
    : null;
}
