import { SqliteAdapter, type Kysely } from 'kysely';

// The change log that search indexes outside the database's own transaction (Meilisearch, or the SQLite index
// beside PostgreSQL) follow: every write of a service appends its id in the same transaction; each index applies
// the entries after the last sequence number it has seen. The auto-incrementing key is the one dialect difference.

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('search_change')
    .addColumn('seq', isSqlite(db) ? 'integer' : 'bigserial', (c) =>
      isSqlite(db) ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_change').execute();
}
