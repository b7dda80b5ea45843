/**
 * CLI: `npm run hsds:export -- [--format json|ndjson|zip] [--oeffentlich] [--datei DATEI]` — the whole directory in
 * HSDS 3.0 with the German profile (docs/api.md): one JSON page, ndjson, or the tabular package as ZIP. Without
 * `--datei` JSON and ndjson go to standard output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { exportDirectory, type ExportFormat } from '../src/lib/hsds/exchange';

const USAGE = 'Aufruf: npm run hsds:export -- [--format json|ndjson|zip] [--oeffentlich] [--datei DATEI]';

let options: { format: ExportFormat; publicOnly: boolean; file: string | null } | null = null;
try {
  const { values } = parseArgs({
    options: {
      format: { type: 'string', default: 'json' },
      oeffentlich: { type: 'boolean', default: false },
      datei: { type: 'string' },
    },
  });
  const format = values.format ?? 'json';
  const base = process.env['INIT_CWD'] ?? process.cwd();
  if (format === 'json' || format === 'ndjson' || format === 'zip') {
    options = {
      format,
      publicOnly: values.oeffentlich ?? false,
      file: values.datei ? path.resolve(base, values.datei) : null,
    };
  }
} catch {
  options = null;
}

if (!options || (options.format === 'zip' && options.file === null)) {
  console.error(options ? 'Ein ZIP braucht --datei.' : USAGE);
  process.exitCode = 2;
} else {
  const config = loadConfig();
  const db = createDb(config);
  try {
    await migrateToLatest(db);
    const file = await exportDirectory(db, { publicOnly: options.publicOnly, format: options.format });
    if (options.file) {
      fs.writeFileSync(options.file, file.body);
      console.error(`Gespeichert: ${options.file}`);
    } else {
      process.stdout.write(file.body);
    }
  } finally {
    await db.destroy();
  }
}
