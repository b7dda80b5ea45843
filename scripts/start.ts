/**
 * CLI: `npm start` — builds the app when the build is missing or older than the sources, migrates the
 * database, seeds the Lübeck sample region into an empty database (printing the demo logins once,
 * never in production), then serves the built app: with WEB_CONCURRENCY workers (default one per core) through
 * node:cluster, or in this one process when it is 1. SIGTERM/SIGINT stop gracefully, SIGHUP restarts the workers
 * one at a time (decision 0025).
 */
import { execFileSync } from 'node:child_process';
import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { sealClearMfaSecrets } from '../src/lib/auth/mfa.service';
import { runPrimary } from '../src/lib/http/cluster';
import { serveUntilSignalled } from '../src/lib/http/serve';
import { isDatabaseEmpty, seedSampleRegion } from '../db/seed/seed';
import { seedSampleReferrals } from '../db/seed/sample-referrals';
import { printDemoLogins, progressBar } from './cli';

const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, 'dist/server/entry.mjs');

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

// A worker of the cluster only serves: the primary built, migrated and seeded before it forked.
if (cluster.isWorker) {
  await serveUntilSignalled({
    entry,
    host: config.host,
    port: config.port,
    graceMs: config.shutdownGraceMs,
    worker: true,
  });
} else {
  await prepareAndServe();
}

async function prepareAndServe(): Promise<void> {
  const sourcesChanged =
    Math.max(
      ...['src', 'db', 'public', 'astro.config.mjs', 'package.json'].map((p) =>
        newestMtime(path.join(root, p)),
      ),
    ) > newestMtime(entry);
  // `--no-build` serves the existing build as it is (containers, tests); otherwise a stale build is rebuilt.
  if (!process.argv.includes('--no-build') && (!fs.existsSync(entry) || sourcesChanged)) {
    console.log('Baue die Anwendung (einmalig nach jeder Änderung) …');
    execFileSync(process.execPath, [path.join(root, 'node_modules/astro/astro.js'), 'build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
  }

  const db = createDb(config);
  await migrateToLatest(db);
  // As `npm run db:migrate` does: TOTP secrets an older version stored in clear are encrypted before anyone signs in.
  const sealed = await sealClearMfaSecrets(db, config);
  if (sealed > 0) console.log(`${sealed} TOTP-Geheimnis(se) mit DATA_ENCRYPTION_KEY verschlüsselt.`);
  if (config.seedOnEmpty && (await isDatabaseEmpty(db))) {
    const logins = await seedSampleRegion(db, { onProgress: progressBar('Beispielregion Lübeck') });
    await seedSampleReferrals(db, config.publicBaseUrl);
    if (config.isProduction) console.log('Beispielregion geladen (Produktionsmodus: keine Demo-Passwörter).');
    else printDemoLogins(logins, config.publicBaseUrl, config.mfaRequiredRoles);
  }
  await db.destroy();

  const ready = `JMD Partnernetz läuft: ${config.publicBaseUrl} (Datenbank: ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL'})`;
  if (config.webConcurrency > 1) {
    runPrimary({ workers: config.webConcurrency, graceMs: config.shutdownGraceMs, readyMessage: ready });
  } else {
    await serveUntilSignalled({
      entry,
      host: config.host,
      port: config.port,
      graceMs: config.shutdownGraceMs,
      worker: false,
    });
    console.log(ready);
  }
}
