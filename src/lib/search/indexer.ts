import type { Transaction } from 'kysely';
import type { Db } from '../db/create-db';
import { sqliteHandleOf } from '../db/create-db';
import type { Database } from '../db/database';
import { nowIso } from '../db/ids';
import { loadSearchDocuments } from './documents';
import { deleteSearchDocuments, ensureSearchSchema, writeSearchDocuments } from './sqlite-engine';

const prepared = new WeakSet<object>();

/** How long search_change keeps an entry: followers catch up on every search, so a week is ample. */
export const SEARCH_CHANGE_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** Deletes change-log entries older than the retention (indexes rebuild at start, so nothing needs older ones). */
export async function pruneSearchChanges(
  db: Db | Transaction<Database>,
  now: Date = new Date(),
): Promise<number> {
  const result = await db
    .deleteFrom('search_change')
    .where('changed_at', '<', nowIso(new Date(now.getTime() - SEARCH_CHANGE_RETENTION_MS)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Keeps the search in step with a write. Call it inside the write's transaction with the services it touched:
 * on SQLite the FTS5 index in the same database changes in that very transaction; on every dialect the ids go
 * into search_change, which indexes outside the transaction (Meilisearch, the index beside PostgreSQL) follow.
 */
export async function reindexServices(
  db: Db,
  trx: Db | Transaction<Database>,
  serviceIds: string[],
): Promise<void> {
  const ids = [...new Set(serviceIds)];
  if (ids.length === 0) return;
  const at = nowIso();
  for (let i = 0; i < ids.length; i += 500) {
    await trx
      .insertInto('search_change')
      .values(ids.slice(i, i + 500).map((id) => ({ service_id: id, changed_at: at })))
      .execute();
  }
  // Now and then a write also sweeps the log, so it cannot grow without bound (no separate job to forget).
  if (Math.random() < 0.01) await pruneSearchChanges(trx);
  const handle = sqliteHandleOf(db);
  if (!handle) return;
  if (!prepared.has(handle)) {
    ensureSearchSchema(handle);
    prepared.add(handle);
  }
  const { documents, removed } = await loadSearchDocuments(trx, ids);
  writeSearchDocuments(handle, documents);
  deleteSearchDocuments(handle, removed);
}

/** The ids of all services of an organization (its name or state changes every one of their documents). */
export async function serviceIdsOfOrganization(
  db: Db | Transaction<Database>,
  organizationId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('service')
    .select('id')
    .where('organization_id', '=', organizationId)
    .execute();
  return rows.map((r) => r.id);
}

/** The ids of the services offered at a location. */
export async function serviceIdsAtLocation(
  db: Db | Transaction<Database>,
  locationId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('service_at_location')
    .select('service_id')
    .where('location_id', '=', locationId)
    .execute();
  return rows.map((r) => r.service_id);
}
