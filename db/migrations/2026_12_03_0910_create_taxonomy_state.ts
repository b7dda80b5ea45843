import type { Kysely } from 'kysely';

// taxonomy_state: one row whose generation every write of categories or category/language aliases raises in its
// transaction (insertTerm, upsertAlias). A process that keeps the category list in memory reads the generation per
// request and reloads the list when it moved, so a category added through one instance is shown by every other
// instance's next request (decision 0028; the same pattern as search_vocabulary_state, decision 0026).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('taxonomy_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('taxonomy_state').values({ id: 1, generation: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('taxonomy_state').execute();
}
