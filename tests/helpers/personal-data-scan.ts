import { sql } from 'kysely';
import type { Db } from '../../src/lib/db/create-db';
import { listCatalogue } from '../../src/lib/privacy/privacy.queries';

// Checks that find personal data wherever it is: they read the database's own catalogue, so a table added later —
// and forgotten in src/lib/privacy/personal-data.ts — is searched too.

/** Every row of every table of the catalogue, as JSON strings per table (for "nothing else changed"). */
export async function snapshot(db: Db): Promise<Map<string, Set<string>>> {
  const tables = new Map<string, Set<string>>();
  for (const { table } of await listCatalogue(db)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    tables.set(table, new Set(rows.map((row) => JSON.stringify(row, Object.keys(row).sort()))));
  }
  return tables;
}

/**
 * Where any of the needles occurs (case-insensitive): every column of every table the database's catalogue lists, read
 * as text — text columns and whatever else a later migration may use (JSON, varchar) — so a table added later, and
 * forgotten in the personal-data registry, is searched too.
 */
export async function findAnywhere(db: Db, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const { table, columns } of await listCatalogue(db)) {
    for (const column of columns) {
      for (const needle of needles) {
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}
          where lower(cast(${sql.ref(column.name)} as text)) like ${`%${needle.toLowerCase()}%`}`.execute(db);
        if (Number(rows[0]?.n ?? 0) > 0) hits.push(`${table}.${column.name}: ${needle}`);
      }
    }
  }
  return hits;
}
