/**
 * `npx tsx scripts/profile-api.ts [--services 10000] [--keep data/profile-api.sqlite] [--database-url URL]
 * [--entry dist/server/entry.mjs] [--compare OTHER_ENTRY] [--rounds 20] [--duration 0] [--cpu-prof DIR]
 * [--target api|suche]`: where the
 * time of a search API request goes, in the built server (docs/performance.md, "Such-API je Anfrage").
 *
 * 1. SQL statements per request: the server runs with scripts/sql-trace.mjs, which notes every statement; one request
 *    per path of bench:http's search load (and /healthz) after a warm-up, statements grouped by what they serve, with
 *    the time spent in them.
 * 2. CPU per request: the server's own CPU time (/proc/PID/stat) over `--rounds` rounds of the ten search paths and as
 *    many /healthz requests, one request at a time — a count of work that other processes on the machine barely
 *    change. With `--compare` a second server (e.g. the build before a change) serves the same database and the
 *    blocks alternate between the two.
 * 3. With `--duration` seconds: autocannon on /healthz and then on the ten search paths (10 connections, as bench:http),
 *    for each build in turn, with the throughput ratio and the server's CPU per request; `--cpu-prof DIR` writes the
 *    first build's V8 profile and summarises it by self time per function and per file.
 * SQL statements are counted one request after another (10 per path after a warm-up).
 * Prints figures; never asserts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedSampleRegion, isDatabaseEmpty } from '../db/seed/seed';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { countServices } from '../src/lib/directory/service.queries';
import { openSearchEngine, rebuildSearchIndex } from '../src/lib/search/engine';
import { insertSyntheticServices } from './bench-data';
import { BENCH_SEARCHES, formatTable, freePort, signInOverForm } from './bench-lib';

const root = path.resolve(import.meta.dirname, '..');
const CASEWORKER = 'fachkraft@partnernetz.example';
const PASSWORD = 'Bench-Fachkraft-Passwort-7';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '42' },
    keep: { type: 'string' },
    'database-url': { type: 'string' },
    entry: { type: 'string', default: 'dist/server/entry.mjs' },
    compare: { type: 'string' },
    rounds: { type: 'string', default: '20' },
    duration: { type: 'string', default: '0' },
    'cpu-prof': { type: 'string' },
    statements: { type: 'boolean', default: false },
    // `suche`: the same searches as the search page (/suche) instead of the API.
    target: { type: 'string', default: 'api' },
  },
});
const SEARCHES = BENCH_SEARCHES.map((q) =>
  values.target === 'suche' ? `/suche?${q}` : `/api/v1/search?${q}`,
);

/** A seeded database: the sample region and the synthetic services with their search index (kept with --keep). */
async function prepareDatabase(): Promise<{ databaseUrl: string; cleanup: () => void }> {
  let dir: string | null = null;
  let databaseUrl = values['database-url'];
  if (!databaseUrl) {
    const file = values.keep
      ? path.resolve(values.keep)
      : path.join((dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-profile-api-'))), 'app.sqlite');
    databaseUrl = `sqlite:${file}`;
  }
  const db = createDb({ databaseUrl });
  try {
    await migrateToLatest(db);
    if (await isDatabaseEmpty(db)) {
      await seedSampleRegion(db, { passwords: { [CASEWORKER]: PASSWORD } });
      await insertSyntheticServices(db, Number(values.services), Number(values.seed));
      if (databaseUrl.startsWith('sqlite:')) {
        const engine = await openSearchEngine(db, loadConfig({ DATABASE_URL: databaseUrl }));
        await rebuildSearchIndex(db, engine);
        if ('close' in engine && typeof engine.close === 'function') engine.close();
      }
      console.log(`${await countServices(db)} Angebote angelegt.`);
    } else console.log(`Datenbank vorhanden: ${await countServices(db)} Angebote.`);
  } finally {
    await db.destroy();
  }
  return { databaseUrl, cleanup: () => dir && fs.rmSync(dir, { recursive: true, force: true }) };
}

interface Server {
  url: string;
  child: ChildProcess;
  cpuMs: () => number;
  stop: () => Promise<void>;
}

/** Starts a built server on the database (no jobs), optionally tracing SQL or writing a CPU profile. */
async function startServer(
  entry: string,
  databaseUrl: string,
  options: { traceFile?: string; cpuProfDir?: string } = {},
): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : []),
    '--import',
    path.join(root, 'scripts/sql-trace.mjs'),
    path.resolve(root, entry),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: url,
      TILE_URL: '',
      SEED_ON_EMPTY: 'false',
      JOBS_INTERVAL_SECONDS: '0',
      MFA_REQUIRED_ROLES: 'none',
      ...(options.traceFile ? { SQL_TRACE_FILE: options.traceFile } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Server beendet:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ticks = 100; // USER_HZ on Linux
  return {
    url,
    child,
    cpuMs: () => {
      const fields = fs
        .readFileSync(`/proc/${child.pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      // utime and stime are fields 14 and 15 of stat; after the command name they are the 12th and 13th.
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
    },
    stop: async () => {
      // SIGUSR2: the preload exits normally, so --cpu-prof writes its profile.
      if (child.exitCode === null) child.kill('SIGUSR2');
      await exited;
    },
  };
}

async function get(url: string, cookie: string): Promise<number> {
  const response = await fetch(url, { headers: { cookie, 'accept-encoding': 'gzip, deflate, br' } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  return response.status;
}

const GROUPS = [
  'Sitzung',
  'Kategorien',
  'Wortschatz',
  'Änderungslog',
  'Engine',
  'Suchzähler',
  'Transaktion',
  'andere',
];

/** What a statement serves, by the tables it names. */
function groupOf(sql: string): string {
  const s = sql.toLowerCase();
  if (/"session"|"app_user"|"user_mfa"|from session|update "session"/.test(s)) return 'Sitzung';
  if (/taxonomy_term|term_alias|taxonomy_state/.test(s)) return 'Kategorien';
  if (/search_vocabulary_state|search_term_group|search_term_builtin_off/.test(s)) return 'Wortschatz';
  if (/search_count|"location"/.test(s)) return 'Suchzähler';
  if (/search_change/.test(s)) return 'Änderungslog';
  if (/search_fts|search_doc|search_meta|search_open|search_vocab/.test(s)) return 'Engine';
  if (/^(begin|commit|rollback|savepoint|release)/.test(s)) return 'Transaktion';
  return 'andere';
}

async function countStatements(entry: string, databaseUrl: string) {
  const traceFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-sql-trace-')), 'trace.txt');
  const server = await startServer(entry, databaseUrl, { traceFile });
  const reps = 10;
  try {
    const cookie = await signInOverForm(server.url, CASEWORKER, PASSWORD);
    for (let i = 0; i < 3; i++)
      for (const p of ['/healthz', ...SEARCHES]) await get(`${server.url}${p}`, cookie);
    const counts = [];
    const times = [];
    const shapes = new Map<string, { n: number; us: number }>();
    for (const p of ['/healthz', ...SEARCHES]) {
      fs.writeFileSync(traceFile, '');
      for (let i = 0; i < reps; i++) await get(`${server.url}${p}`, cookie);
      const lines = fs.readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
      const n: Record<string, number> = {};
      const us: Record<string, number> = {};
      for (const line of lines) {
        const tab = line.indexOf('\t');
        const micros = Number(line.slice(0, tab));
        const sql = line.slice(tab + 1);
        const group = groupOf(sql);
        n[group] = (n[group] ?? 0) + 1 / reps;
        us[group] = (us[group] ?? 0) + micros / reps;
        const shape = `${group}: ${sql.slice(0, 140)}`;
        const entry = shapes.get(shape) ?? { n: 0, us: 0 };
        entry.n += 1 / reps;
        entry.us += micros / reps;
        shapes.set(shape, entry);
      }
      const label = p.replace('/api/v1/search?', 'search?').replace('/suche?', 'suche?');
      const row = (values: Record<string, number>, digits: number) => {
        const out: Record<string, string | number> = { pfad: label };
        const factor = 10 ** digits;
        out['gesamt'] = Math.round(Object.values(values).reduce((a, b) => a + b, 0) * factor) / factor;
        for (const column of GROUPS) out[column] = Math.round((values[column] ?? 0) * factor) / factor;
        return out;
      };
      counts.push(row(n, 1));
      times.push(row(us, 0));
    }
    const mean = (rows: Record<string, string | number>[]) =>
      Math.round(
        (rows.slice(1).reduce((sum, row) => sum + Number(row['gesamt']), 0) / (rows.length - 1)) * 10,
      ) / 10;
    const name = path.relative(root, path.resolve(root, entry));
    console.log(`\nSQL-Anweisungen je Anfrage (${name}, Mittel aus ${reps} Anfragen je Pfad):`);
    console.log(formatTable(counts));
    console.log(`Mittel über die 10 Suchpfade: ${mean(counts)} Anweisungen`);
    console.log(
      `\nZeit in diesen Anweisungen, µs je Anfrage (SQLite: synchron im Prozess; pg: nur bis zum Absenden):`,
    );
    console.log(formatTable(times));
    console.log(`Mittel über die 10 Suchpfade: ${mean(times)} µs\n`);
    if (values.statements) {
      console.log('Anweisungen (alle Pfade zusammen, je Anfrage: Anzahl, µs):');
      for (const [shape, { n, us }] of [...shapes].sort((a, b) => b[1].us - a[1].us))
        console.log(`${n.toFixed(1).padStart(5)} ${Math.round(us).toString().padStart(6)}  ${shape}`);
    }
    return { counts, times, meanStatements: mean(counts), meanMicros: mean(times) };
  } finally {
    await server.stop();
  }
}

/** CPU ms per request of each server, blocks of /healthz and of the ten search paths alternating. */
async function measureCpu(servers: { label: string; server: Server; cookie: string }[], rounds: number) {
  const totals = servers.map(() => ({ health: { ms: 0, n: 0 }, search: { ms: 0, n: 0 } }));
  const block = async (index: number, paths: string[], kind: 'health' | 'search') => {
    const { server, cookie } = servers[index]!;
    const before = server.cpuMs();
    for (const p of paths) await get(`${server.url}${p}`, cookie);
    totals[index]![kind].ms += server.cpuMs() - before;
    totals[index]![kind].n += paths.length;
  };
  for (let round = 0; round < rounds; round++) {
    // Alternate which server goes first, so a drift of the machine's load hits both alike.
    const order = round % 2 === 0 ? servers.map((_, i) => i) : servers.map((_, i) => i).reverse();
    for (const index of order) {
      await block(
        index,
        Array.from({ length: 50 }, () => '/healthz'),
        'health',
      );
      await block(index, [...SEARCHES, ...SEARCHES, ...SEARCHES, ...SEARCHES, ...SEARCHES], 'search');
    }
  }
  const round3 = (n: number) => Math.round(n * 1000) / 1000;
  return servers.map(({ label }, i) => {
    const { health, search } = totals[i]!;
    const healthMs = health.ms / health.n;
    const searchMs = search.ms / search.n;
    return {
      server: label,
      'cpu ms /healthz': round3(healthMs),
      'cpu ms Suche': round3(searchMs),
      verhältnis: `${Math.round((healthMs / searchMs) * 1000) / 10} %`,
      anfragen: health.n + search.n,
    };
  });
}

/** Self time per function and per file of a V8 CPU profile. */
function summariseProfile(file: string): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = byId.get(id)!.callFrame;
    const fileName = frame.url
      ? frame.url
          .replace(/^file:\/\//, '')
          .replace(root, '')
          .replace(/_[A-Za-z0-9-]{8}\.mjs$/, '.mjs')
      : '(native)';
    const fn = `${frame.functionName || '(anonym)'} ${fileName}:${frame.lineNumber + 1}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + delta);
    const key = fileName.includes('node_modules/')
      ? fileName.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : fileName;
    selfByFile.set(key, (selfByFile.get(key) ?? 0) + delta);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ '%': Math.round((us / total) * 1000) / 10, ms: Math.round(us / 1000), name }));
  console.log(`\nProfil ${path.basename(file)}: ${Math.round(total / 1000)} ms Stichproben`);
  console.log(`Eigenzeit je Datei/Paket:\n${formatTable(top(selfByFile, 25))}`);
  console.log(`\nEigenzeit je Funktion:\n${formatTable(top(selfByFunction, 40))}`);
}

async function main() {
  const { databaseUrl, cleanup } = await prepareDatabase();
  try {
    console.log(
      `Last (uptime): ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    const entries = [values.entry, ...(values.compare ? [values.compare] : [])];
    const counts = [];
    for (const entry of entries) counts.push({ entry, ...(await countStatements(entry, databaseUrl)) });

    const rounds = Number(values.rounds);
    if (rounds > 0) {
      const servers = [];
      for (const entry of entries) {
        const server = await startServer(entry, databaseUrl);
        servers.push({
          label: entry,
          server,
          cookie: await signInOverForm(server.url, CASEWORKER, PASSWORD),
        });
      }
      try {
        // Warm-up: caches, JIT.
        for (const { server, cookie } of servers)
          for (let i = 0; i < 5; i++)
            for (const p of ['/healthz', ...SEARCHES]) await get(`${server.url}${p}`, cookie);
        const cpu = await measureCpu(servers, rounds);
        console.log(`\nCPU der Server je Anfrage (nacheinander, ${rounds} Runden):\n${formatTable(cpu)}`);
      } finally {
        for (const { server } of servers) await server.stop();
      }
    }

    const duration = Number(values.duration);
    if (duration > 0) {
      const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
      if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
      const before = cpuProfDir ? new Set(fs.readdirSync(cpuProfDir)) : new Set<string>();
      const autocannon = createRequire(import.meta.url)('autocannon') as (options: unknown) => Promise<{
        requests: { average: number; total: number };
        non2xx: number;
      }>;
      const rows = [];
      // Each build in turn: /healthz, then the ten search paths, 10 connections each (as bench:http does).
      for (const [index, entry] of entries.entries()) {
        const server = await startServer(entry, databaseUrl, {
          cpuProfDir: index === 0 ? cpuProfDir : undefined,
        });
        try {
          const cookie = await signInOverForm(server.url, CASEWORKER, PASSWORD);
          for (let i = 0; i < 5; i++)
            for (const p of ['/healthz', ...SEARCHES]) await get(`${server.url}${p}`, cookie);
          const run = async (paths: string[]) => {
            const cpuBefore = server.cpuMs();
            const result = await autocannon({
              url: server.url,
              connections: 10,
              duration,
              headers: { cookie, 'accept-encoding': 'gzip, deflate, br' },
              requests: paths.map((p) => ({ method: 'GET', path: p })),
            });
            return {
              rps: Math.round(result.requests.average),
              cpu: Math.round(((server.cpuMs() - cpuBefore) / result.requests.total) * 1000) / 1000,
              bad: result.non2xx,
            };
          };
          const health = await run(['/healthz']);
          const search = await run(SEARCHES);
          rows.push({
            server: entry,
            'req/s /healthz': health.rps,
            'req/s search': search.rps,
            'such-api / trivial': `${Math.round((search.rps / health.rps) * 1000) / 10} %`,
            'cpu ms /healthz': health.cpu,
            'cpu ms search': search.cpu,
            'nicht 2xx': health.bad + search.bad,
            last: os.loadavg()[0]!.toFixed(2),
          });
        } finally {
          await server.stop();
        }
      }
      console.log(`\nautocannon (${duration} s je Ziel, 10 Verbindungen):\n${formatTable(rows)}`);
      if (cpuProfDir) {
        const written = fs.readdirSync(cpuProfDir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
        for (const file of written) summariseProfile(path.join(cpuProfDir, file));
      }
    }
    console.log(
      `\nLast (uptime) am Ende: ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
