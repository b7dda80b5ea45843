import { loadConfig, type Config } from '../config/config';
import { createDb, type Db } from '../db/create-db';
import { startJobLoop } from '../jobs/jobs';
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
    // request was answered. Started as `node dist/server/entry.mjs`: the job loop handles SIGTERM itself.
    const managed = isManaged();
    const stopJobs =
      config.jobsIntervalMs > 0
        ? startJobLoop(context, config.jobsIntervalMs, { stopOnSignals: !managed })
        : null;
    if (managed) {
      onShutdown(async () => {
        await stopJobs?.();
        await db.destroy();
      });
    }
  }
  return context;
}
