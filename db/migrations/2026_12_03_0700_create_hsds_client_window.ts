import type { Kysely } from 'kysely';

// The rate limit of the anonymous HSDS API (HSDS_PUBLIC=1, decision 0021): requests per client and minute, in the
// database so it holds across instances and workers. The client is a keyed hash of its address (IPv6 cut to its
// /64), never the address; a client keeps at most its current minute.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hsds_client_window')
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('hsds_client_window_pk', ['client_hash', 'window_start'])
    .execute();
  await db.schema
    .createIndex('hsds_client_window_start')
    .on('hsds_client_window')
    .column('window_start')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hsds_client_window').execute();
}
