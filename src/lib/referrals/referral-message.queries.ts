import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/database';
import type { Executor } from '../db/executor';
import type { ReferralMessageRow, ReferralMessageTable } from './referral-message.table';

// referral_message: the thread between the sending caseworker and the partner of one referral. Bodies are personal
// data: they are read only through the referral's party check and never leave the database in mails or logs.

/** One message of a referral's thread, as pages show it. */
export interface ReferralMessage {
  id: string;
  referralId: string;
  at: string;
  authorKind: ReferralMessageTable['author_kind'];
  /** The caseworker's or partner staff's name; for a link, the organisation's name. */
  authorName: string | null;
  body: string;
}

/** Stores a message. */
export async function insertReferralMessage(db: Executor, row: ReferralMessageRow): Promise<void> {
  await db.insertInto('referral_message').values(row).execute();
}

/** The thread of a referral, oldest first, with who wrote each message. */
export async function listReferralMessages(db: Executor, referralId: string): Promise<ReferralMessage[]> {
  const rows = await db
    .selectFrom('referral_message')
    .leftJoin('app_user', 'app_user.id', 'referral_message.author_user_id')
    .leftJoin('organization', 'organization.id', 'referral_message.author_organization_id')
    .selectAll('referral_message')
    .select(['app_user.display_name as user_name', 'organization.name as organization_name'])
    .where('referral_message.referral_id', '=', referralId)
    .orderBy('referral_message.at')
    .orderBy('referral_message.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    referralId: row.referral_id,
    at: row.at,
    authorKind: row.author_kind,
    authorName: row.user_name ?? row.organization_name ?? null,
    body: row.body,
  }));
}

/**
 * The newest message of a referral by the same author with the same body since `since`, if any: a double click or a
 * re-sent form is the message already saved, not a second one.
 */
export async function findRecentSameMessage(
  db: Executor,
  referralId: string,
  author: { userId: string | null; organizationId: string | null },
  body: string,
  since: string,
): Promise<string | null> {
  let query = db
    .selectFrom('referral_message')
    .select('id')
    .where('referral_id', '=', referralId)
    .where('body', '=', body)
    .where('at', '>=', since);
  query =
    author.userId === null
      ? query
          .where('author_user_id', 'is', null)
          .where('author_organization_id', '=', author.organizationId ?? '')
      : query.where('author_user_id', '=', author.userId);
  const row = await query.orderBy('at', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

/** How many messages a referral's thread has (for the caseworker's list and tests). */
export async function countReferralMessages(db: Executor, referralId: string): Promise<number> {
  const row = await db
    .selectFrom('referral_message')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('referral_id', '=', referralId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Records that a user has seen a referral's thread as of `at` (a later visit moves the mark on). */
export async function markThreadSeen(
  db: Executor,
  referralId: string,
  userId: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('referral_read')
    .values({ referral_id: referralId, user_id: userId, seen_at: at })
    .onConflict((oc) => oc.columns(['referral_id', 'user_id']).doUpdateSet({ seen_at: at }))
    .execute();
}

/**
 * The messages a user has not seen yet: written by someone else (the other party or a colleague) after the user last
 * opened the referral, or ever if they never did. The base for counts and the dashboard's list.
 */
export function unreadMessagesOf(db: Executor, userId: string) {
  return db
    .selectFrom('referral_message')
    .leftJoin('referral_read', (join) =>
      join
        .onRef('referral_read.referral_id', '=', 'referral_message.referral_id')
        .on('referral_read.user_id', '=', userId),
    )
    .where((eb) =>
      eb.or([
        eb('referral_message.author_user_id', 'is', null),
        eb('referral_message.author_user_id', '!=', userId),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb('referral_read.seen_at', 'is', null),
        eb('referral_message.at', '>', eb.ref('referral_read.seen_at')),
      ]),
    );
}

/**
 * A condition on `referral`: the user opened its thread at or after its newest message (`last_message_at`), so nothing
 * in it is new. Checked per referral before any message is read (decision 0029).
 */
export function threadSeenSinceNewestMessage(eb: ExpressionBuilder<Database, 'referral'>, userId: string) {
  return eb.exists(
    eb
      .selectFrom('referral_read as seen')
      .select('seen.user_id')
      .whereRef('seen.referral_id', '=', 'referral.id')
      .where('seen.user_id', '=', userId)
      .whereRef('seen.seen_at', '>=', 'referral.last_message_at'),
  );
}

/** How many unseen messages each of these referrals holds for the user (referrals without any are absent). */
export async function countUnreadMessages(
  db: Executor,
  userId: string,
  referralIds: string[],
): Promise<Map<string, number>> {
  const unread = new Map<string, number>();
  if (referralIds.length === 0) return unread;
  const rows = await unreadMessagesOf(db, userId)
    .select((eb) => ['referral_message.referral_id as referral_id', eb.fn.countAll<number>().as('n')])
    .where('referral_message.referral_id', 'in', referralIds)
    .groupBy('referral_message.referral_id')
    .execute();
  for (const row of rows) unread.set(row.referral_id, Number(row.n));
  return unread;
}
