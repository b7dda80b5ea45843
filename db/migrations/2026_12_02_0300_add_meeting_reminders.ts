import type { Kysely } from 'kysely';

// Working groups: the reminder a configurable number of days before a meeting (MEETING_REMINDER_DAYS) goes to each
// invited member once; reminded_at on the invitation records it. The job looks for scheduled meetings by start.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('network_invitation').addColumn('reminded_at', 'text').execute();
  await db.schema
    .createIndex('network_meeting_status_start_idx')
    .on('network_meeting')
    .columns(['status', 'starts_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('network_meeting_status_start_idx').execute();
  await db.schema.alterTable('network_invitation').dropColumn('reminded_at').execute();
}
