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

/** How many prepared statements a SQLite connection keeps for reuse. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with prepared statements kept for reuse: Kysely prepares every query anew,
 * which costs SQLite a parse and plan each time (about 2 ms per dashboard). Safe because Kysely runs each statement
 * to the end synchronously (`all`/`run`) on this one connection; nothing here streams with `iterate`.
 */
function withStatementCache(database: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SQLite.Statement {
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
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const database = new SQLite(file);
    // WAL lets readers run beside one writer; FULL sync so a committed referral survives a power cut.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    });
    sqliteHandles.set(db, database);
    return db;
  }
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
