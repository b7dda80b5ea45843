/** CLI: `npm run db:migrate [up|down|status]` — runs the Kysely migrations on DATABASE_URL. */
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { createMigrator } from '../src/lib/db/migrator';
import { sealClearMfaSecrets } from '../src/lib/auth/mfa.service';

const command = process.argv[2] ?? 'up';
const config = loadConfig();
const db = createDb(config);
const migrator = createMigrator(db);

try {
  if (command === 'status') {
    for (const migration of await migrator.getMigrations()) {
      console.log(`${migration.executedAt ? 'angewendet' : 'offen     '}  ${migration.name}`);
    }
  } else if (command === 'up' || command === 'down') {
    const result = command === 'up' ? await migrator.migrateToLatest() : await migrator.migrateDown();
    for (const r of result.results ?? [])
      console.log(`${r.status === 'Success' ? 'ok   ' : 'FEHLER'} ${r.direction} ${r.migrationName}`);
    if (result.error) throw result.error;
    if ((result.results ?? []).length === 0)
      console.log('Nichts zu tun: die Datenbank ist auf dem neuesten Stand.');
    // TOTP secrets stored in clear by an older version are encrypted now, not at their user's next sign-in.
    if (command === 'up') {
      const sealed = await sealClearMfaSecrets(db, config);
      if (sealed > 0) console.log(`${sealed} TOTP-Geheimnis(se) mit DATA_ENCRYPTION_KEY verschlüsselt.`);
    }
  } else {
    console.error(`Unbekannter Befehl "${command}". Erlaubt: up, down, status.`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(`Migration fehlgeschlagen: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
