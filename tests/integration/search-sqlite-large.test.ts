import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchDocument } from '../../src/lib/search/search';
import {
  COUNT_CAP,
  openStandaloneSqliteEngine,
  type SqliteSearchEngine,
} from '../../src/lib/search/sqlite-fts-engine';

// The SQLite engine on a result set larger than it counts or scores (decision 0024): the total stops at 1.000
// ("über 1.000") unless facets are counted, a large tier is listed without bm25 (names beginning with the typed word
// first), filters stay exact, and a typo's corrected word ranks before the words it stands for.

const KIEL = { lat: 54.3233, lon: 10.1228 };
const MUNICH = { lat: 48.1374, lon: 11.5755 };

const doc = (i: number, overrides: Partial<SearchDocument> = {}): SearchDocument => ({
  id: `doc-${String(i).padStart(5, '0')}`,
  externalId: null,
  name: `Beratungsangebot ${i}`,
  organization: 'Testträger',
  description: 'Schulden, Wohnen und Arbeit',
  termIds: ['beratung'],
  categories: ['Beratung'],
  languages: ['de'],
  minAge: null,
  maxAge: null,
  freeOfCharge: null,
  wheelchairAccessible: null,
  freePlaces: null,
  openingHours: '',
  lat: i % 2 === 0 ? KIEL.lat : MUNICH.lat,
  lon: i % 2 === 0 ? KIEL.lon : MUNICH.lon,
  postcode: null,
  district: null,
  city: i % 2 === 0 ? 'Kiel' : 'München',
  assuredDate: null,
  ...overrides,
});

// 1.500 entries whose description holds "schulden"; among them a few named "Schuldnerberatung", one of them closed.
const documents: SearchDocument[] = [
  ...Array.from({ length: 1500 }, (_, i) => doc(i)),
  doc(2000, { name: 'Schuldnerberatung Nord', closed: true }),
  doc(2001, { name: 'Schuldnerberatung Mitte' }),
  doc(2002, { name: 'Schuldnerberatung Süd', termIds: ['wohnen'], categories: ['Wohnen'] }),
  doc(2003, { name: 'Integrationskurs am Abend', termIds: ['sprache'], categories: ['Sprache'] }),
  doc(2004, {
    name: 'Einstufung und Beratung',
    description: 'Vor dem Berufssprachkurs',
    termIds: ['sprache'],
    categories: ['Sprache'],
  }),
];

describe('the SQLite engine on a large result set', () => {
  let engine: SqliteSearchEngine;

  beforeAll(async () => {
    engine = openStandaloneSqliteEngine(':memory:');
    await engine.rebuild([documents.slice(0, 800), documents.slice(800)]);
  });
  afterAll(() => engine.close());

  it('stops counting at 1.000 without facets and counts exactly with them', async () => {
    const capped = await engine.search({ q: 'schulden', perPage: 10 });
    expect(capped.total).toBe(COUNT_CAP);
    expect(capped.totalCapped).toBe(true);
    expect(capped.hits).toHaveLength(10);
    const exact = await engine.search({ q: 'schulden', perPage: 10, facets: true });
    expect(exact.total).toBe(1504);
    expect(exact.totalCapped).toBeUndefined();
    expect(exact.facets?.termIds['beratung']).toBe(1502);
  });

  it('lists names beginning with a short prefix first, open before closed, and pages on without repeats', async () => {
    const first = await engine.search({ q: 'sch', perPage: 3 });
    expect(first.totalCapped).toBe(true);
    expect(first.hits.map((hit) => hit.name)).toEqual([
      'Schuldnerberatung Mitte',
      'Schuldnerberatung Süd',
      expect.stringMatching(/^Beratungsangebot/),
    ]);
    const pages = [];
    for (let page = 1; page <= 4; page++)
      pages.push(...(await engine.search({ q: 'sch', perPage: 100, page })).hits);
    expect(new Set(pages.map((hit) => hit.id)).size).toBe(pages.length);
    expect(pages.some((hit) => hit.name === 'Schuldnerberatung Nord')).toBe(false);
  });

  it('keeps category and radius filters exact when the tags narrow the match', async () => {
    const wohnen = await engine.search({ q: 'sch', termId: 'wohnen', perPage: 10 });
    expect(wohnen.hits.map((hit) => hit.name)).toEqual(['Schuldnerberatung Süd']);
    expect(wohnen.total).toBe(1);
    const kiel = await engine.search({
      q: 'schulden',
      near: { ...KIEL, radiusKm: 25 },
      perPage: 100,
      facets: true,
    });
    expect(kiel.total).toBe(752);
    expect(kiel.hits.every((hit) => hit.city === 'Kiel')).toBe(true);
    const munich = await engine.search({
      q: 'beratung',
      near: { ...MUNICH, radiusKm: 10 },
      termId: 'wohnen',
    });
    expect(munich.total).toBe(0);
  });

  it('filters a rare word by the document table alone and keeps it exact (open before closed, one match alone)', async () => {
    // "schuldnerberatung" occurs in three entries: the ranked tiers leave the map-cell tags out (decision 0027).
    const kiel = await engine.search({ q: 'Schuldnerberatung', near: { ...KIEL, radiusKm: 25 } });
    expect(kiel.hits.map((hit) => [hit.name, hit.closed])).toEqual([
      ['Schuldnerberatung Süd', false],
      ['Schuldnerberatung Nord', true],
    ]);
    expect(kiel.total).toBe(2);
    const munich = await engine.search({ q: 'Schuldnerberatung', near: { ...MUNICH, radiusKm: 25 } });
    expect(munich.hits.map((hit) => hit.name)).toEqual(['Schuldnerberatung Mitte']);
    expect(munich.total).toBe(1);
    const nowhere = await engine.search({
      q: 'Schuldnerberatung',
      near: { lat: 52.52, lon: 13.405, radiusKm: 25 },
    });
    expect(nowhere.total).toBe(0);
  });

  it('ranks a typo’s corrected word before the words it stands for', async () => {
    const result = await engine.search({ q: 'Integrationskurz', perPage: 5 });
    expect(result.hits[0]?.name).toBe('Integrationskurs am Abend');
    expect(result.hits.map((hit) => hit.name)).toContain('Einstufung und Beratung');
  });
});
