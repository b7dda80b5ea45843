/**
 * `npx tsx scripts/profile-search.ts [--size 10000] [--rounds 3] [--stats]`: the query set of bench:search against
 * the SQLite engine in one process, for `node --cpu-prof --import tsx` and A/B comparisons. With --stats it counts
 * and times the SQL statements per query (by shape).
 */
import { parseArgs } from 'node:util';
import { generateServices } from '../db/seed/synthetic';
import { openStandaloneSqliteEngine } from '../src/lib/search/sqlite-fts-engine';
import { buildQueries } from './bench-search';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    stats: { type: 'boolean', default: false },
    facets: { type: 'boolean', default: false },
    slowest: { type: 'boolean', default: false },
  },
});
const size = Number(values.size);
const docs = generateServices(size, Number(values.seed));
const queries = buildQueries(docs, Number(values.seed));
const engine = openStandaloneSqliteEngine(':memory:');
const batches: (typeof docs)[] = [];
for (let i = 0; i < docs.length; i += 1000) batches.push(docs.slice(i, i + 1000));
const buildStarted = performance.now();
await engine.rebuild(batches);
const buildMs = performance.now() - buildStarted;

if (Number(values.rounds) === 0) {
  console.log(JSON.stringify({ size, buildMs: Math.round(buildMs) }));
  engine.close();
  process.exit(0);
}
const stats = new Map<string, { n: number; ms: number }>();
if (values.stats) {
  const inner = engine as unknown as { statement: (sql: string, pluck?: boolean) => unknown };
  const original = inner.statement.bind(engine);
  inner.statement = (sql: string, pluck?: boolean) => {
    const statement = original(sql, pluck) as Record<string, (...args: unknown[]) => unknown>;
    const key = sql.replace(/\s+/g, ' ').slice(0, 110);
    const wrap =
      (method: string) =>
      (...args: unknown[]) => {
        const started = performance.now();
        const result = statement[method]!.apply(statement, args);
        const entry = stats.get(key) ?? { n: 0, ms: 0 };
        entry.n++;
        entry.ms += performance.now() - started;
        stats.set(key, entry);
        return result;
      };
    return { all: wrap('all'), get: wrap('get'), iterate: wrap('iterate') };
  };
}

const samples: number[] = [];
const byQuery = new Map<string, number[]>();
for (const query of queries)
  await engine.search({
    q: query.text,
    termId: query.termId,
    near: query.near,
    perPage: 10,
    facets: values.facets,
  });
stats.clear();
const started = performance.now();
for (let round = 0; round < Number(values.rounds); round++) {
  for (const query of queries) {
    const t = performance.now();
    await engine.search({
      q: query.text,
      termId: query.termId,
      near: query.near,
      perPage: 10,
      facets: values.facets,
    });
    samples.push(performance.now() - t);
    const key = `${query.kind}/${query.variant} ${query.text}`;
    byQuery.set(key, [...(byQuery.get(key) ?? []), performance.now() - t]);
  }
}
const totalMs = performance.now() - started;
samples.sort((a, b) => a - b);
const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(3);
console.log(
  JSON.stringify({
    size,
    buildMs: Math.round(buildMs),
    queries: samples.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    meanMs: (totalMs / samples.length).toFixed(3),
  }),
);
if (values.stats) {
  const perQuery = samples.length;
  for (const [sql, { n, ms }] of [...stats].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`${(n / perQuery).toFixed(2)}/q ${(ms / perQuery).toFixed(3)} ms/q  ${sql}`);
}
if (values.slowest) {
  const slowest = [...byQuery]
    .map(([key, list]) => [key, Math.min(...list)] as const)
    .sort((a, b) => b[1] - a[1]);
  for (const [key, ms] of slowest.slice(0, 25)) console.log(`${ms.toFixed(3)} ms  ${key}`);
}
engine.close();
