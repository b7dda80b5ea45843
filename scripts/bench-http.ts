/**
 * `npm run bench:http [-- --services 10000 --referrals 10000 --only search,dashboard,groups --duration 10
 * --connections 10 --workers 1,2 --json out.json]`: starts the built app on a temporary SQLite database with the sample region,
 * 10,000 synthetic services and an office with 10,000 referrals, signs in as a caseworker and loads `/healthz`,
 * the search API, the search page and the referral dashboard (own and whole office) with autocannon on loopback;
 * also measures the size of the map's GeoJSON. `groups`: the caseworker is a member of 20 working groups, one of
 * them with 200 meetings and 2,000 action items; measures that group's page, "Meine Aufgaben", the group list and
 * the minutes search. `--workers 1,2` measures everything with one and with two worker processes (`npm start`'s
 * WEB_CONCURRENCY) one after the other and prints them side by side. Prints figures; never asserts. See
 * docs/performance.md.
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedSampleRegion } from '../db/seed/seed';
import { insertSyntheticNetworks, type SyntheticNetworkSummary } from '../db/seed/synthetic-networks';
import { findUserRowByEmail } from '../src/lib/auth/auth.queries';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { listOrganizations } from '../src/lib/directory/organization.queries';
import { countServices } from '../src/lib/directory/service.queries';
import { openSearchEngine, rebuildSearchIndex } from '../src/lib/search/engine';
import {
  compressedSizes,
  emitJson,
  parseWorkerCounts,
  startBenchServer,
  type BenchServer,
  formatMachine,
  formatTable,
  machineInfo,
  mark,
  summarize,
  BENCH_SEARCHES,
  signInOverForm,
} from './bench-lib';
import { insertOfficeReferrals, insertSyntheticServices } from './bench-data';
import { progressBar } from './cli';

const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, 'dist/server/entry.mjs');
const CASEWORKER = 'fachkraft@partnernetz.example';
const PASSWORD = 'Bench-Fachkraft-Passwort-7';
// The other office's caseworker: the same dashboard with no referrals, as the peer of the full one.
const EMPTY_OFFICE_CASEWORKER = 'fachkraft.moisling@partnernetz.example';
const EMPTY_OFFICE_PASSWORD = 'Bench-Fachkraft-Passwort-8';
const SCENARIOS = ['search', 'dashboard', 'groups'] as const;
type Scenario = (typeof SCENARIOS)[number];

// autocannon ships no types; this is the part of its API the benchmark uses.
interface AutocannonRequest {
  method: 'GET';
  path: string;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult> & {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void,
  ): void;
};
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// What caseworkers type: words, a typo, umlaut-free spelling, a prefix, with and without filters; some as the
// autocomplete sends them (no facet counts).
const SEARCHES = BENCH_SEARCHES;

/** Bytes on the wire of a GET as a browser asks for it (gzip or Brotli allowed), without decompressing. */
function wireSize(url: string, cookie: string): Promise<{ bytes: number; encoding: string | null }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie, 'accept-encoding': 'gzip, deflate, br' } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] ?? null }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** One autocannon run, summarized. */
interface LoadResult {
  ziel: string;
  pfade: number;
  'req/s': number;
  'p50 ms': number;
  'p95 ms': number;
  'p99 ms': number;
  'max ms': number;
  anfragen: number;
  '2xx': number;
  'nicht-2xx': number;
  '4xx': number;
  '5xx': number;
  fehler: number;
  timeouts: number;
}

async function load(
  label: string,
  url: string,
  paths: string[],
  cookie: string,
  options: { duration: number; connections: number },
): Promise<LoadResult> {
  console.log(`autocannon ${label}: ${options.duration} s, ${options.connections} Verbindungen …`);
  const run = autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    // As a browser asks: compressed answers allowed (compressing costs the server time too).
    headers: { cookie, 'accept-encoding': 'gzip, deflate, br' },
    requests: paths.map((p) => ({ method: 'GET', path: p })),
  });
  // autocannon's histogram has no p95 and whole milliseconds; every response time gives all three percentiles.
  const samples: number[] = [];
  run.on('response', (_client, _status, _bytes, ms) => samples.push(ms));
  const result = await run;
  const latency = summarize(samples);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    ziel: label,
    pfade: paths.length,
    'req/s': Math.round(result.requests.average),
    'p50 ms': round(latency.p50),
    'p95 ms': round(latency.p95),
    'p99 ms': round(latency.p99),
    'max ms': round(latency.max),
    anfragen: result.requests.total,
    '2xx': result['2xx'],
    'nicht-2xx': result.non2xx,
    '4xx': result['4xx'],
    '5xx': result['5xx'],
    fehler: result.errors,
    timeouts: result.timeouts,
  };
}

/** The newest modification time below a folder (to warn when the build is older than the sources). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (item.isFile()) newest = Math.max(newest, fs.statSync(path.join(item.parentPath, item.name)).mtimeMs);
  }
  return newest;
}

/**
 * The map in a real browser: the time from the GeoJSON's arrival (resource timing) to the first clustered markers
 * on screen (a MutationObserver installed before the page's scripts run). Skipped with a notice without Chromium.
 */
async function measureMap(
  url: string,
  cookie: string,
): Promise<{ ms: number | null; markers: number; notice: string | null }> {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    return {
      ms: null,
      markers: 0,
      notice: `Kein Chromium unter ${executablePath} – Kartenmessung übersprungen.`,
    };
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext();
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url }]);
    const page = await context.newPage();
    await page.addInitScript(() => {
      const state = window as unknown as { __firstMarkers?: number };
      new MutationObserver(() => {
        if (
          state.__firstMarkers === undefined &&
          document.querySelector('.marker-cluster, .leaflet-marker-icon')
        ) {
          state.__firstMarkers = performance.now();
        }
      }).observe(document, { subtree: true, childList: true });
    });
    await page.goto(`${url}/suche`, { waitUntil: 'load' });
    await page.waitForFunction(
      () => (window as unknown as { __firstMarkers?: number }).__firstMarkers !== undefined,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const timing = await page.evaluate(() => {
      const entry = performance
        .getEntriesByType('resource')
        .find((e) => e.name.includes('search.geojson')) as PerformanceResourceTiming | undefined;
      return {
        arrived: entry?.responseEnd ?? null,
        shown: (window as unknown as { __firstMarkers?: number }).__firstMarkers ?? null,
        markers: document.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length,
      };
    });
    if (timing.arrived === null || timing.shown === null) {
      return {
        ms: null,
        markers: timing.markers,
        notice: 'Die GeoJSON-Anfrage der Karte wurde nicht gefunden.',
      };
    }
    return { ms: Math.round(timing.shown - timing.arrived), markers: timing.markers, notice: null };
  } finally {
    await browser.close();
  }
}

/** Reads `--only` ("search,dashboard"); throws a German message for an unknown part. */
function parseScenarios(value: string): Scenario[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = parts.filter((part) => !(SCENARIOS as readonly string[]).includes(part));
  if (parts.length === 0 || unknown.length > 0) {
    throw new Error(`--only: erlaubt sind ${SCENARIOS.join(', ')} (mit Komma getrennt), war „${value}“.`);
  }
  return SCENARIOS.filter((scenario) => parts.includes(scenario));
}

/** `n` requests one after another: the latency of a page without queueing behind other requests. */
async function sequential(
  get: (p: string) => Promise<Response>,
  p: string,
  n: number,
): Promise<{ status: number; bytes: number; latency: ReturnType<typeof summarize> }> {
  const times: number[] = [];
  let status = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await get(p);
    bytes = (await response.arrayBuffer()).byteLength;
    times.push(performance.now() - started);
    status = response.status;
  }
  return { status, bytes, latency: summarize(times) };
}

const share = (part: LoadResult | undefined, whole: LoadResult | undefined) =>
  part && whole && whole['req/s'] > 0 ? Math.round((part['req/s'] / whole['req/s']) * 1000) / 10 : null;
const isClean = (result: LoadResult | undefined) =>
  result !== undefined && result['nicht-2xx'] === 0 && result.fehler === 0;

async function main() {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '10000' },
      referrals: { type: 'string', default: '10000' },
      only: { type: 'string', default: SCENARIOS.join(',') },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      workers: { type: 'string', default: '1' },
      // The server's JOBS_INTERVAL_SECONDS (the app's default: 60); 0 keeps job runs out of the figures.
      'jobs-interval': { type: 'string', default: '60' },
      seed: { type: 'string', default: '42' },
      json: { type: 'string' },
    },
  });
  if (!fs.existsSync(entry)) {
    console.error('Kein Build gefunden (dist/server/entry.mjs). Bitte zuerst bauen: npm run build');
    process.exit(2);
  }
  if (newestMtime(path.join(root, 'src')) > fs.statSync(entry).mtimeMs) {
    console.log(
      'Hinweis: Der Build ist älter als der Quelltext in src/ – gemessen wird der Build (npm run build).',
    );
  }
  const scenarios = parseScenarios(values.only);
  const workerCounts = parseWorkerCounts(values.workers);
  const runs = (scenario: Scenario) => scenarios.includes(scenario);
  const count = Number(values.services);
  const referralCount = Number(values.referrals);
  const options = { duration: Number(values.duration), connections: Number(values.connections) };
  const machine = machineInfo();
  console.log(`HTTP-Benchmark (${scenarios.join(', ')}) – ${formatMachine(machine)}\n`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-bench-http-'));
  const databaseUrl = `sqlite:${path.join(dir, 'app.sqlite')}`;
  let server: BenchServer | null = null;
  try {
    const db = createDb({ databaseUrl });
    await migrateToLatest(db);
    await seedSampleRegion(db, {
      passwords: { [CASEWORKER]: PASSWORD, [EMPTY_OFFICE_CASEWORKER]: EMPTY_OFFICE_PASSWORD },
    });
    let seeding: Record<string, unknown> = {};
    if (runs('search')) {
      const insertStarted = performance.now();
      await insertSyntheticServices(db, count, Number(values.seed));
      const insertSeconds = Math.round((performance.now() - insertStarted) / 100) / 10;
      const services = await countServices(db);
      const rebuildBar = progressBar('Suchindex aufbauen');
      const rebuildStarted = performance.now();
      const engine = await openSearchEngine(db, loadConfig({ DATABASE_URL: databaseUrl }));
      await rebuildSearchIndex(db, engine, (done) => rebuildBar(done, services));
      const rebuildSeconds = Math.round((performance.now() - rebuildStarted) / 100) / 10;
      if ('close' in engine && typeof engine.close === 'function') engine.close();
      console.log(
        `${services} Angebote (${insertSeconds} s eingefügt), Suchindex in ${rebuildSeconds} s aufgebaut.`,
      );
      seeding = { services, insertSeconds, rebuildSeconds };
    }
    let referralSeed: Awaited<ReturnType<typeof insertOfficeReferrals>> | null = null;
    if (runs('dashboard')) {
      referralSeed = await insertOfficeReferrals(db, CASEWORKER, referralCount, Number(values.seed));
      const { summary } = referralSeed;
      console.log(
        `${summary.referrals} Vermittlungen (${referralSeed.own} der Fachkraft) in ${summary.cases} Fällen, ` +
          `${summary.events} Verlaufseinträge, ${summary.consents} Einwilligungen in ${referralSeed.seconds} s eingefügt.`,
      );
      seeding = {
        ...seeding,
        referrals: { ...summary, own: referralSeed.own, seconds: referralSeed.seconds },
      };
    }
    let networkSeed: SyntheticNetworkSummary | null = null;
    if (runs('groups')) {
      const caseworker = await findUserRowByEmail(db, CASEWORKER);
      if (!caseworker) throw new Error(`${CASEWORKER} fehlt in der Beispielregion.`);
      const organizations = (await listOrganizations(db, {})).items.map((o) => o.id);
      const started = performance.now();
      networkSeed = await insertSyntheticNetworks(db, {
        userId: caseworker.id,
        organizationIds: organizations,
        groups: 20,
        meetings: 200,
        actionItems: 2000,
        now: new Date(),
        seed: Number(values.seed),
      });
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      console.log(
        `${networkSeed.groups} Arbeitskreise mit ${networkSeed.meetings} Treffen und ${networkSeed.actionItems} ` +
          `Aufgaben (${networkSeed.usersItems} der Fachkraft) in ${seconds} s eingefügt.`,
      );
      seeding = { ...seeding, networks: { ...networkSeed, seconds } };
    }
    await db.destroy();

    // The same measurements against the server with each worker count (WEB_CONCURRENCY), one after another.
    const measure = async (url: string, workers: number) => {
      console.log(`\n=== ${workers} Worker ===`);
      const cookie = await signInOverForm(url, CASEWORKER, PASSWORD);
      // A new connection per request: the cluster hands each to the next worker, so every worker gets warm.
      const warm = async (p: string, pageCookie = cookie) => {
        for (let i = 0; i < workers * 3; i++) {
          await (
            await fetch(`${url}${p}`, { headers: { cookie: pageCookie, connection: 'close' } })
          ).arrayBuffer();
        }
      };
      const get = (p: string) => fetch(`${url}${p}`, { headers: { cookie } });
      const results: LoadResult[] = [];
      const targets: { ziel: string; messwert: string; ergebnis: string }[] = [];
      const report: Record<string, unknown> = {};

      // Every target gets the session cookie, so the ratios compare the page itself, not the session lookup.
      const trivial = await load('GET /healthz', url, ['/healthz'], cookie, options);
      results.push(trivial);

      if (runs('search')) {
        // Warm-up: opens the engine, fills caches, JIT-compiles the hot paths — in every worker.
        for (const q of SEARCHES) {
          await warm(`/api/v1/search?${q}`);
          await warm(`/suche?${q}`);
        }
        const probe = await Promise.all(
          ['/healthz', `/api/v1/search?${SEARCHES[0]}`, `/suche?${SEARCHES[0]}`].map(async (p) => {
            const response = await get(p);
            await response.arrayBuffer();
            return `${p} → HTTP ${response.status}`;
          }),
        );
        console.log(`Stichprobe: ${probe.join('; ')}\n`);

        // One request at a time per search: where the time goes (engine time as the API reports it vs. the whole
        // request), before the load runs mix them.
        const single = [];
        for (const q of SEARCHES) {
          const http: number[] = [];
          const took: number[] = [];
          let total = 0;
          for (let i = 0; i < 20; i++) {
            const started = performance.now();
            const response = await get(`/api/v1/search?${q}`);
            const body = (await response.json()) as { took_ms?: number; total?: number };
            http.push(performance.now() - started);
            took.push(body.took_ms ?? Number.NaN);
            total = body.total ?? 0;
          }
          single.push({
            abfrage: decodeURIComponent(q),
            treffer: total,
            'http p50 ms': summarize(http).p50,
            'engine p50 ms': summarize(took).p50,
          });
        }
        console.log(`Einzelne Anfragen an /api/v1/search (je 20, nacheinander):\n${formatTable(single)}\n`);

        const api = await load(
          'GET /api/v1/search',
          url,
          SEARCHES.map((q) => `/api/v1/search?${q}`),
          cookie,
          options,
        );
        const page = await load(
          'GET /suche',
          url,
          SEARCHES.map((q) => `/suche?${q}`),
          cookie,
          options,
        );
        results.push(api, page);

        const geoStarted = performance.now();
        const geoResponse = await get('/api/v1/search.geojson');
        const geoBody = Buffer.from(await geoResponse.arrayBuffer());
        const geoMs = Math.round(performance.now() - geoStarted);
        let features: number | null = null;
        try {
          features =
            (JSON.parse(geoBody.toString('utf8')) as { features?: unknown[] }).features?.length ?? null;
        } catch {
          features = null;
        }
        const sizes = compressedSizes(geoBody);
        const wire = await wireSize(`${url}/api/v1/search.geojson`, cookie);
        const geojson = {
          status: geoResponse.status,
          features,
          ms: geoMs,
          rawKb: Math.round(sizes.raw / 102.4) / 10,
          gzipKb: Math.round(sizes.gzip / 102.4) / 10,
          brotliKb: Math.round(sizes.brotli / 102.4) / 10,
          wireKb: Math.round(wire.bytes / 102.4) / 10,
          wireEncoding: wire.encoding,
        };

        // A browser that times out on a loaded machine costs the map figure, not the whole run.
        const map = await measureMap(url, cookie).catch((error: unknown) => ({
          ms: null,
          markers: 0,
          notice: `Kartenmessung abgebrochen: ${error instanceof Error ? error.message.split('\n')[0] : 'Fehler'}`,
        }));
        console.log(
          map.ms === null
            ? `Karte: ${map.notice}`
            : `Karte: ${map.markers} Cluster/Marker sichtbar ${map.ms} ms nach Ankunft der GeoJSON-Daten (Chromium, ohne Kacheln).`,
        );
        const apiShare = share(api, trivial);
        console.log(
          `\nSuch-API / trivialer Endpunkt: ${apiShare ?? '–'} % des Durchsatzes` +
            (api['nicht-2xx'] > 0 ? ` (Achtung: ${api['nicht-2xx']} Antworten nicht 2xx)` : ''),
        );
        if (page['nicht-2xx'] > 0) console.log(`Suchseite: ${page['nicht-2xx']} Antworten nicht 2xx.`);
        console.log(
          `GeoJSON (alle Punkte): HTTP ${geojson.status}, ${geojson.features ?? '?'} Punkte, ${geojson.rawKb} KB roh, ` +
            `${geojson.gzipKb} KB gzip, ${geojson.brotliKb} KB Brotli, ${geojson.ms} ms` +
            (geojson.wireEncoding
              ? `; übertragen ${geojson.wireKb} KB (${geojson.wireEncoding})`
              : `; übertragen ${geojson.wireKb} KB (Server komprimiert nicht)`),
        );
        // What the browser receives counts; without compression by the server, gzip level 6 is what a proxy would
        // send.
        const mapKb = geojson.wireEncoding ? geojson.wireKb : geojson.gzipKb;
        const apiOk = isClean(api);
        targets.push(
          {
            ziel: 'Such-API ≥ 60 % des trivialen Durchsatzes',
            messwert: `${apiShare ?? '–'} %`,
            ergebnis: mark(apiShare === null || !apiOk ? false : apiShare >= 60),
          },
          {
            ziel: 'Such-API p99 ≤ 50 ms',
            messwert: `${api['p99 ms']} ms`,
            ergebnis: mark(apiOk && api['p99 ms'] <= 50),
          },
          {
            ziel: 'Karte geclustert ≤ 1 s nach Ankunft der Punkte',
            messwert: map.ms === null ? (map.notice ?? '–') : `${map.ms} ms`,
            ergebnis: mark(map.ms === null ? null : map.ms <= 1000),
          },
          {
            ziel: 'Karte ≤ 300 KB komprimiert',
            messwert: `${mapKb} KB (${geojson.wireEncoding ?? 'gzip, geschätzt'})`,
            ergebnis: mark(geojson.status === 200 && mapKb <= 300),
          },
        );
        Object.assign(report, { searches: SEARCHES, single, apiShareOfTrivial: apiShare, geojson, map });
      }

      if (runs('dashboard') && referralSeed) {
        // The peer: the same page for a caseworker of the other office, which has no referrals (same layout,
        // session check and queries, no rows), so the difference is what 10,000 referrals cost.
        const emptyCookie = await signInOverForm(url, EMPTY_OFFICE_CASEWORKER, EMPTY_OFFICE_PASSWORD);
        const pages = [
          { label: 'GET /vermittlungen (leere Dienststelle)', path: '/vermittlungen', cookie: emptyCookie },
          { label: 'GET /vermittlungen (eigene)', path: '/vermittlungen', cookie },
          {
            label: 'GET /vermittlungen?ansicht=dienststelle',
            path: '/vermittlungen?ansicht=dienststelle',
            cookie,
          },
        ];
        const fetchAs = (pageCookie: string) => (p: string) =>
          fetch(`${url}${p}`, { headers: { cookie: pageCookie, 'accept-encoding': 'gzip, deflate, br' } });
        // Warm-up, then 50 requests one after another per page: the latency without queueing.
        for (const page of pages) await warm(page.path, page.cookie);
        for (const page of pages) await sequential(fetchAs(page.cookie), page.path, 10);
        const single = [];
        for (const page of pages) {
          const { status, bytes, latency } = await sequential(fetchAs(page.cookie), page.path, 50);
          single.push({
            seite: page.label,
            http: status,
            // fetch unpacks the body: this is the size of the HTML, not of the compressed transfer.
            'KB html': Math.round(bytes / 102.4) / 10,
            'p50 ms': latency.p50,
            'p95 ms': latency.p95,
            'p99 ms': latency.p99,
          });
        }
        console.log(`\nÜbersicht der Vermittlungen, je 50 Anfragen nacheinander:\n${formatTable(single)}\n`);
        const [emptyLoad, ownLoad, officeLoad] = [
          await load(pages[0]!.label, url, [pages[0]!.path], emptyCookie, options),
          await load(pages[1]!.label, url, [pages[1]!.path], cookie, options),
          await load(pages[2]!.label, url, [pages[2]!.path], cookie, options),
        ];
        results.push(emptyLoad, ownLoad, officeLoad);
        const comparison = [ownLoad, officeLoad].map((result) => ({
          seite: result.ziel,
          'p95 ms': result['p95 ms'],
          'p95 leer ms': emptyLoad['p95 ms'],
          'durchsatz % von leer': share(result, emptyLoad),
          'durchsatz % von trivial': share(result, trivial),
        }));
        console.log(
          `\nÜbersicht im Vergleich zur leeren Übersicht und zu /healthz (unter Last):\n${formatTable(comparison)}`,
        );
        // The target is read under load like the other HTTP targets; one request at a time is shown beside it,
        // because with 10 connections on one Node process p95 is about ten times the time a request needs.
        for (const [result, alone, label, n] of [
          [ownLoad, single[1]!, 'eigene', referralSeed.own],
          [officeLoad, single[2]!, 'Dienststelle', referralSeed.summary.referrals],
        ] as const) {
          const name = `Übersicht ${label} (${n.toLocaleString('de-DE')}) p95 ≤ 100 ms`;
          targets.push(
            {
              ziel: `${name} unter Last`,
              messwert: `${result['p95 ms']} ms`,
              ergebnis: mark(isClean(result) && result['p95 ms'] <= 100),
            },
            {
              ziel: `${name} einzeln`,
              messwert: `${alone['p95 ms']} ms`,
              ergebnis: mark(alone.http === 200 && alone['p95 ms'] <= 100),
            },
          );
        }
        Object.assign(report, { dashboard: { single, comparison } });
      }

      if (runs('groups') && networkSeed) {
        // One request at a time per page (the target: the time a request needs), then the same pages under load.
        // /healthz one at a time is the floor of this machine at this moment (it is shared and loaded).
        const pages = [
          { label: 'GET /healthz (Vergleich)', path: '/healthz' },
          { label: 'GET /arbeitskreise', path: '/arbeitskreise' },
          {
            label: 'GET /arbeitskreise/[id] (200 Treffen, 2.000 Aufgaben)',
            path: `/arbeitskreise/${networkSeed.largeGroupId}`,
          },
          { label: 'GET /aufgaben (Mitglied in 20 Arbeitskreisen)', path: '/aufgaben' },
          { label: 'GET /arbeitskreise?q=praktikumsplatze', path: '/arbeitskreise?q=praktikumsplatze' },
        ];
        const fetchPage = (p: string) =>
          fetch(`${url}${p}`, { headers: { cookie, 'accept-encoding': 'gzip, deflate, br' } });
        for (const page of pages) await warm(page.path);
        for (const page of pages) await sequential(fetchPage, page.path, 10);
        const single = [];
        for (const page of pages) {
          const { status, bytes, latency } = await sequential(fetchPage, page.path, 100);
          single.push({
            seite: page.label,
            http: status,
            'KB html': Math.round(bytes / 102.4) / 10,
            'p50 ms': latency.p50,
            'p95 ms': latency.p95,
            'p99 ms': latency.p99,
          });
        }
        console.log(`\nArbeitskreise, je 100 Anfragen nacheinander:\n${formatTable(single)}\n`);
        const loaded = [];
        for (const page of pages) loaded.push(await load(page.label, url, [page.path], cookie, options));
        results.push(...loaded);
        for (const [index, page] of pages.entries()) {
          if (index !== 2 && index !== 3) continue;
          targets.push(
            {
              ziel: `${page.label.replace('GET ', '')} p95 ≤ 50 ms je Anfrage`,
              messwert: `${single[index]!['p95 ms']} ms`,
              ergebnis: mark(single[index]!.http === 200 && single[index]!['p95 ms'] <= 50),
            },
            {
              ziel: `${page.label.replace('GET ', '')} unter Last (${options.connections} Verbindungen, nur Angabe)`,
              messwert: `p95 ${loaded[index]!['p95 ms']} ms, ${loaded[index]!['req/s']} req/s`,
              ergebnis: mark(isClean(loaded[index]) ? null : false),
            },
          );
        }
        Object.assign(report, { groups: { single } });
      }
      console.log(`\n${formatTable(results.map((r) => ({ ...r })))}`);
      console.log(`\nZiele (${workers} Worker):\n${formatTable(targets)}`);
      return { workers, results, targets, ...report };
    };
    const byWorkers: Awaited<ReturnType<typeof measure>>[] = [];
    for (const workers of workerCounts) {
      server = await startBenchServer(databaseUrl, workers, {
        JOBS_INTERVAL_SECONDS: values['jobs-interval'],
      });
      byWorkers.push(await measure(server.url, workers));
      await server.stop();
      server = null;
    }
    if (byWorkers.length > 1) {
      // Side by side: one row per target, throughput and p95 per worker count.
      const labels = byWorkers[0]!.results.map((r) => r.ziel);
      const rows = labels.map((label) => {
        const row: Record<string, string | number> = { ziel: label };
        for (const run of byWorkers) {
          const result = run.results.find((r) => r.ziel === label);
          row[`req/s ${run.workers} W`] = result?.['req/s'] ?? '–';
          row[`p95 ms ${run.workers} W`] = result?.['p95 ms'] ?? '–';
          row[`fehler ${run.workers} W`] = result ? result.fehler + result['5xx'] : '–';
        }
        return row;
      });
      console.log(`\nNebeneinander (${workerCounts.join(' / ')} Worker):\n${formatTable(rows)}`);
    }
    const [first] = byWorkers;
    emitJson(
      byWorkers.length === 1
        ? { machine, scenarios, options, ...seeding, ...first }
        : { machine, scenarios, options, ...seeding, byWorkers },
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
