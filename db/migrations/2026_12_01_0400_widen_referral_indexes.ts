import type { Kysely } from 'kysely';

// The caseworker dashboard on an office with 10,000 referrals (docs/performance.md): each list reads only the
// index to pick its page of ids, in the list's own order, before joining the names of those 25 rows. So the
// indexes carry the scope (office, and the caseworker for the own view), then the sort columns, then the id.
// `answered_at` comes last so that counting overdue referrals (unanswered past due) reads the index alone.
// The two due-date indexes replace the narrower ones of the referrals migration; sender_user_id no longer leads,
// because every query on it also names the office.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_office_idx').execute();
  await db.schema.dropIndex('referral_sender_idx').execute();
  await db.schema
    .createIndex('referral_office_due_idx')
    .on('referral')
    .columns(['sender_office_id', 'status', 'response_due_on', 'created_at', 'id', 'answered_at'])
    .execute();
  await db.schema
    .createIndex('referral_sender_due_idx')
    .on('referral')
    .columns([
      'sender_office_id',
      'sender_user_id',
      'status',
      'response_due_on',
      'created_at',
      'id',
      'answered_at',
    ])
    .execute();
  // Closed referrals are listed newest change first: walking updated_at stops after a page, whatever the status.
  await db.schema
    .createIndex('referral_office_updated_idx')
    .on('referral')
    .columns(['sender_office_id', 'updated_at', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('referral_sender_updated_idx')
    .on('referral')
    .columns(['sender_office_id', 'sender_user_id', 'updated_at', 'status', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'referral_sender_updated_idx',
    'referral_office_updated_idx',
    'referral_sender_due_idx',
    'referral_office_due_idx',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema
    .createIndex('referral_office_idx')
    .on('referral')
    .columns(['sender_office_id', 'status', 'response_due_on'])
    .execute();
  await db.schema
    .createIndex('referral_sender_idx')
    .on('referral')
    .columns(['sender_user_id', 'status', 'response_due_on'])
    .execute();
}
