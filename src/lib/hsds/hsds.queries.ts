/**
 * The HSDS module's tables (api_key, api_key_window, hsds_identity) and its reads of the directory that the
 * directory's own queries do not offer: which services are published (and filters on them), public flags,
 * service-at-location rows for the postcode filter.
 * @module
 */
import { chunk, ID_CHUNK } from '../db/chunk';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import type { ApiKeyRow } from './hsds.table';
import type { HsdsEntity } from './ids';

/** Which services the API may show: not archived, organization active; with `publicOnly` only those marked public. */
export interface PublishedFilter {
  publicOnly: boolean;
  /** Category ids (already expanded to their subtrees); a service matches if it has any of them. */
  termIds?: string[] | undefined;
  organizationId?: string | undefined;
  /** ISO time: services changed on or after it. */
  modifiedAfter?: string | undefined;
  /** Only these service ids (the search engine's hits). */
  ids?: string[] | undefined;
}

/**
 * Whether the id list is too long to bind: SQLite binds at most 32,766 variables per statement, PostgreSQL 65,535,
 * and a search over a large directory can hit more services than that. Such a list is not bound at all: the query
 * runs without it, in the same order, and the ids are matched in memory (a pass over the published ids, which a
 * search that broad comes close to anyway).
 */
function isLongIdList(filter: PublishedFilter): filter is PublishedFilter & { ids: string[] } {
  return filter.ids !== undefined && filter.ids.length > ID_CHUNK;
}

/** The filter without its id list, and a test for the ids (always true when there is no long list). */
function splitLongIdList(filter: PublishedFilter): {
  bound: PublishedFilter;
  keeps: (id: string) => boolean;
} {
  if (!isLongIdList(filter)) return { bound: filter, keeps: () => true };
  const wanted = new Set(filter.ids);
  return { bound: { ...filter, ids: undefined }, keeps: (id) => wanted.has(id) };
}

function publishedQuery(db: Executor, filter: PublishedFilter) {
  let query = db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .where('service.archived_at', 'is', null)
    .where('organization.active', '=', 1);
  if (filter.publicOnly) query = query.where('service.is_public', '=', 1);
  if (filter.organizationId !== undefined)
    query = query.where('service.organization_id', '=', filter.organizationId);
  if (filter.modifiedAfter !== undefined)
    query = query.where('service.updated_at', '>=', filter.modifiedAfter);
  if (filter.ids !== undefined) {
    const ids = filter.ids.length > 0 ? filter.ids : [''];
    query = query.where('service.id', 'in', ids);
  }
  if (filter.termIds !== undefined) {
    const termIds = filter.termIds.length > 0 ? filter.termIds : [''];
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('service_taxonomy')
          .select('service_taxonomy.service_id')
          .whereRef('service_taxonomy.service_id', '=', 'service.id')
          .where('service_taxonomy.term_id', 'in', termIds),
      ),
    );
  }
  return query;
}

/** One page of published service ids (by name, then id) and how many match in all. */
export async function listPublishedServiceIds(
  db: Executor,
  filter: PublishedFilter,
  page: { limit: number; offset: number },
): Promise<{ ids: string[]; total: number }> {
  if (isLongIdList(filter)) {
    const all = (await listAllPublishedServices(db, filter)).map((row) => row.id);
    return { ids: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }
  const count = await publishedQuery(db, filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  const rows = await publishedQuery(db, filter)
    .select(['service.id as id'])
    .orderBy('service.name')
    .orderBy('service.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { ids: rows.map((row) => row.id), total: Number(count?.n ?? 0) };
}

/** Every published service id with its organization (for the export and for resolving HSDS ids). */
export async function listAllPublishedServices(
  db: Executor,
  filter: PublishedFilter,
): Promise<{ id: string; organizationId: string }[]> {
  const { bound, keeps } = splitLongIdList(filter);
  return (
    await publishedQuery(db, bound)
      .select(['service.id as id', 'service.organization_id as organizationId'])
      .orderBy('service.name')
      .orderBy('service.id')
      .execute()
  )
    .filter((row) => keeps(row.id))
    .map((row) => ({ id: row.id, organizationId: row.organizationId }));
}

/** The ids of the given services that are marked public. */
export async function listPublicServiceIds(db: Executor, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunk(ids)) {
    const rows = await db
      .selectFrom('service')
      .select('id')
      .where('id', 'in', part)
      .where('is_public', '=', 1)
      .execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** Marks services public (or not); returns how many rows changed. */
export async function setServicesPublic(
  db: Executor,
  ids: string[] | 'all',
  value: boolean,
): Promise<number> {
  const set = db.updateTable('service').set({ is_public: value ? 1 : 0 });
  if (ids === 'all') return Number((await set.executeTakeFirst()).numUpdatedRows);
  let changed = 0;
  for (const part of chunk(ids)) {
    changed += Number((await set.where('id', 'in', part).executeTakeFirst()).numUpdatedRows);
  }
  return changed;
}

/**
 * Gives services of this directory without an external id their HSDS id as one (guarded: an external id already set
 * stays), so the import recognises them when an export of ours is read back.
 */
export async function assignServiceExternalIds(
  db: Executor,
  pairs: { localId: string; externalId: string }[],
): Promise<void> {
  for (const pair of pairs) {
    await db
      .updateTable('service')
      .set({ external_id: pair.externalId })
      .where('id', '=', pair.localId)
      .where('external_id', 'is', null)
      .execute();
  }
}

/** Service-at-location rows of published services at places that are not archived, with the place's position. */
export async function listPublishedServiceAtLocations(
  db: Executor,
  filter: PublishedFilter & { postcode?: string | undefined },
): Promise<
  { id: string; serviceId: string; locationId: string; latitude: number | null; longitude: number | null }[]
> {
  const { bound, keeps } = splitLongIdList(filter);
  let query = publishedQuery(db, bound)
    .innerJoin('service_at_location', 'service_at_location.service_id', 'service.id')
    .innerJoin('location', 'location.id', 'service_at_location.location_id')
    .where('location.archived_at', 'is', null);
  if (filter.postcode !== undefined) query = query.where('location.postcode', '=', filter.postcode);
  const rows = await query
    .select([
      'service_at_location.id as id',
      'service_at_location.service_id as serviceId',
      'service_at_location.location_id as locationId',
      'location.latitude as latitude',
      'location.longitude as longitude',
    ])
    .orderBy('service.name')
    .orderBy('service_at_location.id')
    .execute();
  return rows
    .filter((row) => keeps(row.serviceId))
    .map((row) => ({
      ...row,
      latitude: row.latitude === null ? null : Number(row.latitude),
      longitude: row.longitude === null ? null : Number(row.longitude),
    }));
}

/** All row ids of a kind (to find a row by its derived HSDS id). */
export async function listLocalIds(db: Executor, entity: HsdsEntity): Promise<string[]> {
  const table = entity === 'taxonomy_term' ? 'taxonomy_term' : entity;
  return (await db.selectFrom(table).select('id').execute()).map((row) => row.id);
}

/** The imported HSDS ids of one kind of row, by local id. */
export async function listHsdsIdentities(db: Executor, entity: HsdsEntity): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('hsds_identity')
    .select(['local_id', 'hsds_id'])
    .where('entity_type', '=', entity)
    .execute();
  return new Map(rows.map((row) => [row.local_id, row.hsds_id]));
}

/** Records the HSDS id an imported row came with (once; a second import of the same id changes nothing). */
export async function insertHsdsIdentities(
  db: Executor,
  entity: HsdsEntity,
  pairs: { localId: string; hsdsId: string }[],
): Promise<void> {
  for (const pair of pairs) {
    await db
      .insertInto('hsds_identity')
      .values({ entity_type: entity, local_id: pair.localId, hsds_id: pair.hsdsId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** An API key as the admin page sees it (never the key itself). */
export interface ApiKey {
  id: string;
  name: string;
  scope: 'public' | 'all';
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  useCount: number;
}

function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope === 'all' ? 'all' : 'public',
    prefix: row.key_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    useCount: Number(row.use_count),
  };
}

/** Stores a new key's hash. */
export async function insertApiKey(
  db: Executor,
  key: {
    name: string;
    scope: string;
    hash: string;
    prefix: string;
    createdBy: string | null;
    expiresAt: string | null;
  },
  now: Date,
): Promise<ApiKey> {
  const row: ApiKeyRow = {
    id: newId(),
    name: key.name,
    scope: key.scope,
    key_hash: key.hash,
    key_prefix: key.prefix,
    created_by: key.createdBy,
    created_at: now.toISOString(),
    expires_at: key.expiresAt,
    revoked_at: null,
    last_used_at: null,
    use_count: 0,
  };
  await db.insertInto('api_key').values(row).execute();
  return rowToApiKey(row);
}

/** Every key, newest first. */
export async function listApiKeys(db: Executor): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_key')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(rowToApiKey);
}

/** The key with this hash, or null. */
export async function findApiKeyByHash(db: Executor, hash: string): Promise<ApiKey | null> {
  const row = await db.selectFrom('api_key').selectAll().where('key_hash', '=', hash).executeTakeFirst();
  return row ? rowToApiKey(row) : null;
}

/** Finds a key by id. */
export async function findApiKey(db: Executor, id: string): Promise<ApiKey | null> {
  const row = await db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToApiKey(row) : null;
}

/** Revokes a key that is not revoked yet; false when there was nothing to revoke. */
export async function revokeApiKeyRow(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_key')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Counts one request of a key in the minute starting at `windowStart` and returns the minute's count so far; also
 * records the key's use. Old minutes are dropped on the way (a key keeps at most the current one). Run it in a
 * transaction.
 */
export async function countApiKeyRequest(
  db: Executor,
  keyId: string,
  windowStart: string,
  now: Date,
): Promise<number> {
  await db
    .deleteFrom('api_key_window')
    .where('key_id', '=', keyId)
    .where('window_start', '<', windowStart)
    .execute();
  await db
    .insertInto('api_key_window')
    .values({ key_id: keyId, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb('api_key_window.count', '+', 1) })),
    )
    .execute();
  await db
    .updateTable('api_key')
    .set((eb) => ({ last_used_at: now.toISOString(), use_count: eb('use_count', '+', 1) }))
    .where('id', '=', keyId)
    .execute();
  const row = await db
    .selectFrom('api_key_window')
    .select('count')
    .where('key_id', '=', keyId)
    .where('window_start', '=', windowStart)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/**
 * Counts one request without a key from a client (a keyed hash of its address) in the minute starting at
 * `windowStart` and returns the minute's count so far. Every client's older minutes are dropped on the way, so the
 * table holds at most the current minute. Run it in a transaction.
 */
export async function countClientRequest(
  db: Executor,
  clientHash: string,
  windowStart: string,
): Promise<number> {
  await db.deleteFrom('hsds_client_window').where('window_start', '<', windowStart).execute();
  await db
    .insertInto('hsds_client_window')
    .values({ client_hash: clientHash, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['client_hash', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb('hsds_client_window.count', '+', 1) })),
    )
    .execute();
  const row = await db
    .selectFrom('hsds_client_window')
    .select('count')
    .where('client_hash', '=', clientHash)
    .where('window_start', '=', windowStart)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
