import type { Kysely } from 'kysely';

// HSDS interop (decision 0021): a `is_public` flag on services (default 0: nothing is published without a
// coordinator's or admin's decision), API keys (only a SHA-256 of the key is stored), a per-key, per-minute request
// counter for the rate limit, and the HSDS identifiers of imported entries (so a round trip keeps them).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('service')
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('api_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('api_key_window')
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_key.id').onDelete('cascade'))
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_key_window_pk', ['key_id', 'window_start'])
    .execute();

  await db.schema
    .createTable('hsds_identity')
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('local_id', 'text', (c) => c.notNull())
    .addColumn('hsds_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hsds_identity_pk', ['entity_type', 'local_id'])
    .addUniqueConstraint('hsds_identity_hsds_unique', ['entity_type', 'hsds_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hsds_identity').execute();
  await db.schema.dropTable('api_key_window').execute();
  await db.schema.dropTable('api_key').execute();
  await db.schema.alterTable('service').dropColumn('is_public').execute();
}
