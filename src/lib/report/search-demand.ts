import type { Db } from '../db/create-db';
import { foldGerman } from '../i18n/fold';
import type { SearchEngine, SearchQuery, SearchResult } from '../search/search';
import { todayInGermany } from '../time/time';
import { countSearch, findNearestDistrict } from './report.queries';
import type { SearchCountTable } from './report.table';

/**
 * Search demand (issue #13): every search a person starts is counted by day, folded query text, filters and hit
 * bucket — never with user, session, address or the centre of a "near" search (only the district of the nearest
 * directory location). Query texts seen fewer than five times in a period are never shown (report.queries.ts).
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

/** Records one search; a failure to count never fails the search itself. */
export async function recordSearch(db: Db, query: SearchQuery, result: SearchResult): Promise<void> {
  if (!isCountedSearch(query)) return;
  try {
    const district = query.near ? await findNearestDistrict(db, query.near.lat, query.near.lon) : '';
    await countSearch(db, { ...searchCountKeyOf(query, result.total), district });
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
