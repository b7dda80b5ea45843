import { describe, expect, it } from 'vitest';
import { compoundParts, compoundPartsOfText } from '../../src/lib/search/compounds';
import { editDistance } from '../../src/lib/search/search';
import { relatedTermIndex, suggestQuery } from '../../src/lib/search/vocabulary';

const knownOf = (...words: string[]) => {
  const set = new Set(words);
  return (word: string) => set.has(word);
};

describe('compoundParts', () => {
  it('splits where the tail is a known word, across linking elements, and splits heads again', () => {
    const known = knownOf('beratung', 'stelle', 'schule', 'beruf', 'kurs', 'integration');
    expect(compoundParts('schuldnerberatung', known)).toEqual(['beratung']);
    expect(compoundParts('schuldnerberatungsstelle', known).sort()).toEqual(['beratung', 'stelle']);
    expect(compoundParts('berufsschule', known).sort()).toEqual(['beruf', 'schule']);
    expect(compoundParts('jugendintegrationskurs', known).sort()).toEqual(['integration', 'kurs']);
  });

  it('leaves unknown tails, parts under four letters and short words alone', () => {
    expect(compoundParts('kinderbetreuung', knownOf('kurs'))).toEqual([]);
    expect(compoundParts('jugendamt', knownOf('amt'))).toEqual([]);
    expect(compoundParts('kurse', knownOf('kurs'))).toEqual([]);
  });

  it('collects the parts of every word of a text once', () => {
    expect(compoundPartsOfText('suchtberatung und schuldnerberatung', knownOf('beratung'))).toBe('beratung');
  });
});

describe('the field’s vocabulary', () => {
  it('expands "deutsch lernen" one way to the language courses', () => {
    const index = relatedTermIndex();
    const related = index.get('deutsch lernen')!.map((p) => p.join(' '));
    expect(related).toEqual(expect.arrayContaining(['jugendintegrationskurs', 'berufssprachkurs', 'daz']));
    expect(index.has('jugendintegrationskurs')).toBe(false);
  });

  it('suggests the nearest known word for each unknown one, nothing when all are known or none is near', () => {
    const words = ['kurs', 'beratung', 'hafen'];
    const known = (w: string) => words.includes(w);
    expect(suggestQuery('Beratnug am Hafn', known, words, editDistance)).toBe('beratung am hafen');
    expect(suggestQuery('Beratung', known, words, editDistance)).toBeNull();
    expect(suggestQuery('xqzwv', known, words, editDistance)).toBeNull();
  });
});
