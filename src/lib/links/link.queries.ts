import type { Insertable } from 'kysely';
import type { Database } from '../db/database';
import type { Executor } from '../db/executor';

// The single-use link tables, one per purpose (decision 0010: only the SHA-256 of the mailed token is stored, as the
// row's id, and of the browser access token where a redeemed link opens a page for longer). They share their shape —
// created, expires, used, revoked — and differ in what a link opens (`owner`). This file owns all three tables.

/** Each purpose's table and the column naming what its links open. */
export const LINK_TABLES = {
  /** A referral for a partner without an account (decision 0013); redeemed for browser access. */
  referral: { table: 'referral_link', owner: 'referral_id' },
  /** A directory upkeep request to an organisation; redeemed for browser access until the link expires. */
  upkeep: { table: 'upkeep_link', owner: 'request_id' },
  /** A working-group member's answer to one meeting or "done" for one action item; used once, no browser access. */
  network: { table: 'network_link', owner: 'member_id' },
} as const;

/** What a single-use link is for. */
export type LinkPurpose = keyof typeof LINK_TABLES;
/** The purposes whose links are redeemed for a browser access token (their tables have `access_hash`). */
export type AccessLinkPurpose = 'referral' | 'upkeep';
type LinkTable<P extends LinkPurpose> = (typeof LINK_TABLES)[P]['table'];
type LinkState = 'id' | 'created_at' | 'expires_at' | 'used_at' | 'revoked_at' | 'access_hash';
/** What a new link of a purpose names, beside its state: the owner column and, for group links, what it answers. */
export type LinkSubject<P extends LinkPurpose> = Omit<Insertable<Database[LinkTable<P>]>, LinkState>;

/** Stores a new, unused link under the hash of its token. */
export async function insertLink<P extends LinkPurpose>(
  db: Executor,
  purpose: P,
  link: { id: string; subject: LinkSubject<P>; createdAt: string; expiresAt: string },
): Promise<void> {
  const row = {
    ...link.subject,
    id: link.id,
    created_at: link.createdAt,
    expires_at: link.expiresAt,
    used_at: null,
    revoked_at: null,
    ...(purpose === 'network' ? {} : { access_hash: null }),
  };
  await db
    .insertInto(LINK_TABLES[purpose].table)
    .values(row as Insertable<Database[LinkTable<P>]> as never)
    .execute();
}

/**
 * Revokes the unrevoked links that match every column of `scope` (the links of one referral, request or member's
 * answer), or only the ones nobody used yet (`unusedOnly`). Returns nothing: revoking twice is harmless.
 */
export async function revokeLinks<P extends LinkPurpose>(
  db: Executor,
  purpose: P,
  scope: Partial<LinkSubject<P>>,
  at: string,
  options: { unusedOnly: boolean },
): Promise<void> {
  let query = db
    .updateTable(LINK_TABLES[purpose].table)
    .set({ revoked_at: at })
    .where('revoked_at', 'is', null);
  for (const [column, value] of Object.entries(scope)) {
    query = query.where(column as 'id', '=', value as string);
  }
  if (options.unusedOnly) query = query.where('used_at', 'is', null);
  await query.execute();
}

/**
 * Marks an unused, unrevoked, unexpired link used, once — binding the browser access hash where the purpose has one.
 * False when the link cannot be used (a second click, a replay, a revoked or expired link).
 */
export async function markLinkUsed(
  db: Executor,
  purpose: LinkPurpose,
  id: string,
  at: string,
  accessHash: string | null = null,
): Promise<boolean> {
  const result = await db
    .updateTable(LINK_TABLES[purpose].table)
    .set(accessHash === null ? { used_at: at } : { used_at: at, access_hash: accessHash })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A stored link as the services need it: what it opens and its state (never the token). */
export interface StoredLink {
  /** The SHA-256 of the token. */
  id: string;
  /** The referral, request or member the link opens. */
  ownerId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}

function stored(row: {
  id: string;
  owner_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}): StoredLink {
  return {
    id: row.id,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
  };
}

function selectLinks(db: Executor, purpose: LinkPurpose) {
  const { table, owner } = LINK_TABLES[purpose];
  return db
    .selectFrom(table)
    .select((eb) => [
      'id',
      eb.ref(owner).as('owner_id'),
      'created_at',
      'expires_at',
      'used_at',
      'revoked_at',
    ]);
}

/** A link by the hash of its token, whatever its state; null for an unknown token. */
export async function findLinkByTokenHash(
  db: Executor,
  purpose: LinkPurpose,
  id: string,
): Promise<StoredLink | null> {
  const row = await selectLinks(db, purpose).where('id', '=', id).executeTakeFirst();
  return row ? stored(row as Parameters<typeof stored>[0]) : null;
}

/** The link a browser access hash was bound to when it was redeemed, whatever its state since. */
export async function findLinkByAccessHash(
  db: Executor,
  purpose: AccessLinkPurpose,
  accessHash: string,
): Promise<StoredLink | null> {
  const row = await selectLinks(db, purpose).where('access_hash', '=', accessHash).executeTakeFirst();
  return row ? stored(row as Parameters<typeof stored>[0]) : null;
}

/** The newest link of a referral, request or member (for the sender's view; never the token). */
export async function findLatestLink(
  db: Executor,
  purpose: LinkPurpose,
  ownerId: string,
): Promise<StoredLink | null> {
  const row = await selectLinks(db, purpose)
    .where(LINK_TABLES[purpose].owner, '=', ownerId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? stored(row as Parameters<typeof stored>[0]) : null;
}

/** How many links went out for one referral, request or member since `since`, and when the newest one was made. */
export async function countLinksSince(
  db: Executor,
  purpose: LinkPurpose,
  ownerId: string,
  since: string,
): Promise<{ count: number; newestAt: string | null }> {
  const row = await db
    .selectFrom(LINK_TABLES[purpose].table)
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('newest')])
    .where(LINK_TABLES[purpose].owner, '=', ownerId)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), newestAt: (row?.newest as string | null | undefined) ?? null };
}

/** A working-group link that can still be used, with what it answers: its one meeting or its one action item. */
export interface UsableGroupLink {
  id: string;
  purpose: 'answer' | 'action_done';
  memberId: string;
  meetingId: string | null;
  actionItemId: string | null;
}

/** A working-group link that is unused, unrevoked and unexpired at `at`, or null. */
export async function findUsableGroupLink(
  db: Executor,
  id: string,
  at: string,
): Promise<UsableGroupLink | null> {
  const row = await db
    .selectFrom('network_link')
    .select(['id', 'purpose', 'member_id', 'meeting_id', 'action_item_id'])
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        purpose: row.purpose,
        memberId: row.member_id,
        meetingId: row.meeting_id,
        actionItemId: row.action_item_id,
      }
    : null;
}
