import type { Db } from '../db/create-db';
import { foldGerman } from '../i18n/fold';
import type { SearchEngine, SearchQuery, SearchResult } from '../search/search';
import { todayInGermany } from '../time/time';
import { addSearchCounts, findNearestDistrict } from './report.queries';
import type { SearchCountTable } from './report.table';

/**
 * Search demand (issue #13): every search a person starts is counted by day, folded query text, filters and hit
 * bucket — never with user, session, address or the centre of a "near" search (only the district of the nearest
 * directory location). Query texts seen fewer than five times in a period are never shown (report.queries.ts).
 * Each process adds its searches up in memory under exactly these keys and writes them in batches (decision 0028):
 * a write per search made every search wait for a commit.
 * @module
 */

/** The bucket of a hit count. */
export function hitBucketOf(total: number): string {
  if (total === 0) return '0';
  if (total < 5) return '1-4';
  if (total < 20) return '5-19';
  return '20+';
}

/** The folded query text: German folding, single spaces, at most 100 characters. */
export function foldQuery(q: string): string {
  return foldGerman(q.trim()).replace(/\s+/g, ' ').slice(0, 100);
}

/** Whether a query is a search someone started: the first page, facets wanted (page or API), something asked. */
export function isCountedSearch(query: SearchQuery): boolean {
  if (!query.facets || (query.page ?? 1) !== 1 || !query.now) return false;
  return (
    query.q.trim() !== '' ||
    query.termId !== undefined ||
    query.language !== undefined ||
    query.age !== undefined ||
    query.freeOfCharge !== undefined ||
    query.wheelchairAccessible !== undefined ||
    query.freePlaces !== undefined ||
    query.openAt !== undefined ||
    query.near !== undefined
  );
}

/** The counter's key of a search, without the district (looked up separately). */
export function searchCountKeyOf(
  query: SearchQuery,
  total: number,
): Omit<SearchCountTable, 'searches' | 'district'> {
  const filters: string[] = [];
  if (query.language) filters.push(`sprache=${query.language}`);
  if (query.age !== undefined) filters.push(`alter=${query.age}`);
  if (query.freeOfCharge) filters.push('kostenlos');
  if (query.wheelchairAccessible) filters.push('barrierefrei');
  if (query.freePlaces) filters.push('freie_plaetze');
  if (query.openAt) filters.push('offen');
  if (query.near) filters.push(`umkreis=${query.near.radiusKm ?? ''}`);
  if (query.bbox) filters.push('karte');
  return {
    day: todayInGermany(query.now!),
    query: foldQuery(query.q),
    category_id: query.termId ?? '',
    filters: filters.join(';').slice(0, 200),
    hits: hitBucketOf(total),
  };
}

/** A batch is written once this many searches are waiting … */
export const SEARCH_DEMAND_BATCH = 200;
/** … or this long after the first of them (the report shows today's searches at most this much later). */
export const SEARCH_DEMAND_FLUSH_MS = 5_000;
/** At most this many distinct keys wait (a database that refuses writes for long loses the newest, not memory). */
const SEARCH_DEMAND_MAX_KEYS = 10_000;

type SearchCountKey = Omit<SearchCountTable, 'searches'>;

/**
 * The searches of one process not yet written, added up per key. What it holds is what search_count stores: the
 * day, folded query, category, district, filters and hit bucket — never a user, session, address or centre. Each
 * process adds its own counts to the stored ones, so several workers and instances sum up correctly.
 */
export class SearchDemandCounter {
  private pending = new Map<string, SearchCountTable>();
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: { batch?: number; flushMs?: number } = {},
  ) {}

  /** Counts one search; writes the batch when it is full, or SEARCH_DEMAND_FLUSH_MS later. */
  add(key: SearchCountKey): void {
    const id = JSON.stringify([key.day, key.query, key.category_id, key.district, key.filters, key.hits]);
    const entry = this.pending.get(id);
    if (entry) entry.searches++;
    else if (this.pending.size < SEARCH_DEMAND_MAX_KEYS) this.pending.set(id, { ...key, searches: 1 });
    else return;
    this.waiting++;
    if (this.waiting >= (this.options.batch ?? SEARCH_DEMAND_BATCH)) void this.flush();
    else if (!this.timer) {
      // unref: a script that searched once must not be kept alive for the counter.
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs ?? SEARCH_DEMAND_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is waiting (one statement per 500 keys); resolves when everything counted before the call is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    this.waiting = 0;
    this.flushing = this.flushing.then(async () => {
      if (batch.size === 0) return;
      try {
        await addSearchCounts(this.db, [...batch.values()]);
      } catch {
        // Counting is a statistic: a busy database must not fail a search. The batch waits for the next flush.
        for (const [id, row] of batch) {
          const entry = this.pending.get(id);
          if (entry) entry.searches += row.searches;
          else if (this.pending.size < SEARCH_DEMAND_MAX_KEYS) this.pending.set(id, row);
        }
      }
    });
    return this.flushing;
  }
}

const counters = new WeakMap<object, SearchDemandCounter>();

/** The process's counter for a database (one per `Db`). */
export function searchDemandOf(db: Db): SearchDemandCounter {
  let counter = counters.get(db);
  if (!counter) counters.set(db, (counter = new SearchDemandCounter(db)));
  return counter;
}

/** Writes this process's waiting searches of a database (at shutdown, and in tests before reading search_count). */
export function flushSearchDemand(db: Db): Promise<void> {
  return counters.get(db)?.flush() ?? Promise.resolve();
}

/** Counts one search (written in a later batch); a failure to count never fails the search itself. */
export async function recordSearch(db: Db, query: SearchQuery, result: SearchResult): Promise<void> {
  if (!isCountedSearch(query)) return;
  try {
    const district = query.near ? await findNearestDistrict(db, query.near.lat, query.near.lon) : '';
    searchDemandOf(db).add({ ...searchCountKeyOf(query, result.total), district });
  } catch {
    // Counting is a statistic: a busy database must not turn a search into an error page.
  }
}

/** An engine that counts the searches it answers (getSearchEngine wraps the app's engine in it). */
export function countingEngine(db: Db, engine: SearchEngine): SearchEngine {
  return {
    get name() {
      return engine.name;
    },
    async search(query) {
      const result = await engine.search(query);
      await recordSearch(db, query, result);
      return result;
    },
    upsert: (documents) => engine.upsert(documents),
    remove: (ids) => engine.remove(ids),
    rebuild: (documents, onProgress) => engine.rebuild(documents, onProgress),
    setSynonyms: (groups, related) => engine.setSynonyms(groups, related),
  };
}
