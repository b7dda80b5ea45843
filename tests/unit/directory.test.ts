import { describe, expect, it } from 'vitest';
import { ServiceFormSchema, diffFields, isStale, serviceFormToFields } from '../../src/lib/directory/service';
import { findTermByKeyOrName, flattenTree, subtreeIds, termPath } from '../../src/lib/directory/taxonomy';
import { parseLanguages } from '../../src/lib/i18n/languages';
import { parseGeonamesPostcodes } from '../../src/lib/geo/geonames';

const terms = [
  { id: 'sprache', parentId: null, name: 'Sprache', sortOrder: 1, isCustom: false },
  {
    id: 'sprache.integrationskurs',
    parentId: 'sprache',
    name: 'Integrationskurs',
    sortOrder: 2,
    isCustom: false,
  },
  {
    id: 'eigene.x',
    parentId: 'sprache.integrationskurs',
    name: 'Kurs mit Kinderbetreuung',
    sortOrder: 9,
    isCustom: true,
  },
  { id: 'behoerde', parentId: null, name: 'Behörden', sortOrder: 3, isCustom: false },
  {
    id: 'behoerde.auslaenderbehoerde',
    parentId: 'behoerde',
    name: 'Ausländerbehörde',
    sortOrder: 4,
    isCustom: false,
  },
];

describe('service form', () => {
  it('reads German yes/no, ages, languages by name or code, and opening hours', () => {
    const parsed = ServiceFormSchema.parse({
      name: ' Sprachcafé ',
      freeOfCharge: 'Ja',
      wheelchairAccessible: 'nein',
      minAge: '14',
      languages: 'Arabisch, uk; Dari, arabisch',
      openingHours: 'Mo 10:00-12:00',
    });
    expect(parsed).toMatchObject({
      name: 'Sprachcafé',
      freeOfCharge: true,
      wheelchairAccessible: false,
      minAge: 14,
    });
    expect(parsed.languages).toEqual(['ar', 'uk', 'prs']);
    expect(parsed.openingHours.rules).toEqual([{ weekday: 'MO', opensAt: '10:00', closesAt: '12:00' }]);
  });

  it('explains each wrong field in German', () => {
    const result = ServiceFormSchema.safeParse({
      name: 'X',
      freeOfCharge: 'vielleicht',
      minAge: '-1',
      freePlaces: 'viele',
      contactEmail: 'ohne-at',
      contactPhone: '0451 1',
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: .*mindestens 2 Zeichen/),
        expect.stringMatching(/^freeOfCharge: .*„ja“ oder „nein“/),
        expect.stringMatching(/^minAge: .*ganze Zahl/),
        expect.stringMatching(/^freePlaces: .*ganze Zahl/),
        expect.stringMatching(/^contactEmail: .*gültige E-Mail/),
      ]),
    );
  });

  it('asks for the contact person’s name when other contact fields are filled', () => {
    const result = ServiceFormSchema.safeParse({ name: 'Kurs', contactPhone: '0451 1' });
    expect(result.error?.issues[0]).toMatchObject({ path: ['contactName'] });
  });

  it('refuses a maximum age below the minimum', () => {
    const result = ServiceFormSchema.safeParse({ name: 'Kurs', minAge: '20', maxAge: '18' });
    expect(result.error?.issues[0]).toMatchObject({ path: ['maxAge'] });
  });

  it('lists exactly the fields that differ', () => {
    const a = serviceFormToFields(ServiceFormSchema.parse({ name: 'Kurs', freePlaces: '3' }));
    const b = serviceFormToFields(ServiceFormSchema.parse({ name: 'Kurs', freePlaces: '4' }));
    expect(diffFields(a, b)).toEqual([{ field: 'freePlaces', from: '3', to: '4' }]);
    expect(diffFields(a, a)).toEqual([]);
  });

  it('calls an entry stale when it was confirmed more than 12 months ago or never', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(isStale(null, now)).toBe(true);
    expect(isStale('2025-11-22T12:00:00Z', now)).toBe(true);
    expect(isStale('2025-11-24T12:00:00Z', now)).toBe(false);
  });
});

describe('category tree', () => {
  it('orders parents before children and knows the depth', () => {
    expect(flattenTree(terms).map((t) => `${t.depth}:${t.id}`)).toEqual([
      '0:sprache',
      '1:sprache.integrationskurs',
      '2:eigene.x',
      '0:behoerde',
      '1:behoerde.auslaenderbehoerde',
    ]);
  });

  it('includes the whole subtree, and nothing for an unknown term', () => {
    expect(subtreeIds(terms, 'sprache')).toEqual(['sprache', 'sprache.integrationskurs', 'eigene.x']);
    expect(subtreeIds(terms, 'gibtsnicht')).toEqual([]);
  });

  it('finds a term by key or by name written with or without umlauts', () => {
    expect(findTermByKeyOrName(terms, 'behoerde.auslaenderbehoerde')?.name).toBe('Ausländerbehörde');
    expect(findTermByKeyOrName(terms, 'auslaenderbehoerde')?.id).toBe('behoerde.auslaenderbehoerde');
    expect(findTermByKeyOrName(terms, ' INTEGRATIONSKURS ')?.id).toBe('sprache.integrationskurs');
    expect(findTermByKeyOrName(terms, 'Schwimmkurs')).toBeNull();
    expect(termPath(terms, 'eigene.x')).toBe('Sprache › Integrationskurs › Kurs mit Kinderbetreuung');
  });
});

describe('languages', () => {
  it('reads German names, aliases and codes, and reports what it cannot read', () => {
    expect(parseLanguages('Deutsch, Farsi, Kurmandschi, Tigrinya, ps')).toEqual({
      codes: ['de', 'fa', 'kmr', 'ti', 'ps'],
      unknown: [],
    });
    expect(parseLanguages('Arabisch, Elbisch')).toEqual({ codes: ['ar'], unknown: ['Elbisch'] });
  });
});

describe('GeoNames postcodes', () => {
  it('averages several places of one postcode and reports unreadable lines with their number', () => {
    const text = [
      'DE\t23552\tLübeck\tSchleswig-Holstein\tSH\t\t\t\t\t53.86\t10.68\t4',
      'DE\t23552\tLübeck Altstadt\tSchleswig-Holstein\tSH\t\t\t\t\t53.88\t10.70\t4',
      'AT\t1010\tWien\t\t\t\t\t\t\t48.2\t16.37\t4',
      'DE\t2355\tKaputt\t\t\t\t\t\t\t53.8\t10.6\t4',
      'kaputte Zeile',
    ].join('\n');
    const result = parseGeonamesPostcodes(text);
    expect(result.centroids).toEqual([
      { postcode: '23552', place: 'Lübeck', latitude: 53.87, longitude: 10.69 },
    ]);
    expect(result.problems.map((p) => p.line)).toEqual([4, 5]);
  });
});
