import type { Kysely } from 'kysely';

// A directory that keeps itself current (docs/verzeichnis.md, decision 0017):
// - term_alias: what coordinators named a category or language in an import ("IHK", "Arabic"), chosen once and then
//   understood by every later import and by the search;
// - service: where a confirmation came from (a phone call, the partner's mail, an own check, the partner) and the
//   import that last wrote the entry ("Stand laut Import");
// - upkeep_request (+ its services and single-use links): one confirmation request per partner organisation;
// - error_report: a caseworker's "Fehler melden" on an offer, through the coordinator to the partner and back.
// Portable types only, as in the foundation migration.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('term_alias')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('alias_key', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('term_alias_pk', ['kind', 'alias_key'])
    .execute();

  await db.schema.alterTable('service').addColumn('assured_source', 'text').execute();
  await db.schema.alterTable('service').addColumn('imported_at', 'text').execute();
  await db.schema.alterTable('service').addColumn('import_id', 'text').execute();
  await db.schema.alterTable('service').addColumn('temporarily_closed_until', 'text').execute();
  await db.schema.alterTable('service').addColumn('next_intake_on', 'text').execute();
  await db.schema.createIndex('service_import_idx').on('service').columns(['import_id']).execute();

  await db.schema
    .createTable('upkeep_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('reminded_at', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('escalated_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('upkeep_request_org_idx')
    .on('upkeep_request')
    .columns(['organization_id', 'status'])
    .execute();
  await db.schema
    .createTable('upkeep_request_service')
    .addColumn('request_id', 'text', (c) => c.notNull().references('upkeep_request.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id'))
    .addColumn('answer', 'text')
    .addColumn('answered_at', 'text')
    .addPrimaryKeyConstraint('upkeep_request_service_pk', ['request_id', 'service_id'])
    .execute();
  await db.schema
    .createIndex('upkeep_request_service_service_idx')
    .on('upkeep_request_service')
    .columns(['service_id'])
    .execute();
  // Single-use links for organisations without an account, as referral_link: only hashes are stored, of the mailed
  // token and of the browser access token it was redeemed for.
  await db.schema
    .createTable('upkeep_link')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('upkeep_request.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('access_hash', 'text', (c) => c.unique())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('upkeep_link_request_idx').on('upkeep_link').columns(['request_id']).execute();

  await db.schema
    .createTable('error_report')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id'))
    .addColumn('reporter_user_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('forwarded_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('error_report_status_idx').on('error_report').columns(['status']).execute();
  await db.schema
    .createIndex('error_report_service_idx')
    .on('error_report')
    .columns(['service_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('error_report').execute();
  await db.schema.dropTable('upkeep_link').execute();
  await db.schema.dropTable('upkeep_request_service').execute();
  await db.schema.dropTable('upkeep_request').execute();
  await db.schema.dropIndex('service_import_idx').execute();
  for (const column of [
    'next_intake_on',
    'temporarily_closed_until',
    'import_id',
    'imported_at',
    'assured_source',
  ]) {
    await db.schema.alterTable('service').dropColumn(column).execute();
  }
  await db.schema.dropTable('term_alias').execute();
}
