import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedSampleRegion } from '../../db/seed/seed';
import { findJobState } from '../../src/lib/jobs/job.queries';
import { listSearchCounts } from '../../src/lib/report/report.queries';
import { primaryPid, startApp, workerPids, type AppProcess } from '../helpers/app-process';
import { createTestDb, type TestDb } from '../helpers/db';
import { DEMO_PASSWORDS } from '../helpers/server';

/** The process id inside a lease holder name ("host:pid:random"). */
const pidOf = (holder: string | null | undefined) => Number(holder?.split(':').at(-2));

/** Signs in through the app's form and returns the session cookie pair. */
async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/anmelden`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.includes('jmd_session='));
  if (response.status !== 303 || !cookie) throw new Error(`Anmeldung fehlgeschlagen: ${response.status}`);
  return cookie.split(';')[0]!;
}

/** GET on a connection of its own (no keep-alive): the cluster's primary hands each one to the next worker. */
function getOnNewConnection(url: string, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { cookie } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/**
 * Clients that ask one after another until stopped, as browsers with keep-alive connections do; every answer that
 * is not an HTTP response below 500 counts as failed.
 */
function startTraffic(url: string, cookie: string, clients: number) {
  const paths = ['/healthz', '/suche?q=beratung', '/api/v1/search?q=sprachkurs', '/vermittlungen'];
  let stopped = false;
  const counts = { ok: 0, failed: [] as string[] };
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = client; !stopped; i++) {
      const path = paths[i % paths.length]!;
      try {
        const response = await fetch(`${url}${path}`, {
          headers: { cookie },
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        if (response.status >= 500) counts.failed.push(`${path}: HTTP ${response.status}`);
        else counts.ok++;
      } catch (error) {
        counts.failed.push(`${path}: ${(error as Error).cause ?? (error as Error).message}`);
      }
    }
  });
  return {
    counts,
    /** How many requests succeeded so far. */
    done: () => counts.ok,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return counts;
    },
  };
}

describe('npm start with two workers on one SQLite file', () => {
  let database: TestDb;
  let app: AppProcess;
  let caseworker: string;
  beforeAll(async () => {
    database = await createTestDb({ name: 'sqlite' });
    await seedSampleRegion(database.db, { passwords: DEMO_PASSWORDS });
    app = await startApp(database.url, { WEB_CONCURRENCY: '2', JOBS_INTERVAL_SECONDS: '1' });
    caseworker = await signIn(app.url, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('runs two workers, and only the first one runs the background jobs', async () => {
    const pids = workerPids(app.output());
    expect([...pids.keys()].sort()).toEqual([1, 2]);
    // Three job runs in a row, each under a lease held by worker 1 and never by worker 2.
    const holders = new Set<number>();
    let lastRun: string | null = null;
    for (let run = 0; run < 3; run++) {
      await vi.waitFor(
        async () => {
          const state = await findJobState(database.db, 'reminders');
          expect(state?.lastRunAt).toBeTruthy();
          expect(state!.lastRunAt).not.toBe(lastRun);
          lastRun = state!.lastRunAt;
          holders.add(pidOf(state!.holder));
        },
        { timeout: 60_000, interval: 50 },
      );
    }
    expect([...holders]).toEqual([pids.get(1)]);
  }, 120_000);

  it('runs the bundled worker program without the TypeScript loader the primary runs under', async () => {
    const commandLine = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const primary = commandLine(primaryPid(app.output()));
    expect(primary.join(' ')).toContain('tsx');
    for (const pid of workerPids(app.output()).values()) {
      const worker = commandLine(pid);
      // Only node and the program: no --import/--require of a loader whose hooks every request would pass through.
      expect(worker.filter(Boolean)).toEqual([process.execPath, path.resolve('dist/serve/worker.mjs')]);
    }
  });

  it('finds a service renamed through one worker in the next search on either worker', async () => {
    const coordinator = await signIn(
      app.url,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    const list = await getOnNewConnection(`${app.url}/pflege?ansicht=alle&q=Sprachcaf%C3%A9`, coordinator);
    const id = /href="\/pflege\/angebote\/([a-z0-9]+)"/.exec(list.body)![1]!;
    const form = await getOnNewConnection(`${app.url}/pflege/angebote/${id}`, coordinator);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
    const saved = await fetch(`${app.url}/pflege/angebote/${id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: coordinator, origin: app.url },
      body: new URLSearchParams({
        intent: 'save',
        version,
        name: 'Sprachcafé Wombatweg (Beispiel)',
        termIds: 'sprache.sprachcafe',
        status: 'active',
      }),
    });
    expect(saved.status).toBe(303);
    // Six new connections: the primary hands them to the workers in turn, so each worker answers three.
    for (let i = 0; i < 6; i++) {
      const found = await getOnNewConnection(`${app.url}/api/v1/search?q=wombatweg`, caseworker);
      expect(found.status).toBe(200);
      const body = JSON.parse(found.body) as { hits: { id: string; name: string }[] };
      expect(body.hits.map((hit) => hit.id)).toEqual([id]);
    }
  });

  it('replaces a worker that died, and the other one serves meanwhile', async () => {
    const before = workerPids(app.output());
    const from = app.output().length;
    // A crash: what the killed worker was answering is lost, so no traffic runs while it dies.
    process.kill(before.get(2)!, 'SIGKILL');
    await app.waitFor(/Worker 2 \(PID \d+\) unerwartet beendet \(Signal SIGKILL\); Ersatz/, from);
    for (let i = 0; i < 4; i++) {
      expect((await getOnNewConnection(`${app.url}/suche?q=beratung`, caseworker)).status).toBe(200);
    }
    await app.waitFor(/Worker 2 \(PID \d+\) bereit/, from);
    for (let i = 0; i < 4; i++) {
      expect((await getOnNewConnection(`${app.url}/suche?q=beratung`, caseworker)).status).toBe(200);
    }
    const after = workerPids(app.output());
    expect(after.get(1)).toBe(before.get(1));
    expect(after.get(2)).not.toBe(before.get(2));
  }, 120_000);

  it('restarts the workers one at a time on SIGHUP without a failed request', async () => {
    const before = workerPids(app.output());
    const traffic = startTraffic(app.url, caseworker, 4);
    // Traffic is flowing before the restart begins …
    await vi.waitFor(() => expect(traffic.done()).toBeGreaterThan(20), { timeout: 60_000, interval: 20 });
    const from = app.output().length;
    process.kill(primaryPid(app.output()), 'SIGHUP');
    await app.waitFor(/Neustart abgeschlossen: 2 Worker/, from);
    const duringRestart = traffic.done();
    // … and still after it, served by the new workers.
    await vi.waitFor(() => expect(traffic.done()).toBeGreaterThan(duringRestart + 20), {
      timeout: 60_000,
      interval: 20,
    });
    const counts = await traffic.stop();
    expect(counts.failed).toEqual([]);
    const after = workerPids(app.output());
    expect(after.get(1)).not.toBe(before.get(1));
    expect(after.get(2)).not.toBe(before.get(2));
  }, 180_000);
});

/**
 * Sends a sign-in form's head with "Expect: 100-continue" and holds its body back until asked. The server's
 * "100 Continue" says the app has taken the request: from then on it is in flight.
 */
function requestInFlight(url: string) {
  const body = 'email=fachkraft%40partnernetz.example&password=nicht-das-richtige-Passwort';
  let accepted!: () => void;
  const inFlight = new Promise<void>((resolve) => (accepted = resolve));
  let finish!: () => void;
  const response = new Promise<number>((resolve, reject) => {
    const request = http.request(
      new URL('/anmelden', url),
      {
        method: 'POST',
        agent: false,
        headers: {
          origin: url,
          expect: '100-continue',
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.on('continue', accepted);
    request.flushHeaders();
    finish = () => request.end(body);
  });
  return { inFlight, response, finish: () => finish() };
}

describe.each([
  { workers: '1', name: 'one process' },
  { workers: '2', name: 'two workers' },
])('npm start with $name stopped by SIGTERM', ({ workers }) => {
  let database: TestDb;
  beforeAll(async () => {
    database = await createTestDb({ name: 'sqlite' });
    await seedSampleRegion(database.db, { passwords: DEMO_PASSWORDS });
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('answers the request in flight, gives the job leases up and exits with 0', async () => {
    const app = await startApp(database.url, { WEB_CONCURRENCY: workers, JOBS_INTERVAL_SECONDS: '1' });
    try {
      // One is one worker under the primary too (decision 0025): the server never runs under the TypeScript loader.
      expect(workerPids(app.output()).size).toBe(Number(workers));
      // No request yet: the job loop starts with the worker, not with its first visitor.
      await vi.waitFor(
        async () => expect(pidOf((await findJobState(database.db, 'mail'))?.holder)).toBeGreaterThan(0),
        { timeout: 60_000, interval: 50 },
      );
      // A counted search waits in the worker's memory (decision 0028) until the shutdown hook writes it.
      const signedIn = await fetch(`${app.url}/anmelden`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url },
        body: new URLSearchParams({
          email: 'fachkraft@partnernetz.example',
          password: DEMO_PASSWORDS['caseworker']!,
        }),
      });
      const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const search = await fetch(`${app.url}/api/v1/search?q=Abschiedsprobe`, { headers: { cookie } });
      expect(search.status).toBe(200);
      const held = requestInFlight(app.url);
      await held.inFlight;
      const from = app.output().length;
      app.child.kill('SIGTERM');
      await app.waitFor(/nimmt keine neuen Verbindungen an, 1 laufende Anfrage/, from);
      held.finish();
      expect(await held.response).toBeLessThan(500);
      expect(await app.exited).toBe(0);
      // The shutdown hooks ran: the job loop gave its leases up, so another instance can take over at once.
      expect(await findJobState(database.db, 'mail')).toMatchObject({ holder: null });
      // … and the worker wrote the searches it had counted.
      const counted = (await listSearchCounts(database.db)).filter((row) => row.query === 'abschiedsprobe');
      expect(counted.map((row) => Number(row.searches))).toEqual([1]);
      await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    } finally {
      await app.stop();
    }
  }, 180_000);
});
