import type { Kysely } from 'kysely';

// New messages are flagged (new-user review, item 2): per user and referral, when that user last saw the thread.
// Only ids and a time — no content, no personal data of the young person. Both keys cascade, so erasing a referral
// (retention, a deleted draft) or a user takes the read state with it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_read')
    .addColumn('referral_id', 'text', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_read_pk', ['referral_id', 'user_id'])
    .execute();
  await db.schema.createIndex('referral_read_user_idx').on('referral_read').columns(['user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('referral_read').execute();
}
