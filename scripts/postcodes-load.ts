/**
 * CLI: `npm run postcodes:load -- FILE` — loads postcode centroids from a GeoNames postal-code file (e.g. DE.txt
 * from https://download.geonames.org/export/zip/DE.zip, downloaded and unpacked by you) so that "near postcode X"
 * works for every German postcode. Existing centroids are replaced; the sample region's stay where the file has none.
 */
import fs from 'node:fs';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { parseGeonamesPostcodes } from '../src/lib/geo/geonames';
import { upsertPostcodeCentroids } from '../src/lib/geo/postcode.queries';
import { progressBar } from './cli';

const file = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
if (!file || !fs.existsSync(file)) {
  console.error(
    file
      ? `Datei nicht gefunden: ${file}`
      : 'Aufruf: npm run postcodes:load -- DE.txt (GeoNames-Format, siehe README)',
  );
  process.exit(2);
}
const { centroids, problems } = parseGeonamesPostcodes(fs.readFileSync(file, 'utf8'));
for (const problem of problems.slice(0, 20)) console.error(`Zeile ${problem.line}: ${problem.reason}`);
if (problems.length > 20)
  console.error(`… und ${problems.length - 20} weitere Zeilen, die nicht gelesen werden konnten.`);
if (centroids.length === 0) {
  console.error('Keine deutschen Postleitzahlen in der Datei gefunden; nichts geladen.');
  process.exit(1);
}

const config = loadConfig();
const db = createDb(config);
try {
  await migrateToLatest(db);
  const progress = progressBar('Postleitzahlen');
  await db.transaction().execute(async (trx) => {
    const batch = 1000;
    for (let i = 0; i < centroids.length; i += batch) {
      await upsertPostcodeCentroids(trx, centroids.slice(i, i + batch), 'geonames');
      progress(Math.min(i + batch, centroids.length), centroids.length);
    }
  });
  console.log(`${centroids.length} Postleitzahlen geladen.`);
} finally {
  await db.destroy();
}
