import type { Kysely } from 'kysely';

// The field's search vocabulary, maintained by coordinators (issue 16, decision 0026):
// - search_term_group: the coordinators' own term groups — equal words both ways ('synonym') or words that also
//   find related ones, one way ('related'); the lists are JSON arrays of text;
// - search_term_builtin_off: built-in groups (src/lib/search/vocabulary.ts, search.ts) switched off, by their key;
// - search_vocabulary_state: one row whose generation every change raises in its transaction, so each instance's
//   engines see on their next search that the vocabulary changed (a per-process cache cannot hold it stale).
// Portable types only, as in the foundation migration.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('search_term_group')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('related', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('search_term_builtin_off')
    .addColumn('builtin_key', 'text', (c) => c.primaryKey())
    .addColumn('switched_off_by', 'text')
    .addColumn('switched_off_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('search_vocabulary_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('search_vocabulary_state').values({ id: 1, generation: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_vocabulary_state').execute();
  await db.schema.dropTable('search_term_builtin_off').execute();
  await db.schema.dropTable('search_term_group').execute();
}
