import SQLite from 'better-sqlite3';
import { isPublicHoliday } from '../time/holidays';
import { localClock, parseOpeningHours, WEEKDAYS } from '../directory/opening-hours';
import { compoundPartsOfText, MIN_PART_LENGTH, wordsOf } from './compounds';
import { fieldWords, relatedTermIndex, suggestQuery, type RelatedTermGroup } from './vocabulary';
import {
  allowedTypos,
  DEFAULT_SYNONYMS,
  distanceKm,
  editDistance,
  foldGerman,
  type SearchDocument,
  type SearchEngine,
  type SearchFacets,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from './search';

/**
 * The default search engine: SQLite FTS5 with German folding (ä = ae = a …), prefix matching as you type, typo
 * tolerance in Meilisearch's manner (one typo from 5 letters, two from 9) through a deletion index over the FTS5
 * vocabulary, synonyms, field weights (name › categories › organization › description), a small bonus for recently
 * confirmed entries, facets, and radius, bounding-box and opening-time filters.
 *
 * The index lives in SQLite tables: in the app's own database when it is SQLite (then writes update it inside their
 * transaction, see indexer.ts), or in a separate SQLite file beside a PostgreSQL database.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS search_doc (
  rowid INTEGER PRIMARY KEY,
  service_id TEXT NOT NULL UNIQUE,
  external_id TEXT,
  name TEXT NOT NULL,
  name_sort TEXT NOT NULL,
  organization TEXT NOT NULL,
  term_ids TEXT NOT NULL,
  languages TEXT NOT NULL,
  min_age INTEGER,
  max_age INTEGER,
  free INTEGER,
  accessible INTEGER,
  free_places INTEGER,
  closed_holidays INTEGER NOT NULL DEFAULT 0,
  lat REAL,
  lon REAL,
  postcode TEXT,
  district TEXT,
  city TEXT,
  assured TEXT,
  closed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS search_doc_term (term_id TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (term_id, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_doc_lang (lang TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (lang, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_open (doc INTEGER NOT NULL, start_min INTEGER NOT NULL, end_min INTEGER NOT NULL, from_prev INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
  name, categories, organization, description, parts, tags,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab(search_fts, 'row');
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO search_meta (key, value) VALUES ('generation', '0');
`;

/** Secondary indexes: created after the tables are filled on a rebuild (one sort instead of 100,000 inserts). */
const INDEXES = `
CREATE INDEX IF NOT EXISTS search_doc_lat_idx ON search_doc(lat);
CREATE INDEX IF NOT EXISTS search_doc_name_idx ON search_doc(name_sort);
CREATE INDEX IF NOT EXISTS search_doc_closed_idx ON search_doc(closed) WHERE closed = 1;
CREATE INDEX IF NOT EXISTS search_open_doc_idx ON search_open(doc, start_min);
`;

/**
 * After a rebuild's load: the category and language lookup tables from the JSON lists of the entries, in key order
 * (one sorted statement instead of an insert per category and language of every entry).
 */
const FILL_LOOKUP_TABLES = `
INSERT OR IGNORE INTO search_doc_term (term_id, doc)
  SELECT j.value, d.rowid FROM search_doc d, json_each(d.term_ids) j ORDER BY 1, 2;
INSERT OR IGNORE INTO search_doc_lang (lang, doc)
  SELECT j.value, d.rowid FROM search_doc d, json_each(d.languages) j ORDER BY 1, 2;
`;

const indexWords = new WeakMap<SQLite.Database, Set<string>>();

/** Folded texts a write or rebuild keeps (beyond this, texts are folded each time they occur). */
const FOLD_CACHE_LIMIT = 50_000;

const DROP_INDEX_TABLES = `DROP TABLE IF EXISTS search_vocab; DROP TABLE IF EXISTS search_fts;
  DROP TABLE IF EXISTS search_doc; DROP TABLE IF EXISTS search_doc_term; DROP TABLE IF EXISTS search_doc_lang;
  DROP TABLE IF EXISTS search_open;`;

/** Creates the index tables if they are missing (the index is derived data: rebuildable at any time). */
export function ensureSearchSchema(handle: SQLite.Database): void {
  // An index from before compound parts and closed markers (decision 0022) is dropped; the app refills it at start.
  const columns = handle
    .prepare("SELECT name FROM pragma_table_info('search_doc')")
    .pluck()
    .all() as string[];
  // An index from before the filter tags (decision 0024) is dropped as well.
  const ftsColumns = handle
    .prepare("SELECT name FROM pragma_table_info('search_fts')")
    .pluck()
    .all() as string[];
  if (
    (columns.length > 0 && !columns.includes('closed')) ||
    (ftsColumns.length > 0 && !ftsColumns.includes('tags'))
  ) {
    handle.exec(DROP_INDEX_TABLES);
    indexWords.delete(handle);
  }
  handle.exec(SCHEMA);
  handle.exec(INDEXES);
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** Weekly minute intervals (Monday 00:00 = 0) of opening hours; past-midnight parts are marked `fromPrev`. */
export function weeklyIntervals(openingHours: string): { start: number; end: number; fromPrev: boolean }[] {
  const parsed = parseOpeningHours(openingHours);
  if (!parsed.ok) return [];
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const result: { start: number; end: number; fromPrev: boolean }[] = [];
  for (const rule of parsed.value.rules) {
    const day = WEEKDAYS.indexOf(rule.weekday) * 1440;
    const open = minutes(rule.opensAt);
    const close = rule.closesAt === '24:00' ? 1440 : minutes(rule.closesAt);
    if (close > open) result.push({ start: day + open, end: day + close, fromPrev: false });
    else {
      result.push({ start: day + open, end: day + 1440, fromPrev: false });
      const next = (day + 1440) % MINUTES_PER_WEEK;
      if (close > 0) result.push({ start: next, end: next + close, fromPrev: true });
    }
  }
  return result;
}

const fold = (text: string | null | undefined) => foldGerman(text ?? '');

/**
 * Filter tags (decision 0024): categories and map cells as tokens of an FTS5 column of their own, so a category or
 * radius filter narrows the full-text match inside FTS5 (an intersection of doclists) instead of testing every
 * match against the document table. They begin with "00", which no word of the text does, and are never searched.
 */
const TAG_PREFIX = '00';
const CELL_LAT = 0.1;
const CELL_LON = 0.15;
/** A filter needing more cells than this is left to the document table alone. */
const MAX_CELLS = 64;
const categoryTag = (termId: string) => `${TAG_PREFIX}k${Buffer.from(termId, 'utf8').toString('hex')}`;
const cellTag = (latCell: number, lonCell: number) => `${TAG_PREFIX}g${latCell}x${lonCell}`;
const latCellOf = (lat: number) => Math.floor((lat + 90) / CELL_LAT);
const lonCellOf = (lon: number) => Math.floor((lon + 180) / CELL_LON);
/** Whether a vocabulary term is a filter tag (not a word: never a typo candidate or compound part). */
const isTag = (term: string) => term.startsWith(TAG_PREFIX);

function filterTags(doc: SearchDocument): string {
  const tags = doc.termIds.map(categoryTag);
  if (doc.lat !== null && doc.lon !== null) tags.push(cellTag(latCellOf(doc.lat), lonCellOf(doc.lon)));
  return tags.join(' ');
}

/** The cells covering a box, as an FTS5 expression; null when there would be too many. */
function cellExpression(south: number, north: number, west: number, east: number): string | null {
  const [s, n, w, e] = [latCellOf(south), latCellOf(north), lonCellOf(west), lonCellOf(east)];
  if ((n - s + 1) * (e - w + 1) > MAX_CELLS) return null;
  const cells: string[] = [];
  for (let lat = s; lat <= n; lat++) for (let lon = w; lon <= e; lon++) cells.push(`"${cellTag(lat, lon)}"`);
  return `tags : (${cells.join(' OR ')})`;
}

/** Adds or replaces documents in the index tables of `handle` (call inside the caller's transaction). */
export function writeSearchDocuments(
  handle: SQLite.Database,
  documents: SearchDocument[],
  options: {
    fresh?: boolean;
    /** Folded texts of the batches before (a rebuild passes one map for all its batches). */
    folded?: Map<string, string>;
  } = {},
): void {
  if (documents.length === 0) return;
  // A rebuild writes into empty tables: nothing to look up or delete first.
  const fresh = options.fresh === true;
  const find = handle.prepare<[string], { rowid: number }>(
    'SELECT rowid FROM search_doc WHERE service_id = ?',
  );
  const upsertDoc = handle.prepare(
    `INSERT INTO search_doc (rowid, service_id, external_id, name, name_sort, organization, term_ids, languages,
       min_age, max_age, free, accessible, free_places, closed_holidays, lat, lon, postcode, district, city, assured, closed)
     VALUES (@rowid, @service_id, @external_id, @name, @name_sort, @organization, @term_ids, @languages, @min_age,
       @max_age, @free, @accessible, @free_places, @closed_holidays, @lat, @lon, @postcode, @district, @city, @assured,
       @closed)
     ON CONFLICT(service_id) DO UPDATE SET external_id = excluded.external_id, name = excluded.name,
       name_sort = excluded.name_sort, organization = excluded.organization, term_ids = excluded.term_ids,
       languages = excluded.languages, min_age = excluded.min_age, max_age = excluded.max_age, free = excluded.free,
       accessible = excluded.accessible, free_places = excluded.free_places, closed_holidays = excluded.closed_holidays,
       lat = excluded.lat, lon = excluded.lon, postcode = excluded.postcode, district = excluded.district,
       city = excluded.city, assured = excluded.assured, closed = excluded.closed`,
  );
  const deleteFts = handle.prepare('DELETE FROM search_fts WHERE rowid = ?');
  const deleteTerms = handle.prepare('DELETE FROM search_doc_term WHERE doc = ?');
  const deleteLangs = handle.prepare('DELETE FROM search_doc_lang WHERE doc = ?');
  const deleteOpen = handle.prepare('DELETE FROM search_open WHERE doc = ?');
  const insertFts = handle.prepare(
    'INSERT INTO search_fts (rowid, name, categories, organization, description, parts, tags) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertTerm = handle.prepare('INSERT OR IGNORE INTO search_doc_term (term_id, doc) VALUES (?, ?)');
  const insertLang = handle.prepare('INSERT OR IGNORE INTO search_doc_lang (lang, doc) VALUES (?, ?)');
  const insertOpen = handle.prepare(
    'INSERT INTO search_open (doc, start_min, end_min, from_prev) VALUES (?, ?, ?, ?)',
  );
  const flag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);
  // Names of organizations, categories, descriptions and opening hours repeat across entries: each is folded, split
  // or parsed once per batch, and folded once per rebuild (100,000 synthetic entries have 15,000 distinct texts).
  const folded = options.folded ?? new Map<string, string>();
  const foldOnce = (text: string) => folded.get(text) ?? fold(text);
  // Compounds are split against the index's vocabulary, the words of this batch and the field's word list.
  const vocabulary = indexWordsOf(handle);
  for (const doc of documents) {
    for (const text of [doc.name, doc.organization, doc.description, ...doc.categories]) {
      // A text folded before had its words added then (the vocabulary lives as long as the index tables).
      if (folded.has(text)) continue;
      const value = fold(text);
      if (folded.size < FOLD_CACHE_LIMIT) folded.set(text, value);
      for (const word of wordsOf(value)) vocabulary.add(word);
    }
  }
  const known = (part: string) => vocabulary.has(part);
  const partsOfWord = new Map<string, string[]>();
  const intervalsOf = new Map<string, ReturnType<typeof weeklyIntervals>>();
  const partsOf = (text: string) => {
    const result = new Set<string>();
    for (const word of text.split(/[^a-z0-9]+/)) {
      if (word.length < MIN_PART_LENGTH * 2) continue;
      let parts = partsOfWord.get(word);
      if (!parts)
        partsOfWord.set(word, (parts = compoundPartsOfText(word, known).split(' ').filter(Boolean)));
      for (const part of parts) result.add(part);
    }
    return [...result].join(' ');
  };
  for (const doc of documents) {
    const existing = fresh ? undefined : find.get(doc.id);
    if (existing) {
      deleteFts.run(existing.rowid);
      deleteTerms.run(existing.rowid);
      deleteLangs.run(existing.rowid);
      deleteOpen.run(existing.rowid);
    }
    const info = upsertDoc.run({
      rowid: existing?.rowid ?? null,
      service_id: doc.id,
      external_id: doc.externalId,
      name: doc.name,
      name_sort: foldOnce(doc.name),
      organization: doc.organization,
      term_ids: JSON.stringify(doc.termIds),
      languages: JSON.stringify(doc.languages),
      min_age: doc.minAge,
      max_age: doc.maxAge,
      free: flag(doc.freeOfCharge),
      accessible: flag(doc.wheelchairAccessible),
      free_places: doc.freePlaces,
      closed_holidays: /feiertag|ph off/i.test(doc.openingHours) ? 1 : 0,
      lat: doc.lat,
      lon: doc.lon,
      postcode: doc.postcode,
      district: doc.district,
      city: doc.city,
      assured: doc.assuredDate,
      closed: doc.closed ? 1 : 0,
    });
    const rowid = existing?.rowid ?? Number(info.lastInsertRowid);
    const fields = [
      foldOnce(doc.name),
      doc.categories.map(foldOnce).join(' '),
      foldOnce(doc.organization),
      foldOnce(doc.description),
    ] as const;
    insertFts.run(rowid, ...fields, partsOf(fields.join(' ')), filterTags(doc));
    // A rebuild fills the category and language tables in one statement each after the load (fillLookupTables).
    if (!fresh) {
      for (const termId of doc.termIds) insertTerm.run(termId, rowid);
      for (const language of doc.languages) insertLang.run(language, rowid);
    }
    let intervals = intervalsOf.get(doc.openingHours);
    if (!intervals) intervalsOf.set(doc.openingHours, (intervals = weeklyIntervals(doc.openingHours)));
    for (const interval of intervals) {
      insertOpen.run(rowid, interval.start, interval.end, interval.fromPrev ? 1 : 0);
    }
  }
  bumpGeneration(handle);
}

/**
 * The words of the index on `handle` (read once per connection, then grown with every write; a word of a removed
 * entry stays known, which only lets a compound be split that could be split before).
 */
function indexWordsOf(handle: SQLite.Database): Set<string> {
  let words = indexWords.get(handle);
  if (!words) {
    words = new Set(fieldWords(DEFAULT_SYNONYMS));
    for (const term of handle
      .prepare('SELECT term FROM search_vocab')
      .pluck()
      .iterate() as Iterable<string>) {
      if (term.length >= 4 && !isTag(term)) words.add(term);
    }
    indexWords.set(handle, words);
  }
  return words;
}

/** Removes documents from the index tables of `handle`. */
export function deleteSearchDocuments(handle: SQLite.Database, serviceIds: string[]): void {
  if (serviceIds.length === 0) return;
  const find = handle.prepare<[string], { rowid: number }>(
    'SELECT rowid FROM search_doc WHERE service_id = ?',
  );
  const deletes = [
    'DELETE FROM search_fts WHERE rowid = ?',
    'DELETE FROM search_doc_term WHERE doc = ?',
    'DELETE FROM search_doc_lang WHERE doc = ?',
    'DELETE FROM search_open WHERE doc = ?',
    'DELETE FROM search_doc WHERE rowid = ?',
  ].map((sql) => handle.prepare(sql));
  for (const id of serviceIds) {
    const row = find.get(id);
    if (!row) continue;
    for (const statement of deletes) statement.run(row.rowid);
  }
  bumpGeneration(handle);
}

function bumpGeneration(handle: SQLite.Database): void {
  handle.prepare("UPDATE search_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'").run();
}

/** The index of the first term of the sorted list that is not less than `prefix` (where its terms begin). */
function lowerBound(sorted: string[], prefix: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether a term of the sorted list begins with `prefix` (with `other`: a term other than `prefix` itself). */
function hasPrefix(sorted: string[], prefix: string, other = false): boolean {
  let low = lowerBound(sorted, prefix);
  if (other && sorted[low] === prefix) low++;
  return low < sorted.length && sorted[low]!.startsWith(prefix);
}

/** The entries containing a term that begins with `prefix`, summed over those terms; stops above `cap`. */
function prefixDocs(sorted: string[], docs: Map<string, number>, prefix: string, cap: number): number {
  let sum = 0;
  for (
    let i = lowerBound(sorted, prefix);
    i < sorted.length && sorted[i]!.startsWith(prefix) && sum <= cap;
    i++
  )
    sum += docs.get(sorted[i]!) ?? 0;
  return sum;
}

/** All 1-deletions of a word ("kurs" → "urs", "krs", "kus", "kur"). */
function deletions(word: string): string[] {
  const result: string[] = [];
  for (let i = 0; i < word.length; i++) result.push(word.slice(0, i) + word.slice(i + 1));
  return result;
}

const quote = (token: string) => `"${token.replace(/"/g, '')}"`;

interface Slot {
  /** Alternatives of this position of the query: each a token list (a phrase when longer than one). */
  alternatives: string[][];
  /** The plain token typed, when the slot is one token (typos are looked for only then). */
  token: string | null;
  prefix: boolean;
}

/**
 * The MATCH expressions of a query, one per rank (decision 0022): whole words › prefixes › compound parts › typos.
 * Each tier's expression finds everything the tiers before it find; a tier lists only what they did not.
 */
interface PreparedQuery {
  tiers: string[];
  /**
   * Per tier: its expression finds nothing the tier before did not (known from the index's terms, so the tier is
   * not asked). Only what is certain is marked: a term missing from the index, a prefix no other term begins with.
   * (Whether a word occurs as a compound part is not known this way: fts5vocab's per-column counts read the whole
   * index, too slow for each change of the index.)
   */
  empty: boolean[];
  /** Per tier: the same expression limited to the name (a large tier lists its name hits first). */
  nameTiers: string[];
  /** A single typed word still being typed ("sc"): names beginning with it come first in a large tier. */
  namePrefix: string | null;
  /**
   * Each tier finds everything the one before finds, so the widest tier's matches are exactly what the tiers list.
   * Not so when a typo's synonyms replace a candidate that was matched as a prefix in the tier before.
   */
  nested: boolean;
  /**
   * At most this many entries match the text of any tier, filters left aside (from the index's term counts; capped
   * just above TEXT_ALONE_LIMIT).
   */
  textBound: number;
}

/** Counting stops here; a larger total is reported as "über 1.000" (`totalCapped`). */
export const COUNT_CAP = 1000;
/** A tier with more matches than this is not scored by bm25 (see search()). */
const LARGE_TIER = 1000;

/**
 * A rebuild writes batches of the caller in one transaction until it holds this many entries (about half a second
 * of the write lock at most).
 */
const REBUILD_TRANSACTION_DOCS = 10_000;

/**
 * A ranked tier whose text matches at most this many entries leaves out the filter tags when the document table
 * checks every filter anyway: bm25 then does not look at up to 64 map-cell phrases (they weigh 0, the order is the
 * same), and joining so few matches with the document table costs less. Above, the tags narrow the match first.
 */
const TEXT_ALONE_LIMIT = 500;

/** The columns of the text itself (the fifth, `parts`, holds compound parts). */
const TEXT_COLUMNS = '{name categories organization description}';

/** The SQLite FTS5 search engine. */
export class SqliteSearchEngine implements SearchEngine {
  readonly name = 'sqlite' as const;
  private synonymIndex = new Map<string, string[][]>();
  // Prepared statements by SQL text: a query shape is compiled once, not per search.
  private statements = new Map<string, SQLite.Statement>();
  private longestSynonym = 1;
  private vocabulary: {
    generation: string;
    deletes: Map<string, string[]>;
    /** Long words by first letter and length: the second typo is looked for among these. */
    long: Map<string, string[]>;
    /** Every term of the index, sorted (a prefix's terms are neighbours). */
    sorted: string[];
    has: Set<string>;
    /** In how many entries each term occurs (an upper bound: removed entries may still count until a merge). */
    docs: Map<string, number>;
  } | null = null;

  /**
   * @param writer the connection writes go through (the app's own when the database is SQLite)
   * @param reader a connection for searches; a second connection to the same file sees only committed data
   */
  /**
   * Recent results by query (decision 0030), valid for one state of the index: its generation in `search_meta`
   * (written in the same transaction as every change, by any process on the file) and this engine's vocabulary.
   * Null: every search is computed (benchmarks of the engine, profiles).
   */
  private readonly results: SearchResultCache | null;
  /** Counts the vocabularies this engine was given: part of a cached result's state. */
  private vocabularyVersion = 0;

  constructor(
    private readonly writer: SQLite.Database,
    private readonly reader: SQLite.Database = writer,
    private readonly onClose: () => void = () => {},
    options: { resultCacheEntries?: number } = {},
  ) {
    ensureSearchSchema(writer);
    this.applySynonyms(DEFAULT_SYNONYMS);
    const entries = options.resultCacheEntries ?? 0;
    this.results = entries > 0 ? new SearchResultCache(entries) : null;
  }

  async setSynonyms(groups: string[][], related?: RelatedTermGroup[]): Promise<void> {
    this.vocabularyVersion += 1;
    this.applySynonyms(groups, related);
    // The vocabulary's words are known from now on ("Meinten Sie …?" may suggest a coordinator's new word).
    for (const word of fieldWords(groups, related)) indexWordsOf(this.writer).add(word);
  }

  private applySynonyms(groups: string[][], related?: RelatedTermGroup[]): void {
    this.vocabulary = null;
    this.synonymIndex.clear();
    this.longestSynonym = 1;
    for (const group of groups) {
      const phrases = group.map((entry) =>
        foldGerman(entry)
          .split(/[^a-z0-9]+/)
          .filter(Boolean),
      );
      for (const phrase of phrases) {
        const key = phrase.join(' ');
        const alternatives = this.synonymIndex.get(key) ?? [];
        for (const other of phrases) {
          if (!alternatives.some((a) => a.join(' ') === other.join(' '))) alternatives.push(other);
        }
        this.synonymIndex.set(key, alternatives);
        this.longestSynonym = Math.max(this.longestSynonym, phrase.length);
      }
    }
    // The field's related terms, one way ("deutschkurs" also finds the Jugendintegrationskurs).
    for (const [key, phrases] of relatedTermIndex(related)) {
      const alternatives = this.synonymIndex.get(key) ?? [[...key.split(' ')]];
      for (const phrase of phrases) {
        if (!alternatives.some((a) => a.join(' ') === phrase.join(' '))) alternatives.push(phrase);
      }
      this.synonymIndex.set(key, alternatives);
      this.longestSynonym = Math.max(this.longestSynonym, key.split(' ').length);
    }
  }

  /** "Meinten Sie …?" for a query that found nothing: the nearest words of the vocabulary and the index. */
  private suggest(q: string): string | null {
    const words = indexWordsOf(this.writer);
    return suggestQuery(q, (word) => words.has(word) || this.synonymIndex.has(word), words, editDistance);
  }

  async upsert(documents: SearchDocument[]): Promise<void> {
    this.writer.transaction(() => writeSearchDocuments(this.writer, documents))();
  }

  async remove(ids: string[]): Promise<void> {
    this.writer.transaction(() => deleteSearchDocuments(this.writer, ids))();
  }

  async rebuild(
    batches: AsyncIterable<SearchDocument[]> | SearchDocument[][],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    this.writer.exec(DROP_INDEX_TABLES);
    indexWords.delete(this.writer);
    // Tables first, secondary indexes after the load.
    this.writer.exec(SCHEMA);
    // No incremental merging of FTS5 segments during the load: one 'optimize' at the end merges them all at once.
    this.writer.exec("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)");
    // Several of the caller's batches go into one transaction: every commit writes FTS5's pending terms as a
    // segment of its own, which the final 'optimize' then has to merge. Each batch is still written on its own, so
    // compounds are split against the same words as before (those of the batches up to this one).
    let done = 0;
    const folded = new Map<string, string>();
    let pending: SearchDocument[][] = [];
    let pendingDocs = 0;
    const flush = () => {
      const group = pending;
      pending = [];
      pendingDocs = 0;
      this.writer.transaction(() => {
        for (const batch of group) writeSearchDocuments(this.writer, batch, { fresh: true, folded });
      })();
      for (const batch of group) done += batch.length;
      onProgress?.(done);
    };
    try {
      for await (const batch of batches) {
        pending.push(batch);
        pendingDocs += batch.length;
        if (pendingDocs >= REBUILD_TRANSACTION_DOCS) flush();
      }
      if (pending.length > 0) flush();
      this.writer.exec(FILL_LOOKUP_TABLES);
      this.writer.exec(INDEXES);
      this.writer.exec("INSERT INTO search_fts(search_fts) VALUES ('optimize')");
      // Also an empty rebuild is a new state of the index (cached results and term lists of every process).
      bumpGeneration(this.writer);
    } finally {
      // Later writes (a few entries each) merge incrementally again (FTS5's default).
      this.writer.exec("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)");
    }
    // A rebuild writes the whole index through the write-ahead log; fold it back so no large -wal file stays.
    this.writer.pragma('wal_checkpoint(TRUNCATE)');
    this.vocabulary = null;
    this.closedCache = null;
    this.attributeCache = null;
    this.statements.clear();
  }

  private statement(sql: string, pluck = false): SQLite.Statement {
    const key = pluck ? `pluck:${sql}` : sql;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.reader.prepare(sql);
      if (pluck) statement.pluck();
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** Closes connections this engine opened itself. */
  close(): void {
    this.onClose();
  }

  /** Number of indexed documents. */
  count(): number {
    return (this.reader.prepare('SELECT count(*) AS n FROM search_doc').get() as { n: number }).n;
  }

  /**
   * The index's terms (read once per generation of the index, or after the synonyms changed): sorted, and as a
   * deletion index for typos.
   */
  private terms(): NonNullable<SqliteSearchEngine['vocabulary']> {
    const generation = this.generation();
    if (!this.vocabulary || this.vocabulary.generation !== generation) {
      const deletes = new Map<string, string[]>();
      const long = new Map<string, string[]>();
      const add = (key: string, term: string) => {
        if (key === term && term.length >= 7) {
          const bucket = `${term[0]}${term.length}`;
          const list = long.get(bucket);
          if (!list) long.set(bucket, [term]);
          else list.push(term);
        }
        const list = deletes.get(key);
        if (!list) deletes.set(key, [term]);
        else if (list[list.length - 1] !== term) list.push(term);
      };
      const all: string[] = [];
      const docs = new Map<string, number>();
      for (const { term, doc } of this.reader
        .prepare('SELECT term, doc FROM search_vocab')
        .iterate() as Iterable<{
        term: string;
        doc: number;
      }>) {
        all.push(term);
        docs.set(term, doc);
        if (term.length < 4 || isTag(term)) continue;
        add(term, term);
        for (const variant of deletions(term)) add(variant, term);
      }
      // Synonym keys count as words too: "Sprachkurz" is a typo of the synonym "sprachkurs".
      for (const key of this.synonymIndex.keys()) {
        if (key.includes(' ') || key.length < 4) continue;
        add(key, key);
        for (const variant of deletions(key)) add(variant, key);
      }
      all.sort();
      this.vocabulary = { generation, deletes, long, sorted: all, has: new Set(all), docs };
    }
    return this.vocabulary;
  }

  private typoCandidates(token: string): string[] {
    const max = allowedTypos(token.length);
    if (max === 0) return [];
    const vocabulary = this.terms();
    const variants = new Set([token, ...deletions(token)]);
    // Two letters taken out, each pair once (in the order the deletions of each deletion would give them first).
    if (max >= 2)
      for (let i = 0; i < token.length; i++)
        for (let j = i + 1; j < token.length; j++)
          variants.add(token.slice(0, i) + token.slice(i + 1, j) + token.slice(j + 1));
    const found = new Set<string>();
    for (const variant of variants) {
      for (const term of vocabulary.deletes.get(variant) ?? []) {
        if (term !== token && !found.has(term) && editDistance(token, term, max) <= max) found.add(term);
      }
    }
    if (found.size === 0 && max >= 2) {
      // Two typos the deletion index cannot see (e.g. a missing letter plus a swap): compare with words of the
      // same first letter and similar length — people rarely mistype the first letter, and it keeps this fast.
      for (let length = token.length - 2; length <= token.length + 2; length++) {
        for (const term of vocabulary.long.get(`${token[0]}${length}`) ?? []) {
          if (editDistance(token, term, max) <= max) found.add(term);
        }
      }
    }
    return [...found].slice(0, 12);
  }

  private prepare(q: string): PreparedQuery {
    const folded = foldGerman(q);
    let tokens = folded.split(/[^a-z0-9]+/).filter(Boolean);
    if (tokens.length > 1) tokens = tokens.filter((t) => t.length > 1);
    if (tokens.length === 0)
      return { tiers: [], empty: [], nameTiers: [], namePrefix: null, nested: true, textBound: 0 };
    const typingLast = !/\s$/.test(q);
    const slots: Slot[] = [];
    for (let i = 0; i < tokens.length;) {
      let matched = false;
      for (let length = Math.min(this.longestSynonym, tokens.length - i); length >= 1; length--) {
        const key = tokens.slice(i, i + length).join(' ');
        const alternatives = this.synonymIndex.get(key);
        if (alternatives) {
          const isLast = i + length === tokens.length;
          slots.push({
            alternatives,
            token: length === 1 ? key : null,
            prefix: isLast && typingLast && length === 1,
          });
          i += length;
          matched = true;
          break;
        }
      }
      if (!matched) {
        const token = tokens[i]!;
        const isLast = i === tokens.length - 1;
        slots.push({ alternatives: [[token]], token, prefix: isLast && typingLast && token.length >= 2 });
        i += 1;
      }
    }
    const render = (slot: Slot, extra: string[], prefix: boolean, widen: boolean) => {
      const parts = slot.alternatives.map((phrase) =>
        phrase.length === 1
          ? `${quote(phrase[0]!)}${prefix && slot.prefix ? ' *' : ''}`
          : quote(phrase.join(' ')),
      );
      for (const candidate of extra) {
        const synonyms = widen ? this.synonymIndex.get(candidate) : undefined;
        if (!synonyms) parts.push(`${quote(candidate)}${prefix && slot.prefix ? ' *' : ''}`);
        else for (const phrase of synonyms) parts.push(quote(phrase.join(' ')));
      }
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    };
    const expression = (prefix: boolean, extras: (slot: Slot) => string[] = () => [], widen = true) =>
      slots.map((slot) => render(slot, extras(slot), prefix, widen)).join(' AND ');
    const whole = expression(false);
    const withPrefix = expression(true);
    // Which tiers cannot find anything new, from the index's terms (a tier asked costs 0.1–0.3 ms even when empty).
    const lexicon = this.terms();
    const isPrefix = (slot: Slot, phrase: string[]) => slot.prefix && phrase.length === 1;
    const inIndex = (phrase: string[]) => phrase.every((t) => lexicon.has.has(t));
    // Some slot has no alternative in the index: the AND of the slots finds nothing.
    const wholeEmpty = slots.some((slot) => !slot.alternatives.some(inIndex));
    const prefixEmpty = slots.some(
      (slot) =>
        !slot.alternatives.some((phrase) =>
          isPrefix(slot, phrase) ? hasPrefix(lexicon.sorted, phrase[0]!) : inIndex(phrase),
        ),
    );
    // No term but the typed one begins with it: the prefix finds what the whole word finds.
    const prefixAddsNothing = slots.every((slot) =>
      slot.alternatives.every(
        (phrase) => !isPrefix(slot, phrase) || !hasPrefix(lexicon.sorted, phrase[0]!, true),
      ),
    );
    const tiers = [`${TEXT_COLUMNS} : (${whole})`];
    const empty = [wholeEmpty];
    const nameTiers = [`name : (${whole})`];
    if (withPrefix !== whole) {
      tiers.push(`${TEXT_COLUMNS} : (${withPrefix})`);
      empty.push(prefixEmpty || prefixAddsNothing);
      nameTiers.push(`name : (${withPrefix})`);
    }
    // All columns: the parts column too, so "beratung" finds "Schuldnerberatung".
    if (slots.some((slot) => slot.token !== null && slot.token.length >= MIN_PART_LENGTH)) {
      tiers.push(withPrefix);
      empty.push(prefixEmpty);
      nameTiers.push(`name : (${withPrefix})`);
    }
    // Typo candidates are looked up once per slot; the corrected word itself ranks before the words it stands for
    // ("Integrationskurz" → the Integrationskurse before what "integrationskurs" widens to: sprachkurs, deutschkurs …,
    // whose rarer words would otherwise score higher in bm25).
    let nested = true;
    const candidatesOf = new Map<Slot, string[]>();
    for (const slot of slots) candidatesOf.set(slot, slot.token ? this.typoCandidates(slot.token) : []);
    if ([...candidatesOf.values()].some((list) => list.length > 0)) {
      const corrected = expression(true, (slot) => candidatesOf.get(slot)!, false);
      const widened = expression(true, (slot) => candidatesOf.get(slot)!);
      tiers.push(corrected);
      empty.push(false);
      nameTiers.push(`name : (${corrected})`);
      if (widened !== corrected) {
        nested = false;
        tiers.push(widened);
        empty.push(false);
        nameTiers.push(`name : (${widened})`);
      }
    }
    // Per slot, the entries any of its alternatives (typo candidates and their synonyms included) can match; the
    // slots are ANDed, so the smallest bounds every tier.
    const cap = TEXT_ALONE_LIMIT + 1;
    const phraseDocs = (phrase: string[]) => Math.min(...phrase.map((t) => lexicon.docs.get(t) ?? 0));
    let textBound = cap;
    for (const slot of slots) {
      let sum = 0;
      const words = (phrase: string[]) =>
        (sum += isPrefix(slot, phrase)
          ? prefixDocs(lexicon.sorted, lexicon.docs, phrase[0]!, cap)
          : phraseDocs(phrase));
      for (const phrase of slot.alternatives) words(phrase);
      for (const candidate of candidatesOf.get(slot)!) {
        words([candidate]);
        for (const phrase of this.synonymIndex.get(candidate) ?? []) sum += phraseDocs(phrase);
      }
      textBound = Math.min(textBound, sum);
    }
    const only = slots.length === 1 ? slots[0]! : null;
    const namePrefix =
      only && only.prefix && only.alternatives.length === 1 && only.token !== null ? only.token : null;
    return { tiers, empty, nameTiers, namePrefix, nested, textBound };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const key = this.results ? resultCacheKey(query) : null;
    if (!this.results || key === null) return this.compute(query);
    const started = performance.now();
    // The state is read before the search: a result computed while another process writes is filed under the older
    // generation, which no later search reads again (generations only grow).
    const state = `${this.generation()}:${this.vocabularyVersion}`;
    const cached = this.results.get(state, key);
    if (cached) {
      return {
        ...cached,
        hits: cached.hits.slice(),
        tookMs: Math.round((performance.now() - started) * 1000) / 1000,
      };
    }
    const result = this.compute(query);
    this.results.set(state, key, result);
    return { ...result, hits: result.hits.slice() };
  }

  /** Answers a query from the index (no cache). */
  private compute(query: SearchQuery): SearchResult {
    const started = performance.now();
    const perPage = query.perPage ?? 20;
    const page = query.page ?? 1;
    const offset = (page - 1) * perPage;
    // Rows are collected from the first tier on until the page is full: a page deeper in the list collects the
    // pages before it too (cheap: a large tier streams in index order).
    const need = offset + perPage;
    const { where, params, tags, exact } = this.filters(query);
    // Filters expressed as tags narrow every full-text match inside FTS5 already.
    const tagged = (match: string) => (tags ? `(${match}) AND ${tags}` : match);
    // A category alone is expressed exactly by its tag: a MATCH needs no per-match test against the document table.
    const matchWhere = exact ? '' : where;
    const matchParams = exact ? [] : params;
    const near = query.near;
    const distanceSql =
      near && Number.isFinite(near.lat) && Number.isFinite(near.lon)
        ? `((d.lat - ${near.lat}) * (d.lat - ${near.lat}) + ((d.lon - ${near.lon}) * ${Math.cos((near.lat * Math.PI) / 180)}) * ((d.lon - ${near.lon}) * ${Math.cos((near.lat * Math.PI) / 180)}))`
        : null;
    const sort = query.sort ?? 'relevanz';
    // Confirmed in the half year before the request ranks a little higher; without a time, nothing qualifies.
    const recent = query.now ? new Date(query.now.getTime() - 182 * 86_400_000).toISOString() : '\uffff';
    const prepared = query.q.trim()
      ? this.prepare(query.q)
      : {
          tiers: [] as string[],
          empty: [] as boolean[],
          nameTiers: [] as string[],
          namePrefix: null,
          nested: true,
          textBound: 0,
        };
    const join = 'FROM search_fts JOIN search_doc d ON d.rowid = search_fts.rowid';
    // Few entries match the text: a ranked tier filters them by the document table alone (see TEXT_ALONE_LIMIT).
    const textAlone = tags !== null && !exact && where !== '' && prepared.textBound <= TEXT_ALONE_LIMIT;

    // Ordered by the engine: by name or distance (every match), or by bm25 within a tier that is small enough.
    const orderedRows = (match: string | null, limit: number): number[] => {
      // Temporarily closed offers rank after the open ones (in relevance order; not by name or distance).
      const order =
        sort === 'entfernung' && distanceSql
          ? `${distanceSql} ASC, d.name_sort ASC`
          : sort === 'name' || !match
            ? 'd.name_sort ASC'
            : 'd.closed ASC, bm25(search_fts, 10.0, 5.0, 3.0, 1.0, 1.0, 0.0) * (CASE WHEN d.assured >= ? THEN 1.15 ELSE 1.0 END) ASC, d.name_sort ASC';
      const bonus = order.includes('bm25(');
      const sql = match
        ? `SELECT d.rowid ${join} WHERE search_fts MATCH ? ${matchWhere} ORDER BY ${order} LIMIT ?`
        : `SELECT d.rowid FROM search_doc d WHERE 1 = 1 ${where} ORDER BY ${order} LIMIT ?`;
      const args = match
        ? [textAlone ? match : tagged(match), ...matchParams, ...(bonus ? [recent] : []), limit]
        : [...params, limit];
      return this.statement(sql, true).all(...args) as number[];
    };
    // Counting stops after CAP + 1 matches ("über 1.000"): counting every one of 85,000 would cost more than the
    // search itself. With facets all matches are read anyway and counted exactly.
    // With the count comes the (largest) rowid counted: when there is one match, that is the match.
    const cappedCount = (
      match: string | null,
      withFilters: boolean,
    ): { count: number; last: number | null } => {
      const inner = match
        ? withFilters && where && !exact
          ? `SELECT d.rowid AS r ${join} WHERE search_fts MATCH ? ${where}`
          : 'SELECT rowid AS r FROM search_fts WHERE search_fts MATCH ?'
        : `SELECT d.rowid AS r FROM search_doc d WHERE 1 = 1 ${where}`;
      const args = match
        ? withFilters && where && !exact
          ? [tagged(match), ...params]
          : [tagged(match)]
        : params;
      return this.statement(
        `SELECT count(*) AS count, max(r) AS last FROM (${inner} LIMIT ${COUNT_CAP + 1})`,
      ).get(...args) as { count: number; last: number | null };
    };
    const idsFor = (match: string | null): number[] => {
      // Without filters the tags cannot express, FTS5 alone knows the matches: no document table per match.
      if (match && (!where || exact))
        return this.statement('SELECT rowid FROM search_fts WHERE search_fts MATCH ?', true).all(
          tagged(match),
        ) as number[];
      const sql = match
        ? `SELECT d.rowid ${join} WHERE search_fts MATCH ? ${where}`
        : `SELECT d.rowid FROM search_doc d WHERE 1 = 1 ${where}`;
      return this.statement(sql, true).all(...(match ? [tagged(match), ...params] : params)) as number[];
    };

    const widest = prepared.tiers.length > 0 ? prepared.tiers[prepared.tiers.length - 1]! : null;
    // The tiers nest (each finds what the one before finds): the widest tier's matches are all matches.
    const all = query.facets ? idsFor(widest) : null;
    let total: number;
    let totalCapped = false;
    // The only match, when there is exactly one.
    let single: number | null = null;
    if (all) {
      total = all.length;
      if (total === 1) single = all[0]!;
    } else {
      const counted = cappedCount(widest, true);
      total = counted.count;
      if (total === 1) single = counted.last;
      if (total > COUNT_CAP) {
        total = COUNT_CAP;
        totalCapped = true;
      }
    }

    const rows: number[] = [];
    if (total > 0) {
      if (!widest || sort !== 'relevanz') rows.push(...orderedRows(widest, need));
      // One match is the whole list, whichever tier finds it: no tier needs to be asked (or ranked).
      else if (single !== null && prepared.nested) rows.push(single);
      else {
        const seen = new Set<number>();
        const closed = this.closedRowids();
        // `later` collects the closed offers of a large tier: they follow all its open ones.
        const take = (list: Iterable<number>, later: Set<number> | null) => {
          for (const rowid of list) {
            if (rows.length >= need) return;
            if (seen.has(rowid)) continue;
            if (later && closed.has(rowid)) {
              later.add(rowid);
              continue;
            }
            seen.add(rowid);
            rows.push(rowid);
          }
        };
        const stream = (match: string) =>
          this.statement(
            matchWhere
              ? `SELECT d.rowid ${join} WHERE search_fts MATCH ? ${matchWhere} ORDER BY search_fts.rowid`
              : 'SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid',
            true,
          ).iterate(
            ...(matchWhere ? [tagged(match), ...matchParams] : [tagged(match)]),
          ) as IterableIterator<number>;
        // When the (filtered) total is small, so is every tier.
        const allSmall = !totalCapped && total <= LARGE_TIER;
        for (const [k, expression] of prepared.tiers.entries()) {
          if (rows.length >= need) break; // the higher tiers filled the page
          // Every match is listed already (the total is exact and small): the wider tiers cannot add one.
          if (allSmall && rows.length >= total) break;
          if (prepared.empty[k]) continue;
          const match = k === 0 ? expression : `(${expression}) NOT (${prepared.tiers[k - 1]})`;
          // A small tier is ranked by bm25; a large one (two letters match most of the index) is not scored: it
          // lists names beginning with the typed word (ordered name index), then name hits, then the rest.
          const size = allSmall ? 1 : cappedCount(match, false).count;
          if (size === 0) continue;
          if (size <= LARGE_TIER) take(orderedRows(match, need - rows.length), null);
          else {
            const nameMatch =
              k === 0 ? prepared.nameTiers[0]! : `(${prepared.nameTiers[k]}) NOT (${prepared.tiers[k - 1]})`;
            const later = new Set<number>();
            if (prepared.namePrefix && k === 1)
              take(this.namesBeginningWith(prepared.namePrefix, where, params), later);
            take(stream(nameMatch), later);
            take(stream(match), later);
            take(later, null);
          }
        }
      }
    }

    const hits = this.hitsFor(rows.slice(offset, offset + perPage), near);
    const facets = all ? this.facetsOf(all) : null;
    const suggestion = total === 0 && query.q.trim() ? this.suggest(query.q) : null;
    return {
      total,
      ...(totalCapped ? { totalCapped } : {}),
      tookMs: Math.round((performance.now() - started) * 1000) / 1000,
      hits,
      facets,
      suggestion,
    };
  }

  /** Open entries whose name begins with `prefix`, in name order (through the index on name_sort). */
  private namesBeginningWith(prefix: string, where: string, params: (string | number)[]): Iterable<number> {
    return this.statement(
      `SELECT d.rowid FROM search_doc d WHERE d.closed = 0 AND d.name_sort >= ? AND d.name_sort < ? ${where}
       ORDER BY d.name_sort`,
      true,
    ).iterate(prefix, `${prefix}\uffff`, ...params) as IterableIterator<number>;
  }

  private closedCache: { generation: string; rowids: Set<number> } | null = null;

  /** The rowids of temporarily closed entries (few; reloaded when the index changed). */
  private closedRowids(): Set<number> {
    const generation = this.generation();
    if (!this.closedCache || this.closedCache.generation !== generation) {
      const rowids = this.statement('SELECT rowid FROM search_doc WHERE closed = 1', true).all() as number[];
      this.closedCache = { generation, rowids: new Set(rowids) };
    }
    return this.closedCache.rowids;
  }

  private generation(): string {
    return this.statement("SELECT value FROM search_meta WHERE key = 'generation'", true).get() as string;
  }

  private filters(query: SearchQuery): {
    where: string;
    params: (string | number)[];
    /** The same filters as far as the filter tags express them (a superset), ANDed onto every MATCH. */
    tags: string | null;
    /** The tags express every filter exactly (a category alone): counting needs no document table. */
    exact: boolean;
  } {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    const tags: string[] = [];
    if (query.termId) {
      tags.push(`tags : "${categoryTag(query.termId)}"`);
      clauses.push('EXISTS (SELECT 1 FROM search_doc_term WHERE term_id = ? AND doc = d.rowid)');
      params.push(query.termId);
    }
    if (query.language) {
      clauses.push('EXISTS (SELECT 1 FROM search_doc_lang WHERE lang = ? AND doc = d.rowid)');
      params.push(query.language);
    }
    if (query.age !== undefined) {
      clauses.push('(d.min_age IS NULL OR d.min_age <= ?) AND (d.max_age IS NULL OR d.max_age >= ?)');
      params.push(query.age, query.age);
    }
    if (query.freeOfCharge) clauses.push('d.free = 1');
    if (query.wheelchairAccessible) clauses.push('d.accessible = 1');
    if (query.freePlaces) clauses.push('d.free_places > 0');
    if (query.bbox) {
      const [west, south, east, north] = query.bbox;
      clauses.push('d.lat BETWEEN ? AND ? AND d.lon BETWEEN ? AND ?');
      params.push(south, north, west, east);
      const cells = cellExpression(south, north, west, east);
      if (cells) tags.push(cells);
    }
    if (query.near?.radiusKm !== undefined) {
      const { lat, lon, radiusKm } = query.near;
      const dLat = radiusKm / 111.195;
      const k = Math.cos((lat * Math.PI) / 180);
      const dLon = dLat / Math.max(k, 0.01);
      // A box on the indexed latitude first, then the circle (equirectangular, exact enough within 1000 km).
      clauses.push(
        'd.lat BETWEEN ? AND ? AND d.lon BETWEEN ? AND ? AND ((d.lat - ?) * (d.lat - ?) + ((d.lon - ?) * ?) * ((d.lon - ?) * ?)) <= ?',
      );
      params.push(lat - dLat, lat + dLat, lon - dLon, lon + dLon, lat, lat, lon, k, lon, k, dLat * dLat);
      const cells = cellExpression(lat - dLat, lat + dLat, lon - dLon, lon + dLon);
      if (cells) tags.push(cells);
    }
    if (query.openAt) {
      const local = localClock(query.openAt);
      const minute = local.weekday * 1440 + local.minuteOfDay;
      const today = isPublicHoliday(local.date, 'SH') ? 1 : 0;
      const yesterday = isPublicHoliday(local.previousDate, 'SH') ? 1 : 0;
      clauses.push(
        `EXISTS (SELECT 1 FROM search_open o WHERE o.doc = d.rowid AND o.start_min <= ? AND o.end_min > ?
          AND (d.closed_holidays = 0 OR (o.from_prev = 0 AND ? = 0) OR (o.from_prev = 1 AND ? = 0)))`,
      );
      params.push(minute, minute, today, yesterday);
    }
    return {
      where: clauses.map((c) => `AND ${c}`).join(' '),
      params,
      tags: tags.length > 0 ? tags.join(' AND ') : null,
      exact: clauses.length === 1 && query.termId !== undefined && query.termId !== '',
    };
  }

  private hitsFor(rowids: number[], near: SearchQuery['near']): SearchHit[] {
    if (rowids.length === 0) return [];
    const rows = this.statement(
      `SELECT * FROM search_doc WHERE rowid IN (${rowids.map(() => '?').join(',')})`,
    ).all(...rowids) as {
      rowid: number;
      service_id: string;
      external_id: string | null;
      name: string;
      organization: string;
      term_ids: string;
      languages: string;
      lat: number | null;
      lon: number | null;
      district: string | null;
      city: string | null;
      free_places: number | null;
      closed: number;
    }[];
    const byRowid = new Map(rows.map((r) => [r.rowid, r]));
    return rowids.map((rowid) => {
      const r = byRowid.get(rowid)!;
      return {
        id: r.service_id,
        externalId: r.external_id,
        name: r.name,
        organization: r.organization,
        termIds: JSON.parse(r.term_ids) as string[],
        languages: JSON.parse(r.languages) as string[],
        lat: r.lat,
        lon: r.lon,
        distanceKm:
          near && r.lat !== null && r.lon !== null
            ? Math.round(distanceKm(near, { lat: r.lat, lon: r.lon }) * 10) / 10
            : null,
        district: r.district,
        city: r.city,
        freePlaces: r.free_places,
        closed: r.closed === 1,
      };
    });
  }

  private attributeCache: {
    generation: string;
    terms: Map<number, string[]>;
    languages: Map<number, string[]>;
    /** 1 = free of charge, 2 = wheelchair accessible, 4 = free places. */
    flags: Map<number, number>;
  } | null = null;

  /** Facet counts of the given documents, from attributes held in memory (reloaded when the index changed). */
  private facetsOf(rowids: number[]): SearchFacets {
    const generation = this.generation();
    if (!this.attributeCache || this.attributeCache.generation !== generation) {
      const group = (sql: string) => {
        const map = new Map<number, string[]>();
        for (const row of this.reader.prepare(sql).iterate() as Iterable<{ doc: number; key: string }>) {
          const list = map.get(row.doc);
          if (list) list.push(row.key);
          else map.set(row.doc, [row.key]);
        }
        return map;
      };
      const flags = new Map<number, number>();
      for (const row of this.reader
        .prepare('SELECT rowid AS doc, free, accessible, free_places FROM search_doc')
        .iterate() as Iterable<{
        doc: number;
        free: number | null;
        accessible: number | null;
        free_places: number | null;
      }>) {
        flags.set(
          row.doc,
          (row.free === 1 ? 1 : 0) | (row.accessible === 1 ? 2 : 0) | ((row.free_places ?? 0) > 0 ? 4 : 0),
        );
      }
      this.attributeCache = {
        generation,
        terms: group('SELECT doc, term_id AS key FROM search_doc_term'),
        languages: group('SELECT doc, lang AS key FROM search_doc_lang'),
        flags,
      };
    }
    const cache = this.attributeCache;
    const termIds: Record<string, number> = {};
    const languages: Record<string, number> = {};
    let freeOfCharge = 0;
    let wheelchairAccessible = 0;
    let freePlaces = 0;
    for (const rowid of new Set(rowids)) {
      for (const term of cache.terms.get(rowid) ?? []) termIds[term] = (termIds[term] ?? 0) + 1;
      for (const language of cache.languages.get(rowid) ?? [])
        languages[language] = (languages[language] ?? 0) + 1;
      const flag = cache.flags.get(rowid) ?? 0;
      if (flag & 1) freeOfCharge++;
      if (flag & 2) wheelchairAccessible++;
      if (flag & 4) freePlaces++;
    }
    return { termIds, languages, freeOfCharge, wheelchairAccessible, freePlaces };
  }
}

/** An engine with its own SQLite index file (or ':memory:'), e.g. for benchmarks or beside PostgreSQL. */
export function openStandaloneSqliteEngine(
  path: string,
  options: { resultCacheEntries?: number } = {},
): SqliteSearchEngine {
  const handle = new SQLite(path);
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  return new SqliteSearchEngine(handle, handle, () => handle.close(), options);
}

/**
 * What identifies a query's result apart from the index's state, or null for a query that must be computed each
 * time: "open now" depends on the minute. The request's time matters only through the recency bonus (confirmed in
 * the half year before it), so results are kept for the hour.
 */
export function resultCacheKey(query: SearchQuery): string | null {
  if (query.openAt) return null;
  return JSON.stringify([
    query.q.trim(),
    query.termId ?? null,
    query.language ?? null,
    query.age ?? null,
    query.freeOfCharge ?? null,
    query.wheelchairAccessible ?? null,
    query.freePlaces ?? null,
    query.near ? [query.near.lat, query.near.lon, query.near.radiusKm ?? null] : null,
    query.bbox ?? null,
    query.sort ?? null,
    query.page ?? 1,
    query.perPage ?? 20,
    query.facets ?? false,
    query.now ? query.now.toISOString().slice(0, 13) : null,
  ]);
}

/** A bounded map of results for one state of the index; a new state empties it (least recently used goes first). */
export class SearchResultCache {
  private state = '';
  private readonly entries = new Map<string, SearchResult>();

  constructor(private readonly capacity: number) {}

  get(state: string, key: string): SearchResult | undefined {
    if (state !== this.state) return undefined;
    const result = this.entries.get(key);
    if (result) {
      this.entries.delete(key);
      this.entries.set(key, result);
    }
    return result;
  }

  set(state: string, key: string, result: SearchResult): void {
    if (state !== this.state) {
      this.entries.clear();
      this.state = state;
    }
    this.entries.set(key, result);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
