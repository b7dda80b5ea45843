/**
 * The search_change table: the log of service ids written since an index outside the database's transactions last
 * caught up (see indexer.ts and the FollowingEngine in engine.ts).
 * @module
 */
import type { Executor } from '../db/executor';

/** Appends changed service ids at `at` (the caller chunks long lists and opens the transaction). */
export async function insertSearchChanges(db: Executor, serviceIds: string[], at: string): Promise<void> {
  if (serviceIds.length === 0) return;
  await db
    .insertInto('search_change')
    .values(serviceIds.map((id) => ({ service_id: id, changed_at: at })))
    .execute();
}

/** Deletes entries written before `before`; returns how many. */
export async function deleteSearchChangesBefore(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('search_change')
    .where('changed_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The highest sequence number written so far (0 for an empty log). */
export async function findLastSearchChangeSeq(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('search_change')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The lowest sequence number still kept, or null for an empty log. */
export async function findFirstSearchChangeSeq(db: Executor): Promise<number | null> {
  const row = await db
    .selectFrom('search_change')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .executeTakeFirst();
  return row?.seq == null ? null : Number(row.seq);
}

/** Up to `limit` entries after `seq`, in order. */
export async function listSearchChangesAfter(
  db: Executor,
  seq: number,
  limit: number,
): Promise<{ seq: number; serviceId: string }[]> {
  const rows = await db
    .selectFrom('search_change')
    .select(['seq', 'service_id'])
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), serviceId: r.service_id }));
}

/** The entries with the given sequence numbers that exist now (numbers a follower skipped while their write ran). */
export async function listSearchChangesBySeq(
  db: Executor,
  seqs: number[],
): Promise<{ seq: number; serviceId: string }[]> {
  if (seqs.length === 0) return [];
  const rows = await db
    .selectFrom('search_change')
    .select(['seq', 'service_id'])
    .where('seq', 'in', seqs)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), serviceId: r.service_id }));
}
