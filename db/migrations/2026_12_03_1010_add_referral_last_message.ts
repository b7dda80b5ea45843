import type { Kysely } from 'kysely';

// "Neue Nachrichten" on the dashboard (decision 0029): the list of unread threads grouped the messages of every
// referral of the scope, looking into the thread of each of them (8,000 for the benchmark caseworker, 5 ms with a
// message on every third referral). `last_message_at` is set in the transaction that adds a message; only referrals
// whose newest message is newer than the user's read mark can hold an unread one, and these indexes find the
// referrals of a scope that have messages at all. Existing threads are filled in from their messages.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('referral').addColumn('last_message_at', 'text').execute();
  await db
    .updateTable('referral')
    .set((eb) => ({
      last_message_at: eb
        .selectFrom('referral_message')
        .select((inner) => inner.fn.max('referral_message.at').as('at'))
        .whereRef('referral_message.referral_id', '=', 'referral.id'),
    }))
    .execute();
  await db.schema
    .createIndex('referral_sender_message_idx')
    .on('referral')
    .columns(['sender_office_id', 'sender_user_id', 'last_message_at'])
    .execute();
  await db.schema
    .createIndex('referral_office_message_idx')
    .on('referral')
    .columns(['sender_office_id', 'last_message_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_office_message_idx').execute();
  await db.schema.dropIndex('referral_sender_message_idx').execute();
  await db.schema.alterTable('referral').dropColumn('last_message_at').execute();
}
