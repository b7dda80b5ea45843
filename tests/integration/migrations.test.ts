import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createMigrator } from '../../src/lib/db/migrator';
import { createEmptyTestDb, testDialects } from '../helpers/db';
import type { Db } from '../../src/lib/db/create-db';

async function tableNames(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables
    .map((t) => t.name)
    .filter((name) => !name.startsWith('kysely_'))
    .sort();
}

describe.each(testDialects)('migrations on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createEmptyTestDb>>;
  beforeAll(async () => {
    test = await createEmptyTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('run up, all the way down, and up again', async () => {
    const migrator = createMigrator(test.db);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await tableNames(test.db)).toEqual(
      [
        'app_user',
        'audit_log',
        'contact',
        'entry_change',
        'location',
        'login_attempt',
        'organization',
        'password_token',
        'phone',
        'postcode_centroid',
        'privacy_run',
        'schedule',
        'search_change',
        'service',
        'service_at_location',
        'service_language',
        'service_taxonomy',
        'session',
        'taxonomy_term',
        'case_file',
        'case_identity',
        'plan_step',
        'consent',
        'referral',
        'referral_event',
        'referral_followup',
        'referral_link',
        'referral_message',
        'dashboard_visit',
        'outbox',
        'job_lease',
        'import_job',
        'import_job_file',
        'network_group',
        'network_member',
        'network_meeting',
        'network_agenda_item',
        'network_invitation',
        'network_link',
        'network_minutes',
        'network_minutes_entry',
        'network_minutes_correction',
        'network_attendance',
        'network_action_item',
        'outbox_attachment',
        'api_key',
        'api_key_window',
        'hsds_identity',
        'term_alias',
        'upkeep_request',
        'upkeep_request_service',
        'upkeep_link',
        'error_report',
        'user_mfa',
        'mfa_recovery_code',
        'audit_chain_head',
        'referral_fact',
        'search_count',
        'referral_fact_month',
        'search_term_group',
        'search_term_builtin_off',
        'search_vocabulary_state',
        'hsds_client_window',
        'referral_read',
        'referral_fact_place_period',
        'referral_fact_kind_period',
        'referral_fact_partner_period',
        'taxonomy_state',
      ].sort(),
    );

    let down;
    do {
      down = await migrator.migrateDown();
      expect(down.error).toBeUndefined();
    } while ((down.results ?? []).length > 0);
    expect(await tableNames(test.db)).toEqual([]);

    const again = await migrator.migrateToLatest();
    expect(again.error).toBeUndefined();
    expect((await tableNames(test.db)).length).toBe(68);
    const pending = (await migrator.getMigrations()).filter((m) => !m.executedAt);
    expect(pending).toEqual([]);
  });

  it('enforces foreign keys (a user needs an existing organization)', async () => {
    await expect(
      test.db
        .insertInto('app_user')
        .values({
          id: 'u1',
          organization_id: 'does-not-exist',
          email: 'x@y.example',
          display_name: 'X',
          role: 'admin',
          password_hash: null,
          active: 1,
          version: 1,
          created_at: 'now',
          updated_at: 'now',
          password_changed_at: null,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('answers a trivial query', async () => {
    const result = await sql<{ one: number }>`select 1 as one`.execute(test.db);
    expect(Number(result.rows[0]?.one)).toBe(1);
  });
});
