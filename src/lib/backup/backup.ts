import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createDb, dialectOf, sqlitePathOf } from '../db/create-db';
import { exportPostgresSnapshot, summarizeTables, type TableSummary } from './backup.queries';

/**
 * Backup and restore (README "Sicherung"): SQLite through its online backup API (a consistent copy while the server
 * runs), PostgreSQL through pg_dump. Next to each backup a manifest holds every table's row count and checksum, taken
 * from the very same snapshot; a restore recomputes them from the restored database and compares.
 */

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  manifest: string;
  tables: TableSummary[];
}

/** The manifest stored next to a backup. */
export interface BackupManifest {
  createdAt: string;
  dialect: 'sqlite' | 'postgres';
  tables: TableSummary[];
}

/** A backup's file name: the product, the UTC time to the second, the dialect's extension. */
export function backupFileName(now: Date, dialect: 'sqlite' | 'postgres'): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `partnernetz-${stamp}.${dialect === 'sqlite' ? 'sqlite' : 'dump'}`;
}

/** The manifest path of a backup file. */
export function manifestPathOf(file: string): string {
  return `${file}.json`;
}

/** Backups hold personal data: owner-only files in an owner-only directory. */
function prepareDirectory(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function writeManifest(file: string, manifest: BackupManifest): string {
  const target = manifestPathOf(file);
  fs.writeFileSync(target, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return target;
}

/** Reads a backup's manifest, or null when there is none next to it. */
export function readManifest(file: string): BackupManifest | null {
  try {
    return JSON.parse(fs.readFileSync(manifestPathOf(file), 'utf8')) as BackupManifest;
  } catch {
    return null;
  }
}

/** Where a PostgreSQL tool lives: `binDir` if given, else the newest /usr/lib/postgresql/<n>/bin, else the PATH. */
export function findPostgresTool(name: 'pg_dump' | 'pg_restore', binDir?: string): string {
  if (binDir) return path.join(binDir, name);
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((entry) => /^\d+$/.test(entry))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const candidate = path.join('/usr/lib/postgresql', version, 'bin', name);
      if (fs.existsSync(candidate)) return candidate;
    }
  } catch {
    // not a Debian-style installation
  }
  return name;
}

/**
 * The connection of a postgres:// URL as libpq environment variables — so the password never shows in the process
 * list, as it would in a command-line argument.
 */
export function libpqEnvOf(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  const env: Record<string, string> = {
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGDATABASE: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
  if (url.username) env['PGUSER'] = decodeURIComponent(url.username);
  if (url.password) env['PGPASSWORD'] = decodeURIComponent(url.password);
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env['PGSSLMODE'] = sslmode;
  return env;
}

/** Runs a tool and resolves when it exited with 0; rejects with its error output otherwise. */
function runTool(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', (error) =>
      reject(new Error(`${path.basename(command)} konnte nicht gestartet werden (${error.message}).`)),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(command)} ist mit Code ${code} beendet:\n${stderr.trim()}`)),
    );
  });
}

/** Backs a database up into `dir` at `now`; returns the file, its manifest and the tables' summary. */
export async function backupDatabase(
  databaseUrl: string,
  dir: string,
  now: Date,
  options: { pgBinDir?: string } = {},
): Promise<BackupResult> {
  prepareDirectory(dir);
  const dialect = dialectOf(databaseUrl);
  const file = path.join(dir, backupFileName(now, dialect));
  if (fs.existsSync(file)) throw new Error(`${file} gibt es schon; bitte einen Moment warten.`);
  let tables: TableSummary[];
  if (dialect === 'sqlite') {
    const source = new SQLite(sqlitePathOf(databaseUrl), { readonly: true, fileMustExist: true });
    try {
      // The online backup copies a consistent state page by page while others keep writing.
      await source.backup(file);
    } finally {
      source.close();
    }
    fs.chmodSync(file, 0o600);
    // The manifest comes from the copy itself, so it describes exactly what was saved.
    const copy = createDb({ databaseUrl: `sqlite:${file}` });
    try {
      tables = await summarizeTables(copy);
    } finally {
      await copy.destroy();
    }
  } else {
    const db = createDb({ databaseUrl });
    try {
      // pg_dump reads the snapshot this transaction exports, and the summary is read in the same snapshot.
      tables = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const snapshot = await exportPostgresSnapshot(trx);
          const dump = runTool(
            findPostgresTool('pg_dump', options.pgBinDir),
            ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, `--file=${file}`],
            libpqEnvOf(databaseUrl),
          );
          const summary = await summarizeTables(trx);
          await dump;
          return summary;
        });
    } finally {
      await db.destroy();
    }
    fs.chmodSync(file, 0o600);
  }
  const manifest = writeManifest(file, { createdAt: now.toISOString(), dialect, tables });
  return { file, manifest, tables };
}

/** A table whose restored state differs from the backup's manifest. */
export interface TableMismatch {
  table: string;
  expected: TableSummary | null;
  actual: TableSummary | null;
}

/** The tables whose row count or checksum differs between the manifest and the restored database. */
export function compareSummaries(expected: TableSummary[], actual: TableSummary[]): TableMismatch[] {
  const byName = new Map(actual.map((summary) => [summary.table, summary]));
  const mismatches: TableMismatch[] = [];
  for (const want of expected) {
    const got = byName.get(want.table) ?? null;
    if (!got || got.rows !== want.rows || got.checksum !== want.checksum)
      mismatches.push({ table: want.table, expected: want, actual: got });
    byName.delete(want.table);
  }
  for (const extra of byName.values()) mismatches.push({ table: extra.table, expected: null, actual: extra });
  return mismatches;
}

/** What a restore did: the restored tables and, with a manifest, where they differ from it. */
export interface RestoreResult {
  tables: TableSummary[];
  manifest: BackupManifest | null;
  mismatches: TableMismatch[];
}

/**
 * Restores a backup into the database of `databaseUrl`. SQLite: the file replaces the database file (the server
 * must be stopped; an existing database is replaced only with `force`). PostgreSQL: pg_restore into the existing,
 * preferably empty database (`--clean` drops what the backup brings along). Then every table is summarized and
 * compared with the manifest.
 */
export async function restoreDatabase(
  databaseUrl: string,
  file: string,
  options: { force?: boolean; pgBinDir?: string } = {},
): Promise<RestoreResult> {
  if (!fs.existsSync(file)) throw new Error(`Die Sicherung ${file} gibt es nicht.`);
  const manifest = readManifest(file);
  const dialect = dialectOf(databaseUrl);
  if (manifest && manifest.dialect !== dialect)
    throw new Error(`Die Sicherung stammt aus ${manifest.dialect}, DATABASE_URL zeigt auf ${dialect}.`);
  if (dialect === 'sqlite') {
    const target = sqlitePathOf(databaseUrl);
    const source = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      const check = source.pragma('integrity_check', { simple: true });
      if (check !== 'ok')
        throw new Error(`Die Sicherung ist beschädigt (integrity_check: ${String(check)}).`);
      if (fs.existsSync(target) && fs.statSync(target).size > 0 && !options.force)
        throw new Error(
          `${target} gibt es schon. Server anhalten und mit --force ersetzen (vorher am besten selbst sichern).`,
        );
      for (const leftover of [target, `${target}-wal`, `${target}-shm`, `${target}-journal`])
        fs.rmSync(leftover, { force: true });
      fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
      await source.backup(target);
    } finally {
      source.close();
    }
    fs.chmodSync(target, 0o600);
  } else {
    await runTool(
      findPostgresTool('pg_restore', options.pgBinDir),
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--exit-on-error',
        `--dbname=${libpqEnvOf(databaseUrl)['PGDATABASE']}`,
        file,
      ],
      libpqEnvOf(databaseUrl),
    );
  }
  const db = createDb({ databaseUrl });
  try {
    const tables = await summarizeTables(db);
    return { tables, manifest, mismatches: manifest ? compareSummaries(manifest.tables, tables) : [] };
  } finally {
    await db.destroy();
  }
}

/** The summary as a German table for the console: table, rows, checksum (shortened), and the comparison. */
export function formatSummary(tables: TableSummary[], mismatches: TableMismatch[] | null): string {
  const bad = new Set((mismatches ?? []).map((m) => m.table));
  const width = Math.max(7, ...tables.map((t) => t.table.length));
  const lines = [
    `${'Tabelle'.padEnd(width)}  ${'Zeilen'.padStart(8)}  Prüfsumme (SHA-256)${mismatches ? '  Vergleich' : ''}`,
  ];
  for (const t of tables) {
    const verdict = mismatches ? (bad.has(t.table) ? '  ABWEICHUNG' : '  gleich') : '';
    lines.push(
      `${t.table.padEnd(width)}  ${String(t.rows).padStart(8)}  ${t.checksum.slice(0, 16)}…${verdict}`,
    );
  }
  return lines.join('\n');
}
