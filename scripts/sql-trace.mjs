/**
 * Preload for `node --import ./scripts/sql-trace.mjs dist/server/entry.mjs` (used by scripts/profile-api.ts): counts
 * every SQL statement the server executes — better-sqlite3 (the app's connection and the search engine's reader) and
 * pg — and appends one line per statement to the file named by SQL_TRACE_FILE (its time in microseconds and its text,
 * never its parameters). Without SQL_TRACE_FILE it only makes SIGUSR2 end the process normally, so that `--cpu-prof` writes its
 * profile. Never loaded by the app itself.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const file = process.env['SQL_TRACE_FILE'];

process.on('SIGUSR2', () => process.exit(0));

if (file) {
  // One line per statement: microseconds, a tab, the statement's text.
  const note = (sql, started) =>
    fs.appendFileSync(
      file,
      `${Math.round(Number(process.hrtime.bigint() - started) / 1000)}\t${String(sql).replace(/\s+/g, ' ').trim()}\n`,
    );
  const SQLite = require('better-sqlite3');
  const probe = new SQLite(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statement[method];
    statement[method] = function traced(...args) {
      const started = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        note(this.source, started);
      }
    };
  }
  const originalExec = SQLite.prototype.exec;
  SQLite.prototype.exec = function traced(sql) {
    const started = process.hrtime.bigint();
    try {
      return originalExec.call(this, sql);
    } finally {
      note(sql, started);
    }
  };
  const originalPragma = SQLite.prototype.pragma;
  SQLite.prototype.pragma = function traced(source, options) {
    const started = process.hrtime.bigint();
    try {
      return originalPragma.call(this, source, options);
    } finally {
      note(`PRAGMA ${source}`, started);
    }
  };
  const pg = require('pg');
  const originalQuery = pg.Client.prototype.query;
  // pg: the time until the query is sent (its round trip is not this process's CPU).
  pg.Client.prototype.query = function traced(config, ...rest) {
    const started = process.hrtime.bigint();
    try {
      return originalQuery.call(this, config, ...rest);
    } finally {
      note(typeof config === 'string' ? config : (config?.text ?? '?'), started);
    }
  };
}
