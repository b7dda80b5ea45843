import { loadConfig, type Config } from '../config/config';
import { createDb, type Db } from '../db/create-db';
import pkg from '../../../package.json';

/** What every request handler needs: validated config and the database. */
export interface AppContext {
  config: Config;
  db: Db;
}

let context: AppContext | null = null;

/** The process-wide app context, created on first use (config validated once, one pool per process). */
export function getAppContext(): AppContext {
  if (!context) {
    const config = loadConfig(process.env, pkg.version);
    context = { config, db: createDb(config) };
  }
  return context;
}
