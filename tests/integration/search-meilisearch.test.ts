import { describe, expect, it } from 'vitest';
import {
  MeilisearchEngine,
  openAtFilter,
  openSlotsOf,
  sameSynonyms,
  snapToSynonyms,
  toMeiliDocument,
  toMeiliFilter,
  toMeiliSearchRequest,
  toMeiliSynonyms,
  toMeiliSynonymSetting,
  toSearchFacets,
  toSearchHit,
  weeklyOpenTimes,
} from '../../src/lib/search/meilisearch-engine';
import { DEFAULT_SYNONYMS, type SearchDocument } from '../../src/lib/search/search';
import { CONTRACT_DOCUMENTS, runSearchContract } from '../helpers/search-contract';
import type { SearchEngine } from '../../src/lib/search/search';
import { createDb } from '../../src/lib/db/create-db';
import { FollowingEngine, rebuildSearchIndex } from '../../src/lib/search/engine';
import { VocabularyEngine } from '../../src/lib/search/vocabulary-engine';
import { TermGroupFormSchema, termGroupInputOf } from '../../src/lib/search/search-terms';
import { saveTermGroup } from '../../src/lib/search/search-terms.service';
import { createServiceEntry } from '../../src/lib/directory/upkeep.service';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { createTestDb } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { userContext } from '../helpers/context';

const url = process.env.MEILISEARCH_URL;
if (!url) {
  console.info('Hinweis: MEILISEARCH_URL nicht gesetzt – die Meilisearch-Vertragstests werden übersprungen.');
}

describe.skipIf(!url)('MeilisearchEngine', () => {
  let counter = 0;
  runSearchContract('meilisearch', async () => {
    counter += 1;
    // A fresh index per suite: parallel runs and earlier runs never share documents.
    const engine = await MeilisearchEngine.open({
      url: url ?? '',
      apiKey: process.env.MEILISEARCH_KEY ?? null,
      indexUid: `test_services_${process.pid}_${Date.now()}_${counter}`,
    });
    return { engine, cleanup: () => engine.deleteIndex() };
  });
});

describe.skipIf(!url)('Meilisearch shared by two instances', () => {
  const open = (indexUid: string) =>
    MeilisearchEngine.open({ url: url ?? '', apiKey: process.env.MEILISEARCH_KEY ?? null, indexUid });

  it('a rebuild never leaves the other instance’s searches with an empty index', async () => {
    const uid = `test_swap_${process.pid}_${Date.now()}`;
    const [rebuilding, searching] = [await open(uid), await open(uid)];
    try {
      await rebuilding.rebuild([CONTRACT_DOCUMENTS]);
      const seen: number[] = [];
      // Between the batches of the second rebuild the other instance searches: it must see the full old index.
      async function* batches(): AsyncGenerator<SearchDocument[]> {
        for (const document of CONTRACT_DOCUMENTS) {
          seen.push((await searching.search({ q: '' })).total);
          yield [{ ...document, name: `${document.name} neu` }];
        }
      }
      await rebuilding.rebuild(batches());
      expect(seen).toEqual(CONTRACT_DOCUMENTS.map(() => CONTRACT_DOCUMENTS.length));
      const after = await searching.search({ q: 'neu', perPage: 50 });
      expect(after.total).toBe(CONTRACT_DOCUMENTS.length);
    } finally {
      await rebuilding.deleteIndex();
    }
  });

  it('a vocabulary change through one instance reaches the other’s next search, even if its push was lost', async () => {
    const test = await createTestDb({ name: 'sqlite' });
    const second = createDb({ databaseUrl: test.url });
    const uid = `test_vocabulary_${process.pid}_${Date.now()}`;
    const bare = await open(uid);
    try {
      const coordinator = await createTestUser(test.db, { role: 'coordinator' });
      const organization = await createTestOrganization(test.db);
      const created = await createServiceEntry(test.db, userContext(coordinator), {
        organizationId: organization.id,
        form: ServiceFormSchema.parse({ name: 'Hausaufgabenhilfe im Stadtteil', termIds: ['bildung'] }),
      });
      expect(created.ok).toBe(true);
      const first = new VocabularyEngine(test.db, new FollowingEngine(test.db, bare));
      const other = new VocabularyEngine(second, new FollowingEngine(second, await open(uid)));
      await rebuildSearchIndex(test.db, first);
      const names = async (engine: SearchEngine, q: string) =>
        (await engine.search({ q, perPage: 50 })).hits.map((h) => h.name);
      expect(await names(other, 'Lernförderung')).toEqual([]);

      const group = (begriffe: string) => {
        const parsed = TermGroupFormSchema.parse({
          art: 'related',
          begriffe,
          findet_auch: 'Hausaufgabenhilfe',
        });
        return termGroupInputOf(parsed);
      };
      // The changing instance pushes the setting at once (as the page does through applySearchVocabulary).
      expect((await saveTermGroup(test.db, userContext(coordinator), group('Lernförderung'))).ok).toBe(true);
      await first.refreshVocabulary();
      expect(await names(other, 'Lernförderung')).toEqual(['Hausaufgabenhilfe im Stadtteil']);
      // A change whose push never happened (the instance crashed after the commit): the other instance makes it up.
      expect((await saveTermGroup(test.db, userContext(coordinator), group('Lernbegleitung'))).ok).toBe(true);
      expect(await names(other, 'Lernbegleitung')).toEqual(['Hausaufgabenhilfe im Stadtteil']);
      expect(await names(first, 'Lernbegleitung')).toEqual(['Hausaufgabenhilfe im Stadtteil']);
    } finally {
      await bare.deleteIndex();
      await second.destroy();
      await test.drop();
    }
  });
});

/** Slots from `first` to `last`, both included. */
const range = (first: number, last: number): number[] =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i);

const DAY = 96;

const document = (overrides: Partial<SearchDocument> = {}): SearchDocument => ({
  id: 'svc-1',
  externalId: 'ext-1',
  name: 'Sprachcafé Größenwahn',
  organization: 'Bürgerhaus Lübeck',
  description: 'Deutsch üben für Jugendliche',
  termIds: ['sprache', 'sprachkurs'],
  categories: ['Sprachförderung'],
  languages: ['de', 'ar'],
  minAge: 14,
  maxAge: null,
  freeOfCharge: true,
  wheelchairAccessible: null,
  freePlaces: 3,
  openingHours: 'Mo-Fr 08:00-09:00',
  lat: 53.8655,
  lon: 10.6866,
  postcode: '23552',
  district: 'Innenstadt',
  city: 'Lübeck',
  assuredDate: '2026-11-20T10:00:00.000Z',
  ...overrides,
});

describe('openSlotsOf', () => {
  it('lists the quarter hours of every day in a weekday range', () => {
    expect(openSlotsOf('Mo-Fr 08:00-09:00')).toEqual([
      ...range(32, 35),
      ...range(DAY + 32, DAY + 35),
      ...range(2 * DAY + 32, 2 * DAY + 35),
      ...range(3 * DAY + 32, 3 * DAY + 35),
      ...range(4 * DAY + 32, 4 * DAY + 35),
    ]);
  });

  it('lets a Saturday night interval spill into Sunday', () => {
    expect(openSlotsOf('Sa 23:00-01:00')).toEqual([
      ...range(5 * DAY + 92, 5 * DAY + 95),
      ...range(6 * DAY, 6 * DAY + 3),
    ]);
  });

  it('wraps a Sunday night interval around to Monday morning', () => {
    expect(openSlotsOf('So 23:30-00:30')).toEqual([0, 1, 6 * DAY + 94, 6 * DAY + 95]);
  });

  it('treats 24:00 as the end of the day, not as a night interval', () => {
    expect(openSlotsOf('Mo 22:00-24:00')).toEqual(range(88, 95));
  });

  it('finds nothing open for unknown or invalid opening hours', () => {
    expect(openSlotsOf('')).toEqual([]);
    expect(openSlotsOf('Montags manchmal')).toEqual([]);
  });
});

describe('weeklyOpenTimes', () => {
  it('marks the part after midnight as belonging to the day before', () => {
    const times = weeklyOpenTimes('So 23:30-00:30');
    expect(times.overnightSlots).toEqual([0, 1]);
    expect(times.overnightMinutes).toEqual([]);
  });

  it('lists times off the quarter hour minute by minute', () => {
    const times = weeklyOpenTimes('Mo 08:10-09:05');
    expect(times.openSlots).toEqual([33, 34, 35]);
    expect(times.openMinutes).toEqual([...range(490, 494), ...range(540, 544)]);
  });

  it('records whether the service closes on public holidays', () => {
    expect(weeklyOpenTimes('Mo 08:00-12:00; Feiertage geschlossen').holidayClosed).toBe(true);
    expect(weeklyOpenTimes('Mo 08:00-12:00').holidayClosed).toBe(false);
  });
});

describe('openAtFilter', () => {
  it('asks for the slot and minute of the Berlin wall-clock time in winter', () => {
    // Tuesday 24 November 2026, 10:00 CET = 09:00 UTC.
    expect(openAtFilter(new Date('2026-11-24T09:00:00Z'))).toBe(
      `(openSlots = ${DAY + 40} OR openMinutes = ${1440 + 600})`,
    );
  });

  it('follows daylight saving time in summer', () => {
    // Wednesday 1 July 2026, 10:07 CEST = 08:07 UTC.
    expect(openAtFilter(new Date('2026-07-01T08:07:00Z'))).toBe(
      `(openSlots = ${2 * DAY + 40} OR openMinutes = ${2 * 1440 + 607})`,
    );
  });

  it('keeps only the night part of the day before open on a holiday after a working day', () => {
    // Friday 25 December 2026, 10:00 CET; the 24th is no public holiday.
    const slot = 4 * DAY + 40;
    const minute = 4 * 1440 + 600;
    expect(openAtFilter(new Date('2026-12-25T09:00:00Z'))).toBe(
      `((openSlots = ${slot} OR openMinutes = ${minute}) AND (holidayClosed = false OR overnightSlots = ${slot} OR overnightMinutes = ${minute}))`,
    );
  });

  it('closes everything of holiday-closed services on a holiday after a holiday', () => {
    // Saturday 26 December 2026, 10:00 CET.
    const slot = 5 * DAY + 40;
    expect(openAtFilter(new Date('2026-12-26T09:00:00Z'))).toBe(
      `((openSlots = ${slot} OR openMinutes = ${5 * 1440 + 600}) AND holidayClosed = false)`,
    );
  });

  it('closes the night part of a holiday interval on the working day after it', () => {
    // Sunday 27 December 2026, 01:00 CET = 00:00 UTC; the 26th was a holiday.
    const slot = 6 * DAY + 4;
    const minute = 6 * 1440 + 60;
    expect(openAtFilter(new Date('2026-12-27T00:00:00Z'))).toBe(
      `((openSlots = ${slot} OR openMinutes = ${minute}) AND (holidayClosed = false OR (NOT overnightSlots = ${slot} AND NOT overnightMinutes = ${minute})))`,
    );
  });
});

describe('toMeiliFilter', () => {
  it('sends no filter for a plain text query', () => {
    expect(toMeiliFilter({ q: 'deutsch' })).toEqual([]);
  });

  it('quotes category and language values, escaping quotes', () => {
    expect(toMeiliFilter({ q: '', termId: 'say "hi"', language: 'ar' })).toEqual([
      'termIds = "say \\"hi\\""',
      'languages = "ar"',
    ]);
  });

  it('treats a missing age bound as open', () => {
    expect(toMeiliFilter({ q: '', age: 17 })).toEqual([
      '(minAge NOT EXISTS OR minAge <= 17)',
      '(maxAge NOT EXISTS OR maxAge >= 17)',
    ]);
  });

  it('filters the yes-only flags', () => {
    expect(
      toMeiliFilter({ q: '', freeOfCharge: true, wheelchairAccessible: true, freePlaces: true }),
    ).toEqual(['freeOfCharge = true', 'wheelchairAccessible = true', 'freePlaces > 0']);
  });

  it('ignores flags that are false', () => {
    expect(
      toMeiliFilter({ q: '', freeOfCharge: false, wheelchairAccessible: false, freePlaces: false }),
    ).toEqual([]);
  });

  it('turns a radius in kilometres into a _geoRadius in metres', () => {
    expect(toMeiliFilter({ q: '', near: { lat: 53.87, lon: 10.69, radiusKm: 2.5 } })).toEqual([
      '_geoRadius(53.87, 10.69, 2500)',
    ]);
  });

  it('does not filter by place when only a centre is given', () => {
    expect(toMeiliFilter({ q: '', near: { lat: 53.87, lon: 10.69 } })).toEqual([]);
  });

  it('gives the bounding box north-east corner first, then south-west', () => {
    expect(toMeiliFilter({ q: '', bbox: [10.6, 53.8, 10.8, 53.9] })).toEqual([
      '_geoBoundingBox([53.9, 10.8], [53.8, 10.6])',
    ]);
  });

  it('adds the opening-time condition', () => {
    const at = new Date('2026-11-24T09:00:00Z');
    expect(toMeiliFilter({ q: '', openAt: at })).toEqual([openAtFilter(at)]);
  });
});

describe('toMeiliSearchRequest', () => {
  it('folds the query and keeps a trailing space', () => {
    expect(toMeiliSearchRequest({ q: 'Größe Ärzte ' }).q).toBe('grosse arzte ');
  });

  it('sorts by relevance when there is a text', () => {
    expect(toMeiliSearchRequest({ q: 'deutsch' }).sort).toBeUndefined();
  });

  it('lists alphabetically when there is no text', () => {
    expect(toMeiliSearchRequest({ q: '  ' }).sort).toEqual(['nameFolded:asc']);
  });

  it('sorts by name on request', () => {
    expect(toMeiliSearchRequest({ q: 'deutsch', sort: 'name' }).sort).toEqual(['nameFolded:asc']);
  });

  it('sorts by distance from the centre, then by name', () => {
    expect(
      toMeiliSearchRequest({ q: 'deutsch', sort: 'entfernung', near: { lat: 53.87, lon: 10.69 } }).sort,
    ).toEqual(['_geoPoint(53.87,10.69):asc', 'nameFolded:asc']);
  });

  it('falls back to relevance for a distance sort without a centre', () => {
    expect(toMeiliSearchRequest({ q: 'deutsch', sort: 'entfernung' }).sort).toBeUndefined();
  });

  it('pages with page and hitsPerPage, 20 per page by default', () => {
    expect(toMeiliSearchRequest({ q: '' })).toMatchObject({ page: 1, hitsPerPage: 20 });
    expect(toMeiliSearchRequest({ q: '', page: 3, perPage: 50 })).toMatchObject({ page: 3, hitsPerPage: 50 });
  });

  it('asks for facets only when wanted', () => {
    expect(toMeiliSearchRequest({ q: '' }).facets).toBeUndefined();
    expect(toMeiliSearchRequest({ q: '', facets: true }).facets).toEqual([
      'termIds',
      'languages',
      'freeOfCharge',
      'wheelchairAccessible',
      'hasFreePlaces',
    ]);
  });

  it('requires every word to match', () => {
    expect(toMeiliSearchRequest({ q: 'deutsch kurs' }).matchingStrategy).toBe('all');
  });
});

describe('toMeiliDocument', () => {
  it('stores folded copies of the searchable fields beside the display fields', () => {
    const stored = toMeiliDocument(document());
    expect(stored).toMatchObject({
      name: 'Sprachcafé Größenwahn',
      organization: 'Bürgerhaus Lübeck',
      nameFolded: 'sprachcafe grossenwahn',
      organizationFolded: 'burgerhaus lubeck',
      descriptionFolded: 'deutsch uben fur jugendliche',
      categoriesFolded: ['sprachforderung'],
    });
  });

  it('stores _geo only when the service has coordinates', () => {
    expect(toMeiliDocument(document())._geo).toEqual({ lat: 53.8655, lng: 10.6866 });
    expect(toMeiliDocument(document({ lat: null, lon: null }))).not.toHaveProperty('_geo');
    expect(toMeiliDocument(document({ lon: null }))).not.toHaveProperty('_geo');
  });

  it('leaves out an unbounded age so that the filter can test for its absence', () => {
    const stored = toMeiliDocument(document({ minAge: 14, maxAge: null }));
    expect(stored.minAge).toBe(14);
    expect(stored).not.toHaveProperty('maxAge');
  });

  it('counts the days since 1970 of the last confirmation, 0 when never confirmed', () => {
    expect(toMeiliDocument(document({ assuredDate: '2026-11-20T10:00:00.000Z' })).assuredDays).toBe(
      Math.floor(Date.UTC(2026, 10, 20) / 86_400_000),
    );
    expect(toMeiliDocument(document({ assuredDate: null })).assuredDays).toBe(0);
  });

  it('marks free places for the facet count', () => {
    expect(toMeiliDocument(document({ freePlaces: 3 })).hasFreePlaces).toBe(true);
    expect(toMeiliDocument(document({ freePlaces: 0 })).hasFreePlaces).toBe(false);
    expect(toMeiliDocument(document({ freePlaces: null })).hasFreePlaces).toBe(false);
  });

  it('carries the open slots of the opening hours', () => {
    const stored = toMeiliDocument(document({ openingHours: 'Mo 08:00-08:30; Feiertage geschlossen' }));
    expect(stored.openSlots).toEqual([32, 33]);
    expect(stored.holidayClosed).toBe(true);
  });
});

describe('toSearchHit', () => {
  const stored = toMeiliDocument(document());

  it('gives the coordinates back as lat and lon', () => {
    expect(toSearchHit(stored, undefined)).toMatchObject({ lat: 53.8655, lon: 10.6866, distanceKm: null });
  });

  it('reports the distance to the centre in kilometres, to 0.1 km', () => {
    // 0.03° of longitude at 53.87° N are about 1.97 km.
    expect(toSearchHit(stored, { lat: 53.8655, lon: 10.7166 }).distanceKm).toBe(2);
  });

  it('reports no distance for a service without coordinates', () => {
    const hit = toSearchHit(toMeiliDocument(document({ lat: null, lon: null })), { lat: 53.8, lon: 10.7 });
    expect(hit).toMatchObject({ lat: null, lon: null, distanceKm: null });
  });
});

describe('toMeiliSynonyms', () => {
  it('maps every folded member of a group to all the others', () => {
    expect(toMeiliSynonyms([['ABA', 'Ausländerbehörde', 'auslaenderbehoerde']])).toEqual({
      aba: ['auslanderbehorde'],
      auslanderbehorde: ['aba'],
    });
  });

  it('writes multi-word synonyms as the index splits words', () => {
    expect(toMeiliSynonyms([['ihk', 'Industrie- und Handelskammer']])).toEqual({
      ihk: ['industrie und handelskammer'],
      'industrie und handelskammer': ['ihk'],
    });
  });

  it('covers every default group', () => {
    const synonyms = toMeiliSynonyms(DEFAULT_SYNONYMS);
    expect(synonyms['vhs']).toEqual(['volkshochschule']);
    expect(synonyms['kindertagesstatte']).toEqual(['kita']);
  });

  it('merges groups that share a member', () => {
    const synonyms = toMeiliSynonyms([
      ['iq', 'anerkennung'],
      ['anerkennung', 'anerkennungsberatung'],
    ]);
    expect(synonyms['anerkennung']).toEqual(['iq', 'anerkennungsberatung']);
  });
});

describe('snapToSynonyms', () => {
  const words = ['sprachkurs', 'integrationskurs', 'kita', 'ihk'];

  it('reads a mistyped word as the synonym it is close to', () => {
    expect(snapToSynonyms('sprachkurz', words)).toBe('sprachkurs');
    expect(snapToSynonyms('guter integrationskurz ', words)).toBe('guter integrationskurs ');
  });

  it('leaves exact synonyms and unrelated words alone', () => {
    expect(snapToSynonyms('integrationskurs', words)).toBe('integrationskurs');
    expect(snapToSynonyms('jugendwerkstatt', words)).toBe('jugendwerkstatt');
  });

  it('forgives no typo in short words', () => {
    expect(snapToSynonyms('ihr', words)).toBe('ihr');
  });

  it('keeps the typed word when the synonym is too short to forgive the typo back', () => {
    expect(snapToSynonyms('kitas', words)).toBe('kitas');
  });

  it('is applied to the query with the default synonyms', () => {
    expect(toMeiliSearchRequest({ q: 'Sprachkurz' }, ['sprachkurs']).q).toBe('sprachkurs');
    expect(toMeiliSearchRequest({ q: 'Sprachkurz' }).q).toBe('sprachkurz');
  });
});

describe('toSearchFacets', () => {
  it('counts the true values of the flags and passes value counts through', () => {
    expect(
      toSearchFacets({
        termIds: { sprache: 4 },
        languages: { ar: 2 },
        freeOfCharge: { true: 3, false: 1 },
        hasFreePlaces: { false: 4 },
      }),
    ).toEqual({
      termIds: { sprache: 4 },
      languages: { ar: 2 },
      freeOfCharge: 3,
      wheelchairAccessible: 0,
      freePlaces: 0,
    });
  });
});

describe('the synonym setting from the coordinators’ vocabulary', () => {
  it('adds a coordinator’s related terms one way and leaves out groups switched off', () => {
    const setting = toMeiliSynonymSetting(
      [['vhs', 'volkshochschule']],
      [{ terms: ['Lernort'], related: ['Berufsschule'] }],
    );
    expect(setting['lernort']).toEqual(['berufsschule']);
    expect(setting['berufsschule']).toBeUndefined();
    expect(setting['deutschkurs']).toBeUndefined();
    expect(setting['vhs']).toEqual(['volkshochschule']);
  });

  it('compares settings regardless of the order Meilisearch lists them in', () => {
    expect(sameSynonyms({ a: ['x', 'y'], b: ['z'] }, { b: ['z'], a: ['y', 'x'] })).toBe(true);
    expect(sameSynonyms({ a: ['x'] }, { a: ['x'], b: ['z'] })).toBe(false);
  });
});
