import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { migrateToLatest } from '../../src/lib/db/migrator';
import { newId } from '../../src/lib/db/ids';

/** A dialect the integration suite runs on. */
export interface TestDialect {
  name: 'sqlite' | 'postgres';
}

const postgresUrl = process.env['TEST_DATABASE_URL'];

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const testDialects: TestDialect[] = [
  { name: 'sqlite' },
  ...(postgresUrl ? [{ name: 'postgres' as const }] : []),
];

if (!postgresUrl) {
  console.info(
    'Hinweis: TEST_DATABASE_URL nicht gesetzt – PostgreSQL-Integrationstests werden übersprungen.',
  );
}

/** A test database: `close` ends this process's handle (the database stays), `drop` closes and removes it. */
export interface TestDb {
  db: Db;
  url: string;
  close: () => Promise<void>;
  drop: () => Promise<void>;
}

/** `db.destroy()` once, however often it is asked for (a PostgreSQL pool refuses a second end()). */
function closerOf(db: Db): () => Promise<void> {
  let closed: Promise<void> | null = null;
  return () => (closed ??= db.destroy());
}

/** A fresh, empty database of the dialect; `drop` removes it again. */
export async function createEmptyTestDb(dialect: TestDialect): Promise<TestDb> {
  if (dialect.name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-test-'));
    const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
    const db = createDb({ databaseUrl: url });
    const close = closerOf(db);
    return {
      db,
      url,
      close,
      drop: async () => {
        await close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const name = `jmd_test_${newId()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  const db = createDb({ databaseUrl: url.toString() });
  const close = closerOf(db);
  return {
    db,
    url: url.toString(),
    close,
    drop: async () => {
      await close();
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      // The pool resolves end() before its sockets are closed. Forcing the drop then kills backends whose clients
      // are still closing, and their "terminating connection" error surfaces as an unhandled error in the test
      // run. So wait for them to go (55006 = database in use), and force only as a last resort.
      for (let attempt = 0; ; attempt++) {
        try {
          await cleanup.query(`DROP DATABASE IF EXISTS ${name}${attempt >= 40 ? ' WITH (FORCE)' : ''}`);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== '55006' || attempt >= 40) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      await cleanup.end();
    },
  };
}

/** A fresh database of the dialect with every migration applied. */
export async function createTestDb(dialect: TestDialect): Promise<TestDb> {
  const test = await createEmptyTestDb(dialect);
  await migrateToLatest(test.db);
  return test;
}
