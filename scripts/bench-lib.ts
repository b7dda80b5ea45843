/**
 * Shared helpers of the benchmark scripts (docs/performance.md): percentiles, memory snapshots, the machine,
 * aligned tables and the JSON at the end of the output. Benchmarks print figures; they never assert.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

/** The line after which a benchmark prints its figures as JSON (for CI and for pasting into docs). */
export const JSON_MARKER = '--- JSON ---';

/** Latency figures of a set of samples in milliseconds. */
export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** The value below which `p` (0–100) per cent of the sorted samples lie (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Summarizes latency samples (ms), rounded to microseconds. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.length === 0 ? Number.NaN : sum / sorted.length),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Whether the process runs with `--expose-gc` (then memory deltas are taken after full collections). */
export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/** Runs full garbage collections when available, so heap and RSS show live data rather than garbage. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Process memory in bytes (after collecting garbage, when possible). */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  external: number;
}

/** Collects garbage (if allowed) and reads the process memory. */
export function memorySnapshot(): MemorySnapshot {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external + usage.arrayBuffers };
}

/** How memory figures were taken, for the printed report. */
export function memoryMethod(): string {
  return canCollectGarbage()
    ? 'RSS- und Heap-Differenz um den Aufbau, je nach vollständiger Speicherbereinigung (--expose-gc), eigener Prozess je Engine'
    : 'RSS- und Heap-Differenz um den Aufbau OHNE erzwungene Speicherbereinigung (kein --expose-gc): ungenau';
}

/** Megabytes with one decimal. */
export function toMb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** The machine a measurement ran on. */
export interface MachineInfo {
  cpu: string;
  cpus: number;
  ramGb: number;
  node: string;
  platform: string;
  date: string;
}

/** Describes this machine (CPU model and count, RAM, Node version) and the time of the measurement. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unbekannt',
    cpus: cpus.length,
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

/** One line describing the machine, for the top of a report. */
export function formatMachine(machine: MachineInfo): string {
  return `${machine.cpu} × ${machine.cpus}, ${machine.ramGb} GB RAM, Node ${machine.node}, ${machine.platform}, ${machine.date}`;
}

type Cell = string | number | boolean | null | undefined;

/** Formats rows as an aligned text table (numbers right-aligned), with the keys of the first row as header. */
export function formatTable(rows: readonly Record<string, Cell>[]): string {
  if (rows.length === 0) return '(keine Zeilen)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const text = (value: Cell) => (value === null || value === undefined ? '–' : String(value));
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => text(row[column]).length)),
  );
  const line = (cells: string[], numeric: boolean[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] !== 'string'));
  return [
    line(columns, numeric),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((row) =>
      line(
        columns.map((column) => text(row[column])),
        numeric,
      ),
    ),
  ].join('\n');
}

/** Prints the figures as JSON after the marker line and, when asked, writes them to a file. */
export function emitJson(data: unknown, file: string | undefined): void {
  const json = JSON.stringify(data, null, 2);
  console.log(`\n${JSON_MARKER}`);
  console.log(json);
  if (file) {
    fs.writeFileSync(file, `${json}\n`);
    console.error(`JSON geschrieben: ${file}`);
  }
}

/** Size of a payload raw, gzip-compressed (level 6, as most servers) and Brotli-compressed (quality 5). */
export function compressedSizes(body: Buffer): { raw: number; gzip: number; brotli: number } {
  return {
    raw: body.length,
    gzip: zlib.gzipSync(body, { level: 6 }).length,
    brotli: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length,
  };
}

/** Reads a comma-separated list of positive integers ("10000,100000"); throws a German message otherwise. */
export function parseSizes(value: string): number[] {
  const sizes = value.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new Error(
      `--sizes: bitte ganze Zahlen mit Komma getrennt angeben, z. B. 10000,100000 (war „${value}“).`,
    );
  }
  return sizes;
}

/** "erfüllt" or "VERFEHLT" for a target ("–" when not measured). */
export function mark(met: boolean | null): string {
  return met === null ? '–' : met ? 'erfüllt' : 'VERFEHLT';
}

/** A server started for a benchmark, as `npm start` runs it (scripts/start.ts without building). */
export interface BenchServer {
  url: string;
  workers: number;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM (graceful stop) and wait until the process is gone. */
  stop: () => Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts the built app on an existing, migrated database with `workers` processes (WEB_CONCURRENCY) and resolves
 * when it says it serves (its "läuft" line, printed once every worker listens).
 */
export async function startBenchServer(
  databaseUrl: string,
  workers: number,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const root = path.resolve(import.meta.dirname, '..');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: url,
      TILE_URL: '',
      SEED_ON_EMPTY: 'false',
      WEB_CONCURRENCY: String(workers),
      // `SEARCH_RESULT_CACHE=0 npm run bench:http` measures every search computed (decision 0030).
      ...(process.env['SEARCH_RESULT_CACHE']
        ? { SEARCH_RESULT_CACHE: process.env['SEARCH_RESULT_CACHE'] }
        : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes('JMD Partnernetz läuft')) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (more: Buffer) => (output += String(more)));
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.once('exit', (code) => reject(new Error(`Server beendet (${code}):\n${output}`)));
  });
  return {
    url,
    workers,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Reads `--workers 1,2`: worker counts from 1 to 64; throws a German message otherwise. */
export function parseWorkerCounts(value: string): number[] {
  const counts = value.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new Error(`--workers: bitte Anzahlen von 1 bis 64 mit Komma getrennt, z. B. 1,2 (war „${value}“).`);
  }
  return counts;
}

/** The search API's query strings that bench:http loads and profile-api profiles (the same ten, so figures compare). */
export const BENCH_SEARCHES = [
  'q=integrationskurs',
  'q=schuldnerberatung+kassel',
  'q=auslaenderbehoerde',
  'q=sprachcaf%C3%A9&facetten=nein',
  'q=berufsberatung&kategorie=arbeit',
  'q=jugendintegrationskurs&lat=51.313&lon=9.48&radius_km=25',
  'q=bewerbungstrainig',
  'q=sch&facetten=nein',
  'q=migrationsberatung+diakonie&kategorie=beratung',
  'q=hausaufgabenhilfe&lat=50.938&lon=6.96&radius_km=25',
];

/** Signs in through the form like a browser and returns the session cookie pair. */
export async function signInOverForm(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/anmelden`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.includes('jmd_session='));
  if (response.status !== 303 || !cookie)
    throw new Error(`Anmeldung von ${email} fehlgeschlagen: HTTP ${response.status}`);
  return cookie.split(';')[0]!;
}
