/**
 * CLI: `npm run jobs [-- --loop]` — runs every background job once (for cron) and prints what each did; with
 * `--loop` it keeps running every JOBS_INTERVAL_SECONDS. Each job runs only under its lease, so this is safe beside
 * servers that run jobs themselves. It does not migrate: run `npm run db:migrate` first.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { hasJobTables, JOBS, newJobHolder, runJobsOnce, type JobRun } from '../src/lib/jobs/jobs';
import { releaseLease } from '../src/lib/jobs/job.queries';
import { systemClock } from '../src/lib/time/clock';

const { values } = parseArgs({ options: { loop: { type: 'boolean', default: false } } });

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

function print(runs: JobRun[], onlyRan: boolean): void {
  for (const run of runs) {
    if (run.status === 'skipped') {
      if (!onlyRan) console.log(`${run.name}: übersprungen – läuft gerade in einer anderen Instanz`);
    } else {
      console.log(`${onlyRan ? `${new Date().toISOString()} ` : ''}${run.name}: ${run.result}`);
    }
  }
}

const db = createDb(config);
const holder = newJobHolder();
try {
  if (!(await hasJobTables(db))) {
    console.error(
      'Die Datenbank hat die Tabellen für Hintergrundaufgaben noch nicht. Bitte zuerst `npm run db:migrate` ausführen.',
    );
    process.exitCode = 1;
  } else if (!values.loop) {
    // One-shot (cron): give the leases up at the end, so the next run – from any machine – may take them.
    const runs = await runJobsOnce(db, config, { holder, now: systemClock.now(), release: true });
    print(runs, false);
    if (runs.some((run) => run.status === 'failed')) process.exitCode = 1;
  } else {
    // The servers may run with JOBS_INTERVAL_SECONDS=0 (jobs only here); the loop then keeps the default minute.
    const intervalMs = config.jobsIntervalMs || 60_000;
    console.log(`Hintergrundaufgaben laufen alle ${intervalMs / 1000} s (beenden mit Strg+C).`);
    let stopping = false;
    let wake: () => void = () => undefined;
    const stop = () => {
      stopping = true;
      wake();
    };
    // A first Ctrl+C (or SIGTERM) lets the running jobs finish and gives their leases up, so another instance takes
    // over at once; a second one ends the process the hard way (the leases then lapse after JOB_LEASE_SECONDS).
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    while (!stopping) {
      print(await runJobsOnce(db, config, { holder, now: systemClock.now() }), true);
      // A signal during the run: stop now, not after another interval.
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const job of JOBS) await releaseLease(db, job.name, holder);
    console.log('Hintergrundaufgaben beendet.');
  }
} finally {
  await db.destroy();
}
