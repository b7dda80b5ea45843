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
  return rows.map((row) => ({
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    sortOrder: Number(row.sort_order),
    isCustom: Number(row.is_custom) === 1,
  }));
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
  return id;
}
