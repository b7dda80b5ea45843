/**
 * CLI: `npm run restore -- DATEI [--force] [--pg-bin DIR]` — restores a backup of `npm run backup` into the database
 * of DATABASE_URL and checks what was restored: every table's row count and checksum, compared with the list stored
 * next to the backup. Exit code 1 when anything differs. Stop the server first.
 */
import { parseArgs } from 'node:util';
import { formatSummary, restoreDatabase } from '../src/lib/backup/backup';
import { loadConfig } from '../src/lib/config/config';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { force: { type: 'boolean', default: false }, 'pg-bin': { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  console.error('Bitte die Sicherungsdatei angeben: npm run restore -- data/backups/partnernetz-….sqlite');
  process.exit(2);
}
const config = loadConfig();
try {
  const result = await restoreDatabase(config.databaseUrl, file, {
    force: values.force,
    pgBinDir: values['pg-bin'],
  });
  console.log(formatSummary(result.tables, result.manifest ? result.mismatches : null));
  if (!result.manifest) {
    console.log(
      '\nWiederhergestellt. Keine Prüfliste neben der Sicherung: Zeilen und Prüfsummen oben bitte selbst vergleichen.',
    );
  } else if (result.mismatches.length === 0) {
    console.log(
      `\nWiederhergestellt und geprüft: alle ${result.tables.length} Tabellen gleichen der Sicherung.`,
    );
  } else {
    console.error(
      `\nWiederhergestellt, aber ${result.mismatches.length} Tabellen weichen von der Sicherung ab: ${result.mismatches.map((m) => m.table).join(', ')}`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  console.error(
    `Die Wiederherstellung ist fehlgeschlagen: ${error instanceof Error ? error.message : 'unbekannt'}`,
  );
  process.exitCode = 1;
}
