/**
 * CLI: `npm start` — builds the app when the build is missing or older than the sources, migrates the
 * database, seeds the Lübeck sample region into an empty database (printing the demo logins once,
 * never in production), then serves the built app with WEB_CONCURRENCY workers (default one per core; one is one
 * worker) through node:cluster. The workers run the bundled dist/serve/worker.mjs, without the TypeScript loader
 * this script runs under. SIGTERM/SIGINT stop gracefully, SIGHUP restarts the workers one at a time (decision 0025).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { sealClearMfaSecrets } from '../src/lib/auth/mfa.service';
import { runPrimary } from '../src/lib/http/cluster';
import { isDatabaseEmpty, seedSampleRegion } from '../db/seed/seed';
import { seedSampleReferrals } from '../db/seed/sample-referrals';
import { printDemoLogins, progressBar } from './cli';

const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, 'dist/server/entry.mjs');
// What every worker runs: plain JavaScript, bundled by `npm run build` (no TypeScript loader in the request path).
const workerProgram = path.join(root, 'dist/serve/worker.mjs');

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

await prepareAndServe();

async function prepareAndServe(): Promise<void> {
  const sourcesChanged =
    Math.max(
      ...['src', 'db', 'public', 'astro.config.mjs', 'package.json'].map((p) =>
        newestMtime(path.join(root, p)),
      ),
    ) > newestMtime(entry);
  // `--no-build` serves the existing build as it is (containers, tests); otherwise a stale build is rebuilt.
  const built = fs.existsSync(entry) && fs.existsSync(workerProgram);
  if (!process.argv.includes('--no-build') && (!built || sourcesChanged)) {
    console.log('Baue die Anwendung (einmalig nach jeder Änderung) …');
    const build = (args: string[]) =>
      execFileSync(process.execPath, args, {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
      });
    // The same two steps as `npm run build`.
    build([path.join(root, 'node_modules/astro/astro.js'), 'build']);
    build([path.join(root, 'scripts/build-serve.mjs')]);
  }
  if (!fs.existsSync(workerProgram)) {
    console.error(`${path.relative(root, workerProgram)} fehlt: bitte zuerst \`npm run build\` ausführen.`);
    process.exit(2);
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
  // Also one worker runs under the primary: the primary runs under tsx, the worker without it (decision 0025).
  runPrimary({
    workers: config.webConcurrency,
    graceMs: config.shutdownGraceMs,
    readyMessage: ready,
    program: workerProgram,
  });
}
