import { loadConfig, type Config } from '../config/config';
import { createDb, type Db } from '../db/create-db';
import { startJobLoop } from '../jobs/jobs';
import { flushSearchDemand } from '../report/search-demand';
import { isManaged, onShutdown } from './lifecycle';
import fs from 'node:fs';
import { offsetFileClock, systemClock, type Clock } from '../time/clock';
import pkg from '../../../package.json';

/** What every request handler needs: validated config and the database. */
export interface AppContext {
  config: Config;
  db: Db;
  /** The one clock of the process; requests and jobs read it once and pass the time on as `now`. */
  clock: Clock;
}

let context: AppContext | null = null;

/**
 * The process-wide app context, created on first use (config validated once, one pool per process). Creating it
 * also starts the background jobs unless JOBS_INTERVAL_SECONDS is 0 (then cron runs `npm run jobs`, or this worker
 * is not the one of the cluster that runs them).
 */
export function getAppContext(): AppContext {
  if (!context) {
    const config = loadConfig(process.env, pkg.version);
    const clock = config.testClockFile
      ? offsetFileClock(config.testClockFile, (file) =>
          fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null,
        )
      : systemClock;
    const db = createDb(config);
    context = { config, db, clock };
    // Served by scripts/start.ts (serve.ts handles the signals): stop the jobs and close the pool after the last
    // request was answered. Started as `node dist/server/entry.mjs`: the signal handler below.
    const managed = isManaged();
    const stopJobs = config.jobsIntervalMs > 0 ? startJobLoop(context, config.jobsIntervalMs) : null;
    if (managed) {
      onShutdown(async () => {
        await stopJobs?.();
        // The searches this worker counted but has not written yet (decision 0028), before the pool closes.
        await flushSearchDemand(db);
        await db.destroy();
      });
    } else {
      // A plain process (tests, `node dist/server/entry.mjs`): on SIGTERM/SIGINT stop the jobs and give their leases
      // up, write the waiting search counts, then let the signal end the process.
      const onSignal = (signal: NodeJS.Signals) => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        void (async () => {
          await stopJobs?.();
          await flushSearchDemand(db);
        })().finally(() => {
          // Our handler replaced the default "end the process"; with it gone, the same signal ends it as usual.
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    }
  }
  return context;
}
