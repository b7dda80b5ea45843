import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SearchResultCache,
  openStandaloneSqliteEngine,
  resultCacheKey,
  type SqliteSearchEngine,
} from '../../src/lib/search/sqlite-fts-engine';
import type { SearchResult } from '../../src/lib/search/search';
import { CONTRACT_DOCUMENTS } from '../helpers/search-contract';

// Decision 0030: a process keeps recent results for one state of the index. Two engines on one index file stand for
// two processes (workers, instances): a write through either one is seen by the other's next search.
describe('search results kept for the state of the index', () => {
  let dir: string;
  let file: string;
  let cached: SqliteSearchEngine;
  let other: SqliteSearchEngine;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-result-cache-'));
    file = path.join(dir, 'index.sqlite');
    cached = openStandaloneSqliteEngine(file, { resultCacheEntries: 50 });
    await cached.rebuild([CONTRACT_DOCUMENTS]);
    other = openStandaloneSqliteEngine(file);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const withoutTime = ({ tookMs: _, ...rest }: SearchResult) => rest;

  it('answers a repeated query from memory while the index stays as it was', async () => {
    const first = await cached.search({ q: 'Integrationskurs', facets: true });
    expect(first.total).toBeGreaterThan(0);
    // Renamed behind the engine's back (no new generation): only a kept result still shows the old name.
    const raw = new SQLite(file);
    try {
      raw.prepare('UPDATE search_doc SET name = ? WHERE service_id = ?').run('Umbenannt', first.hits[0]!.id);
      expect(withoutTime(await cached.search({ q: 'Integrationskurs', facets: true }))).toEqual(
        withoutTime(first),
      );
      // Every write of the index moves its generation: then the result is computed anew.
      raw.prepare("UPDATE search_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'").run();
    } finally {
      raw.close();
    }
    const after = await cached.search({ q: 'Integrationskurs', facets: true });
    expect(after.hits.find((h) => h.id === first.hits[0]!.id)?.name).toBe('Umbenannt');
  });

  it("sees the other engine's write in its next search", async () => {
    const before = await cached.search({ q: 'Quokkaberatung' });
    expect(before.total).toBe(0);
    await other.upsert([{ ...CONTRACT_DOCUMENTS[0]!, id: 'quokka', name: 'Quokkaberatung am Hafen' }]);
    expect((await cached.search({ q: 'Quokkaberatung' })).hits.map((h) => h.id)).toEqual(['quokka']);
    await other.remove(['quokka']);
    expect((await cached.search({ q: 'Quokkaberatung' })).total).toBe(0);
  });

  it('uses a new vocabulary at once', async () => {
    expect((await cached.search({ q: 'Quokka' })).total).toBe(0);
    await cached.setSynonyms([['quokka', 'integrationskurs']]);
    expect((await cached.search({ q: 'Quokka' })).total).toBeGreaterThan(0);
  });

  it('an empty rebuild is a new state too', async () => {
    expect((await cached.search({ q: 'Ausländerbehörde' })).total).toBeGreaterThan(0);
    await other.rebuild([[]]);
    expect((await cached.search({ q: 'Ausländerbehörde' })).total).toBe(0);
  });

  it('hands out copies: a caller that reorders its hits does not change the next answer', async () => {
    await cached.rebuild([CONTRACT_DOCUMENTS]);
    const first = await cached.search({ q: 'Integrationskurs' });
    const ids = first.hits.map((h) => h.id);
    first.hits.reverse();
    expect((await cached.search({ q: 'Integrationskurs' })).hits.map((h) => h.id)).toEqual(ids);
  });
});

describe('resultCacheKey', () => {
  const now = new Date('2026-12-01T10:15:00Z');
  it('tells every filter apart and keeps a result for the hour', () => {
    const base = resultCacheKey({ q: 'Kurs', now })!;
    expect(resultCacheKey({ q: ' Kurs ', now })).toBe(base);
    expect(resultCacheKey({ q: 'Kurs', now: new Date('2026-12-01T10:59:59Z') })).toBe(base);
    for (const other of [
      { q: 'Kurs', now: new Date('2026-12-01T11:00:00Z') },
      { q: 'Kurs', now, language: 'ar' },
      { q: 'Kurs', now, termId: 'sprache' },
      { q: 'Kurs', now, age: 17 },
      { q: 'Kurs', now, freeOfCharge: true },
      { q: 'Kurs', now, wheelchairAccessible: true },
      { q: 'Kurs', now, freePlaces: true },
      { q: 'Kurs', now, near: { lat: 53.8, lon: 10.6, radiusKm: 5 } },
      { q: 'Kurs', now, near: { lat: 53.8, lon: 10.6, radiusKm: 10 } },
      { q: 'Kurs', now, bbox: [10, 53, 11, 54] as [number, number, number, number] },
      { q: 'Kurs', now, sort: 'name' as const },
      { q: 'Kurs', now, page: 2 },
      { q: 'Kurs', now, perPage: 50 },
      { q: 'Kurs', now, facets: true },
    ]) {
      expect(resultCacheKey(other), JSON.stringify(other)).not.toBe(base);
    }
  });

  it('never keeps "open now": it depends on the minute', () => {
    expect(resultCacheKey({ q: 'Kurs', now, openAt: now })).toBeNull();
  });
});

describe('SearchResultCache', () => {
  const result = (total: number): SearchResult => ({ total, tookMs: 0, hits: [], facets: null });
  it('forgets the least recently used entry and everything of an older state', () => {
    const cache = new SearchResultCache(2);
    cache.set('1:0', 'a', result(1));
    cache.set('1:0', 'b', result(2));
    expect(cache.get('1:0', 'a')?.total).toBe(1);
    cache.set('1:0', 'c', result(3));
    expect(cache.get('1:0', 'b')).toBeUndefined();
    expect(cache.get('1:0', 'a')?.total).toBe(1);
    expect(cache.get('2:0', 'a')).toBeUndefined();
    cache.set('2:0', 'd', result(4));
    expect(cache.size).toBe(1);
    expect(cache.get('1:0', 'a')).toBeUndefined();
  });
});
