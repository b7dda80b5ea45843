/**
 * CLI: `npm run hsds:import -- DATEI [--dry-run]` — imports an HSDS export of another directory (JSON, ndjson or the
 * tabular package as ZIP) through the CSV import's pipeline (docs/api.md, docs/import.md): schema check, dry run,
 * nothing written when anything does not fit, idempotent by HSDS id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemContext } from '../src/lib/action/context';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { importHsdsServices, servicesOfFile } from '../src/lib/hsds/exchange';
import { systemClock } from '../src/lib/time/clock';

const USAGE = 'Aufruf: npm run hsds:import -- DATEI [--dry-run]';

let args: { file: string; dryRun: boolean } | null = null;
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false } },
  });
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
  process.exitCode = 2;
} else {
  const parsed = servicesOfFile(new Uint8Array(fs.readFileSync(args.file)));
  if ('error' in parsed) {
    console.error(parsed.error);
    process.exitCode = 1;
  } else {
    const config = loadConfig();
    const db = createDb(config);
    try {
      await migrateToLatest(db);
      const ctx = systemContext(config, 'hsds-import-cli', systemClock.now());
      const result = await importHsdsServices(db, ctx, parsed.services, { dryRun: args.dryRun });
      if (result.ok) {
        const r = result.value;
        console.log(
          `${args.dryRun ? 'Probelauf' : 'Import'}: ${r.rows} Angebote – ${args.dryRun ? 'würde anlegen' : 'angelegt'} ${r.create}, ` +
            `${args.dryRun ? 'würde ändern' : 'geändert'} ${r.update}, unverändert ${r.unchanged}` +
            (r.newOrganizations.length ? `; neue Organisationen: ${r.newOrganizations.join(', ')}` : ''),
        );
        for (const warning of r.warnings) console.log(`  Hinweis: ${warning}`);
        if (args.dryRun) console.log('Probelauf: es wurde nichts gespeichert.');
      } else {
        if (result.kind === 'invalid')
          for (const message of Object.values(result.errors)) console.error(message);
        else if (result.kind === 'conflict') console.error(result.message);
        else console.error('Der Import wurde nicht ausgeführt.');
        process.exitCode = 1;
      }
    } finally {
      await db.destroy();
    }
  }
}
