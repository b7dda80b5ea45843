/**
 * `npm run bench:load [-- --users 50 --duration 60 --workers 1,2 --think 1000 --services 10000 --referrals 10000
 * --json out.json]`: many signed-in caseworkers at once, as an office uses the app. Builds a temporary SQLite
 * database (sample region, synthetic services, an office with referrals, ten caseworker accounts of that office),
 * starts `npm start` with each worker count in turn, signs every user in through the form (own session each, several
 * users per account), and lets each user click through a mix of reads — search page, search API (as the
 * autocomplete asks), referral dashboard, referral detail, service detail — with a think time between clicks, on a
 * keep-alive connection of its own. Reports errors and p50/p95/p99 per route and overall, per worker count and side
 * by side; progress every five seconds. Prints figures; never asserts. See docs/performance.md.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedSampleRegion } from '../db/seed/seed';
import { createUser, findUserRowByEmail } from '../src/lib/auth/auth.queries';
import { hashPassword } from '../src/lib/auth/password';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { countServices } from '../src/lib/directory/service.queries';
import { openSearchEngine, rebuildSearchIndex } from '../src/lib/search/engine';
import { insertOfficeReferrals, insertSyntheticServices } from './bench-data';
import {
  emitJson,
  formatMachine,
  formatTable,
  machineInfo,
  mark,
  parseWorkerCounts,
  startBenchServer,
  summarize,
  type BenchServer,
  signInOverForm,
} from './bench-lib';
import { progressBar } from './cli';

const CASEWORKER = 'fachkraft@partnernetz.example';
const PASSWORD = 'Bench-Last-Passwort-42';
const ACCOUNTS = 10;
const TARGET_P95_MS = 150;

// What caseworkers search for: words, a typo, umlaut-free spelling, prefixes as typed, with and without filters.
const QUERIES = [
  'integrationskurs',
  'schuldnerberatung',
  'auslaenderbehoerde',
  'sprachcafe',
  'berufsberatung',
  'bewerbungstrainig',
  'jugendmigrationsdienst',
  'hausaufgabenhilfe',
  'anerkennung',
  'praktikum',
];
const PREFIXES = ['in', 'int', 'inte', 'integ', 'sch', 'schu', 'beru', 'spra'];

/** The routes of the mix and how often a click goes there (weights add up to 100). */
const ROUTES = [
  { route: 'GET /suche', weight: 25 },
  { route: 'GET /api/v1/search', weight: 25 },
  { route: 'GET /vermittlungen', weight: 15 },
  { route: 'GET /vermittlungen/[id]', weight: 15 },
  { route: 'GET /verzeichnis/[id]', weight: 20 },
] as const;
type Route = (typeof ROUTES)[number]['route'];

/** A small deterministic generator (mulberry32), so every run clicks the same way. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** One GET on the user's own keep-alive connection; resolves with status and time, never rejects. */
function get(
  agent: http.Agent,
  url: string,
  cookie: string,
): Promise<{ status: number; ms: number; body: string; error: string | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent, headers: { cookie, 'accept-encoding': 'identity' } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, body, error: null }),
        );
        response.on('error', (error) =>
          resolve({ status: 0, ms: performance.now() - started, body: '', error: error.message }),
        );
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error('Zeitüberschreitung (30 s)')));
    request.on('error', (error) =>
      resolve({ status: 0, ms: performance.now() - started, body: '', error: error.message }),
    );
  });
}

interface Sample {
  route: Route;
  ms: number;
  ok: boolean;
  error: string | null;
}

/** The figures of one route (or of all) in one run. */
function summarizeRoute(label: string, samples: Sample[], seconds: number) {
  const latency = summarize(samples.map((s) => s.ms));
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const errors = samples.filter((s) => !s.ok).length;
  return {
    route: label,
    anfragen: samples.length,
    fehler: errors,
    'req/s': Math.round((samples.length / seconds) * 10) / 10,
    'p50 ms': round(latency.p50),
    'p95 ms': round(latency.p95),
    'p99 ms': round(latency.p99),
    'max ms': round(latency.max),
  };
}

/** Runs the users against one server: sign-in, warm-up, then the measured window. */
async function runUsers(
  server: BenchServer,
  options: { users: number; duration: number; warmup: number; thinkMs: number; seed: number },
  emails: string[],
) {
  const { url } = server;
  console.log(`\n=== ${server.workers} Worker: ${options.users} Nutzerinnen melden sich an …`);
  const cookies: string[] = [];
  // One after another, as people arrive in the morning (sign-in hashes with argon2 on purpose).
  for (let i = 0; i < options.users; i++)
    cookies.push(await signInOverForm(url, emails[i % emails.length]!, PASSWORD));
  // Ids to click on: referrals of the office (from the dashboard) and services (from the search).
  const probe = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const dashboard = await get(probe, `${url}/vermittlungen?ansicht=dienststelle`, cookies[0]!);
  const referralIds = [
    ...new Set([...dashboard.body.matchAll(/href="\/vermittlungen\/([a-z0-9]{8,})"/g)].map((m) => m[1]!)),
  ];
  const serviceIds = new Set<string>();
  for (const q of QUERIES) {
    const found = await get(probe, `${url}/api/v1/search?q=${encodeURIComponent(q)}`, cookies[0]!);
    for (const hit of (JSON.parse(found.body) as { hits: { id: string }[] }).hits) serviceIds.add(hit.id);
  }
  probe.destroy();
  if (referralIds.length === 0 || serviceIds.size === 0) {
    throw new Error(
      `Keine Vermittlungen (${referralIds.length}) oder Angebote (${serviceIds.size}) zum Anklicken gefunden.`,
    );
  }
  const services = [...serviceIds];
  const pathFor = (route: Route, random: () => number): string => {
    switch (route) {
      case 'GET /suche':
        return `/suche?q=${encodeURIComponent(pick(random, QUERIES))}`;
      case 'GET /api/v1/search':
        // The autocomplete: short prefixes without facet counts, now and then a whole word with facets.
        return random() < 0.7
          ? `/api/v1/search?q=${pick(random, PREFIXES)}&facetten=nein`
          : `/api/v1/search?q=${encodeURIComponent(pick(random, QUERIES))}`;
      case 'GET /vermittlungen':
        return random() < 0.7 ? '/vermittlungen' : '/vermittlungen?ansicht=dienststelle';
      case 'GET /vermittlungen/[id]':
        return `/vermittlungen/${pick(random, referralIds)}`;
      case 'GET /verzeichnis/[id]':
        return `/verzeichnis/${pick(random, services)}`;
    }
  };
  const chooseRoute = (random: () => number): Route => {
    let roll = random() * 100;
    for (const { route, weight } of ROUTES) {
      roll -= weight;
      if (roll < 0) return route;
    }
    return ROUTES[0].route;
  };

  const samples: Sample[] = [];
  let recording = false;
  let stopped = false;
  const think = (random: () => number) =>
    options.thinkMs > 0
      ? new Promise((resolve) => setTimeout(resolve, options.thinkMs * (0.5 + random())))
      : Promise.resolve();
  const users = cookies.map(async (cookie, index) => {
    const random = randomFrom(options.seed + index);
    // A browser keeps its connection open; one per user, so users queue at the server, not in the client.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // Users do not all click in the same instant.
    await think(random);
    while (!stopped) {
      const route = chooseRoute(random);
      const result = await get(agent, `${url}${pathFor(route, random)}`, cookie);
      if (recording) {
        samples.push({
          route,
          ms: result.ms,
          ok: result.error === null && result.status === 200,
          error: result.error ?? (result.status === 200 ? null : `HTTP ${result.status}`),
        });
      }
      await think(random);
    }
    agent.destroy();
  });

  console.log(`Aufwärmen ${options.warmup} s …`);
  await new Promise((resolve) => setTimeout(resolve, options.warmup * 1000));
  recording = true;
  const started = performance.now();
  console.log(
    `Messung ${options.duration} s mit ${options.users} Nutzerinnen (Denkzeit ≈ ${options.thinkMs} ms) …`,
  );
  const progress = setInterval(() => {
    const elapsed = Math.round((performance.now() - started) / 1000);
    const p95 = summarize(samples.map((s) => s.ms)).p95;
    console.log(
      `  ${elapsed} s: ${samples.length} Anfragen, ${samples.filter((s) => !s.ok).length} Fehler, p95 bisher ${Math.round(p95)} ms`,
    );
  }, 5000);
  await new Promise((resolve) => setTimeout(resolve, options.duration * 1000));
  clearInterval(progress);
  recording = false;
  const seconds = (performance.now() - started) / 1000;
  stopped = true;
  await Promise.all(users);

  const rows = [
    ...ROUTES.map(({ route }) =>
      summarizeRoute(
        route,
        samples.filter((s) => s.route === route),
        seconds,
      ),
    ),
    summarizeRoute('gesamt', samples, seconds),
  ];
  const errorKinds: Record<string, number> = {};
  for (const sample of samples)
    if (sample.error) errorKinds[sample.error] = (errorKinds[sample.error] ?? 0) + 1;
  console.log(
    `\n${server.workers} Worker, ${options.users} Nutzerinnen, ${Math.round(seconds)} s:\n${formatTable(rows)}`,
  );
  if (Object.keys(errorKinds).length > 0) console.log(`Fehlerarten: ${JSON.stringify(errorKinds)}`);
  return {
    workers: server.workers,
    seconds: Math.round(seconds * 10) / 10,
    rows,
    errorKinds,
    load: os.loadavg(),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '50' },
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '10' },
      workers: { type: 'string', default: '1,2' },
      think: { type: 'string', default: '1000' },
      services: { type: 'string', default: '10000' },
      referrals: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '42' },
      json: { type: 'string' },
    },
  });
  const options = {
    users: Number(values.users),
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    thinkMs: Number(values.think),
    seed: Number(values.seed),
  };
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value < 0 || (name === 'users' && value < 1)) {
      console.error(`--${name === 'thinkMs' ? 'think' : name}: bitte eine Zahl angeben (war „${value}“).`);
      process.exit(2);
    }
  }
  const workerCounts = parseWorkerCounts(values.workers);
  if (!fs.existsSync(path.resolve(import.meta.dirname, '../dist/server/entry.mjs'))) {
    console.error('Kein Build gefunden (dist/server/entry.mjs). Bitte zuerst bauen: npm run build');
    process.exit(2);
  }
  const machine = machineInfo();
  console.log(`Lasttest mit angemeldeten Nutzerinnen – ${formatMachine(machine)}`);
  console.log(
    `Last des Rechners beim Start (uptime): ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}\n`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-bench-load-'));
  const databaseUrl = `sqlite:${path.join(dir, 'app.sqlite')}`;
  let server: BenchServer | null = null;
  try {
    const db = createDb({ databaseUrl });
    await migrateToLatest(db);
    await seedSampleRegion(db, { passwords: { [CASEWORKER]: PASSWORD } });
    await insertSyntheticServices(db, Number(values.services), options.seed);
    const referrals = await insertOfficeReferrals(db, CASEWORKER, Number(values.referrals), options.seed);
    const services = await countServices(db);
    const rebuildBar = progressBar('Suchindex aufbauen');
    const engine = await openSearchEngine(db, loadConfig({ DATABASE_URL: databaseUrl }));
    await rebuildSearchIndex(db, engine, (done) => rebuildBar(done, services));
    if ('close' in engine && typeof engine.close === 'function') engine.close();
    // Colleagues of the demo caseworker in the same office, each with the same known password.
    const caseworker = await findUserRowByEmail(db, CASEWORKER);
    const passwordHash = await hashPassword(PASSWORD);
    const emails = [CASEWORKER];
    for (let i = 1; i < ACCOUNTS; i++) {
      const email = `last.${i}@partnernetz.example`;
      await createUser(
        db,
        {
          displayName: `Fachkraft ${i} (Lasttest)`,
          email,
          role: 'caseworker',
          organizationId: caseworker!.organization_id,
          passwordHash,
        },
        new Date(),
      );
      emails.push(email);
    }
    await db.destroy();
    console.log(
      `${services} Angebote, ${referrals.summary.referrals} Vermittlungen der Dienststelle, ${emails.length} Zugänge.`,
    );

    const runs: Awaited<ReturnType<typeof runUsers>>[] = [];
    for (const workers of workerCounts) {
      // Jobs stay off: the figures are the pages', not a reminder run's that happens to fall into the window.
      server = await startBenchServer(databaseUrl, workers, { JOBS_INTERVAL_SECONDS: '0' });
      runs.push(await runUsers(server, options, emails));
      await server.stop();
      server = null;
    }

    const side = [...ROUTES.map((r) => r.route), 'gesamt'].map((route) => {
      const row: Record<string, string | number> = { route };
      for (const run of runs) {
        const figures = run.rows.find((r) => r.route === route)!;
        row[`p50 ${run.workers} W`] = figures['p50 ms'];
        row[`p95 ${run.workers} W`] = figures['p95 ms'];
        row[`p99 ${run.workers} W`] = figures['p99 ms'];
        row[`fehler ${run.workers} W`] = figures.fehler;
      }
      return row;
    });
    console.log(`\nNebeneinander (ms):\n${formatTable(side)}`);
    const targets = runs.map((run) => {
      const overall = run.rows.find((r) => r.route === 'gesamt')!;
      return {
        ziel: `${run.workers} Worker: p95 ≤ ${TARGET_P95_MS} ms, 0 Fehler`,
        messwert: `p95 ${overall['p95 ms']} ms, ${overall.fehler} Fehler, ${overall['req/s']} req/s`,
        ergebnis: mark(overall['p95 ms'] <= TARGET_P95_MS && overall.fehler === 0),
      };
    });
    console.log(`\nZiele:\n${formatTable(targets)}`);
    console.log(
      `Last des Rechners am Ende (uptime): ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    emitJson(
      { machine, options, services, referrals: referrals.summary.referrals, runs, targets },
      values.json,
    );
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
