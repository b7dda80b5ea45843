import type { Kysely } from 'kysely';

// The dashboard's "Neue Rückmeldungen" (decision 0029): on SQLite, for each referral of the caseworker changed since
// the last visit, the partner answers among its events since then. With (referral_id, at) alone every one of those
// events (3,700 for 860 referrals in a week of the benchmark office) was looked up in the table to read who acted and
// what; with who, what and the new status in the index the query reads the index alone. PostgreSQL walks the events
// newest first there and is not affected. The wider index replaces the narrower one: same leading columns for the
// timeline and the "newest entry" lookups.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_event_referral_idx').execute();
  await db.schema
    .createIndex('referral_event_referral_idx')
    .on('referral_event')
    .columns(['referral_id', 'at', 'actor_kind', 'kind', 'to_status'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_event_referral_idx').execute();
  await db.schema
    .createIndex('referral_event_referral_idx')
    .on('referral_event')
    .columns(['referral_id', 'at'])
    .execute();
}
