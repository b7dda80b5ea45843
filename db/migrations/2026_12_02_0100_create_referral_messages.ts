import type { Kysely } from 'kysely';

// The referral loop without dead ends (issue #11): a message thread per referral between caseworker and partner,
// the outcome follow-up's state per referral, and a Reply-To for outbox mails (partners answer the caseworker, not
// a no-reply address). Portable types only: ids and timestamps as ISO text.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_message')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('referral_id', 'text', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('author_kind', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .addColumn('author_organization_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('referral_message_referral_idx')
    .on('referral_message')
    .columns(['referral_id', 'at'])
    .execute();

  // One row per referral once the partner was asked for the outcome; `asked_at` is compared with the referral's
  // `updated_at`, so any answer after the question ends the follow-up without touching this row.
  await db.schema
    .createTable('referral_followup')
    .addColumn('referral_id', 'text', (c) => c.primaryKey().references('referral.id').onDelete('cascade'))
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('reminded_at', 'text')
    .execute();

  await db.schema.alterTable('outbox').addColumn('reply_to', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('reply_to').execute();
  await db.schema.dropTable('referral_followup').execute();
  await db.schema.dropTable('referral_message').execute();
}
