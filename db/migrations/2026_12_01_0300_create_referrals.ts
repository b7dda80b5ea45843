import type { Kysely } from 'kysely';

// The referral tracker: cases with their identity data apart, plan steps, consents, referrals with an
// append-only timeline, single-use partner links, the mail outbox and job leases. Portable types only, as in the
// foundation: ids and timestamps as ISO text, dates as YYYY-MM-DD text, flags as integers.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_file')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('office_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('owner_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('delete_after', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('case_file_office_idx')
    .on('case_file')
    .columns(['office_id', 'created_at'])
    .execute();

  // Identity data lives apart so that no list query can select it by accident; readable only by the office.
  await db.schema
    .createTable('case_identity')
    .addColumn('case_id', 'text', (c) => c.primaryKey().references('case_file.id').onDelete('cascade'))
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('preferred_language', 'text')
    .addColumn('residence_status', 'text')
    .addColumn('qualifications', 'text')
    .addColumn('language_level', 'text')
    .addColumn('health_notes', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delete_after', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_step')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('case_file.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delete_after', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('plan_step_case_idx').on('plan_step').column('case_id').execute();

  await db.schema
    .createTable('consent')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('case_file.id').onDelete('cascade'))
    .addColumn('recipient_organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('given_on', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('interpreter_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('obtained_by_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('guardian_consent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('guardian_name', 'text')
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('revoked_on', 'text')
    .addColumn('revoked_by_user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delete_after', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_case_idx').on('consent').column('case_id').execute();

  await db.schema
    .createTable('referral')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('case_file.id').onDelete('cascade'))
    .addColumn('sender_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('sender_office_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('recipient_organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('shared_categories', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('consent_id', 'text', (c) => c.references('consent.id'))
    .addColumn('contact_mode', 'text', (c) => c.notNull())
    .addColumn('plan_step_id', 'text', (c) => c.references('plan_step.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('outcome', 'text')
    .addColumn('appointment_at', 'text')
    .addColumn('appointment_note', 'text')
    .addColumn('response_due_on', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('overdue_since', 'text')
    .addColumn('reminder_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reminded_at', 'text')
    .addColumn('submission_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delete_after', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
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
  await db.schema
    .createIndex('referral_recipient_idx')
    .on('referral')
    .columns(['recipient_organization_id', 'status', 'response_due_on'])
    .execute();
  await db.schema.createIndex('referral_case_idx').on('referral').column('case_id').execute();

  // Append-only: rows are never updated. actor_user_id is null for a partner who answered through a link.
  await db.schema
    .createTable('referral_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('referral_id', 'text', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_organization_id', 'text')
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('reason', 'text')
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('referral_event_referral_idx')
    .on('referral_event')
    .columns(['referral_id', 'at'])
    .execute();
  await db.schema.createIndex('referral_event_at_idx').on('referral_event').columns(['at']).execute();

  // Single-use links for partners without an account: only hashes are stored, of the mailed token and of the
  // browser cookie it is exchanged for.
  await db.schema
    .createTable('referral_link')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('referral_id', 'text', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('access_hash', 'text', (c) => c.unique())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('referral_link_referral_idx')
    .on('referral_link')
    .column('referral_id')
    .execute();

  await db.schema
    .createTable('dashboard_visit')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('app_user.id').onDelete('cascade'))
    .addColumn('visited_at', 'text', (c) => c.notNull())
    .addColumn('previous_visited_at', 'text')
    .execute();

  // Transactional outbox: written in the same transaction as the change it announces; never personal data.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();

  // One row per background job: whoever holds an unexpired lease runs it, so one instance of many does.
  await db.schema
    .createTable('job_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_run_at', 'text')
    .addColumn('last_result', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'job_lease',
    'outbox',
    'dashboard_visit',
    'referral_link',
    'referral_event',
    'referral',
    'consent',
    'plan_step',
    'case_identity',
    'case_file',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
