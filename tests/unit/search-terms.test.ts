import { describe, expect, it } from 'vitest';
import {
  builtInTermGroups,
  effectiveVocabulary,
  expandQuery,
  splitTermList,
  TermGroupFormSchema,
  termGroupInputOf,
  type TermGroup,
} from '../../src/lib/search/search-terms';
import { parseFormData } from '../../src/lib/http/form';

const own = (overrides: Partial<TermGroup>): TermGroup => ({
  id: 'g1',
  kind: 'related',
  terms: [],
  related: [],
  version: 1,
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

const formOf = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return parseFormData(data, TermGroupFormSchema);
};

describe('the built-in list', () => {
  it('names every group by a key of its own', () => {
    const keys = builtInTermGroups().map((g) => g.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('related:deutschkurs');
    expect(keys).toContain('synonym:ihk');
  });
});

describe('the vocabulary the engines use', () => {
  it('leaves out built-in groups switched off and adds the own ones after the built-in list', () => {
    const vocabulary = effectiveVocabulary(
      [
        own({ terms: ['Lernhilfe'], related: ['Hausaufgabenhilfe'] }),
        own({ kind: 'synonym', terms: ['BVB'], related: ['Berufsvorbereitung'] }),
      ],
      new Set(['related:deutschkurs', 'synonym:ihk']),
    );
    expect(vocabulary.related.some((g) => g.terms.includes('deutschkurs'))).toBe(false);
    expect(vocabulary.synonyms.some((g) => g.includes('ihk'))).toBe(false);
    expect(vocabulary.synonyms.some((g) => g.includes('hwk'))).toBe(true);
    expect(vocabulary.related.at(-1)).toEqual({ terms: ['Lernhilfe'], related: ['Hausaufgabenhilfe'] });
    expect(vocabulary.synonyms.at(-1)).toEqual(['BVB', 'Berufsvorbereitung']);
  });
});

describe('the preview of a query', () => {
  const vocabulary = effectiveVocabulary([], new Set());

  it('"deutsch lernen" also searches for the language courses, read as one phrase', () => {
    const [first, ...rest] = expandQuery('Deutsch lernen', vocabulary);
    expect(rest).toEqual([]);
    expect(first!.phrase).toBe('Deutsch lernen');
    expect(first!.alsoFinds).toEqual(
      expect.arrayContaining(['integrationskurs', 'jugendintegrationskurs', 'sprachcafé']),
    );
    expect(first!.alsoFinds).not.toContain('deutsch lernen');
  });

  it('goes one way for related terms and both ways for synonyms', () => {
    expect(expandQuery('Sprachcafé', vocabulary)).toEqual([]);
    expect(expandQuery('Volkshochschule', vocabulary)).toEqual([
      { phrase: 'Volkshochschule', alsoFinds: ['vhs'] },
    ]);
    expect(expandQuery('Ausländerbehörde', vocabulary)[0]!.phrase).toBe('Ausländerbehörde');
  });

  it('expands each known phrase of a longer query and skips unknown words', () => {
    const phrases = expandQuery('IHK Praktikum Lübeck', vocabulary).map((e) => e.phrase);
    expect(phrases).toEqual(['IHK', 'Praktikum']);
  });
});

describe('the term group form', () => {
  it('splits lists at commas, semicolons and lines, drops repeats and words already among the terms', () => {
    expect(splitTermList('Lernhilfe, lernhilfe;\nNachhilfe ,  ,Lern  Hilfe')).toEqual([
      'Lernhilfe',
      'Nachhilfe',
      'Lern Hilfe',
    ]);
    const parsed = formOf({ art: 'related', begriffe: 'Lernhilfe', findet_auch: 'lernhilfe, Nachhilfe' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(termGroupInputOf(parsed.value)).toEqual({
      id: null,
      version: null,
      kind: 'related',
      terms: ['Lernhilfe'],
      related: ['Nachhilfe'],
    });
  });

  it('says in German what is missing and keeps what was typed', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ art: 'related', begriffe: '', findet_auch: 'x' }, 'begriffe', /mindestens einen Suchbegriff/],
      [{ art: 'related', begriffe: 'Lernhilfe', findet_auch: '' }, 'findet_auch', /zusätzlich finden/],
      [{ art: 'synonym', begriffe: 'Lernhilfe', findet_auch: '' }, 'findet_auch', /mindestens zwei Wörter/],
      [{ art: 'related', begriffe: 'a, Lernhilfe', findet_auch: 'x1' }, 'begriffe', /„a“ braucht/],
      [{ art: 'related', begriffe: 'x'.repeat(61), findet_auch: 'y1' }, 'begriffe', /zu lang/],
      [{ art: 'beides', begriffe: 'abc', findet_auch: 'def' }, 'art', /gleichbedeutend oder verwandt/],
    ];
    for (const [fields, field, message] of cases) {
      const parsed = formOf(fields);
      expect(parsed.ok, JSON.stringify(fields)).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.errors[field]).toMatch(message);
      expect(parsed.values['begriffe']).toBe(fields['begriffe']);
    }
  });
});
