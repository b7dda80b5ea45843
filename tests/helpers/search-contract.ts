import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SYNONYMS, type SearchDocument, type SearchEngine } from '../../src/lib/search/search';
import { relaxQuery } from '../../src/lib/search/relax';
import { FIELD_RELATED_TERMS } from '../../src/lib/search/vocabulary';

// The behaviour every search engine must show (DESIGN.md §4): the same cases run against SQLite FTS5 (on both
// database dialects) and Meilisearch.

const LUEBECK = { lat: 53.8655, lon: 10.6866 };

const doc = (overrides: Partial<SearchDocument> & Pick<SearchDocument, 'id' | 'name'>): SearchDocument => ({
  externalId: null,
  organization: 'Testträger',
  description: '',
  termIds: ['beratung'],
  categories: ['Beratung'],
  languages: ['de'],
  minAge: null,
  maxAge: null,
  freeOfCharge: null,
  wheelchairAccessible: null,
  freePlaces: null,
  openingHours: '',
  lat: LUEBECK.lat,
  lon: LUEBECK.lon,
  postcode: '23552',
  district: 'Innenstadt',
  city: 'Lübeck',
  assuredDate: '2026-10-01T00:00:00.000Z',
  ...overrides,
});

/** The documents the contract searches. */
export const CONTRACT_DOCUMENTS: SearchDocument[] = [
  doc({
    id: 'aba',
    name: 'Ausländerbehörde – Aufenthaltstitel',
    organization: 'Hansestadt Lübeck',
    termIds: ['behoerde', 'behoerde.auslaenderbehoerde'],
    categories: ['Ausländerbehörde'],
    openingHours: 'Mo-Do 08:00-12:00; Feiertage geschlossen',
  }),
  doc({
    id: 'ik-hl',
    name: 'Integrationskurs am Vormittag',
    organization: 'Volkshochschule Lübeck',
    termIds: ['sprache', 'sprache.integrationskurs'],
    categories: ['Integrationskurs'],
    languages: ['de', 'ar', 'uk'],
    minAge: 16,
    freeOfCharge: false,
    freePlaces: 3,
    lat: 53.867,
    lon: 10.692,
  }),
  doc({
    id: 'ik-hh',
    name: 'Integrationskurs am Abend',
    organization: 'Sprachschule Hamburg',
    termIds: ['sprache', 'sprache.integrationskurs'],
    categories: ['Integrationskurs'],
    languages: ['de', 'fa'],
    minAge: 18,
    freePlaces: 0,
    lat: 53.5511,
    lon: 9.9937,
    city: 'Hamburg',
    postcode: '20095',
  }),
  doc({
    id: 'ihk',
    name: 'Ausbildungsberatung',
    organization: 'Industrie- und Handelskammer zu Lübeck',
    termIds: ['arbeit', 'arbeit.ihk'],
    categories: ['Industrie- und Handelskammer (IHK)'],
    freeOfCharge: true,
    wheelchairAccessible: true,
    minAge: 15,
    maxAge: 25,
    lat: 53.8698,
    lon: 10.6712,
  }),
  doc({
    id: 'aa',
    name: 'Berufsberatung für junge Menschen',
    organization: 'Agentur für Arbeit Lübeck',
    termIds: ['arbeit', 'arbeit.berufsberatung'],
    categories: ['Agentur für Arbeit / Berufsberatung'],
    freeOfCharge: true,
    lat: 53.8508,
    lon: 10.6839,
  }),
  doc({
    id: 'iq',
    name: 'Anerkennungsberatung für ausländische Abschlüsse',
    organization: 'IQ Netzwerk Schleswig-Holstein',
    termIds: ['anerkennung', 'anerkennung.iq_beratung'],
    categories: ['IQ-Anerkennungsberatung'],
    freeOfCharge: true,
    languages: ['de', 'en', 'ru'],
    lat: 53.8681,
    lon: 10.6881,
  }),
  doc({
    id: 'cafe',
    name: 'Sprachcafé am Wochenende',
    organization: 'Stadtbibliothek Lübeck',
    termIds: ['sprache', 'sprache.sprachcafe'],
    categories: ['Sprachcafé und Sprachpartnerschaft'],
    description: 'Deutsch üben bei Tee und Gebäck; Größe der Gruppe: höchstens zwölf.',
    languages: ['de', 'ar', 'uk', 'fa'],
    freeOfCharge: true,
    openingHours: 'Sa 20:00-02:00',
    lat: 53.8689,
    lon: 10.6871,
  }),
  doc({
    id: 'kiel',
    name: 'Schuldnerberatung',
    organization: 'Diakonie Kiel',
    termIds: ['beratung', 'beratung.schulden'],
    categories: ['Schuldnerberatung'],
    lat: 54.3233,
    lon: 10.1228,
    city: 'Kiel',
    postcode: '24103',
  }),
  doc({
    id: 'nogeo',
    name: 'Online-Beratung für Jugendliche',
    organization: 'Bundesweit',
    lat: null,
    lon: null,
  }),
];

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

/** Entries for compounds, the field's vocabulary and closed markers (decision 0022), in an index of their own. */
export const VOCABULARY_DOCUMENTS: SearchDocument[] = [
  doc({ id: 'familie', name: 'Beratung für Familien', categories: ['Familie'] }),
  doc({ id: 'stelle', name: 'Beratungsstelle am Hafen', categories: ['Familie'] }),
  doc({ id: 'schulden', name: 'Schuldnerberatung', categories: ['Schulden'] }),
  doc({ id: 'sucht', name: 'Suchtberatung für junge Menschen', categories: ['Gesundheit'] }),
  doc({ id: 'berufsschule', name: 'Berufsschule Lübeck', termIds: ['bildung'], categories: ['Bildung'] }),
  doc({ id: 'typo', name: 'Nachhilfe Schuhle plus', termIds: ['bildung'], categories: ['Nachhilfe'] }),
  doc({ id: 'jugendamt', name: 'Jugendamt der Hansestadt', termIds: ['behoerde'], categories: ['Behörde'] }),
  doc({ id: 'jik', name: 'Jugendintegrationskurs', termIds: ['sprache'], categories: ['Sprache'] }),
  doc({ id: 'bsk', name: 'Berufssprachkurs B2', termIds: ['sprache'], categories: ['Sprache'] }),
  doc({ id: 'daz', name: 'DaZ-Klasse an der Grundschule', termIds: ['sprache'], categories: ['Sprache'] }),
  doc({
    id: 'ik',
    name: 'Integrationskurs mit Kinderbetreuung',
    termIds: ['sprache'],
    categories: ['Sprache'],
  }),
  doc({
    id: 'cafe-zu',
    name: 'Sprachcafé am Markt',
    termIds: ['sprache'],
    categories: ['Sprache'],
    closed: true,
  }),
  doc({ id: 'cafe', name: 'Sprachcafé im Stadtteil', termIds: ['sprache'], categories: ['Sprache'] }),
];

/** Runs the contract against engines made by `makeEngine` (filled with CONTRACT_DOCUMENTS by the suite). */
export function runSearchContract(
  name: string,
  makeEngine: () => Promise<{ engine: SearchEngine; cleanup: () => Promise<void> }>,
): void {
  describe(`search contract: ${name}`, () => {
    let engine: SearchEngine;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ engine, cleanup } = await makeEngine());
      await engine.rebuild([CONTRACT_DOCUMENTS]);
    });
    afterAll(async () => cleanup?.());

    it('finds an entry spelled without umlauts first (Auslaenderbehoerde = Ausländerbehörde)', async () => {
      for (const q of ['Auslaenderbehoerde', 'auslanderbehorde', 'AUSLÄNDERBEHÖRDE']) {
        expect(ids((await engine.search({ q })).hits)[0], q).toBe('aba');
      }
      expect(ids((await engine.search({ q: 'Grösse' })).hits)).toContain('cafe');
    });

    it('forgives typos in Meilisearch’s manner: one from 5 letters, two from 9', async () => {
      expect(
        ids((await engine.search({ q: 'Integrationskurz' })).hits)
          .slice(0, 2)
          .sort(),
      ).toEqual(['ik-hh', 'ik-hl']);
      expect(ids((await engine.search({ q: 'anerkenung' })).hits)[0]).toBe('iq');
      expect(ids((await engine.search({ q: 'Schuldnrberatnug' })).hits)[0]).toBe('kiel');
      // four letters allow no typo
      expect((await engine.search({ q: 'Kurz ' })).total).toBe(0);
    });

    it('matches as you type by prefix', async () => {
      expect(ids((await engine.search({ q: 'Integ' })).hits).sort()).toEqual(['ik-hh', 'ik-hl']);
      expect(ids((await engine.search({ q: 'ausl' })).hits)).toContain('aba');
    });

    it('understands the field’s abbreviations and synonyms', async () => {
      expect(ids((await engine.search({ q: 'IHK' })).hits)[0]).toBe('ihk');
      expect(ids((await engine.search({ q: 'Arbeitsagentur' })).hits)[0]).toBe('aa');
      expect(ids((await engine.search({ q: 'VHS' })).hits)[0]).toBe('ik-hl');
      expect(ids((await engine.search({ q: 'Sprachkurz' })).hits)).toEqual(
        expect.arrayContaining(['ik-hl', 'ik-hh']),
      );
    });

    it('weights the name above the description', async () => {
      const hits = ids((await engine.search({ q: 'Beratung' })).hits);
      expect(hits.indexOf('nogeo')).toBeLessThan(
        hits.indexOf('cafe') === -1 ? Infinity : hits.indexOf('cafe'),
      );
    });

    it('filters by a category with its subtree, by language, age, cost, access and free places', async () => {
      expect(ids((await engine.search({ q: '', termId: 'sprache', perPage: 50 })).hits).sort()).toEqual([
        'cafe',
        'ik-hh',
        'ik-hl',
      ]);
      expect(ids((await engine.search({ q: '', language: 'ar', perPage: 50 })).hits).sort()).toEqual([
        'cafe',
        'ik-hl',
      ]);
      const age17 = ids((await engine.search({ q: 'Integrationskurs', age: 17 })).hits);
      expect(age17).toEqual(['ik-hl']);
      expect(ids((await engine.search({ q: '', freeOfCharge: true, perPage: 50 })).hits).sort()).toEqual([
        'aa',
        'cafe',
        'ihk',
        'iq',
      ]);
      expect(ids((await engine.search({ q: '', wheelchairAccessible: true })).hits)).toEqual(['ihk']);
      expect(ids((await engine.search({ q: 'Integrationskurs', freePlaces: true })).hits)).toEqual(['ik-hl']);
    });

    it('keeps a radius: nothing outside, nearest first when sorted by distance', async () => {
      const near = await engine.search({ q: 'Integrationskurs', near: { ...LUEBECK, radiusKm: 25 } });
      expect(ids(near.hits)).toEqual(['ik-hl']);
      const sorted = await engine.search({
        q: '',
        near: { ...LUEBECK, radiusKm: 150 },
        sort: 'entfernung',
        perPage: 50,
      });
      const distances = sorted.hits.map((h) => h.distanceKm!);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      expect(ids(sorted.hits)).toContain('kiel');
      expect(ids(sorted.hits)).not.toContain('nogeo');
      expect(sorted.hits.at(-1)!.id).toBe('kiel');
      expect(sorted.hits.find((h) => h.id === 'ik-hh')!.distanceKm).toBeGreaterThan(50);
    });

    it('filters by a bounding box', async () => {
      const box = await engine.search({ q: '', bbox: [9.9, 53.5, 10.1, 53.6] });
      expect(ids(box.hits)).toEqual(['ik-hh']);
    });

    it('answers "open at" with opening hours, past midnight and holidays', async () => {
      const mondayMorning = new Date('2026-11-23T09:00:00Z'); // 10:00 in Lübeck
      expect(ids((await engine.search({ q: '', openAt: mondayMorning, perPage: 50 })).hits)).toEqual(['aba']);
      const sundayNight = new Date('2026-11-29T00:30:00Z'); // Sunday 01:30, Saturday's evening hours still run
      expect(ids((await engine.search({ q: '', openAt: sundayNight, perPage: 50 })).hits)).toEqual(['cafe']);
      const goodFriday = new Date('2026-04-03T08:00:00Z'); // Karfreitag, 10:00
      expect((await engine.search({ q: '', openAt: goodFriday, perPage: 50 })).total).toBe(0);
    });

    it('counts facets over what the filters leave', async () => {
      const result = await engine.search({ q: '', termId: 'sprache', facets: true, perPage: 1 });
      expect(result.total).toBe(3);
      expect(result.hits).toHaveLength(1);
      expect(result.facets!.languages).toMatchObject({ de: 3, ar: 2, uk: 2, fa: 2 });
      expect(result.facets!.termIds).toMatchObject({
        sprache: 3,
        'sprache.integrationskurs': 2,
        'sprache.sprachcafe': 1,
      });
      expect(result.facets!.freeOfCharge).toBe(1);
      expect(result.facets!.freePlaces).toBe(1);
    });

    it('pages through results with a stable total', async () => {
      const first = await engine.search({ q: '', perPage: 4, page: 1, sort: 'name' });
      const second = await engine.search({ q: '', perPage: 4, page: 2, sort: 'name' });
      const third = await engine.search({ q: '', perPage: 4, page: 3, sort: 'name' });
      expect(first.total).toBe(CONTRACT_DOCUMENTS.length);
      const all = [...ids(first.hits), ...ids(second.hits), ...ids(third.hits)];
      expect(new Set(all).size).toBe(CONTRACT_DOCUMENTS.length);
    });

    describe('compounds, the field’s vocabulary, "Meinten Sie" and closed offers', () => {
      let vocabulary: SearchEngine;
      let cleanupVocabulary: () => Promise<void>;
      beforeAll(async () => {
        ({ engine: vocabulary, cleanup: cleanupVocabulary } = await makeEngine());
        await vocabulary.rebuild([VOCABULARY_DOCUMENTS]);
      });
      afterAll(async () => cleanupVocabulary?.());
      const search = async (q: string) => ids((await vocabulary.search({ q, perPage: 50 })).hits);

      it('finds a compound by a part of four letters or more: whole word › prefix › part › typo', async () => {
        const beratung = await search('beratung');
        expect(beratung).toEqual(expect.arrayContaining(['familie', 'stelle', 'schulden', 'sucht']));
        expect(beratung.indexOf('familie')).toBeLessThan(beratung.indexOf('stelle'));
        expect(beratung.indexOf('stelle')).toBeLessThan(beratung.indexOf('schulden'));
        expect(beratung.indexOf('stelle')).toBeLessThan(beratung.indexOf('sucht'));
        const schule = await search('schule ');
        expect(schule).toEqual(expect.arrayContaining(['berufsschule', 'daz', 'typo']));
        expect(schule.indexOf('berufsschule')).toBeLessThan(schule.indexOf('typo'));
        expect(await search('integrationskurs ')).toEqual(expect.arrayContaining(['ik', 'jik']));
      });

      it('finds no compound by a part of three letters, but "amt" finds the offices through the vocabulary', async () => {
        expect(await search('rat ')).toEqual([]);
        expect(await search('amt ')).toContain('jugendamt');
        // Split only against known words: "betreuung" is no word of this index or the field's list.
        expect(await search('betreuung ')).toEqual([]);
      });

      it('"deutschkurs", "sprachkurs" and "deutsch lernen" find every kind of language course', async () => {
        for (const q of ['deutschkurs', 'Sprachkurs', 'deutsch lernen']) {
          expect(await search(q), q).toEqual(
            expect.arrayContaining(['jik', 'bsk', 'daz', 'ik', 'cafe', 'cafe-zu']),
          );
        }
        // Related terms go one way: a search for the café does not list every course.
        expect((await search('Sprachcafé ')).sort()).toEqual(['cafe', 'cafe-zu']);
      });

      it('offers "Meinten Sie …?" from the vocabulary when nothing is found', async () => {
        const result = await vocabulary.search({ q: 'Kurz ' });
        expect(result.total).toBe(0);
        expect(result.suggestion).toBe('kurs');
        expect((await vocabulary.search({ q: 'Schuldnerbertaung Hafn' })).suggestion).toBe(
          'schuldnerberatung hafen',
        );
        expect((await vocabulary.search({ q: 'xqzwv' })).suggestion ?? null).toBeNull();
        expect((await vocabulary.search({ q: 'Schuldnerberatung' })).suggestion ?? null).toBeNull();
      });

      it('offers the query without each word that stands in the way, with the same filters', async () => {
        const query = { q: 'Schuldnerberatung Xylophonwerkstatt' };
        expect((await vocabulary.search(query)).total).toBe(0);
        const alone = (await vocabulary.search({ q: 'Schuldnerberatung' })).total;
        expect(alone).toBeGreaterThan(0);
        expect(await relaxQuery(vocabulary, query)).toEqual([
          { q: 'Schuldnerberatung', dropped: 'Xylophonwerkstatt', total: alone },
        ]);
        // Both words find something alone: both are offered, the one keeping the first word first.
        const both = await relaxQuery(vocabulary, { q: 'Sprachcafé Schuldnerberatung' });
        expect(both.map((r) => r.dropped)).toEqual(['Schuldnerberatung', 'Sprachcafé']);
        // The filters stay: nothing in this language, so nothing to offer.
        expect(await relaxQuery(vocabulary, { ...query, language: 'ti' })).toEqual([]);
        // One word has nothing to leave out; a sentence is not taken apart.
        expect(await relaxQuery(vocabulary, { q: 'Xylophonwerkstatt' })).toEqual([]);
        expect(await relaxQuery(vocabulary, { q: 'a b c d e f Schuldnerberatung' })).toEqual([]);
      });

      it('marks temporarily closed offers and ranks them after the open ones', async () => {
        const result = await vocabulary.search({ q: 'Sprachcafé' });
        expect(ids(result.hits)).toEqual(['cafe', 'cafe-zu']);
        expect(result.hits.map((h) => h.closed)).toEqual([false, true]);
      });

      it('uses a vocabulary set at run time: a new group finds at once, a group left out expands no more', async () => {
        expect(await search('Lernort ')).toEqual([]);
        const lernort = { terms: ['Lernort'], related: ['Berufsschule'] };
        await vocabulary.setSynonyms(DEFAULT_SYNONYMS, [...FIELD_RELATED_TERMS, lernort]);
        expect(await search('Lernort ')).toEqual(['berufsschule']);
        // Coordinators switched off both built-in groups that hold "deutschkurs" (decision 0026).
        await vocabulary.setSynonyms(
          DEFAULT_SYNONYMS.filter((group) => !group.includes('deutschkurs')),
          [...FIELD_RELATED_TERMS.filter((group) => !group.terms.includes('deutschkurs')), lernort],
        );
        expect(await search('deutschkurs ')).toEqual([]);
        expect(await search('Lernort ')).toEqual(['berufsschule']);
        await vocabulary.setSynonyms(DEFAULT_SYNONYMS);
        expect(await search('Lernort ')).toEqual([]);
        expect(await search('deutschkurs ')).toContain('jik');
      });
    });

    it('follows upserts and removals', async () => {
      await engine.upsert([doc({ id: 'neu', name: 'Jugendwerkstatt Holz und Metall' })]);
      expect(ids((await engine.search({ q: 'Jugendwerkstatt' })).hits)).toEqual(['neu']);
      await engine.upsert([doc({ id: 'neu', name: 'Jugendwerkstatt Küche' })]);
      expect((await engine.search({ q: 'Metall' })).total).toBe(0);
      expect(ids((await engine.search({ q: 'Kuche' })).hits)).toEqual(['neu']);
      await engine.remove(['neu']);
      expect((await engine.search({ q: 'Jugendwerkstatt' })).total).toBe(0);
    });
  });
}
