/**
 * CLI: `npm run backup [-- --dir data/backups] [--pg-bin /usr/lib/postgresql/15/bin]` — backs the database of
 * DATABASE_URL up into a timestamped file (SQLite: online backup API, the server may keep running; PostgreSQL:
 * pg_dump) and prints every table's row count and checksum, which it also stores next to the file for the restore.
 */
import { parseArgs } from 'node:util';
import { backupDatabase, formatSummary } from '../src/lib/backup/backup';
import { loadConfig } from '../src/lib/config/config';

const { values } = parseArgs({
  options: { dir: { type: 'string', default: 'data/backups' }, 'pg-bin': { type: 'string' } },
});
const config = loadConfig();
try {
  // Scripts may read the wall clock: the backup is named after the moment it was taken.
  const result = await backupDatabase(config.databaseUrl, values.dir, new Date(), {
    pgBinDir: values['pg-bin'],
  });
  console.log(formatSummary(result.tables, null));
  console.log(`\nSicherung geschrieben: ${result.file}\nPrüfliste: ${result.manifest}`);
  console.log('Bitte verschlüsselt und außerhalb dieses Rechners aufbewahren (siehe README, „Sicherung“).');
} catch (error) {
  console.error(`Die Sicherung ist fehlgeschlagen: ${error instanceof Error ? error.message : 'unbekannt'}`);
  process.exitCode = 1;
}
