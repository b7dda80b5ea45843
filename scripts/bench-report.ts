/**
 * `npm run bench:report [-- --size 1000000 --databases sqlite,postgres --runs 5 --json out.json]`
 * `[--keep NAME [--reuse] [--seed-only] [--migrate-to MIGRATION]]`: builds a
 * synthetic network (40 JMD offices, 2,000 partners) and the facts of `size` referrals spread over three years
 * on a fresh database of each dialect (SQLite, and PostgreSQL from BENCH_DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/postgres in a temporary database), shows progress while seeding, then loads
 * the network report (report.service.ts, as the page does) for a set of scopes and filters `runs` times each.
 * Prints p50/p95 per filter and overall as a table and JSON, and the query plans of the main queries; never
 * asserts. See docs/performance.md (target: p95 ≤ 1 s).
 *
 * Seeding a million referrals takes minutes, so a seeded database can be kept and measured again: `--keep NAME`
 * keeps the SQLite file `<tmpdir>/NAME.sqlite` (or the path NAME, if it contains a slash) and the PostgreSQL
 * database NAME instead of dropping them; `--reuse` then skips seeding when the kept database already holds facts
 * and runs the pending migrations (which build new roll-ups from the facts); `--rebuild` also rebuilds every roll-up
 * from the facts (`rebuildFactRollups`). `--migrate-to MIGRATION` first migrates the reused database
 * down to MIGRATION (to re-run a changed migration); `--seed-only` seeds and stops without measuring.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedSampleRegion } from '../db/seed/seed';
import {
  findSyntheticNetwork,
  insertSyntheticNetwork,
  syntheticFacts,
  type FactTarget,
} from '../db/seed/synthetic-report';
import { createDb, type Db } from '../src/lib/db/create-db';
import { newId } from '../src/lib/db/ids';
import { createMigrator, migrateToLatest } from '../src/lib/db/migrator';
import { parseReportParams, periodOf } from '../src/lib/report/report';
import {
  analyzeReportTables,
  countReferralFacts,
  createFactIndexes,
  dropFactIndexes,
  explainReportQueries,
  insertReferralFacts,
} from '../src/lib/report/report.queries';
import { countRollupRows, rebuildFactRollups } from '../src/lib/report/report-rollup.queries';
import { filterFor, loadReport } from '../src/lib/report/report.service';
import { buildReportView } from '../src/lib/report/report.view';
import { emitJson, formatMachine, formatTable, machineInfo, mark, summarize } from './bench-lib';
import { progressBar } from './cli';

const TARGET_P95_MS = 1000;
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    runs: { type: 'string', default: '5' },
    json: { type: 'string' },
    keep: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'seed-only': { type: 'boolean', default: false },
    'migrate-to': { type: 'string' },
    rebuild: { type: 'boolean', default: false },
  },
});
const KEEP = values.keep;
if (KEEP !== undefined && !/^[a-z0-9_./-]+$/i.test(KEEP)) throw new Error(`--keep: ungültiger Name ${KEEP}`);
const SIZE = Number(values.size);
const RUNS = Number(values.runs);
const DATABASES = values.databases.split(',').map((d) => d.trim()) as ('sqlite' | 'postgres')[];
const POSTGRES_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The report's "now": the end of the three synthetic years.
const NOW = new Date('2026-12-01T09:00:00.000Z');

/** The kept database of `--keep NAME` (created when missing); never dropped. */
async function keptDatabase(
  dialect: 'sqlite' | 'postgres',
  keep: string,
): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const file = keep.includes('/') ? keep : path.join(os.tmpdir(), `${keep}.sqlite`);
    const db = createDb({ databaseUrl: `sqlite:${file}` });
    return { db, drop: () => db.destroy() };
  }
  const name = path
    .basename(keep)
    .replace(/\.sqlite$/, '')
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(POSTGRES_URL);
  target.pathname = `/${name}`;
  const db = createDb({ databaseUrl: target.toString() });
  return { db, drop: () => db.destroy() };
}

async function freshDatabase(dialect: 'sqlite' | 'postgres'): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (KEEP !== undefined) return keptDatabase(dialect, KEEP);
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-bench-report-'));
    const db = createDb({ databaseUrl: `sqlite:${path.join(dir, 'app.sqlite')}` });
    return {
      db,
      drop: async () => {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `jmd_bench_${newId()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(POSTGRES_URL);
  target.pathname = `/${name}`;
  const db = createDb({ databaseUrl: target.toString() });
  return {
    db,
    drop: async () => {
      await db.destroy();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

interface Case {
  name: string;
  user: { role: 'coordinator' | 'caseworker' | 'partner'; organizationId: string };
  query: Record<string, string>;
}

async function benchDialect(dialect: 'sqlite' | 'postgres') {
  const { db, drop } = await freshDatabase(dialect);
  try {
    const reused = values.reuse ? await reusableNetwork(db, dialect) : null;
    if (reused) return await measure(dialect, db, reused.network, reused.facts, 0);
    await migrateToLatest(db);
    await seedSampleRegion(db);
    const network = await insertSyntheticNetwork(db, { offices: 40, partners: 2000, now: NOW });
    const seeding = performance.now();
    const progress = progressBar(`${dialect}: Fakten von ${SIZE.toLocaleString('de-DE')} Vermittlungen`);
    let done = 0;
    let facts = 0;
    // The benchmark writes facts directly (the report reads nothing else): no referrals, no timelines. Indexes are
    // dropped for the load and built once afterwards; each transaction holds about 40,000 facts in multi-row
    // inserts of 1,000 rows (16 columns: 16,000 parameters, below both dialects' limits).
    await dropFactIndexes(db);
    const batch = 10_000;
    for (const rows of syntheticFacts(
      { referrals: SIZE, from: '2023-12-01', to: '2026-11-30', seed: 13, ...network },
      batch,
    )) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000)
          await insertReferralFacts(trx, rows.slice(i, i + 1000), { rollup: false });
      });
      facts += rows.length;
      done = Math.min(SIZE, done + batch);
      progress(done, SIZE);
    }
    const indexing = performance.now();
    await createFactIndexes(db);
    await rebuildFactRollups(db);
    console.log(
      `${dialect}: Indexe und Verdichtung in ${Math.round((performance.now() - indexing) / 100) / 10} s`,
    );
    await analyzeReportTables(db, dialect);
    const seedSeconds = Math.round((performance.now() - seeding) / 100) / 10;
    console.log(
      `${dialect}: ${(await countReferralFacts(db)).toLocaleString('de-DE')} Fakten in ${seedSeconds} s`,
    );
    if (values['seed-only']) return null;
    return await measure(dialect, db, network, facts, seedSeconds);
  } finally {
    await drop();
  }
}

/**
 * With `--reuse`: the kept database's synthetic network when it already holds facts (after migrating it and
 * rebuilding the roll-ups from the facts), else null (then it is seeded).
 */
async function reusableNetwork(
  db: Db,
  dialect: 'sqlite' | 'postgres',
): Promise<{ network: { officeIds: string[]; targets: FactTarget[] }; facts: number } | null> {
  const migrated = await db.introspection.getTables();
  if (!migrated.some((t) => t.name === 'referral_fact')) return null;
  const facts = await countReferralFacts(db);
  if (facts === 0) return null;
  if (values['migrate-to']) {
    const result = await createMigrator(db).migrateTo(values['migrate-to']);
    if (result.error) throw new Error(`Zurückmigrieren fehlgeschlagen: ${String(result.error)}`);
  }
  const started = performance.now();
  await migrateToLatest(db);
  await createFactIndexes(db);
  if (values.rebuild) await rebuildFactRollups(db);
  await analyzeReportTables(db, dialect);
  console.log(
    `Wiederverwendet: ${facts.toLocaleString('de-DE')} Fakten; Migrationen und Verdichtung neu in ${
      Math.round((performance.now() - started) / 100) / 10
    } s`,
  );
  const network = await findSyntheticNetwork(db);
  return { network, facts };
}

async function measure(
  dialect: 'sqlite' | 'postgres',
  db: Db,
  network: { officeIds: string[]; targets: FactTarget[] },
  facts: number,
  seedSeconds: number,
) {
  {
    const office = network.officeIds[0]!;
    const partner = network.targets[0]!;
    const coordinator = { role: 'coordinator' as const, organizationId: office };
    const cases: Case[] = [
      { name: 'Netzwerk, Jahr 2025', user: coordinator, query: { zeitraum: 'jahr', jahr: '2025' } },
      {
        name: 'Netzwerk, 3 Jahre (frei)',
        user: coordinator,
        query: { zeitraum: 'frei', von: '2023-12-01', bis: '2026-11-30' },
      },
      {
        name: 'Netzwerk, Quartal',
        user: coordinator,
        query: { zeitraum: 'quartal', jahr: '2026', quartal: '2' },
      },
      {
        name: 'Netzwerk, Monat + Kategorie',
        user: coordinator,
        query: { zeitraum: 'monat', jahr: '2026', monat: '3', kategorie: partner.categoryId },
      },
      {
        name: 'Netzwerk, Jahr + Stadtteil',
        user: coordinator,
        query: { zeitraum: 'jahr', jahr: '2025', bezirk: partner.district },
      },
      {
        name: 'Netzwerk, Jahr + Stelle',
        user: coordinator,
        query: { zeitraum: 'jahr', jahr: '2025', stelle: office },
      },
      {
        name: 'Netzwerk, Jahr + Partner',
        user: coordinator,
        query: { zeitraum: 'jahr', jahr: '2025', partner: partner.organizationId },
      },
      {
        name: 'Fachkraft (Stelle), Jahr',
        user: { role: 'caseworker', organizationId: office },
        query: { zeitraum: 'jahr', jahr: '2025' },
      },
      {
        name: 'Partner + Netzwerkmedian, Jahr',
        user: { role: 'partner', organizationId: partner.organizationId },
        query: { zeitraum: 'jahr', jahr: '2025' },
      },
    ];
    const rows = [];
    const all: number[] = [];
    for (const c of cases) {
      const { params } = parseReportParams(new URLSearchParams(c.query));
      const samples: number[] = [];
      let sent = 0;
      for (let run = 0; run <= RUNS; run++) {
        const started = performance.now();
        const report = await loadReport(db, c.user, params, NOW);
        buildReportView(report!);
        const ms = performance.now() - started;
        sent = report!.totals.sent;
        if (run > 0) samples.push(ms); // the first run warms caches and is not counted
      }
      all.push(...samples);
      const summary = summarize(samples);
      rows.push({
        dialect,
        filter: c.name,
        sent,
        p50_ms: Math.round(summary.p50),
        p95_ms: Math.round(summary.p95),
      });
      console.log(`${dialect}: ${c.name}: p95 ${Math.round(summary.p95)} ms`);
    }
    const overall = summarize(all);
    const { params } = parseReportParams(new URLSearchParams({ zeitraum: 'jahr', jahr: '2025' }));
    const plans = await explainReportQueries(
      db,
      filterFor({ kind: 'network' }, periodOf(params, NOW), params),
      dialect,
      office,
    );
    return { dialect, facts, rollupRows: await countRollupRows(db), seedSeconds, rows, overall, plans };
  }
}

const results = [];
for (const dialect of DATABASES) {
  const result = await benchDialect(dialect);
  if (result) results.push(result);
}
if (values['seed-only']) process.exit(0);
const machine = machineInfo();
const load = os.loadavg().map((l) => Math.round(l * 100) / 100);
console.log(`\nNetzwerkbericht: ${SIZE.toLocaleString('de-DE')} Vermittlungen, ${RUNS} Läufe je Filter`);
console.log(`${formatMachine(machine)}; Last (1/5/15 min) ${load.join(' / ')}`);
console.log(formatTable(results.flatMap((r) => r.rows)));
console.log('');
console.log(
  formatTable(
    results.map((r) => ({
      dialect: r.dialect,
      facts: r.facts,
      rollup_rows: Object.values(r.rollupRows).join(' / '),
      seed_s: r.seedSeconds,
      p50_ms: Math.round(r.overall.p50),
      p95_ms: Math.round(r.overall.p95),
      max_ms: Math.round(r.overall.max),
      [`p95 ≤ ${TARGET_P95_MS} ms`]: mark(r.overall.p95 <= TARGET_P95_MS),
    })),
  ),
);
for (const r of results) {
  console.log(`\nAbfragepläne ${r.dialect} (Netzwerk, Jahr 2025):`);
  for (const [name, lines] of Object.entries(r.plans)) console.log(`  ${name}:\n    ${lines.join('\n    ')}`);
}
emitJson({ size: SIZE, runs: RUNS, machine, load, targetP95Ms: TARGET_P95_MS, results }, values.json);
