/**
 * CLI: `npm run import -- DATEI.csv [--dry-run] [--zuordnungen ZUORDNUNGEN.json]` — imports partner services from a CSV
 * file (docs/import.md), through the same check and batched write as the import page, with progress for both. The
 * report lists how category and language cells were understood and which stay open; a mapping file decides those
 * (saved as aliases when the import runs).
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
import {
  mappingFileChoices,
  MappingFileSchema,
  mappingText,
  unresolvedLinesText,
  type MappingChoice,
} from '../src/lib/directory/import';
import { AppError } from '../src/lib/http/app-error';
import { systemClock } from '../src/lib/time/clock';
import { progressBar } from './cli';

const USAGE = 'Aufruf: npm run import -- DATEI.csv [--dry-run] [--zuordnungen ZUORDNUNGEN.json]';

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
  if (report.mappings.length > 0) {
    console.log(`  So wurden Zellen verstanden (${report.mappings.length}):`);
    for (const mapping of report.mappings) console.log(`    ${mappingText(mapping)}`);
  }
  if (report.unresolved.length > 0) {
    console.error(
      `\nOffene Zuordnungen (${report.unresolved.length}) – bitte in einer Zuordnungsdatei festlegen:`,
    );
    for (const item of report.unresolved) {
      const what = item.kind === 'category' ? 'Kategorie' : 'Sprache';
      const candidates =
        item.candidates.length > 0
          ? `; passt gleich gut zu: ${item.candidates.map((c) => `${c.label} (${c.target})`).join(', ')}`
          : '; kein passender Eintrag';
      console.error(`  ${what} „${item.cell}“ (${unresolvedLinesText(item)})${candidates}`);
    }
    console.error(
      '  Zuordnungsdatei (JSON): { "kategorie": { "IHK": "arbeit.ihk" }, "sprache": { "Arabic": "ar" } }',
    );
  }
  if (report.problems.length > 0) {
    console.error(`\n${report.problems.length} Fehler – es wurde nichts gespeichert:`);
    for (const problem of report.problems) console.error(`  ${problem.message}`);
  } else if (dryRun) {
    console.log('Probelauf: es wurde nichts gespeichert. Ohne --dry-run wird die Datei importiert.');
  }
}

let args: { file: string; dryRun: boolean; mappingFile: string | null } | null = null;
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      zuordnungen: { type: 'string' },
    },
  });
  // `npm run` switches to the project folder; INIT_CWD is where the user typed the command, so paths mean what they
  // typed.
  const base = process.env['INIT_CWD'] ?? process.cwd();
  if (positionals.length === 1)
    args = {
      file: path.resolve(base, positionals[0]!),
      dryRun: values['dry-run'] ?? false,
      mappingFile: values.zuordnungen ? path.resolve(base, values.zuordnungen) : null,
    };
} catch {
  args = null;
}

/** Reads a mapping file, or explains in German what is wrong with it. */
function readMappingFile(
  file: string,
): { ok: true; choices: MappingChoice[] } | { ok: false; message: string } {
  if (!fs.existsSync(file))
    return { ok: false, message: `Die Zuordnungsdatei „${file}“ wurde nicht gefunden.` };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ok: false, message: `Die Zuordnungsdatei „${file}“ ist kein gültiges JSON.` };
  }
  const parsed = MappingFileSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      message:
        'Die Zuordnungsdatei braucht die Form { "kategorie": { "Zelle": "schluessel" }, "sprache": { "Zelle": "ar" } }.',
    };
  }
  return { ok: true, choices: mappingFileChoices(parsed.data) };
}

if (!args) {
  console.error(USAGE);
  process.exitCode = 2;
} else if (!fs.existsSync(args.file) || !fs.statSync(args.file).isFile()) {
  console.error(`Die Datei „${args.file}“ wurde nicht gefunden.`);
  console.error(USAGE);
  process.exitCode = 2;
} else {
  const mapping = args.mappingFile ? readMappingFile(args.mappingFile) : { ok: true as const, choices: [] };
  if (!mapping.ok) {
    console.error(mapping.message);
    process.exit(2);
  }
  const choices = mapping.choices;
  const text = decodeCsvBytes(fs.readFileSync(args.file));
  const name = path.basename(args.file);
  const config = loadConfig();
  const db = createDb(config);
  try {
    await migrateToLatest(db);
    if (args.dryRun) {
      const report = await dryRunImport(db, text, { onProgress: progressBar('Prüfung'), choices });
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
        choices,
      });
      if (result.ok) printReport(name, result.value, false);
      else {
        if (result.kind === 'conflict') console.error(result.message);
        else if (result.kind === 'invalid' && !checked)
          for (const message of Object.values(result.errors)) console.error(`Zuordnungsdatei: ${message}`);
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
