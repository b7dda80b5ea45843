/**
 * The search vocabulary's tables (decision 0026): search_term_group (coordinators' own groups),
 * search_term_builtin_off (built-in groups switched off) and search_vocabulary_state (the generation every change
 * raises, which each instance's engines compare before a search).
 * @module
 */
import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import type { TermGroup, TermGroupKind } from './search-terms';

type TermGroupRow = {
  id: string;
  kind: string;
  terms: string;
  related: string;
  version: number;
  updated_at: string;
};

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function rowToTermGroup(row: TermGroupRow): TermGroup {
  return {
    id: row.id,
    kind: row.kind === 'synonym' ? 'synonym' : 'related',
    terms: parseList(row.terms),
    related: parseList(row.related),
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}

const GROUP_COLUMNS = ['id', 'kind', 'terms', 'related', 'version', 'updated_at'] as const;

/** Every own group, oldest first (the order the engines merge them in). */
export async function listTermGroups(db: Executor): Promise<TermGroup[]> {
  const rows = await db
    .selectFrom('search_term_group')
    .select(GROUP_COLUMNS)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(rowToTermGroup);
}

/** One own group, or null. */
export async function findTermGroup(db: Executor, id: string): Promise<TermGroup | null> {
  const row = await db
    .selectFrom('search_term_group')
    .select(GROUP_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? rowToTermGroup(row) : null;
}

/** How many own groups there are. */
export async function countTermGroups(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('search_term_group')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Adds an own group. */
export async function insertTermGroup(
  db: Executor,
  group: { id: string; kind: TermGroupKind; terms: string[]; related: string[]; createdBy: string | null },
  now: Date,
): Promise<void> {
  await db
    .insertInto('search_term_group')
    .values({
      id: group.id,
      kind: group.kind,
      terms: JSON.stringify(group.terms),
      related: JSON.stringify(group.related),
      version: 1,
      created_by: group.createdBy,
      created_at: nowIso(now),
      updated_at: nowIso(now),
    })
    .execute();
}

/** Changes an own group if it still has `version`; false when someone changed or removed it first. */
export async function updateTermGroup(
  db: Executor,
  group: { id: string; version: number; kind: TermGroupKind; terms: string[]; related: string[] },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('search_term_group')
    .set({
      kind: group.kind,
      terms: JSON.stringify(group.terms),
      related: JSON.stringify(group.related),
      version: group.version + 1,
      updated_at: nowIso(now),
    })
    .where('id', '=', group.id)
    .where('version', '=', group.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes an own group if it still has `version`; false otherwise. */
export async function deleteTermGroup(db: Executor, id: string, version: number): Promise<boolean> {
  const result = await db
    .deleteFrom('search_term_group')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The keys of the built-in groups switched off. */
export async function listSwitchedOffBuiltIns(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('search_term_builtin_off').select('builtin_key').execute();
  return new Set(rows.map((row) => row.builtin_key));
}

/** Switches a built-in group off (nothing happens if it is off already). */
export async function insertSwitchedOffBuiltIn(
  db: Executor,
  key: string,
  by: string | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('search_term_builtin_off')
    .values({ builtin_key: key, switched_off_by: by, switched_off_at: nowIso(now) })
    .onConflict((oc) => oc.column('builtin_key').doNothing())
    .execute();
}

/** Switches a built-in group on again. */
export async function deleteSwitchedOffBuiltIn(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('search_term_builtin_off').where('builtin_key', '=', key).execute();
}

/** The vocabulary's generation (0 before the first change). */
export async function findVocabularyGeneration(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('search_vocabulary_state')
    .select('generation')
    .where('id', '=', 1)
    .executeTakeFirst();
  return Number(row?.generation ?? 0);
}

/**
 * Raises the generation inside the change's transaction: every instance sees the change on its next search. On
 * PostgreSQL the row lock also puts concurrent changes of the vocabulary one after the other.
 */
export async function bumpVocabularyGeneration(db: Executor): Promise<void> {
  await db
    .updateTable('search_vocabulary_state')
    .set((eb) => ({ generation: eb('generation', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}
