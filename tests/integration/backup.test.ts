import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleRegion } from '../../db/seed/seed';
import { verifyAuditChain } from '../../src/lib/audit/audit.queries';
import { summarizeTables } from '../../src/lib/backup/backup.queries';
import { createDb, sqlitePathOf } from '../../src/lib/db/create-db';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** Runs one of the CLI scripts against a database; resolves with its exit code and output. */
async function cli(
  script: string,
  databaseUrl: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.each(testDialects)('backup and restore on $name', (dialect) => {
  let test: TestDb;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-backup-'));
  beforeAll(async () => {
    test = await createTestDb(dialect);
    await seedSampleRegion(test.db, { passwords: { admin: 'Sicherung-Test-Passwort-1' } });
  }, 120_000);
  afterAll(async () => {
    await test?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backup, wipe, restore gives identical data: row counts and a checksum per table', async () => {
    const before = await summarizeTables(test.db);
    expect(before.find((t) => t.table === 'organization')!.rows).toBeGreaterThan(50);
    expect(before.find((t) => t.table === 'app_user')!.rows).toBe(6);

    const backup = await cli('scripts/backup.ts', test.url, ['--dir', dir]);
    expect(backup.code).toBe(0);
    const file = /Sicherung geschrieben: (.+)/.exec(backup.stdout)![1]!.trim();
    expect(path.basename(file)).toMatch(/^partnernetz-\d{8}T\d{6}Z\.(sqlite|dump)$/);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(backup.stdout).toMatch(/organization\s+\d+\s+[0-9a-f]{16}…/);

    // Wipe: the database file goes, or every table of the PostgreSQL schema.
    if (dialect.name === 'sqlite') {
      await test.close();
      const target = sqlitePathOf(test.url);
      for (const f of [target, `${target}-wal`, `${target}-shm`]) fs.rmSync(f, { force: true });
    } else {
      await sql`DROP SCHEMA public CASCADE`.execute(test.db);
      await sql`CREATE SCHEMA public`.execute(test.db);
      expect(await test.db.introspection.getTables()).toEqual([]);
    }

    const restore = await cli('scripts/restore.ts', test.url, [file]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('alle');
    expect(restore.stdout).toContain('gleichen der Sicherung');
    expect(restore.stdout).not.toContain('ABWEICHUNG');

    const check = dialect.name === 'sqlite' ? createDb({ databaseUrl: test.url }) : test.db;
    try {
      expect(await summarizeTables(check)).toEqual(before);
      expect((await verifyAuditChain(check)).ok).toBe(true);
    } finally {
      if (check !== test.db) await check.destroy();
    }
  }, 180_000);

  it('says so when the restored data differs from the backup’s list', async () => {
    const backup = await cli('scripts/backup.ts', test.url, ['--dir', path.join(dir, 'zweite')]);
    expect(backup.code).toBe(0);
    const file = /Sicherung geschrieben: (.+)/.exec(backup.stdout)![1]!.trim();
    // The list next to the backup no longer matches what the file holds.
    const manifestPath = `${file}.json`;
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      tables: { table: string; rows: number }[];
    };
    manifest.tables.find((t) => t.table === 'organization')!.rows += 1;
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    if (dialect.name === 'postgres') {
      await sql`DROP SCHEMA public CASCADE`.execute(test.db);
      await sql`CREATE SCHEMA public`.execute(test.db);
    }
    const restore = await cli('scripts/restore.ts', test.url, [file, '--force']);
    expect(restore.code).toBe(1);
    expect(restore.stdout).toMatch(/organization\s+\d+\s+[0-9a-f]{16}…\s+ABWEICHUNG/);
    expect(restore.stderr).toContain('organization');
  }, 180_000);
});
