import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb, sqliteHandleOf, STATEMENT_CACHE_SIZE, type Db } from '../../src/lib/db/create-db';
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
