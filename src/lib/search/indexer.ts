import { sqliteHandleOf, type Db } from '../db/create-db';
import { chunk } from '../db/chunk';
import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import { loadSearchDocuments } from './documents';
import { deleteSearchDocuments, ensureSearchSchema, writeSearchDocuments } from './sqlite-fts-engine';
import { listServiceIdsAtLocation, listServiceIdsOfOrganization } from '../directory/service.queries';
import { deleteSearchChangesBefore, insertSearchChanges } from './search.queries';

const prepared = new WeakSet<object>();

/** How long search_change keeps an entry: followers catch up on every search, so a week is ample. */
export const SEARCH_CHANGE_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** Deletes change-log entries older than the retention (indexes rebuild at start, so nothing needs older ones). */
export async function pruneSearchChanges(db: Executor, now: Date): Promise<number> {
  return deleteSearchChangesBefore(db, new Date(now.getTime() - SEARCH_CHANGE_RETENTION_MS));
}

/**
 * Keeps the search in step with a write. Call it inside the write's transaction with the services it touched and
 * the write's `ctx.now`: on SQLite the FTS5 index in the same database changes in that very transaction; on every
 * dialect the ids go into search_change, which indexes outside the transaction (Meilisearch, the index beside
 * PostgreSQL) follow. Any number of ids: they are read and written in chunks (SQLite binds at most 32,766).
 * `now` is optional only until every caller passes its context's time; without it the wall clock stamps the log.
 */
export async function reindexServices(db: Db, trx: Executor, serviceIds: string[], now: Date): Promise<void> {
  const ids = [...new Set(serviceIds)];
  if (ids.length === 0) return;
  const at = nowIso(now);
  for (const part of chunk(ids)) await insertSearchChanges(trx, part, at);
  // Now and then a write also sweeps the log, so it cannot grow without bound (no separate job to forget).
  if (now && Math.random() < 0.01) await pruneSearchChanges(trx, now);
  const handle = sqliteHandleOf(db);
  if (!handle) return;
  if (!prepared.has(handle)) {
    ensureSearchSchema(handle);
    prepared.add(handle);
  }
  for (const part of chunk(ids)) {
    const { documents, removed } = await loadSearchDocuments(trx, part);
    writeSearchDocuments(handle, documents);
    deleteSearchDocuments(handle, removed);
  }
}

/** The ids of all services of an organization (its name or state changes every one of their documents). */
export async function serviceIdsOfOrganization(db: Executor, organizationId: string): Promise<string[]> {
  return listServiceIdsOfOrganization(db, organizationId);
}

/** The ids of the services offered at a location. */
export async function serviceIdsAtLocation(db: Executor, locationId: string): Promise<string[]> {
  return listServiceIdsAtLocation(db, locationId);
}
