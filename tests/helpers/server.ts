import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createDb } from '../../src/lib/db/create-db';
import { migrateToLatest } from '../../src/lib/db/migrator';
import { isDatabaseEmpty, seedSampleRegion, type DemoLogin } from '../../db/seed/seed';
import { seedSampleReferrals } from '../../db/seed/sample-referrals';
import { createTestDb, testDialects, type TestDialect } from './db';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'dist/server/entry.mjs');

/** Demo passwords the test servers are seeded with (never used outside tests). */
export const DEMO_PASSWORDS: Record<string, string> = {
  admin: 'Test-Admin-Passwort-1',
  coordinator: 'Test-Koordination-Passwort-2',
  caseworker: 'Test-Fachkraft-Passwort-3',
  partner: 'Test-Partner-Passwort-4',
};

/** A running built app on a fresh, seeded database of its own (SQLite, or PostgreSQL when asked). */
export interface TestServer {
  url: string;
  logins: DemoLogin[];
  databaseUrl: string;
  dialect: TestDialect;
  /** The server's process id (job lease holders name it). */
  pid: number;
  /** What the server printed so far (stdout and stderr), e.g. the error behind a 500. */
  output: () => string;
  /** Sends a signal (SIGKILL: a crash) and waits until the process is gone; the database stays. */
  kill: (signal: NodeJS.Signals) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The dialect a server starts on when its test names none. SQLite unless TEST_SERVER_DIALECT=postgres (which needs
 * TEST_DATABASE_URL): the switch runs every server suite that does not loop over `serverDialects` on PostgreSQL.
 */
export function defaultServerDialect(): TestDialect {
  const wanted = process.env['TEST_SERVER_DIALECT'];
  if (!wanted || wanted === 'sqlite') return { name: 'sqlite' };
  if (wanted === 'postgres') {
    if (!process.env['TEST_DATABASE_URL'])
      throw new Error(
        'TEST_SERVER_DIALECT=postgres braucht TEST_DATABASE_URL (z. B. postgres://postgres@127.0.0.1:5432/postgres).',
      );
    return { name: 'postgres' };
  }
  throw new Error(`TEST_SERVER_DIALECT: „${wanted}“ ist unbekannt – erlaubt sind sqlite und postgres.`);
}

/** The dialects a server suite loops over: SQLite, and PostgreSQL too when TEST_DATABASE_URL is set. */
export const serverDialects: TestDialect[] = testDialects;

/** How a test server is set up beyond its environment. */
export interface TestServerOptions {
  /** The database dialect (default: `defaultServerDialect()`); PostgreSQL gets a database of its own, dropped on stop. */
  dialect?: TestDialect;
  /**
   * A database the test owns (e.g. PostgreSQL shared by two servers): migrated, seeded only while it is empty, and
   * left in place by `stop`. Overrides `dialect`.
   */
  databaseUrl?: string;
  /** Also seed the sample cases and referrals (with a link mail in the outbox), as `npm start` does. */
  sampleReferrals?: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Whether `npm run build` has produced the server (server and e2e tests need it). */
export function isBuilt(): boolean {
  return fs.existsSync(entry);
}

/** Starts `node dist/server/entry.mjs` on a free port with a fresh seeded database. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  if (!isBuilt()) throw new Error('Kein Build gefunden: bitte zuerst `npm run build` ausführen.');
  const dialect = options.databaseUrl
    ? { name: options.databaseUrl.startsWith('sqlite:') ? ('sqlite' as const) : ('postgres' as const) }
    : (options.dialect ?? defaultServerDialect());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let databaseUrl: string;
  let logins: DemoLogin[];
  let dropDatabase: () => Promise<void>;
  if (options.databaseUrl) {
    // A shared database: the first server seeds it, the next ones find it filled.
    databaseUrl = options.databaseUrl;
    const shared = createDb({ databaseUrl });
    try {
      await migrateToLatest(shared);
      logins = (await isDatabaseEmpty(shared))
        ? await seedSampleRegion(shared, { passwords: DEMO_PASSWORDS })
        : [];
    } finally {
      await shared.destroy();
    }
    dropDatabase = async () => {};
  } else {
    const database = await createTestDb(dialect);
    databaseUrl = database.url;
    dropDatabase = database.drop;
    try {
      logins = await seedSampleRegion(database.db, { passwords: DEMO_PASSWORDS });
      if (options.sampleReferrals) await seedSampleReferrals(database.db, url);
      // The server is the only one to hold the database while it runs; tests open their own handle if they need one.
      await database.close();
    } catch (error) {
      await database.drop();
      throw error;
    }
  }
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: url,
      TILE_URL: '',
      // No background jobs unless a test asks for them: what a test sees must not depend on a timer.
      JOBS_INTERVAL_SECONDS: '0',
      // The demo admin and coordinator have no second factor; suites that test it ask for MFA_REQUIRED_ROLES.
      MFA_REQUIRED_ROLES: 'none',
      // Production refuses to start without its own key (decision 0018); a test key, 32 bytes in Base64.
      DATA_ENCRYPTION_KEY: 'dGVzdC1zZXJ2ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));

  const stopChild = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  // Ready means /healthz answers; a busy machine may take a while, so the bound is generous.
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Server beendet (${child.exitCode}):\n${output}`);
      try {
        const response = await fetch(`${url}/healthz`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`Server nicht bereit nach 60 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stopChild();
    await dropDatabase();
    throw error;
  }

  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    logins,
    databaseUrl,
    dialect,
    pid: child.pid!,
    output: () => output,
    kill,
    stop: async () => {
      await stopChild();
      await dropDatabase();
    },
  };
}

/** Signs in over HTTP and returns the session cookie pair ("name=value"). */
export async function signInOverHttp(server: TestServer, email: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/anmelden`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.includes('jmd_session='));
  if (response.status !== 303 || !cookie) throw new Error(`Anmeldung fehlgeschlagen: ${response.status}`);
  return cookie.split(';')[0]!;
}
