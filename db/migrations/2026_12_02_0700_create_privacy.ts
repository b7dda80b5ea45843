import type { Kysely } from 'kysely';

// Privacy operations (issue #15): a case can be restricted (Art. 18 DSGVO: kept and readable by its office, but no
// new referrals and no sharing), and every run of the retention job is recorded — counts only, never ids or names.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_file').addColumn('restricted_at', 'text').execute();
  await db.schema
    .createTable('privacy_run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON object: what → how many rows (e.g. {"case_file": 2, "outbox_body": 14}).
    .addColumn('counts', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('privacy_run_at_idx').on('privacy_run').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('privacy_run').execute();
  await db.schema.alterTable('case_file').dropColumn('restricted_at').execute();
}
