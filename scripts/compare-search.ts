/**
 * `npx tsx scripts/compare-search.ts [--ref HEAD] [--size 10000] [--rounds 3] [--builds 2] [--seed 42]`: the SQLite
 * engine of an earlier commit (its whole `src/`, unpacked under `data/`) against the working tree's, in one process
 * over the same entries: builds alternate (old, new, old, new …), every query of bench:search goes to both engines
 * in alternating order, and the top ten of every query is compared. Prints figures as JSON; exit code 1 when a top
 * ten differs. For A/B measurements on a busy machine (docs/performance.md); never part of the tests.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateServices } from '../db/seed/synthetic';
import * as current from '../src/lib/search/sqlite-fts-engine';
import type { SearchDocument, SearchEngine, SearchQuery } from '../src/lib/search/search';
import { buildQueries, type BenchQuery } from './bench-search';

const { values } = parseArgs({
  options: {
    ref: { type: 'string', default: 'HEAD' },
    size: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    builds: { type: 'string', default: '2' },
    seed: { type: 'string', default: '42' },
    facets: { type: 'boolean', default: false },
  },
});

type Engine = SearchEngine & { close(): void };
type Module = { openStandaloneSqliteEngine(path: string): Engine };

/** Unpacks `src/` of a commit under data/ (ignored by git) and loads its engine module from there. */
async function engineAt(ref: string): Promise<{ module: Module; sha: string; dir: string }> {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
  const dir = path.resolve('data', `compare-${sha}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', sha, 'src'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const file = path.join(dir, 'src/lib/search/sqlite-fts-engine.ts');
  return { module: (await import(pathToFileURL(file).href)) as Module, sha, dir };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round3(percentile(sorted, 0.5)),
    p95: round3(percentile(sorted, 0.95)),
    p99: round3(percentile(sorted, 0.99)),
  };
}

const request = (query: BenchQuery): SearchQuery => ({
  q: query.text,
  termId: query.termId,
  near: query.near,
  perPage: 10,
  facets: values.facets,
});

const size = Number(values.size);
const seed = Number(values.seed);
const docs = generateServices(size, seed);
const queries = buildQueries(docs, seed);
const batches: SearchDocument[][] = [];
for (let i = 0; i < docs.length; i += 1000) batches.push(docs.slice(i, i + 1000));

const old = await engineAt(values.ref);
const engines: Record<
  'alt' | 'neu',
  { open: () => Engine; build: number[]; buildCpu: number[]; engine: Engine | null }
> = {
  alt: {
    open: () => old.module.openStandaloneSqliteEngine(':memory:'),
    build: [],
    buildCpu: [],
    engine: null,
  },
  neu: { open: () => current.openStandaloneSqliteEngine(':memory:'), build: [], buildCpu: [], engine: null },
};
const load = () => os.loadavg()[0]!.toFixed(2);
const loadBefore = load();
try {
  // Builds alternate; the last index of each stays for the queries.
  for (let b = 0; b < Number(values.builds); b++) {
    for (const name of (b % 2 === 0 ? ['alt', 'neu'] : ['neu', 'alt']) as ('alt' | 'neu')[]) {
      const entry = engines[name];
      entry.engine?.close();
      global.gc?.();
      const engine = entry.open();
      const started = performance.now();
      const cpu = process.cpuUsage();
      await engine.rebuild(batches);
      entry.build.push(Math.round(performance.now() - started));
      const used = process.cpuUsage(cpu);
      entry.buildCpu.push(Math.round((used.user + used.system) / 1000));
      entry.engine = engine;
    }
  }
  const alt = engines.alt.engine!;
  const neu = engines.neu.engine!;
  // Warm-up (untimed) and the comparison of the top ten.
  const different: string[] = [];
  for (const query of queries) {
    const [a, b] = [await alt.search(request(query)), await neu.search(request(query))];
    const ids = (result: typeof a) => result.hits.map((hit) => hit.id).join(',');
    if (ids(a) !== ids(b) || a.total !== b.total || Boolean(a.totalCapped) !== Boolean(b.totalCapped))
      different.push(`${query.kind}/${query.variant} ${query.text}`);
  }
  // SQL statements per search, counted through the engine's statement cache (both engines have it).
  const statements = { alt: 0, neu: 0 };
  for (const name of ['alt', 'neu'] as const) {
    const inner = engines[name].engine as unknown as { statement: (...args: unknown[]) => unknown };
    const original = inner.statement.bind(inner);
    inner.statement = (...args: unknown[]) => {
      statements[name]++;
      return original(...args);
    };
  }
  const samples = { alt: [] as number[], neu: [] as number[] };
  // The fastest of the rounds per query: less affected by other processes than single samples.
  const fastest = { alt: new Map<number, number>(), neu: new Map<number, number>() };
  const byKind = new Map<string, { alt: number[]; neu: number[] }>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [i, query] of queries.entries()) {
      const order = (i + round) % 2 === 0 ? (['alt', 'neu'] as const) : (['neu', 'alt'] as const);
      for (const name of order) {
        const engine = name === 'alt' ? alt : neu;
        const started = performance.now();
        await engine.search(request(query));
        const took = performance.now() - started;
        samples[name].push(took);
        fastest[name].set(i, Math.min(fastest[name].get(i) ?? Infinity, took));
        const kind = byKind.get(query.kind) ?? { alt: [], neu: [] };
        kind[name].push(took);
        byKind.set(query.kind, kind);
      }
    }
  }
  console.log(
    JSON.stringify(
      {
        ref: old.sha,
        size,
        queries: queries.length,
        rounds: Number(values.rounds),
        facets: values.facets,
        load: `${loadBefore} → ${load()}`,
        buildMs: { alt: engines.alt.build, neu: engines.neu.build },
        // CPU time of the process during each build (less affected by other processes than the wall clock).
        buildCpuMs: { alt: engines.alt.buildCpu, neu: engines.neu.buildCpu },
        alt: summary(samples.alt),
        neu: summary(samples.neu),
        fastestOfRounds: { alt: summary([...fastest.alt.values()]), neu: summary([...fastest.neu.values()]) },
        statementsPerSearch: {
          alt: round3(statements.alt / samples.alt.length),
          neu: round3(statements.neu / samples.neu.length),
        },
        p95ByKind: Object.fromEntries(
          [...byKind].map(([kind, s]) => [kind, { alt: summary(s.alt).p95, neu: summary(s.neu).p95 }]),
        ),
        top10Different: different.length,
        examples: different.slice(0, 10),
      },
      null,
      2,
    ),
  );
  process.exitCode = different.length > 0 ? 1 : 0;
} finally {
  engines.alt.engine?.close();
  engines.neu.engine?.close();
  fs.rmSync(old.dir, { recursive: true, force: true });
}
