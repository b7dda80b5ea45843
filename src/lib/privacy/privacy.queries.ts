import type { ExpressionBuilder, Kysely } from 'kysely';
import { rowToAuditEntry, type AuditEntry } from '../audit/audit.queries';
import { chunk } from '../db/chunk';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { PERSONAL_DATA_TABLES, personalDataTable, type PersonalDataTable } from './personal-data';

// The privacy operations work across the tables of several modules, generically, from the one registry
// (personal-data.ts): table names come from that list, never from input. Hence a Kysely<any> view of the database.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyExpressionBuilder = ExpressionBuilder<any, any>;
const anyDb = (db: Executor) => db as unknown as AnyDb;

/** A row of any table, as the driver returns it. */
export type AnyRow = Record<string, unknown>;

/** The tables the database has (from its catalogue), with their columns and whether each holds text. */
export async function listCatalogue(
  db: Executor,
): Promise<{ table: string; columns: { name: string; text: boolean }[] }[]> {
  const tables = await db.introspection.getTables();
  return tables.map((table) => ({
    table: table.name,
    columns: table.columns.map((column) => ({
      name: column.name,
      text: /^(text|varchar|character varying|char|character|bpchar)$/i.test(column.dataType),
    })),
  }));
}

/** The registry's entries whose tables exist in this database, in the registry's order; a missing required one throws. */
export async function presentPersonalDataTables(db: Executor): Promise<PersonalDataTable[]> {
  const catalogue = new Map(
    (await listCatalogue(db)).map((t) => [t.table, new Set(t.columns.map((c) => c.name))]),
  );
  const present: PersonalDataTable[] = [];
  for (const entry of PERSONAL_DATA_TABLES) {
    const columns = catalogue.get(entry.table);
    if (!columns) {
      if (entry.optional) continue;
      throw new Error(`personal-data registry: table ${entry.table} is missing`);
    }
    // A registry entry that names a column the table lacks would silently erase nothing: stop loudly instead.
    if (!columns.has(entry.key.column)) {
      throw new Error(`personal-data registry: ${entry.table}.${entry.key.column} is missing`);
    }
    present.push(entry);
  }
  return present;
}

/** The filter "this row belongs to one of these cases" for a registry entry. */
function belongsToCases(entry: PersonalDataTable, caseIds: readonly string[]) {
  return (eb: AnyExpressionBuilder) => {
    const key = entry.key;
    if (!('through' in key)) return eb(key.column, 'in', caseIds);
    const parent = personalDataTable(key.through);
    if (!parent || 'through' in parent.key)
      throw new Error(`personal-data registry: bad parent ${key.through}`);
    return eb(
      key.column,
      'in',
      eb.selectFrom(key.through).select(key.throughId).where(parent.key.column, 'in', caseIds),
    );
  };
}

/** How many rows of each entry belong to the cases (dry run, erasure report). */
export async function countCaseRows(
  db: Executor,
  entries: readonly PersonalDataTable[],
  caseIds: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(entries.map((e) => [e.table, 0]));
  for (const ids of chunk(caseIds)) {
    for (const entry of entries) {
      const row = await anyDb(db)
        .selectFrom(entry.table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where(belongsToCases(entry, ids))
        .executeTakeFirstOrThrow();
      counts[entry.table]! += Number(row['n']);
    }
  }
  return counts;
}

/** Deletes every row of the entries that belongs to the cases, in the registry's order; rows deleted per table. */
export async function deleteCaseRows(
  db: Executor,
  entries: readonly PersonalDataTable[],
  caseIds: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(entries.map((e) => [e.table, 0]));
  for (const ids of chunk(caseIds)) {
    for (const entry of entries) {
      const result = await anyDb(db)
        .deleteFrom(entry.table)
        .where(belongsToCases(entry, ids))
        .executeTakeFirst();
      counts[entry.table]! += Number(result.numDeletedRows);
    }
  }
  return counts;
}

/** Every row of an entry that belongs to one case (for the access export), oldest first where a row has a time. */
export async function listCaseRows(
  db: Executor,
  entry: PersonalDataTable,
  caseId: string,
): Promise<AnyRow[]> {
  const rows = (await anyDb(db)
    .selectFrom(entry.table)
    .selectAll()
    .where(belongsToCases(entry, [caseId]))
    .execute()) as AnyRow[];
  const time = (row: AnyRow) => String(row['at'] ?? row['created_at'] ?? row['updated_at'] ?? '');
  return rows.sort(
    (a, b) => time(a).localeCompare(time(b)) || String(a['id'] ?? '').localeCompare(String(b['id'] ?? '')),
  );
}

/**
 * Cases whose retention date is before `cutoff` and that are not restricted (Art. 18 keeps a restricted case until
 * the restriction is lifted), oldest date first; `restricted` counts the due cases kept for that reason. `among`
 * limits the search to these cases (at most ID_CHUNK of them).
 */
export async function listCasesPastRetention(
  db: Executor,
  cutoff: string,
  among?: readonly string[],
): Promise<{ caseIds: string[]; restricted: number }> {
  let query = db
    .selectFrom('case_file')
    .select(['id', 'restricted_at'])
    .where('delete_after', '<', cutoff)
    .orderBy('delete_after')
    .orderBy('id');
  if (among) query = query.where('id', 'in', among.length > 0 ? [...among] : ['']);
  const rows = await query.execute();
  return {
    caseIds: rows.filter((row) => !row.restricted_at).map((row) => row.id),
    restricted: rows.filter((row) => row.restricted_at).length,
  };
}

/** Of these cases, those that still have a row of `entry` whose own retention date is not before `cutoff`. */
export async function listCasesWithRowsNotDue(
  db: Executor,
  entry: PersonalDataTable,
  caseIds: readonly string[],
  cutoff: string,
): Promise<Set<string>> {
  const found = new Set<string>();
  if (!entry.dueColumn) return found;
  for (const ids of chunk(caseIds)) {
    const key = entry.key;
    let rows: AnyRow[];
    if ('through' in key) {
      const parent = personalDataTable(key.through)!;
      rows = (await anyDb(db)
        .selectFrom(entry.table)
        .innerJoin(key.through, `${key.through}.${key.throughId}`, `${entry.table}.${key.column}`)
        .select(`${key.through}.${parent.key.column} as case_id`)
        .where(`${key.through}.${parent.key.column}`, 'in', ids)
        .where(`${entry.table}.${entry.dueColumn}`, '>=', cutoff)
        .distinct()
        .execute()) as AnyRow[];
    } else {
      rows = (await anyDb(db)
        .selectFrom(entry.table)
        .select(`${key.column} as case_id`)
        .where(key.column, 'in', ids)
        .where(entry.dueColumn, '>=', cutoff)
        .distinct()
        .execute()) as AnyRow[];
    }
    for (const row of rows) found.add(String(row['case_id']));
  }
  return found;
}

/** A case's audit entries, oldest first: on the case, on its referrals, and under its consents. */
export async function listAuditEntriesOfCase(
  db: Executor,
  scope: { caseId: string; referralIds: readonly string[]; consentIds: readonly string[] },
): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('object_type', '=', 'case'), eb('object_id', '=', scope.caseId)]),
        ...(scope.referralIds.length > 0
          ? [eb.and([eb('object_type', '=', 'referral'), eb('object_id', 'in', [...scope.referralIds])])]
          : []),
        ...(scope.consentIds.length > 0 ? [eb('consent_id', 'in', [...scope.consentIds])] : []),
      ]),
    )
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(rowToAuditEntry);
}

/** One recorded run of the retention job. */
export interface PrivacyRun {
  id: string;
  at: string;
  kind: string;
  dryRun: boolean;
  counts: Record<string, number>;
}

/** Records a run: counts only, never ids or names. */
export async function insertPrivacyRun(
  db: Executor,
  run: { at: string; kind: string; dryRun: boolean; counts: Record<string, number> },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('privacy_run')
    .values({
      id,
      at: run.at,
      kind: run.kind,
      dry_run: run.dryRun ? 1 : 0,
      counts: JSON.stringify(run.counts),
    })
    .execute();
  return id;
}

/** The newest recorded runs first. */
export async function listPrivacyRuns(db: Executor, limit = 20): Promise<PrivacyRun[]> {
  const rows = await db
    .selectFrom('privacy_run')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind,
    dryRun: Number(row.dry_run) === 1,
    counts: JSON.parse(row.counts) as Record<string, number>,
  }));
}
