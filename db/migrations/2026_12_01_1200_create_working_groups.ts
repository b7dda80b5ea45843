import type { Kysely } from 'kysely';

// Working groups (Arbeitskreise, issue #12): groups with members from the directory, meetings with agenda items,
// invitations and answers, single-use links for members without an account, minutes with corrections, attendance
// and action items, and the calendar attachments of invitation mails. Portable types only, as in the foundation:
// ids and timestamps as ISO text (UTC), dates as YYYY-MM-DD text, flags as integers, lists as JSON text.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('network_group')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('district', 'text')
    .addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  // A member is an organisation, a user or a contact without an account. A row is one membership period: leaving
  // sets left_on and keeps the row (history); joining again adds a new row.
  await db.schema
    .createTable('network_member')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('network_group.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.references('organization.id'))
    .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('contact_organization', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_on', 'text', (c) => c.notNull())
    .addColumn('left_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('network_member_group_idx')
    .on('network_member')
    .columns(['group_id', 'left_on'])
    .execute();
  await db.schema.createIndex('network_member_user_idx').on('network_member').column('user_id').execute();
  await db.schema
    .createIndex('network_member_organization_idx')
    .on('network_member')
    .column('organization_id')
    .execute();

  await db.schema
    .createTable('network_meeting')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('network_group.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('place_kind', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.references('location.id'))
    .addColumn('address', 'text')
    .addColumn('online_url', 'text')
    .addColumn('proposal_deadline', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ics_uid', 'text', (c) => c.notNull().unique())
    .addColumn('ics_sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('invited_at', 'text')
    .addColumn('reminded_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('network_meeting_group_idx')
    .on('network_meeting')
    .columns(['group_id', 'starts_at'])
    .execute();

  await db.schema
    .createTable('network_agenda_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('network_meeting.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('responsible', 'text')
    .addColumn('planned_minutes', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposed_by_member_id', 'text', (c) => c.references('network_member.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('network_agenda_item_meeting_idx')
    .on('network_agenda_item')
    .columns(['meeting_id', 'position'])
    .execute();

  // One invitation per meeting and member: the answer, and which SEQUENCE of the calendar entry was last sent.
  await db.schema
    .createTable('network_invitation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('network_meeting.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('network_member.id'))
    .addColumn('answer', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('sent_sequence', 'integer')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('network_invitation_meeting_member_uq', ['meeting_id', 'member_id'])
    .execute();
  await db.schema
    .createIndex('network_invitation_member_idx')
    .on('network_invitation')
    .column('member_id')
    .execute();

  // Single-use links for members without an account, as the referral link: only the SHA-256 of the token is kept.
  await db.schema
    .createTable('network_link')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull().references('network_member.id'))
    .addColumn('meeting_id', 'text', (c) => c.references('network_meeting.id').onDelete('cascade'))
    .addColumn('action_item_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('network_link_member_idx').on('network_link').column('member_id').execute();

  await db.schema
    .createTable('network_minutes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) =>
      c.notNull().unique().references('network_meeting.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text')
    .addColumn('released_by', 'text', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  // Notes and decisions per agenda item (agenda_item_id null: "Sonstiges").
  await db.schema
    .createTable('network_minutes_entry')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('minutes_id', 'text', (c) => c.notNull().references('network_minutes.id').onDelete('cascade'))
    .addColumn('agenda_item_id', 'text', (c) => c.references('network_agenda_item.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('decisions', 'text')
    .execute();
  await db.schema
    .createIndex('network_minutes_entry_minutes_idx')
    .on('network_minutes_entry')
    .column('minutes_id')
    .execute();

  // A correction of released minutes: who, when, why, and the entries as they were before (JSON text).
  await db.schema
    .createTable('network_minutes_correction')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('minutes_id', 'text', (c) => c.notNull().references('network_minutes.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by_user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('previous', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('network_minutes_correction_minutes_idx')
    .on('network_minutes_correction')
    .column('minutes_id')
    .execute();

  await db.schema
    .createTable('network_attendance')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('network_meeting.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('network_member.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('network_attendance_pk', ['meeting_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('network_action_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('network_group.id').onDelete('cascade'))
    .addColumn('meeting_id', 'text', (c) => c.references('network_meeting.id'))
    .addColumn('agenda_item_id', 'text', (c) => c.references('network_agenda_item.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('responsible_member_id', 'text', (c) => c.references('network_member.id'))
    .addColumn('due_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('reminded_due_at', 'text')
    .addColumn('reminded_overdue_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('network_action_item_group_idx')
    .on('network_action_item')
    .columns(['group_id', 'status'])
    .execute();
  await db.schema
    .createIndex('network_action_item_responsible_idx')
    .on('network_action_item')
    .columns(['responsible_member_id', 'status'])
    .execute();

  // Files that go with an outbox mail (the .ics of an invitation); the mail worker attaches them on delivery.
  await db.schema
    .createTable('outbox_attachment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'text', (c) => c.notNull().references('outbox.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_attachment_outbox_idx')
    .on('outbox_attachment')
    .column('outbox_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outbox_attachment',
    'network_action_item',
    'network_attendance',
    'network_minutes_correction',
    'network_minutes_entry',
    'network_minutes',
    'network_link',
    'network_invitation',
    'network_agenda_item',
    'network_meeting',
    'network_member',
    'network_group',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
