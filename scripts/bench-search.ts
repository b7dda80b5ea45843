/**
 * `npm run bench:search [-- --sizes 10000,100000 --json out.json --rounds 5]`: builds the SQLite FTS5 engine,
 * MiniSearch and (at 10,000 entries) Orama over synthetic entries and measures index build time, memory, query
 * latency (p50/p95/p99) and whether typos and umlaut-free spellings still find the intended entry in the top 10.
 * Each engine runs in its own Node process (with --expose-gc) so memory figures do not mix. Prints figures;
 * never asserts. See docs/performance.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import MiniSearch from 'minisearch';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import { generateServices, GERMAN_CITIES, mulberry32 } from '../db/seed/synthetic';
import {
  DEFAULT_SYNONYMS,
  distanceKm,
  foldGerman,
  type SearchDocument,
  type SearchQuery,
} from '../src/lib/search/search';
import { compoundParts } from '../src/lib/search/compounds';
import { fieldWords } from '../src/lib/search/vocabulary';
import {
  emitJson,
  formatMachine,
  formatTable,
  machineInfo,
  mark,
  memoryMethod,
  memorySnapshot,
  parseSizes,
  summarize,
  toMb,
  type LatencySummary,
  type MemorySnapshot,
} from './bench-lib';
import { progressBar } from './cli';

// sqlite: the index in memory (everything it holds counts in RSS); sqlite-datei: in a temporary file, as in the
// app (the operating system's page cache then holds the index, outside RSS).
const ENGINES = ['sqlite', 'sqlite-datei', 'minisearch', 'orama'] as const;
type EngineName = (typeof ENGINES)[number];

const QUERY_KINDS = [
  'wort',
  'zwei_woerter',
  'praefix',
  'tippfehler_1',
  'tippfehler_2',
  'umlaut',
  'kompositum',
] as const;
type QueryKind = (typeof QUERY_KINDS)[number];
const VARIANTS = ['ohne', 'umkreis', 'kategorie', 'umkreis+kategorie'] as const;
type Variant = (typeof VARIANTS)[number];

/** One benchmark query: text, filters, and for typo/umlaut queries the entry it should find. */
export interface BenchQuery {
  kind: QueryKind;
  variant: Variant;
  text: string;
  termId: string | undefined;
  near: { lat: number; lon: number; radiusKm: number } | undefined;
  intendedId: string | undefined;
  intendedName: string | undefined;
}

/** What one engine process reports. */
interface EngineResult {
  engine: string;
  size: number;
  status: 'ok' | 'übersprungen' | 'fehler';
  notice: string | null;
  /** How the worker took memory figures. */
  memoryMethod: string;
  buildMs: number | null;
  memory: {
    rssAfterBuildMb: number;
    heapAfterBuildMb: number;
    rssAfterWarmupMb: number;
    heapAfterWarmupMb: number;
    /** Size of the index file with its WAL (sqlite-datei only). */
    indexFileMb: number | null;
  } | null;
  firstQueryMs: number | null;
  queries: number;
  rounds: number;
  latency: LatencySummary | null;
  latencyByKind: Partial<Record<QueryKind, LatencySummary>>;
  recall: {
    total: number;
    top10: number;
    share: number;
    byKind: Partial<Record<QueryKind, { total: number; top10: number }>>;
    misses: { kind: QueryKind; variant: Variant; q: string; intended: string; got: string[] }[];
  } | null;
  zeroHitQueries: number | null;
}

// Fixed queries. Category = top-level key used in the category variants; city = centre of the radius variants.
const WORDS: [string, string][] = [
  ['schuldnerberatung', 'beratung'],
  ['sprachcafé', 'sprache'],
  ['integrationskurs', 'sprache'],
  ['jugendintegrationskurs', 'sprache'],
  ['ausländerbehörde', 'behoerde'],
  ['bewerbungstraining', 'arbeit'],
  ['jobcenter', 'arbeit'],
  ['hausaufgabenhilfe', 'bildung'],
  ['anerkennungsberatung', 'anerkennung'],
  ['wohnungslosigkeit', 'wohnen'],
  ['berufsberatung', 'arbeit'],
  ['mädchentreff', 'freizeit'],
  ['führungszeugnis', 'behoerde'],
  ['straßensozialarbeit', 'wohnen'],
  ['vhs', 'sprache'],
  ['ihk', 'arbeit'],
];

const TWO_WORDS: [string, string, string][] = [
  ['integrationskurs kassel', 'sprache', 'Kassel'],
  ['schuldnerberatung caritas', 'beratung', 'Köln'],
  ['sprachcafé leipzig', 'sprache', 'Leipzig'],
  ['berufsberatung geflüchtete', 'arbeit', 'Hamburg'],
  ['ausländerbehörde aufenthaltstitel', 'behoerde', 'Berlin'],
  ['jugendwohnen münchen', 'wohnen', 'München'],
  ['anerkennung berufsabschlüsse', 'anerkennung', 'Frankfurt am Main'],
  ['deutschkurs geflüchtete', 'sprache', 'Dortmund'],
  ['bewerbungstraining jugendliche', 'arbeit', 'Essen'],
  ['schwimmkurs anfängerinnen', 'freizeit', 'Bremen'],
  ['hausaufgabenhilfe köln', 'bildung', 'Köln'],
  ['migrationsberatung diakonie', 'beratung', 'Nürnberg'],
  ['psychosoziale beratung', 'beratung', 'Düsseldorf'],
  ['betreutes wohnen', 'wohnen', 'Stuttgart'],
];

const PREFIXES: [string, string][] = [
  ['sc', 'beratung'],
  ['sp', 'sprache'],
  ['au', 'behoerde'],
  ['be', 'arbeit'],
  ['ju', 'freizeit'],
  ['in', 'sprache'],
  ['ber', 'arbeit'],
  ['spr', 'sprache'],
  ['sch', 'bildung'],
  ['aus', 'arbeit'],
  ['woh', 'wohnen'],
  ['jug', 'behoerde'],
  ['schu', 'beratung'],
  ['spra', 'sprache'],
  ['inte', 'sprache'],
  ['bewe', 'arbeit'],
  ['ausl', 'behoerde'],
  ['bürg', 'behoerde'],
];

/** Compound queries: a part (four letters or more, not the word's start) of a word of an entry's name. */
const COMPOUND_COUNT = 40;
const TYPO_COUNTS = { deletion: 6, insertion: 6, substitution: 6, transposition: 6, double: 12, umlaut: 16 };
const RADIUS_KM = 25;
// Function words and legal forms (folded): never the word a typo query is about, never useful context.
const FUNCTION_WORDS = new Set(
  'fur und der die das dem den des mit am im in von zu bei nach ohne e v ggmbh'.split(' '),
);
// Neighbouring keys on a German keyboard, for plausible insertions and substitutions.
const KEYBOARD_ROWS = ['qwertzuiopü', 'asdfghjklöä', 'yxcvbnm'];

const tokensOf = (text: string) =>
  foldGerman(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}]+/gu) ?? [];

/** Optimal string alignment distance (independent of the engine's own implementation). */
function osaDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

function neighbourOf(char: string, random: () => number): string {
  for (const row of KEYBOARD_ROWS) {
    const at = row.indexOf(char);
    if (at >= 0) {
      const options = [row[at - 1], row[at + 1]].filter((c): c is string => c !== undefined);
      return options[Math.floor(random() * options.length)]!;
    }
  }
  return 'e';
}

type EditKind = 'deletion' | 'insertion' | 'substitution' | 'transposition';

/** Applies one edit at a random position after the first letter (people rarely mistype the first one). */
function applyEdit(word: string, kind: EditKind, random: () => number): string {
  const position = 1 + Math.floor(random() * (word.length - 2));
  const char = word[position]!;
  switch (kind) {
    case 'deletion':
      return word.slice(0, position) + word.slice(position + 1);
    case 'insertion':
      return word.slice(0, position) + neighbourOf(char, random) + word.slice(position);
    case 'substitution':
      return word.slice(0, position) + neighbourOf(char, random) + word.slice(position + 1);
    case 'transposition':
      return word.slice(0, position) + word[position + 1]! + char + word.slice(position + 2);
  }
}

const withoutUmlauts = (text: string) =>
  text.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');

/**
 * The fixed queries for a data set: the listed words, pairs and prefixes, and typo and umlaut-free queries made
 * from real entries. A typo query is the misspelt word of an entry's name plus words of its organization (as a
 * caseworker types "schuldnerbratung caritasverband kassel"); it is used only if the correctly spelt words match at
 * most three entries, so an ideal engine has the intended one in its top 10. Every base query appears in four
 * variants: without filters, with a 25 km radius, with a category, with both.
 */
export function buildQueries(docs: SearchDocument[], seed: number): BenchQuery[] {
  const random = mulberry32(seed ^ 0x5eed);
  const cityByName = new Map(GERMAN_CITIES.map((c) => [c.name, c]));
  const vocabulary = new Set<string>();
  const postings = new Map<string, number[]>();
  for (const [index, doc] of docs.entries()) {
    for (const token of tokensOf(doc.description)) vocabulary.add(token);
    for (const token of new Set(tokensOf(`${doc.name} ${doc.organization} ${doc.categories.join(' ')}`))) {
      vocabulary.add(token);
      const list = postings.get(token);
      if (list) list.push(index);
      else postings.set(token, [index]);
    }
  }
  const matching = (tokens: string[]) => {
    const lists = tokens.map((t) => postings.get(t) ?? []).sort((a, b) => a.length - b.length);
    let result = new Set(lists[0] ?? []);
    for (const list of lists.slice(1)) {
      const next = new Set(list);
      result = new Set([...result].filter((i) => next.has(i)));
    }
    return result.size;
  };

  const bases: Omit<BenchQuery, 'variant' | 'near' | 'termId'>[] = [];
  const filters: { termId: string; city: { lat: number; lon: number } }[] = [];
  const bigCities = GERMAN_CITIES.slice(0, 12);
  const add = (
    kind: QueryKind,
    text: string,
    termId: string,
    centre: { lat: number; lon: number },
    intended?: SearchDocument,
  ) => {
    bases.push({ kind, text, intendedId: intended?.id, intendedName: intended?.name });
    filters.push({ termId, city: centre });
  };
  for (const [i, [text, termId]] of WORDS.entries())
    add('wort', text, termId, bigCities[i % bigCities.length]!);
  for (const [text, termId, cityName] of TWO_WORDS)
    add('zwei_woerter', text, termId, cityByName.get(cityName)!);
  for (const [i, [text, termId]] of PREFIXES.entries()) {
    add('praefix', text, termId, bigCities[(i + 5) % bigCities.length]!);
  }

  // Entries in a seeded order; each is used at most once.
  const order = docs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let cursor = 0;
  const wanted: [QueryKind, EditKind[] | 'umlaut', number][] = [
    ['tippfehler_1', ['deletion'], TYPO_COUNTS.deletion],
    ['tippfehler_1', ['insertion'], TYPO_COUNTS.insertion],
    ['tippfehler_1', ['substitution'], TYPO_COUNTS.substitution],
    ['tippfehler_1', ['transposition'], TYPO_COUNTS.transposition],
    ['tippfehler_2', ['deletion', 'substitution'], TYPO_COUNTS.double / 4],
    ['tippfehler_2', ['transposition', 'insertion'], TYPO_COUNTS.double / 4],
    ['tippfehler_2', ['substitution', 'substitution'], TYPO_COUNTS.double / 4],
    ['tippfehler_2', ['deletion', 'transposition'], TYPO_COUNTS.double / 4],
    ['umlaut', 'umlaut', TYPO_COUNTS.umlaut],
  ];
  for (const [kind, edits, count] of wanted) {
    let made = 0;
    while (made < count && cursor < order.length) {
      const doc = docs[order[cursor++]!]!;
      if (doc.lat === null || doc.lon === null) continue;
      const minLength = edits === 'umlaut' ? 3 : edits.length === 2 ? 9 : 5;
      const candidates = wordsOf(doc.name).filter(
        // Function words ("für") are in almost every description: nobody searches for them.
        (w) =>
          w.length >= minLength &&
          !FUNCTION_WORDS.has(foldGerman(w)) &&
          (edits !== 'umlaut' || /[äöüß]/.test(w)),
      );
      if (candidates.length === 0) continue;
      const word = candidates[Math.floor(random() * candidates.length)]!;
      let typed = word;
      if (edits === 'umlaut') typed = withoutUmlauts(word);
      else for (const edit of edits) typed = applyEdit(typed, edit, random);
      const wordToken = foldGerman(word);
      if (edits !== 'umlaut') {
        // The engine sees folded text: the misspelling must stay the intended number of edits away there, and
        // must not be another real word.
        const typedToken = foldGerman(typed);
        if (osaDistance(typedToken, wordToken) !== edits.length || vocabulary.has(typedToken)) continue;
      }
      const context = wordsOf(doc.organization).filter((w) => {
        const folded = foldGerman(w);
        return folded !== wordToken && !FUNCTION_WORDS.has(folded) && folded.length > 1;
      });
      const queryTokens = [wordToken, ...context.map(foldGerman)];
      if (matching(queryTokens) > 3) continue;
      const text = [typed, ...context].join(' ');
      const top = doc.termIds.find((t) => !t.includes('.')) ?? doc.termIds[0]!;
      add(kind, edits === 'umlaut' ? withoutUmlauts(text) : text, top, cityCentreOf(doc), doc);
      made++;
    }
  }

  // Compound queries, made as the typo queries are: a part of a compound in an entry's name (split against the
  // words of the data set and the field's list, as the engines split), plus words of its organization.
  const known = new Set([...vocabulary, ...fieldWords(DEFAULT_SYNONYMS)]);
  const docTokens = docs.map((d) => ({
    organization: new Set(tokensOf(d.organization)),
    name: tokensOf(d.name),
  }));
  let compounds = 0;
  while (compounds < COMPOUND_COUNT && cursor < order.length) {
    const doc = docs[order[cursor++]!]!;
    if (doc.lat === null || doc.lon === null) continue;
    const options = wordsOf(doc.name).flatMap((w) => {
      const folded = foldGerman(w);
      return compoundParts(folded, (part) => known.has(part))
        .filter((part) => !folded.startsWith(part))
        .map((part) => ({ word: folded, part }));
    });
    if (options.length === 0) continue;
    const { word, part } = options[Math.floor(random() * options.length)]!;
    const context = wordsOf(doc.organization)
      .map(foldGerman)
      .filter((w) => w !== word && !FUNCTION_WORDS.has(w) && w.length > 1);
    if (context.length === 0) continue;
    // At most three entries share the organization's words and a name word with this part: the top 10 can hold it.
    const withContext = docTokens.filter(
      (d) => context.every((c) => d.organization.has(c)) && d.name.some((t) => t.includes(part)),
    ).length;
    if (withContext > 3) continue;
    const top = doc.termIds.find((t) => !t.includes('.')) ?? doc.termIds[0]!;
    add('kompositum', [part, ...context].join(' '), top, cityCentreOf(doc), doc);
    compounds++;
  }

  const queries: BenchQuery[] = [];
  for (const variant of VARIANTS) {
    for (const [i, base] of bases.entries()) {
      const filter = filters[i]!;
      queries.push({
        ...base,
        variant,
        termId: variant === 'kategorie' || variant === 'umkreis+kategorie' ? filter.termId : undefined,
        near:
          variant === 'umkreis' || variant === 'umkreis+kategorie'
            ? { lat: filter.city.lat, lon: filter.city.lon, radiusKm: RADIUS_KM }
            : undefined,
      });
    }
  }
  return queries;
}

/** The centre of the entry's city (the radius variants search 25 km around it). */
function cityCentreOf(doc: SearchDocument): { lat: number; lon: number } {
  const place = GERMAN_CITIES.find((c) => c.name === doc.city);
  return place ?? { lat: doc.lat!, lon: doc.lon! };
}

/** One engine under test: builds its index, answers a query with the ids of its top 10. */
interface Adapter {
  build(docs: SearchDocument[], onProgress: (done: number) => void, deadline: number): Promise<void>;
  search(query: BenchQuery, facets: boolean): Promise<string[]>;
  /** Bytes of the index on disk, for file-backed indexes. */
  fileBytes(): number | null;
  close(): void;
}

const BATCH = 1000;
const chunks = <T>(items: T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
};

class BudgetExceeded extends Error {}

async function sqliteAdapter(inFile: boolean): Promise<Adapter> {
  const { openStandaloneSqliteEngine } = await import('../src/lib/search/sqlite-fts-engine');
  const dir = inFile ? fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-bench-index-')) : null;
  const file = dir ? path.join(dir, 'index.sqlite') : ':memory:';
  const engine = openStandaloneSqliteEngine(file);
  return {
    async build(docs, onProgress) {
      await engine.rebuild(chunks(docs, BATCH), onProgress);
    },
    async search(query, facets) {
      const request: SearchQuery = {
        q: query.text,
        termId: query.termId,
        near: query.near,
        perPage: 10,
        facets,
      };
      return (await engine.search(request)).hits.map((hit) => hit.id);
    },
    fileBytes: () =>
      dir
        ? fs
            .readdirSync(dir)
            .map((name) => fs.statSync(path.join(dir, name)).size)
            .reduce((a, b) => a + b, 0)
        : null,
    close: () => {
      engine.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function miniSearchAdapter(): Adapter {
  const index = new MiniSearch<SearchDocument>({
    fields: ['name', 'categories', 'organization', 'description'],
    storeFields: ['termIds', 'lat', 'lon'],
    extractField: (doc, field) => {
      const value = doc[field as keyof SearchDocument];
      return Array.isArray(value) ? value.join(' ') : (value as string);
    },
    // The same German folding our engine uses, so the comparison is about the index, not about umlauts.
    processTerm: (term) => foldGerman(term),
    searchOptions: { prefix: true, fuzzy: 0.2, boost: { name: 3, categories: 2, organization: 1.5 } },
  });
  return {
    async build(docs, onProgress) {
      let done = 0;
      for (const batch of chunks(docs, BATCH)) {
        index.addAll(batch);
        onProgress((done += batch.length));
      }
    },
    async search(query) {
      const { termId, near } = query;
      const results = index.search(query.text, {
        filter: (result) =>
          (!termId || (result['termIds'] as string[]).includes(termId)) &&
          (!near ||
            (result['lat'] !== null &&
              distanceKm(near, { lat: result['lat'] as number, lon: result['lon'] as number }) <=
                near.radiusKm)),
      });
      return results.slice(0, 10).map((result) => String(result.id));
    },
    fileBytes: () => null,
    close: () => {},
  };
}

function oramaAdapter(): Adapter {
  const db = create({
    schema: {
      name: 'string',
      categories: 'string[]',
      organization: 'string',
      description: 'string',
      termIds: 'enum[]',
      location: 'geopoint',
    } as const,
    components: {
      // German folding as in the other engines (Orama's default would turn ä into a, not ae into a).
      tokenizer: {
        language: 'german',
        normalizationCache: new Map(),
        tokenize: (raw: string) => tokensOf(raw),
      },
    },
  });
  return {
    async build(docs, onProgress, deadline) {
      let done = 0;
      for (const batch of chunks(docs, 500)) {
        await insertMultiple(
          db,
          batch.map((doc) => ({
            id: doc.id,
            name: doc.name,
            categories: doc.categories,
            organization: doc.organization,
            description: doc.description,
            termIds: doc.termIds,
            ...(doc.lat !== null && doc.lon !== null ? { location: { lat: doc.lat, lon: doc.lon } } : {}),
          })),
          500,
        );
        onProgress((done += batch.length));
        if (performance.now() > deadline)
          throw new BudgetExceeded(`Aufbau nach ${done} von ${docs.length} Einträgen`);
      }
    },
    async search(query) {
      const where: Record<string, unknown> = {};
      if (query.termId) where['termIds'] = { containsAll: [query.termId] };
      if (query.near) {
        where['location'] = {
          radius: {
            coordinates: { lat: query.near.lat, lon: query.near.lon },
            unit: 'km',
            value: query.near.radiusKm,
            inside: true,
          },
        };
      }
      const results = await oramaSearch(db, {
        term: query.text,
        properties: ['name', 'categories', 'organization', 'description'],
        boost: { name: 3, categories: 2, organization: 1.5 },
        tolerance: 1,
        limit: 10,
        ...(Object.keys(where).length > 0 ? { where: where as never } : {}),
      });
      return results.hits.map((hit) => String(hit.id));
    },
    fileBytes: () => null,
    close: () => {},
  };
}

async function adapterFor(engine: EngineName): Promise<Adapter> {
  if (engine === 'sqlite' || engine === 'sqlite-datei') return sqliteAdapter(engine === 'sqlite-datei');
  if (engine === 'minisearch') return miniSearchAdapter();
  return oramaAdapter();
}

const emptyResult = (
  engine: string,
  size: number,
  status: EngineResult['status'],
  notice: string,
): EngineResult => ({
  engine,
  size,
  status,
  notice,
  memoryMethod: memoryMethod(),
  buildMs: null,
  memory: null,
  firstQueryMs: null,
  queries: 0,
  rounds: 0,
  latency: null,
  latencyByKind: {},
  recall: null,
  zeroHitQueries: null,
});

/** Runs the timed passes over all queries and summarizes them. */
async function timeQueries(
  adapter: Adapter,
  queries: BenchQuery[],
  rounds: number,
  facets: boolean,
  label: string,
  deadline: number,
): Promise<{ latency: LatencySummary; byKind: Partial<Record<QueryKind, LatencySummary>> }> {
  const samples: number[] = [];
  const byKind = new Map<QueryKind, number[]>();
  const bar = progressBar(label);
  const total = rounds * queries.length;
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    for (const query of queries) {
      const started = performance.now();
      await adapter.search(query, facets);
      const took = performance.now() - started;
      samples.push(took);
      const list = byKind.get(query.kind);
      if (list) list.push(took);
      else byKind.set(query.kind, [took]);
      if (++done % 50 === 0 || done === total) bar(done, total);
    }
    if (performance.now() > deadline)
      throw new BudgetExceeded(`Abfragen nach ${round + 1} von ${rounds} Runden`);
  }
  return {
    latency: summarize(samples),
    byKind: Object.fromEntries([...byKind].map(([kind, list]) => [kind, summarize(list)])),
  };
}

/** Measures one engine at one size (runs in its own process). */
async function runWorker(engine: EngineName, size: number, seed: number, rounds: number, budgetMs: number) {
  const results: EngineResult[] = [];
  const docs = generateServices(size, seed, { onProgress: progressBar(`[${engine}] Erzeugen`) });
  const queries = buildQueries(docs, seed);
  const adapter = await adapterFor(engine);
  const deadline = (from: number) => (engine === 'orama' ? from + budgetMs : Number.POSITIVE_INFINITY);
  const delta = (after: MemorySnapshot, before: MemorySnapshot) => ({
    rss: toMb(after.rss - before.rss),
    heap: toMb(after.heapUsed + after.external - before.heapUsed - before.external),
  });

  const before = memorySnapshot();
  const buildStarted = performance.now();
  const buildBar = progressBar(`[${engine}] Aufbau ${size}`);
  try {
    await adapter.build(docs, (done) => buildBar(done, size), deadline(buildStarted));
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      return [emptyResult(engine, size, 'übersprungen', `${error.message} über dem Zeitbudget abgebrochen`)];
    }
    throw error;
  }
  const buildMs = Math.round(performance.now() - buildStarted);
  const afterBuild = delta(memorySnapshot(), before);

  // Warm-up pass (with and without facets): untimed except for the very first query (it pays for lazily built
  // structures); recall comes from here (results do not change between rounds).
  const recall: NonNullable<EngineResult['recall']> = {
    total: 0,
    top10: 0,
    share: 0,
    byKind: {},
    misses: [],
  };
  let zeroHits = 0;
  let firstQueryMs = 0;
  const warmBar = progressBar(`[${engine}] Aufwärmen`);
  for (const [i, query] of queries.entries()) {
    const started = performance.now();
    const ids = await adapter.search(query, false);
    if (i === 0) firstQueryMs = Math.round((performance.now() - started) * 1000) / 1000;
    // Facet counting may load structures of its own: warm it up too, so the memory figure includes them.
    if (engine === 'sqlite' || engine === 'sqlite-datei') await adapter.search(query, true);
    if (ids.length === 0) zeroHits++;
    if (query.intendedId) {
      const found = ids.includes(query.intendedId);
      const entry = (recall.byKind[query.kind] ??= { total: 0, top10: 0 });
      entry.total++;
      recall.total++;
      if (found) {
        entry.top10++;
        recall.top10++;
      } else if (recall.misses.length < 25) {
        recall.misses.push({
          kind: query.kind,
          variant: query.variant,
          q: query.text,
          intended: `${query.intendedName} (${query.intendedId})`,
          got: ids.slice(0, 3),
        });
      }
    }
    if ((i + 1) % 50 === 0 || i + 1 === queries.length) warmBar(i + 1, queries.length);
  }
  recall.share = recall.total === 0 ? 0 : Math.round((recall.top10 / recall.total) * 1000) / 10;
  const afterWarmup = delta(memorySnapshot(), before);

  const base = {
    engine,
    size,
    status: 'ok' as const,
    notice: null,
    memoryMethod: memoryMethod(),
    buildMs,
    memory: {
      rssAfterBuildMb: afterBuild.rss,
      heapAfterBuildMb: afterBuild.heap,
      rssAfterWarmupMb: afterWarmup.rss,
      heapAfterWarmupMb: afterWarmup.heap,
      indexFileMb: adapter.fileBytes() === null ? null : toMb(adapter.fileBytes()!),
    },
    firstQueryMs,
    queries: queries.length,
    rounds,
    recall,
    zeroHitQueries: zeroHits,
  };
  try {
    const timed = await timeQueries(
      adapter,
      queries,
      rounds,
      false,
      `[${engine}] Abfragen`,
      deadline(performance.now()),
    );
    results.push({ ...base, latency: timed.latency, latencyByKind: timed.byKind });
    if (engine === 'sqlite') {
      // The search page also asks for facet counts; the autocomplete and the map do not.
      const faceted = await timeQueries(adapter, queries, rounds, true, `[${engine}] mit Facetten`, Infinity);
      results.push({
        ...base,
        engine: 'sqlite+facetten',
        latency: faceted.latency,
        latencyByKind: faceted.byKind,
      });
    }
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    results.push({
      ...emptyResult(engine, size, 'übersprungen', `${error.message} über dem Zeitbudget abgebrochen`),
      buildMs,
    });
  }
  adapter.close();
  return results;
}

function spawnWorker(args: string[], timeoutMs: number): Promise<EngineResult[] | string> {
  const script = fileURLToPath(import.meta.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-bench-'));
  const out = path.join(dir, 'result.json');
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, '--expose-gc', script, ...args, '--out', out],
      {
        stdio: 'inherit',
      },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        if (code === 0 && fs.existsSync(out))
          resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as EngineResult[]);
        else
          resolve(
            signal
              ? `Prozess nach ${Math.round(timeoutMs / 1000)} s beendet (${signal})`
              : `Exit-Code ${code}`,
          );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 10) / 10;

/** The targets of docs/performance.md, checked against the figures. */
/** Share (%) of the queries of these kinds whose intended entry came in the top 10. */
function shareOf(result: EngineResult, kinds: QueryKind[]): number {
  let total = 0;
  let top10 = 0;
  for (const kind of kinds) {
    total += result.recall?.byKind[kind]?.total ?? 0;
    top10 += result.recall?.byKind[kind]?.top10 ?? 0;
  }
  return total === 0 ? 0 : Math.round((top10 / total) * 1000) / 10;
}

function evaluateTargets(results: EngineResult[]) {
  const find = (engine: string, size: number) =>
    results.find((r) => r.engine === engine && r.size === size && r.status === 'ok');
  const sizes = [...new Set(results.map((r) => r.size))];
  const targets: { ziel: string; messwert: string; ergebnis: string }[] = [];
  const push = (ziel: string, value: number | string | null | undefined, unit: string, met: boolean | null) =>
    targets.push({
      ziel,
      messwert: value === null || value === undefined ? '–' : `${value} ${unit}`.trim(),
      ergebnis: mark(met),
    });
  const small = find('sqlite', 10_000);
  if (small) push('p95 ≤ 1,5 ms bei 10.000', small.latency!.p95, 'ms', small.latency!.p95 <= 1.5);
  const large = find('sqlite', 100_000);
  if (large) {
    push('p95 ≤ 10 ms bei 100.000', large.latency!.p95, 'ms', large.latency!.p95 <= 10);
    push('p99 ≤ 25 ms bei 100.000', large.latency!.p99, 'ms', large.latency!.p99 <= 25);
    push('Aufbau 100.000 ≤ 5 s', large.buildMs! / 1000, 's', large.buildMs! <= 5000);
  }
  const largeFile = find('sqlite-datei', 100_000);
  if (largeFile)
    push('Aufbau 100.000 ≤ 5 s (Datei)', largeFile.buildMs! / 1000, 's', largeFile.buildMs! <= 5000);
  for (const size of sizes) {
    const ours = find('sqlite', size);
    const mini = find('minisearch', size);
    if (!ours) continue;
    const speedup = ratio(mini?.latency?.p95, ours.latency?.p95);
    push(
      `p95 ≥ 5× niedriger als MiniSearch (${size})`,
      mini && `${ours.latency!.p95} ms gegenüber ${mini.latency!.p95} ms = ${speedup}×`,
      '',
      speedup === null ? null : speedup >= 5,
    );
    const typoShare = shareOf(ours, ['tippfehler_1', 'tippfehler_2', 'umlaut']);
    push(`Tippfehler/Umlaute Top 10 ≥ 98 % (${size})`, typoShare, '%', typoShare >= 98);
    const compoundShare = shareOf(ours, ['kompositum']);
    push(`Komposita-Teile Top 10 ≥ 95 % (${size})`, compoundShare, '%', compoundShare >= 95);
    const share = mini
      ? Math.round((ours.memory!.rssAfterWarmupMb / mini.memory!.rssAfterWarmupMb) * 100)
      : null;
    push(
      `Speicher (RSS) ≤ 1/5 von MiniSearch (${size})`,
      mini &&
        `${ours.memory!.rssAfterWarmupMb} MB gegenüber ${mini.memory!.rssAfterWarmupMb} MB = ${share} %`,
      '',
      share === null ? null : share <= 20,
    );
  }
  return targets;
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      json: { type: 'string' },
      rounds: { type: 'string', default: '5' },
      seed: { type: 'string', default: '42' },
      engines: { type: 'string', default: ENGINES.join(',') },
      'orama-max-size': { type: 'string', default: '10000' },
      'budget-s': { type: 'string', default: '60' },
      worker: { type: 'string' },
      size: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const seed = Number(values.seed);
  const budgetMs = Number(values['budget-s']) * 1000;

  if (values.worker) {
    const engine = values.worker as EngineName;
    const results = await runWorker(engine, Number(values.size), seed, rounds, budgetMs);
    fs.writeFileSync(values.out!, JSON.stringify(results));
    return;
  }

  const sizes = parseSizes(values.sizes);
  const engines = values.engines
    .split(',')
    .filter((e): e is EngineName => (ENGINES as readonly string[]).includes(e));
  const oramaMax = Number(values['orama-max-size']);
  const machine = machineInfo();
  console.log(`Suche-Benchmark – ${formatMachine(machine)}`);
  console.log(
    `Größen: ${sizes.join(', ')}; Runden: ${rounds}; Seed: ${seed}; Engines: ${engines.join(', ')}\n`,
  );

  const results: EngineResult[] = [];
  for (const size of sizes) {
    for (const engine of engines) {
      if (engine === 'orama' && size > oramaMax) {
        console.log(
          `Hinweis: Orama bei ${size} Einträgen übersprungen (nur bis ${oramaMax}, --orama-max-size).`,
        );
        results.push(emptyResult(engine, size, 'übersprungen', `nur bis ${oramaMax} Einträge gemessen`));
        continue;
      }
      const args = [
        '--worker',
        engine,
        '--size',
        String(size),
        '--seed',
        String(seed),
        '--rounds',
        String(rounds),
      ];
      args.push('--budget-s', String(budgetMs / 1000));
      const hardLimit = engine === 'orama' ? budgetMs * 3 + 120_000 : 60 * 60_000;
      const outcome = await spawnWorker(args, hardLimit);
      if (typeof outcome === 'string') {
        console.log(`Hinweis: ${engine} bei ${size} Einträgen fehlgeschlagen: ${outcome}`);
        results.push(emptyResult(engine, size, 'fehler', outcome));
      } else {
        for (const result of outcome) {
          if (result.status !== 'ok') console.log(`Hinweis: ${engine} bei ${size}: ${result.notice}`);
        }
        results.push(...outcome);
      }
    }
  }

  // The faceted row is the same index queried differently: build and memory are shown once, in the sqlite row.
  const table = results.map((r) => ({
    engine: r.engine,
    einträge: r.size,
    status: r.status,
    'aufbau s':
      r.buildMs === null || r.engine === 'sqlite+facetten' ? null : Math.round(r.buildMs / 100) / 10,
    'rss MB': r.engine === 'sqlite+facetten' ? null : r.memory?.rssAfterWarmupMb,
    'heap MB': r.engine === 'sqlite+facetten' ? null : r.memory?.heapAfterWarmupMb,
    'datei MB': r.memory?.indexFileMb ?? null,
    'p50 ms': r.latency?.p50,
    'p95 ms': r.latency?.p95,
    'p99 ms': r.latency?.p99,
    'max ms': r.latency?.max,
    '1. abfrage ms': r.engine === 'sqlite+facetten' ? null : r.firstQueryMs,
    'top10 %': r.engine === 'sqlite+facetten' ? null : r.recall?.share,
    'ohne treffer': r.engine === 'sqlite+facetten' ? null : r.zeroHitQueries,
  }));
  const method = results.find((r) => r.status === 'ok')?.memoryMethod ?? memoryMethod();
  console.log(`\nSpeicher: ${method}.`);
  console.log(
    `Abfragen: ${results.find((r) => r.queries > 0)?.queries ?? 0} je Größe (Wörter, Wortpaare, Präfixe 2–4 Buchstaben, ` +
      `Tippfehler mit 1 und 2 Fehlern, ohne Umlaute; je ohne Filter, mit 25-km-Umkreis, Kategorie, beidem), ${rounds} Runden nach einer Aufwärmrunde.\n`,
  );
  console.log(formatTable(table));

  const kinds = results
    .filter((r) => r.status === 'ok')
    .map((r) => ({
      engine: r.engine,
      einträge: r.size,
      ...Object.fromEntries(QUERY_KINDS.map((kind) => [`${kind} p95`, r.latencyByKind[kind]?.p95 ?? null])),
    }));
  console.log('\np95 je Abfrageart (ms):\n' + formatTable(kinds));

  const recallRows = results
    .filter((r) => r.status === 'ok' && r.recall && r.engine !== 'sqlite+facetten')
    .map((r) => ({
      engine: r.engine,
      einträge: r.size,
      ...Object.fromEntries(
        (['tippfehler_1', 'tippfehler_2', 'umlaut', 'kompositum'] as const).map((kind) => {
          const entry = r.recall!.byKind[kind];
          return [`${kind} top10`, entry ? `${entry.top10}/${entry.total}` : '–'];
        }),
      ),
    }));
  console.log('\nGewünschter Eintrag in den Top 10:\n' + formatTable(recallRows));
  for (const r of results.filter((x) => x.engine === 'sqlite' && x.recall && x.recall.misses.length > 0)) {
    console.log(`\nVerfehlt (sqlite, ${r.size}, erste ${Math.min(10, r.recall!.misses.length)}):`);
    for (const miss of r.recall!.misses.slice(0, 10)) {
      console.log(`  [${miss.kind}/${miss.variant}] „${miss.q}“ → erwartet ${miss.intended}`);
    }
  }

  const targets = evaluateTargets(results);
  console.log('\nZiele:\n' + formatTable(targets));
  emitJson({ machine, seed, rounds, memoryMethod: method, results, targets }, values.json);
}

// Run as a script (not when a profiling script imports buildQueries).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
