import type { Executor } from '../db/executor';

// referral_link: single-use links for partners without an account. Only hashes are stored (the token's and the
// browser access token's); the tokens themselves are made and checked in referral-link.ts.

/** Stores a new link (by the hash of its token). */
export async function insertReferralLink(
  db: Executor,
  link: { id: string; referralId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('referral_link')
    .values({
      id: link.id,
      referral_id: link.referralId,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      used_at: null,
      access_hash: null,
      revoked_at: null,
    })
    .execute();
}

/**
 * Revokes the links of a referral nobody has opened yet (a newer link replaces them); browser access opened with an
 * older link stays, because access lasts until the referral is closed (decision 0013).
 */
export async function revokeUnusedReferralLinks(db: Executor, referralId: string, at: string): Promise<void> {
  await db
    .updateTable('referral_link')
    .set({ revoked_at: at })
    .where('referral_id', '=', referralId)
    .where('revoked_at', 'is', null)
    .where('used_at', 'is', null)
    .execute();
}

/** Revokes every link of a referral and the browser access opened with them (the referral was closed). */
export async function revokeReferralLinks(db: Executor, referralId: string, at: string): Promise<void> {
  await db
    .updateTable('referral_link')
    .set({ revoked_at: at })
    .where('referral_id', '=', referralId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Marks an unused, unrevoked, unexpired link used and binds the browser access hash to it; the referral it opens,
 * or null when the link cannot be used (a second redemption, a revoked or expired link).
 */
export async function redeemReferralLink(
  db: Executor,
  id: string,
  accessHash: string,
  at: string,
): Promise<string | null> {
  const result = await db
    .updateTable('referral_link')
    .set({ used_at: at, access_hash: accessHash })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  const link = await db
    .selectFrom('referral_link')
    .select('referral_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return link.referral_id;
}

/** What a browser's access hash opens, revoked or not (access outlives the link's seven days until revoked). */
export interface LinkAccessRow {
  linkId: string;
  referralId: string;
  organizationId: string;
  expiresAt: string;
  revoked: boolean;
}

/** The link a browser access hash belongs to, with the organisation it was sent to. */
export async function findLinkByAccessHash(db: Executor, accessHash: string): Promise<LinkAccessRow | null> {
  const row = await db
    .selectFrom('referral_link')
    .innerJoin('referral', 'referral.id', 'referral_link.referral_id')
    .select([
      'referral_link.id',
      'referral_link.referral_id',
      'referral_link.expires_at',
      'referral_link.revoked_at',
      'referral.recipient_organization_id',
    ])
    .where('referral_link.access_hash', '=', accessHash)
    .executeTakeFirst();
  return row
    ? {
        linkId: row.id,
        referralId: row.referral_id,
        organizationId: row.recipient_organization_id,
        expiresAt: row.expires_at,
        revoked: row.revoked_at !== null,
      }
    : null;
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

/** A link by the hash of its token, whatever its state; null for an unknown token. */
export async function findLinkByTokenHash(
  db: Executor,
  id: string,
): Promise<{
  referralId: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
} | null> {
  const row = await db
    .selectFrom('referral_link')
    .select(['referral_id', 'expires_at', 'used_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        referralId: row.referral_id,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
        revokedAt: row.revoked_at,
      }
    : null;
}

/** How many links went out for a referral since `since`, and when the newest one was made. */
export async function countLinksSince(
  db: Executor,
  referralId: string,
  since: string,
): Promise<{ count: number; newestAt: string | null }> {
  const row = await db
    .selectFrom('referral_link')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('newest')])
    .where('referral_id', '=', referralId)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), newestAt: (row?.newest as string | null | undefined) ?? null };
}
