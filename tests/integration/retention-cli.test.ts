import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { createCase } from '../../src/lib/cases/case.service';
import { createDb } from '../../src/lib/db/create-db';
import { migrateToLatest } from '../../src/lib/db/migrator';
import { userContext } from '../helpers/context';
import { createTestOrganization, createTestUser } from '../helpers/factories';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-retention-cli-'));
const databaseUrl = `sqlite:${path.join(dir, 'retention.sqlite')}`;
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/retention.ts', ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl },
  });

describe('npm run retention', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the dry run lists counts and internal ids, no names or case numbers, and deletes nothing; the run deletes', async () => {
    const db = createDb({ databaseUrl });
    await migrateToLatest(db);
    const office = await createTestOrganization(db, { kind: 'jmd_office', category: null });
    const caseworker = await createTestUser(db, { organizationId: office.id });
    // Opened years ago and untouched since: due today, whatever today is.
    const old = await createCase(
      db,
      userContext(caseworker, { now: new Date('2020-01-15T10:00:00.000Z') }),
      CaseIdentitySchema.parse({ firstName: 'Ximena', lastName: 'Probelaufowa' }),
    );
    if (!old.ok) throw new Error(JSON.stringify(old));
    const count = async () =>
      (await db.selectFrom('case_file').select('id').where('id', '=', old.value.id).execute()).length;
    try {
      const dry = await cli('--dry-run');
      expect(dry.stdout).toContain('Probelauf – nichts wurde gelöscht.');
      expect(dry.stdout).toContain('case_file: 1');
      expect(dry.stdout).toContain('case_identity: 1');
      expect(dry.stdout).toContain(old.value.id);
      expect(dry.stdout).not.toContain('Ximena');
      expect(dry.stdout).not.toContain(old.value.code);
      expect(await count()).toBe(1);

      const real = await cli();
      expect(real.stdout).toContain('case_file: 1');
      expect(real.stdout).toContain('1 Fälle gelöscht');
      expect(await count()).toBe(0);
      const runs = await db.selectFrom('privacy_run').select('dry_run').orderBy('at').execute();
      expect(runs.map((r) => Number(r.dry_run))).toEqual([1, 0]);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
