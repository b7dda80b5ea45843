import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import type { TaxonomyTerm } from './taxonomy';

/** Lists every category term. */
export async function listTerms(db: Executor): Promise<TaxonomyTerm[]> {
  const rows = await db
    .selectFrom('taxonomy_term')
    .selectAll()
    .orderBy('sort_order')
    .orderBy('name')
    .execute();
  const aliases = new Map<string, string[]>();
  for (const { alias, target } of await listAliases(db, 'category')) {
    aliases.set(target, [...(aliases.get(target) ?? []), alias]);
  }
  return rows.map((row) => ({
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    sortOrder: Number(row.sort_order),
    isCustom: Number(row.is_custom) === 1,
    aliases: aliases.get(row.id) ?? [],
  }));
}

/** Whether a category with this id exists (one primary-key lookup). */
export async function hasTerm(db: Executor, id: string): Promise<boolean> {
  const row = await db.selectFrom('taxonomy_term').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Adds a coordinator's own category below `parentId` (or at the top); returns its id. */
export async function insertTerm(
  db: Executor,
  input: { name: string; parentId: string | null },
  now: Date,
): Promise<string> {
  const id = `eigene.${newId()}`;
  const max = await db
    .selectFrom('taxonomy_term')
    .select((eb) => eb.fn.max('sort_order').as('m'))
    .executeTakeFirst();
  await db
    .insertInto('taxonomy_term')
    .values({
      id,
      parent_id: input.parentId,
      name: input.name,
      description: null,
      sort_order: Number(max?.m ?? 0) + 1,
      is_custom: 1,
      created_at: now.toISOString(),
    })
    .execute();
  await bumpTaxonomyGeneration(db);
  return id;
}

/** The kinds of cell an alias names. */
export type AliasKind = 'category' | 'language';

/** Every saved alias of a kind (what coordinators chose in earlier imports). */
export async function listAliases(
  db: Executor,
  kind: AliasKind,
): Promise<{ alias: string; target: string }[]> {
  const rows = await db
    .selectFrom('term_alias')
    .select(['alias', 'target'])
    .where('kind', '=', kind)
    .orderBy('alias_key')
    .execute();
  return rows.map((row) => ({ alias: row.alias, target: row.target }));
}

/** Saves (or replaces) an alias; `aliasKey` is the folded alias, unique per kind. */
export async function upsertAlias(
  db: Executor,
  alias: { kind: AliasKind; aliasKey: string; alias: string; target: string; createdBy: string | null },
  now: Date,
): Promise<void> {
  await db
    .deleteFrom('term_alias')
    .where('kind', '=', alias.kind)
    .where('alias_key', '=', alias.aliasKey)
    .execute();
  await db
    .insertInto('term_alias')
    .values({
      kind: alias.kind,
      alias_key: alias.aliasKey,
      alias: alias.alias,
      target: alias.target,
      created_by: alias.createdBy,
      created_at: now.toISOString(),
    })
    .execute();
  await bumpTaxonomyGeneration(db);
}

/** The generation of categories and aliases: it rises with every write of either (decision 0028). */
export async function findTaxonomyGeneration(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('taxonomy_state')
    .select('generation')
    .where('id', '=', 1)
    .executeTakeFirst();
  return Number(row?.generation ?? 0);
}

/**
 * Raises the generation after a write of categories or aliases, in the writer's transaction: a process that keeps
 * the category list in memory reloads it on its next request. Every writer of taxonomy_term and term_alias calls it
 * (insertTerm, upsertAlias); on PostgreSQL the row lock also orders concurrent writers.
 */
async function bumpTaxonomyGeneration(db: Executor): Promise<void> {
  await db
    .updateTable('taxonomy_state')
    .set((eb) => ({ generation: eb('generation', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}
