import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './database';

export type Dialect = 'sqlite' | 'postgres';

/** A Kysely instance with the dialect it talks to. */
export type Db = Kysely<Database>;

/** Tells which dialect a DATABASE_URL selects. */
export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/** Path of the SQLite file named by a `sqlite:` URL (":memory:" stays in memory). */
export function sqlitePathOf(databaseUrl: string): string {
  return databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
}

const sqliteHandles = new WeakMap<object, SQLite.Database>();

/**
 * The better-sqlite3 connection behind a SQLite `Db` (null on PostgreSQL). The search index writes FTS5 rows
 * through it; Kysely runs every statement, transactions included, on this one connection.
 */
export function sqliteHandleOf(db: Db): SQLite.Database | null {
  return sqliteHandles.get(db) ?? null;
}

/**
 * How large the write-ahead log of a SQLite file may stay. A big transaction (an import) grows the WAL by its size,
 * committed or rolled back, and SQLite keeps the file at that size until it is closed; above this limit the WAL is
 * checkpointed and truncated as soon as the transaction ended, and `journal_size_limit` trims it after later
 * checkpoints as well.
 */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Owner-only permissions for the database file, its WAL and shared-memory file: they hold personal data. */
export const SQLITE_FILE_MODE = 0o600;

/**
 * Creates the SQLite file owner-only before SQLite opens it (SQLite creates -wal and -shm with the mode of the main
 * file) and takes read access away from group and others on an existing file and its companions.
 */
function restrictSqliteFiles(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', SQLITE_FILE_MODE));
  for (const target of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(target, SQLITE_FILE_MODE);
    } catch (error) {
      // A missing companion file is fine; a file owned by someone else keeps its mode (and stays their business).
      if (
        (error as NodeJS.ErrnoException).code !== 'ENOENT' &&
        (error as NodeJS.ErrnoException).code !== 'EPERM'
      ) {
        throw error;
      }
    }
  }
}

/**
 * Checkpoints and truncates the WAL when it grew past WAL_SIZE_LIMIT_BYTES. Skipped inside a transaction (the
 * connection is busy); waits at most briefly for readers of other processes, otherwise the next call tries again.
 */
export function trimSqliteWal(database: SQLite.Database, file: string): void {
  if (database.inTransaction || !database.open) return;
  let size: number;
  try {
    size = fs.statSync(`${file}-wal`).size;
  } catch {
    return;
  }
  if (size <= WAL_SIZE_LIMIT_BYTES) return;
  const timeout = database.pragma('busy_timeout', { simple: true }) as number;
  database.pragma('busy_timeout = 200');
  try {
    database.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // busy: the next transaction's end tries again
  } finally {
    database.pragma(`busy_timeout = ${timeout}`);
  }
}

/** How many prepared statements a SQLite connection keeps for reuse. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with prepared statements kept for reuse: Kysely prepares every query anew,
 * which costs SQLite a parse and plan each time (about 2 ms per dashboard). Safe because Kysely runs each statement
 * to the end synchronously (`all`/`run`) on this one connection; nothing here streams with `iterate`.
 */
function withStatementCache(database: SQLite.Database, afterTransaction: () => void) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(source: string): SQLite.Statement {
      // A transaction takes the write lock when it begins: a deferred one that reads first cannot upgrade its read
      // snapshot to a write once another process (the jobs CLI beside the server) has committed, and fails at once
      // with "database is locked" instead of waiting (SQLITE_BUSY_SNAPSHOT). One connection per process, so no
      // reader here waits for it.
      const sql = source === 'begin' ? 'begin immediate' : source;
      // Kysely runs the statement right after preparing it; look at the WAL once the transaction has ended.
      if (sql === 'commit' || sql === 'rollback') setImmediate(afterTransaction);
      let statement = cache.get(sql);
      if (statement) {
        // Move to the end: the map's order is the eviction order (least recently used first).
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/** Opens the database named by `databaseUrl`: SQLite through better-sqlite3 or PostgreSQL through a pg pool. */
export function createDb(config: { databaseUrl: string }): Db {
  if (dialectOf(config.databaseUrl) === 'sqlite') {
    const file = sqlitePathOf(config.databaseUrl);
    const onDisk = file !== ':memory:' && file !== '';
    if (onDisk) {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      restrictSqliteFiles(file);
    }
    const database = new SQLite(file);
    // WAL lets readers run beside one writer; FULL sync so a committed referral survives a power cut.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    database.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    const afterTransaction = onDisk ? () => trimSqliteWal(database, file) : () => undefined;
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database, afterTransaction) }),
    });
    sqliteHandles.set(db, database);
    return db;
  }
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
