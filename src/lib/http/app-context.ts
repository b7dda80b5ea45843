import { loadConfig, type Config } from '../config/config';
import { createDb, type Db } from '../db/create-db';
import { startJobLoop } from '../jobs/jobs';
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
 * also starts the background jobs unless JOBS_INTERVAL_SECONDS is 0 (then cron runs `npm run jobs`).
 */
export function getAppContext(): AppContext {
  if (!context) {
    const config = loadConfig(process.env, pkg.version);
    const clock = config.testClockFile
      ? offsetFileClock(config.testClockFile, (file) =>
          fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null,
        )
      : systemClock;
    context = { config, db: createDb(config), clock };
    if (config.jobsIntervalMs > 0) startJobLoop(context, config.jobsIntervalMs, { stopOnSignals: true });
  }
  return context;
}
