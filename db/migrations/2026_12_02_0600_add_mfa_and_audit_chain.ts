import type { Kysely } from 'kysely';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

// Second factor (docs/decisions/0018-totp-second-factor.md) and the hash-chained audit log
// (docs/decisions/0019-audit-hash-chain.md).
//
// user_mfa holds one TOTP secret per user: `confirmed_at` is null while enrolment waits for the first code;
// `last_step` is the last accepted 30-second step, so a code is never accepted twice. mfa_recovery_code keeps only
// SHA-256 hashes of the ten one-time codes. session.mfa_pending marks a session whose password was right but whose
// code is still missing: it authenticates nobody.
//
// audit_log gets seq (the chain's order), prev_hash and hash; audit_chain_head is the one row every writer updates
// first, which serialises concurrent writers on PostgreSQL (row lock until commit) so the chain never forks.

/** The genesis value before the first entry. */
const GENESIS = '0'.repeat(64);

/**
 * The hash of one entry. Frozen here (migrations never import from src/): it must equal entryHash in
 * src/lib/audit/audit-chain.ts, which tests/integration/audit-chain.test.ts checks by verifying a backfilled log.
 */
function entryHash(row: Record<string, unknown>, seq: number, prevHash: string): string {
  const content = JSON.stringify([
    seq,
    prevHash,
    row['id'],
    row['at'],
    row['actor_user_id'] ?? null,
    row['actor_organization_id'] ?? null,
    row['action'],
    row['object_type'],
    row['object_id'] ?? null,
    row['consent_id'] ?? null,
    row['request_id'] ?? null,
  ]);
  return encodeHexLowerCase(sha256(new TextEncoder().encode(content)));
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_mfa')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('app_user.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('last_step', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('mfa_recovery_code')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('mfa_recovery_code_user_idx')
    .on('mfa_recovery_code')
    .columns(['user_id', 'code_hash'])
    .execute();
  await db.schema
    .alterTable('session')
    .addColumn('mfa_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.alterTable('audit_log').addColumn('seq', 'integer').execute();
  await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();

  // Backfill: the existing entries, oldest first, become the start of the chain.
  let seq = 0;
  let prev = GENESIS;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().orderBy('at').orderBy('id').limit(1000);
    if (after) {
      const { at, id } = after;
      query = query.where((eb: any) =>
        eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', id)])]),
      );
    }
    const rows: Record<string, unknown>[] = await query.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      seq += 1;
      const hash = entryHash(row, seq, prev);
      await db
        .updateTable('audit_log')
        .set({ seq, prev_hash: prev, hash })
        .where('id', '=', row['id'])
        .execute();
      prev = hash;
    }
    const last = rows[rows.length - 1]!;
    after = { at: String(last['at']), id: String(last['id']) };
  }
  await db.insertInto('audit_chain_head').values({ id: 1, seq, hash: prev }).execute();
  await db.schema.createIndex('audit_log_seq_idx').on('audit_log').column('seq').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_seq_idx').execute();
  await db.schema.dropTable('audit_chain_head').execute();
  for (const column of ['hash', 'prev_hash', 'seq']) {
    await db.schema.alterTable('audit_log').dropColumn(column).execute();
  }
  await db.schema.alterTable('session').dropColumn('mfa_pending').execute();
  await db.schema.dropTable('mfa_recovery_code').execute();
  await db.schema.dropTable('user_mfa').execute();
}
