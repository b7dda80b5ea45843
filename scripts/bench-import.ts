/**
 * `npm run bench:import [-- --rows 100000 --databases sqlite,postgres --interval 50 --json out.json]`: starts the
 * built app on a fresh database (SQLite, and PostgreSQL from BENCH_DATABASE_URL or postgres://postgres@127.0.0.1
 * :5432/postgres, in a temporary database), signs in as the coordinator, uploads a generated CSV file of `rows`
 * services through the import page, starts it once checked, and meanwhile asks `/healthz` every `interval` ms.
 * Prints the import's phases and the health check's latency (p50/p95/p99) per phase as a table and JSON; never
 * asserts. See docs/performance.md (target: p99 ≤ 100 ms while an import runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedSampleRegion } from '../db/seed/seed';
import { createDb, type Db } from '../src/lib/db/create-db';
import { newId } from '../src/lib/db/ids';
import { migrateToLatest } from '../src/lib/db/migrator';
import type { ImportJob } from '../src/lib/directory/import';
import { findImportJob } from '../src/lib/directory/import.queries';
import {
  emitJson,
  formatMachine,
  formatTable,
  machineInfo,
  mark,
  summarize,
  type LatencySummary,
  signInOverForm,
} from './bench-lib';
import { progressBar } from './cli';

const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, 'dist/server/entry.mjs');
const COORDINATOR = 'koordination@partnernetz.example';
const PASSWORD = 'Bench-Koordination-Passwort-2';
const TARGET_P99_MS = 100;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    interval: { type: 'string', default: '50' },
    json: { type: 'string' },
  },
});
const ROWS = Number(values.rows);
const INTERVAL_MS = Number(values.interval);
const DATABASES = values.databases.split(',').map((d) => d.trim()) as ('sqlite' | 'postgres')[];
const POSTGRES_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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

/** A fresh database of the dialect, migrated and seeded with the sample region; `drop` removes it. */
async function freshDatabase(
  dialect: 'sqlite' | 'postgres',
): Promise<{ url: string; drop: () => Promise<void> }> {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-bench-import-'));
    url = `sqlite:${path.join(dir, 'app.sqlite')}`;
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `jmd_bench_${newId()}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(POSTGRES_URL);
    target.pathname = `/${name}`;
    url = target.toString();
    drop = async () => {
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    };
  }
  const db = createDb({ databaseUrl: url });
  await migrateToLatest(db);
  await seedSampleRegion(db, { passwords: { coordinator: PASSWORD } });
  await db.destroy();
  return { url, drop };
}

/** Starts the built server without background jobs (the upload itself starts the import runner). */
async function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: url,
      TILE_URL: '',
      JOBS_INTERVAL_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Server beendet (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Server nicht bereit nach 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child };
}

/** `n` generated services of 500 partner organizations (one address each), as Excel writes a German CSV. */
function generatedCsv(n: number): string {
  const lines = [
    'externe_id;organisation;name;kategorie;beschreibung;strasse;plz;ort;sprachen;freie_plaetze',
  ];
  const categories = ['beratung', 'sprache', 'arbeit', 'freizeit', 'bildung'];
  for (let i = 0; i < n; i++) {
    const org = i % 500;
    lines.push(
      `B-${i};Benchmark-Träger ${org};Angebot ${i} (Benchmark);${categories[i % categories.length]};` +
        `Beschreibung des Angebots ${i};Hauptstraße ${org + 1};23552;Lübeck;de,ar;${i % 7}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Asks /healthz one request after another (every `interval` ms) and keeps the latencies by phase. */
function probeHealth(url: string): {
  setPhase(phase: string): void;
  stop(): Promise<Record<string, number[]>>;
} {
  const samples: Record<string, number[]> = {};
  let phase = 'idle';
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const at = phase;
      try {
        const response = await fetch(`${url}/healthz`);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        (samples[at] ??= []).push(performance.now() - started);
      } catch {
        (samples[`${at} (Fehler)`] ??= []).push(performance.now() - started);
      }
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  })();
  return {
    setPhase: (next) => (phase = next),
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

interface DatabaseResult {
  database: string;
  rows: number;
  fileMb: number;
  uploadMs: number;
  checkMs: number;
  writeMs: number;
  status: string;
  health: Record<string, LatencySummary>;
}

async function waitForJob(
  db: Db,
  id: string,
  until: (job: ImportJob) => boolean,
  label: string,
): Promise<ImportJob> {
  const bar = progressBar(label);
  for (;;) {
    const job = (await findImportJob(db, id))!;
    if (job.rowsTotal > 0) bar(Math.min(job.rowsDone, job.rowsTotal), job.rowsTotal);
    if (until(job)) {
      if (job.rowsTotal > 0) bar(job.rowsTotal, job.rowsTotal);
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function benchDatabase(dialect: 'sqlite' | 'postgres', csv: string): Promise<DatabaseResult> {
  console.log(`\n== ${dialect}: Datenbank anlegen und Beispielregion laden …`);
  const { url: databaseUrl, drop } = await freshDatabase(dialect);
  const server = await startServer(databaseUrl);
  const db = createDb({ databaseUrl });
  try {
    const cookie = await signInOverForm(server.url, COORDINATOR, PASSWORD);
    const probe = probeHealth(server.url);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    probe.setPhase('upload');
    console.log(`Hochladen (${(csv.length / 1024 / 1024).toFixed(1)} MB) …`);
    const uploadStarted = performance.now();
    const body = new FormData();
    body.set('intent', 'pruefen');
    body.set('datei', new Blob([csv], { type: 'text/csv' }), 'benchmark.csv');
    const uploaded = await fetch(`${server.url}/pflege/import`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
      body,
      redirect: 'manual',
    });
    const location = uploaded.headers.get('location');
    if (uploaded.status !== 303 || !location) throw new Error(`Upload: HTTP ${uploaded.status}`);
    const id = new URL(location, server.url).searchParams.get('auftrag')!;
    const uploadMs = performance.now() - uploadStarted;

    probe.setPhase('check');
    const checkStarted = performance.now();
    const checked = await waitForJob(db, id, (job) => job.status !== 'checking', 'Prüfung');
    const checkMs = performance.now() - checkStarted;
    if (checked.status !== 'checked' || (checked.report?.problems.length ?? 1) > 0) {
      throw new Error(
        `Prüfung: ${checked.status} ${checked.report?.problems[0]?.message ?? checked.message ?? ''}`,
      );
    }

    probe.setPhase('write');
    const writeStarted = performance.now();
    const started = await fetch(`${server.url}/pflege/import`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
      body: new URLSearchParams({ intent: 'starten', auftrag: id }),
      redirect: 'manual',
    });
    if (started.status !== 303) throw new Error(`Start: HTTP ${started.status}`);
    const finished = await waitForJob(
      db,
      id,
      (job) => job.status === 'done' || job.status === 'failed',
      'Import',
    );
    const writeMs = performance.now() - writeStarted;

    probe.setPhase('after');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const samples = await probe.stop();
    const during = [...(samples['upload'] ?? []), ...(samples['check'] ?? []), ...(samples['write'] ?? [])];
    return {
      database: dialect,
      rows: ROWS,
      fileMb: Math.round((csv.length / 1024 / 1024) * 10) / 10,
      uploadMs: Math.round(uploadMs),
      checkMs: Math.round(checkMs),
      writeMs: Math.round(writeMs),
      status: finished.status,
      health: {
        ...Object.fromEntries(Object.entries(samples).map(([phase, list]) => [phase, summarize(list)])),
        'während des Imports': summarize(during),
      },
    };
  } finally {
    await db.destroy();
    if (server.child.exitCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    await drop();
  }
}

async function main() {
  if (!fs.existsSync(entry)) {
    console.error('Kein Build gefunden: bitte zuerst `npm run build` ausführen.');
    process.exitCode = 2;
    return;
  }
  const machine = machineInfo();
  console.log(
    `Import-Benchmark: ${ROWS} Zeilen, /healthz alle ${INTERVAL_MS} ms – ${formatMachine(machine)}`,
  );
  const csv = generatedCsv(ROWS);
  const results: DatabaseResult[] = [];
  for (const dialect of DATABASES) results.push(await benchDatabase(dialect, csv));

  console.log('\nImport (Zeiten in ms):');
  console.log(
    formatTable(
      results.map((r) => ({
        Datenbank: r.database,
        Zeilen: r.rows,
        MB: r.fileMb,
        Hochladen: r.uploadMs,
        Prüfen: r.checkMs,
        Schreiben: r.writeMs,
        Status: r.status,
      })),
    ),
  );
  console.log('\n/healthz-Latenz je Phase (ms):');
  console.log(
    formatTable(
      results.flatMap((r) =>
        Object.entries(r.health).map(([phase, s]) => ({
          Datenbank: r.database,
          Phase: phase,
          n: s.n,
          p50: s.p50,
          p95: s.p95,
          p99: s.p99,
          max: s.max,
          [`p99 ≤ ${TARGET_P99_MS}`]: phase === 'während des Imports' ? mark(s.p99 <= TARGET_P99_MS) : '',
        })),
      ),
    ),
  );
  emitJson(
    { machine, rows: ROWS, intervalMs: INTERVAL_MS, targetP99Ms: TARGET_P99_MS, results },
    values.json,
  );
}

await main();
