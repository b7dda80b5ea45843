/**
 * CLI: `npm run retention [-- --dry-run]` — runs the retention job once now (docs/datenschutz.md). With `--dry-run`
 * it only lists what would go: counts per table and the internal ids of the cases — never names or case numbers.
 * Either way the run is recorded (counts only). The job also runs with `npm run jobs`; this is the manual way.
 */
import { parseArgs } from 'node:util';
import { systemContext } from '../src/lib/action/context';
import { ConfigError, loadConfig, type Config } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { retentionSummary, runRetention } from '../src/lib/privacy/retention.service';
import { systemClock } from '../src/lib/time/clock';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const db = createDb(config);
try {
  const dryRun = values['dry-run'] ?? false;
  const report = await runRetention(db, systemContext(config, 'retention', systemClock.now()), { dryRun });
  console.log(dryRun ? 'Probelauf – nichts wurde gelöscht.' : 'Aufbewahrungsfristen angewandt.');
  console.log(
    `Stichtag: Fälle, deren Frist vor ${report.cutoff} endete (Frist ${config.retentionCaseYears} Jahre).`,
  );
  for (const [table, count] of Object.entries(report.counts)) console.log(`  ${table}: ${count}`);
  console.log(
    `  Mail-Texte (gesendet vor mehr als ${config.outboxBodyRetentionDays} Tagen): ${report.outboxBodies}`,
  );
  console.log(`  eingeschränkte Fälle (Art. 18), behalten: ${report.keptRestricted}`);
  if (report.caseIds.length > 0) console.log(`Fälle (interne Kennungen): ${report.caseIds.join(', ')}`);
  console.log(retentionSummary(report));
} catch (error) {
  // Only the error's kind: driver messages can carry data.
  console.error(`Aufbewahrung fehlgeschlagen: ${error instanceof Error ? error.name : 'unbekannt'}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
