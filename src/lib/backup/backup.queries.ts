import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { sql, type Kysely } from 'kysely';
import type { Executor } from '../db/executor';

/** Row count and checksum of one table: what a restore is compared against. */
export interface TableSummary {
  table: string;
  rows: number;
  /** SHA-256 (hex) over the table's rows, independent of their order. */
  checksum: string;
}

/**
 * Tables the summary skips: the SQLite search index (FTS5 and its shadow tables) is derived from the directory tables
 * and rebuilt at start, and Kysely's migration lock row is bookkeeping.
 */
function isSummarized(name: string): boolean {
  return !/^search_(fts|vocab)/.test(name) && name !== 'kysely_migration_lock';
}

/** One value in a dialect-stable text form for the checksum (numbers, bigints, blobs, dates, null). */
function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `hex:${encodeHexLowerCase(value)}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** The row count and checksum of every table, by name. */
export async function summarizeTables(db: Executor): Promise<TableSummary[]> {
  const tables = (await db.introspection.getTables({ withInternalKyselyTables: true }))
    .filter((table) => !table.isView && isSummarized(table.name))
    .map((table) => table.name)
    .sort();
  const summaries: TableSummary[] = [];
  for (const table of tables) {
    // Table names come from the database's own catalogue, never from input.
    const rows = await (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
      .selectFrom(table)
      .selectAll()
      .execute();
    const rowHashes = rows
      .map((row) => {
        const columns = Object.keys(row).sort();
        const text = JSON.stringify(columns.map((column) => [column, canonicalValue(row[column])]));
        return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
      })
      .sort();
    summaries.push({
      table,
      rows: rows.length,
      checksum: encodeHexLowerCase(sha256(new TextEncoder().encode(rowHashes.join('\n')))),
    });
  }
  return summaries;
}

/**
 * PostgreSQL only: exports the snapshot of the caller's (repeatable read) transaction, so pg_dump (--snapshot) sees
 * exactly what this transaction sees.
 */
export async function exportPostgresSnapshot(db: Executor): Promise<string> {
  const { rows } = await sql<{ snapshot: string }>`SELECT pg_export_snapshot() AS snapshot`.execute(db);
  return rows[0]!.snapshot;
}
