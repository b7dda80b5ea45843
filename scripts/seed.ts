/** CLI: `npm run db:seed` — migrates and loads the Lübeck sample region into an empty database. */
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { isDatabaseEmpty, seedSampleRegion } from '../db/seed/seed';
import { seedSampleReferrals } from '../db/seed/sample-referrals';
import { printDemoLogins, progressBar } from './cli';

const config = loadConfig();
const db = createDb(config);
try {
  await migrateToLatest(db);
  if (!(await isDatabaseEmpty(db))) {
    console.log('Die Datenbank enthält bereits Benutzer; die Beispielregion wird nicht erneut geladen.');
  } else {
    const logins = await seedSampleRegion(db, { onProgress: progressBar('Beispielregion Lübeck') });
    await seedSampleReferrals(db, config.publicBaseUrl);
    if (config.isProduction)
      console.log('Beispielregion geladen. (Produktionsmodus: Demo-Passwörter werden nicht angezeigt.)');
    else printDemoLogins(logins, config.publicBaseUrl, config.mfaRequiredRoles);
  }
} finally {
  await db.destroy();
}
