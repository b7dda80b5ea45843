import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import {
  createDb,
  sqliteHandleOf,
  STATEMENT_CACHE_SIZE,
  WAL_SIZE_LIMIT_BYTES,
  type Db,
} from '../../src/lib/db/create-db';
import { migrateToLatest } from '../../src/lib/db/migrator';
import { createTestOrganization } from '../helpers/factories';

// SQLite statements are prepared once and reused; reuse must never serve stale rows, and the cache must stay
// bounded when queries vary (IN lists of every length).
describe('SQLite statement reuse', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb({ databaseUrl: 'sqlite::memory:' });
    await migrateToLatest(db);
  });
  afterAll(async () => db?.destroy());

  it('prepares a repeated query once', async () => {
    const handle = sqliteHandleOf(db)!;
    const original = handle.prepare.bind(handle);
    let prepared = 0;
    handle.prepare = ((source: string) => {
      prepared += 1;
      return original(source);
    }) as typeof handle.prepare;
    try {
      for (let i = 0; i < 5; i += 1) {
        await db.selectFrom('organization').select('id').where('name', '=', `nobody-${i}`).execute();
      }
    } finally {
      handle.prepare = original;
    }
    expect(prepared).toBe(1);
  });

  it('answers a reused statement with the rows as they are now', async () => {
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('organization')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await createTestOrganization(db);
    expect(await count()).toBe(before + 1);
  });

  it('stays correct when more distinct queries run than the cache holds', async () => {
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 50; i += 1) {
      const row = await sql<{ v: number }>`select ${sql.lit(i)} as v`.execute(db);
      expect(row.rows[0]!.v).toBe(i);
    }
    const again = await sql<{ v: number }>`select ${sql.lit(0)} as v`.execute(db);
    expect(again.rows[0]!.v).toBe(0);
  });
});

// The SQLite file holds personal data; its WAL holds copies of recent pages, rolled back ones included.
describe('the SQLite file on disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-sqlite-file-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

  it('creates the database, its WAL and shared-memory file readable by the owner only', async () => {
    const file = path.join(dir, 'new.sqlite');
    const previous = process.umask(0o022);
    const db = createDb({ databaseUrl: `sqlite:${file}` });
    try {
      await migrateToLatest(db);
      await createTestOrganization(db);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      process.umask(previous);
      await db.destroy();
    }
  });

  it('takes read access away from others on an existing world-readable database', async () => {
    const file = path.join(dir, 'old.sqlite');
    const first = createDb({ databaseUrl: `sqlite:${file}` });
    await first.destroy();
    fs.chmodSync(file, 0o644);
    const db = createDb({ databaseUrl: `sqlite:${file}` });
    try {
      expect(modeOf(file)).toBe(0o600);
    } finally {
      await db.destroy();
    }
  });

  it('shrinks the WAL again after a large transaction was rolled back', async () => {
    const file = path.join(dir, 'wal.sqlite');
    const db = createDb({ databaseUrl: `sqlite:${file}` });
    try {
      await sql`create table bulk (payload text not null)`.execute(db);
      const payload = 'x'.repeat(100_000);
      // About twice the limit: far more than SQLite's page cache, so the pages spill into the WAL.
      const rows = Math.ceil((2 * WAL_SIZE_LIMIT_BYTES) / payload.length);
      await expect(
        db.transaction().execute(async (trx) => {
          for (let i = 0; i < rows; i += 1)
            await sql`insert into bulk (payload) values (${payload})`.execute(trx);
          expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
          throw new Error('Import abgebrochen');
        }),
      ).rejects.toThrow('Import abgebrochen');
      await vi.waitFor(
        () => expect(fs.statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES),
        {
          timeout: 5000,
          interval: 10,
        },
      );
      // The database still works and holds nothing of the rolled-back rows.
      const count = await sql<{ n: number }>`select count(*) as n from bulk`.execute(db);
      expect(Number(count.rows[0]?.n)).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it('shrinks the WAL after a large committed transaction too', async () => {
    const file = path.join(dir, 'commit.sqlite');
    const db = createDb({ databaseUrl: `sqlite:${file}` });
    try {
      await sql`create table bulk (payload text not null)`.execute(db);
      const payload = 'y'.repeat(100_000);
      const rows = Math.ceil((2 * WAL_SIZE_LIMIT_BYTES) / payload.length);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows; i += 1)
          await sql`insert into bulk (payload) values (${payload})`.execute(trx);
      });
      await vi.waitFor(
        () => expect(fs.statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES),
        {
          timeout: 5000,
          interval: 10,
        },
      );
      const count = await sql<{ n: number }>`select count(*) as n from bulk`.execute(db);
      expect(Number(count.rows[0]?.n)).toBe(rows);
    } finally {
      await db.destroy();
    }
  });
});

// A second process on the same file (`npm run jobs` from cron beside the server) must not make a transaction that
// reads before it writes fail at once with "database is locked": a deferred transaction's read snapshot cannot be
// upgraded to a write after another connection committed (SQLITE_BUSY_SNAPSHOT, no busy wait). Transactions
// therefore take the write lock when they begin; the other writer waits (here: fails at once, busy_timeout 0).
describe('SQLite transactions beside another connection', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'partnernetz-lock-'));
    db = createDb({ databaseUrl: `sqlite:${path.join(dir, 'db.sqlite')}` });
    await migrateToLatest(db);
    await createTestOrganization(db);
  });
  afterAll(async () => {
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a transaction that reads, then writes, commits although another connection wrote in between', async () => {
    const other = new SQLite(path.join(dir, 'db.sqlite'));
    other.pragma('busy_timeout = 0');
    let otherWrote = false;
    try {
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('organization').select('id').execute();
        try {
          other.prepare("update organization set name = name || '.'").run();
          otherWrote = true;
        } catch (error) {
          expect(String(error)).toMatch(/locked|busy/i);
        }
        await createTestOrganization(trx as unknown as Db);
      });
    } finally {
      other.close();
    }
    expect(otherWrote).toBe(false);
  });
});
