/**
 * CLI: `npm run import -- DATEI.csv [--dry-run]` — imports partner services from a CSV file (docs/import.md), through
 * the same check and batched write as the import page, with progress for both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { decodeCsvBytes } from '../src/lib/directory/csv';
import { systemContext } from '../src/lib/action/context';
import { commitImport, dryRunImport, type ImportReport } from '../src/lib/directory/import.service';
import { AppError } from '../src/lib/http/app-error';
import { systemClock } from '../src/lib/time/clock';
import { progressBar } from './cli';

const USAGE = 'Aufruf: npm run import -- DATEI.csv [--dry-run]';

const SHOWN = 20;

/** The first few items of a long list and how many more there are. */
function shortList(items: string[]): string[] {
  return items.length > SHOWN ? [...items.slice(0, SHOWN), `… und ${items.length - SHOWN} weitere`] : items;
}

/** Prints what the import did or would do, in German; every problem, so the file can be fixed in one pass. */
function printReport(file: string, report: ImportReport, dryRun: boolean): void {
  console.log(`${dryRun ? 'Probelauf für' : 'Import von'} „${file}“: ${report.rows} Zeilen`);
  console.log(
    `  ${dryRun ? 'würde anlegen' : 'angelegt'}: ${report.create}, ${dryRun ? 'würde ändern' : 'geändert'}: ` +
      `${report.update}, unverändert: ${report.unchanged}`,
  );
  if (report.newOrganizations.length > 0) {
    console.log(
      `  neue Organisationen (${report.newOrganizations.length}): ${shortList(report.newOrganizations).join(', ')}`,
    );
  }
  for (const warning of shortList(report.warnings)) console.log(`  Hinweis: ${warning}`);
  if (report.problems.length > 0) {
    console.error(`\n${report.problems.length} Fehler – es wurde nichts gespeichert:`);
    for (const problem of report.problems) console.error(`  ${problem.message}`);
  } else if (dryRun) {
    console.log('Probelauf: es wurde nichts gespeichert. Ohne --dry-run wird die Datei importiert.');
  }
}

let args: { file: string; dryRun: boolean } | null = null;
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false } },
  });
  // `npm run` switches to the project folder; INIT_CWD is where the user typed the command, so paths mean what they
  // typed.
  const base = process.env['INIT_CWD'] ?? process.cwd();
  if (positionals.length === 1)
    args = { file: path.resolve(base, positionals[0]!), dryRun: values['dry-run'] ?? false };
} catch {
  args = null;
}

if (!args) {
  console.error(USAGE);
  process.exitCode = 2;
} else if (!fs.existsSync(args.file) || !fs.statSync(args.file).isFile()) {
  console.error(`Die Datei „${args.file}“ wurde nicht gefunden.`);
  console.error(USAGE);
  process.exitCode = 2;
} else {
  const text = decodeCsvBytes(fs.readFileSync(args.file));
  const name = path.basename(args.file);
  const config = loadConfig();
  const db = createDb(config);
  try {
    await migrateToLatest(db);
    if (args.dryRun) {
      const report = await dryRunImport(db, text, { onProgress: progressBar('Prüfung') });
      printReport(name, report, true);
      if (report.problems.length > 0) process.exitCode = 1;
    } else {
      // The command line acts as the system: whoever may run it may write the database anyway.
      const ctx = systemContext(config, 'import-cli', systemClock.now());
      let checked: ImportReport | null = null;
      const result = await commitImport(db, ctx, text, {
        onCheck: progressBar('Prüfung'),
        onChecked: (report) => {
          checked = report;
          if (report.problems.length > 0) printReport(name, report, false);
        },
        onProgress: progressBar('Import'),
      });
      if (result.ok) printReport(name, result.value, false);
      else {
        if (result.kind === 'conflict') console.error(result.message);
        else if (result.kind !== 'invalid' || !checked) console.error('Der Import wurde nicht ausgeführt.');
        process.exitCode = 1;
      }
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
