import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/lib/db/create-db';
import { migrateToLatest } from '../../src/lib/db/migrator';
import { isDatabaseEmpty, seedSampleRegion, type DemoLogin } from '../../db/seed/seed';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'dist/server/entry.mjs');

/** Demo passwords the test servers are seeded with (never used outside tests). */
export const DEMO_PASSWORDS: Record<string, string> = {
  admin: 'Test-Admin-Passwort-1',
  coordinator: 'Test-Koordination-Passwort-2',
  caseworker: 'Test-Fachkraft-Passwort-3',
  partner: 'Test-Partner-Passwort-4',
};

/** A running built app on a fresh, seeded SQLite database (or the database a test gave it). */
export interface TestServer {
  url: string;
  logins: DemoLogin[];
  databaseUrl: string;
  /** The server's process id (job lease holders name it). */
  pid: number;
  /** What the server printed so far. */
  output: () => string;
  /** Sends a signal (SIGKILL: a crash) and waits until the process is gone; the database stays. */
  kill: (signal: NodeJS.Signals) => Promise<void>;
  stop: () => Promise<void>;
}

/** Where a test server keeps its data: by default a fresh SQLite file, seeded. */
export interface TestServerOptions {
  /**
   * A database the test owns (e.g. PostgreSQL shared by two servers): migrated, seeded only while it is empty,
   * and left in place by `stop`.
   */
  databaseUrl?: string;
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-server-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(dir, 'app.sqlite')}`;
  const db = createDb({ databaseUrl });
  await migrateToLatest(db);
  const logins =
    options.databaseUrl && !(await isDatabaseEmpty(db))
      ? []
      : await seedSampleRegion(db, { passwords: DEMO_PASSWORDS });
  await db.destroy();

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
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
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Server beendet (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Server nicht bereit nach 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
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
    pid: child.pid!,
    output: () => output,
    kill,
    stop: async () => {
      await kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
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
