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

/** What a search beside the database checks before it answers (see findSearchState). */
export interface SearchState {
  /** The coordinators' vocabulary's generation (decision 0026). */
  vocabularyGeneration: number;
  /** The lowest sequence number still in the change log, or null for an empty log. */
  firstChangeSeq: number | null;
  /** The highest sequence number written so far (0 for an empty log). */
  lastChangeSeq: number;
}

/**
 * The vocabulary's generation and the change log's lowest and highest number in one statement: on PostgreSQL one
 * round trip per search instead of three (decision 0028). Reads search_vocabulary_state, which
 * search-terms.queries.ts owns, because the two checks belong to the same moment.
 */
export async function findSearchState(db: Executor): Promise<SearchState> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('search_vocabulary_state')
        .select('generation')
        .where('id', '=', 1)
        .as('vocabulary_generation'),
      eb
        .selectFrom('search_change')
        .select((inner) => inner.fn.min('seq').as('seq'))
        .as('first_seq'),
      eb
        .selectFrom('search_change')
        .select((inner) => inner.fn.max('seq').as('seq'))
        .as('last_seq'),
    ])
    .executeTakeFirstOrThrow();
  return {
    vocabularyGeneration: Number(row.vocabulary_generation ?? 0),
    firstChangeSeq: row.first_seq == null ? null : Number(row.first_seq),
    lastChangeSeq: Number(row.last_seq ?? 0),
  };
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
