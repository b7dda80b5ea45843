import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/lib/action/context';
import { systemContext } from '../../src/lib/action/context';
import { entryHash, GENESIS_HASH } from '../../src/lib/audit/audit-chain';
import {
  findAuditChainHead,
  recordAudit,
  removeAuditEntriesBefore,
  verifyAuditChain,
} from '../../src/lib/audit/audit.queries';
import { loadConfig } from '../../src/lib/config/config';
import { createMigrator } from '../../src/lib/db/migrator';
import { createEmptyTestDb, createTestDb, testDialects, type TestDb } from '../helpers/db';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
const ctxAt = (iso: string): ActionContext => systemContext(config, 'test', new Date(iso));
const entry = (n: number) => ({ action: 'test.write', objectType: 'test', objectId: `object-${n}` });

/** Runs `npm run audit:verify` against a database. */
async function verifyCli(databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.each(testDialects)('audit hash chain on $name', (dialect) => {
  let test: TestDb;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  async function idOfSeq(seq: number): Promise<string> {
    const row = await test.db
      .selectFrom('audit_log')
      .select('id')
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('verifies a fresh, empty log', async () => {
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: true, entries: 0, headSeq: 0 });
    const cli = await verifyCli(test.url);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Protokoll unverändert');
  }, 60_000);

  it('links each entry to the previous one, inside and outside transactions', async () => {
    await recordAudit(test.db, ctxAt('2026-01-01T10:00:00Z'), entry(1));
    await test.db.transaction().execute(async (trx) => {
      await recordAudit(trx, ctxAt('2026-01-01T10:01:00Z'), entry(2));
      await recordAudit(trx, ctxAt('2026-01-01T10:02:00Z'), entry(3));
    });
    const rows = await test.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[2]!.hash).toBe(entryHash(rows[2]!, 3, rows[1]!.hash!));
    expect(await findAuditChainHead(test.db)).toEqual({ seq: 3, hash: rows[2]!.hash });
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: true, entries: 3 });
  });

  it('a rolled-back transaction leaves no entry and no gap in the chain', async () => {
    await expect(
      test.db.transaction().execute(async (trx) => {
        await recordAudit(trx, ctxAt('2026-01-01T10:03:00Z'), entry(99));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await recordAudit(test.db, ctxAt('2026-01-01T10:04:00Z'), entry(4));
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: true, entries: 4, headSeq: 4 });
  });

  it('concurrent writers never fork the chain', async () => {
    await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        test.db.transaction().execute(async (trx) => {
          await recordAudit(trx, ctxAt('2026-01-01T11:00:00Z'), entry(100 + n));
          await recordAudit(trx, ctxAt('2026-01-01T11:00:00Z'), entry(200 + n));
        }),
      ),
    );
    const verdict = await verifyAuditChain(test.db);
    expect(verdict).toMatchObject({ ok: true, entries: 4 + 48, headSeq: 52 });
    const hashes = await test.db.selectFrom('audit_log').select('prev_hash').execute();
    expect(new Set(hashes.map((h) => h.prev_hash)).size).toBe(hashes.length);
  });

  it('names the entry whose row was altered with SQL, in the library and in npm run audit:verify', async () => {
    const altered = await idOfSeq(7);
    const original = await test.db
      .selectFrom('audit_log')
      .select('object_id')
      .where('id', '=', altered)
      .executeTakeFirstOrThrow();
    await sql`UPDATE audit_log SET object_id = ${'someone-else'} WHERE id = ${altered}`.execute(test.db);
    expect(await verifyAuditChain(test.db)).toMatchObject({
      ok: false,
      entryId: altered,
      seq: 7,
      entries: 6,
    });
    const cli = await verifyCli(test.url);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`Nr. 7 (id ${altered})`);
    expect(cli.stderr).toContain('verändert');
    await sql`UPDATE audit_log SET object_id = ${original.object_id} WHERE id = ${altered}`.execute(test.db);
    expect((await verifyAuditChain(test.db)).ok).toBe(true);
  }, 60_000);

  it('finds an entry removed from the middle and entries removed from the end', async () => {
    const head = (await findAuditChainHead(test.db))!;
    const before = await test.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', 10)
      .executeTakeFirstOrThrow();
    const after = await idOfSeq(11);
    await sql`DELETE FROM audit_log WHERE seq = 10`.execute(test.db);
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: false, entryId: after, seq: 11 });
    await test.db.insertInto('audit_log').values(before).execute();
    expect((await verifyAuditChain(test.db)).ok).toBe(true);

    const last = await test.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', head.seq)
      .executeTakeFirstOrThrow();
    await sql`DELETE FROM audit_log WHERE seq = ${head.seq}`.execute(test.db);
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: false, entryId: null });
    await test.db.insertInto('audit_log').values(last).execute();
    expect((await verifyAuditChain(test.db)).ok).toBe(true);
  });

  it('removes old entries only through a recorded checkpoint that keeps the chain verifiable', async () => {
    const total = Number((await findAuditChainHead(test.db))!.seq);
    // Entries 1–4 were written before 10:30; the retention cut takes exactly them.
    const result = await removeAuditEntriesBefore(
      test.db,
      ctxAt('2026-06-01T00:00:00Z'),
      '2026-01-01T10:30:00Z',
    );
    expect(result).toEqual({ removed: 4, throughSeq: 4 });
    const remaining = await test.db
      .selectFrom('audit_log')
      .select(['seq', 'action', 'object_id'])
      .orderBy('seq')
      .execute();
    expect(Number(remaining[0]!.seq)).toBe(5);
    const checkpoint = remaining[remaining.length - 1]!;
    expect(Number(checkpoint.seq)).toBe(total + 1);
    expect(checkpoint.action).toBe('audit.checkpoint');
    expect(checkpoint.object_id).toMatch(/^4:[0-9a-f]{64}$/);
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: true, entries: total - 4 + 1 });
    // Nothing is older than the cut any more: a second run removes nothing and records nothing.
    expect(
      await removeAuditEntriesBefore(test.db, ctxAt('2026-06-01T00:00:00Z'), '2026-01-01T10:30:00Z'),
    ).toEqual({
      removed: 0,
      throughSeq: null,
    });

    // Removing the oldest entry by hand, without a checkpoint, is found.
    const oldest = await idOfSeq(6);
    await sql`DELETE FROM audit_log WHERE seq = 5`.execute(test.db);
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: false, entryId: oldest, seq: 6 });
  });
});

describe.each(testDialects)('audit chain migration on $name', (dialect) => {
  let test: TestDb;
  beforeAll(async () => {
    test = await createEmptyTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('backfills the hashes of entries written before the chain existed', async () => {
    const migrator = createMigrator(test.db);
    expect((await migrator.migrateTo('2026_12_01_1200_create_working_groups')).error).toBeUndefined();
    const old = Array.from({ length: 5 }, (_, n) => ({
      id: `old-${n}`,
      // Inserted out of order: the chain follows time, then id.
      at: `2026-01-0${5 - n}T08:00:00.000Z`,
      actor_user_id: null,
      actor_organization_id: n === 2 ? 'org-1' : null,
      action: 'user.read',
      object_type: 'user',
      object_id: `user-${n}`,
      consent_id: null,
      request_id: n === 3 ? 'request-3' : null,
    }));
    // The table has no chain columns yet, so the typed builder does not fit; plain values do.
    await (
      test.db as unknown as {
        insertInto: (t: string) => { values: (v: unknown) => { execute: () => Promise<unknown> } };
      }
    )
      .insertInto('audit_log')
      .values(old)
      .execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const rows = await test.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.id)).toEqual(['old-4', 'old-3', 'old-2', 'old-1', 'old-0']);
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: true, entries: 5, headSeq: 5 });
    await recordAudit(test.db, ctxAt('2026-02-01T00:00:00Z'), entry(1));
    expect(await verifyAuditChain(test.db)).toMatchObject({ ok: true, entries: 6 });
  });
});
