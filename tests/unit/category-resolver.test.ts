import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCategoryIndex,
  buildLanguageIndex,
  resolveCategoryCell,
  resolveCell,
} from '../../src/lib/directory/category-resolver';
import type { TaxonomyTerm } from '../../src/lib/directory/taxonomy';

// The default category tree exactly as the migration creates it.
const migration = fs.readFileSync(
  path.resolve(import.meta.dirname, '../../db/migrations/2026_11_23_1600_create_directory.ts'),
  'utf8',
);
const TERMS: TaxonomyTerm[] = [...migration.matchAll(/\['([a-z_.]+)', (null|'[a-z_]+'), '([^']+)'\]/g)].map(
  (m, i) => ({
    id: m[1]!,
    parentId: m[2] === 'null' ? null : m[2]!.slice(1, -1),
    name: m[3]!,
    sortOrder: i,
    isCustom: false,
  }),
);

describe('category resolver', () => {
  const index = buildCategoryIndex(TERMS);

  it('reads the whole default tree', () => {
    expect(TERMS.length).toBeGreaterThan(50);
  });

  // Cells taken from a coordinator's list of another region (issue 14).
  it.each([
    ['sprache.integrationskurs', 'sprache.integrationskurs', 'exact'],
    ['Jobcenter', 'arbeit.jobcenter', 'exact'],
    ['ausländerbehörde', 'behoerde.auslaenderbehoerde', 'exact'],
    ['Auslaenderbehoerde', 'behoerde.auslaenderbehoerde', 'exact'],
    ['IHK', 'arbeit.ihk', 'abbreviation'],
    ['HWK', 'arbeit.hwk', 'abbreviation'],
    ['MBE', 'beratung.mbe', 'abbreviation'],
    ['ihk', 'arbeit.ihk', 'abbreviation'],
    ['Industrie- und Handelskammer', 'arbeit.ihk', 'abbreviation'],
    ['Migrationsberatung für Erwachsene', 'beratung.mbe', 'abbreviation'],
    ['Lotsen', 'ehrenamt.mentoring', 'name_part'],
    ['Mentoring', 'ehrenamt.mentoring', 'key_part'],
    ['Kultur', 'freizeit.kultur', 'key_part'],
    ['Bibliothek', 'freizeit.kultur', 'name_part'],
    ['berufsschule', 'bildung.berufsschule', 'key_part'],
    ['Handelskammer', 'arbeit.ihk', 'name_part'],
    ['Handwerkskammer', 'arbeit.hwk', 'abbreviation'],
    ['Alphabetisierung', 'sprache.alphabetisierung', 'key_part'],
    ['Alphabetisierungskurse', 'sprache.alphabetisierung', 'typo'],
    ['Alphabetisierungkurs', 'sprache.alphabetisierung', 'typo'],
    ['Berufsprachkurs', 'sprache.berufssprachkurs', 'typo'],
    ['Jugendintegrationskurz', 'sprache.jugendintegrationskurs', 'typo'],
    ['Schuldnerbertaung', 'beratung.schulden', 'typo'],
    ['Deutschkurs', 'sprache.integrationskurs', 'synonym'],
    ['Arbeitsagentur', 'arbeit.berufsberatung', 'synonym'],
    ['Jugendberufsagentur', 'arbeit.jugendberufsagentur', 'exact'],
    ['Sprachpartnerschaft', 'sprache.sprachcafe', 'name_part'],
    ['Kompetenzagent', 'arbeit.kompetenzagentur', 'near_form'],
  ])('„%s“ → %s (%s)', (cell, target, how) => {
    expect(resolveCell(index, cell)).toEqual({ kind: 'found', target, how });
  });

  it.each([
    // Equally close to several categories: never guessed.
    ['Beruf', ['arbeit.berufsberatung', 'bildung.berufsschule', 'sprache.berufssprachkurs']],
    ['Jugend', ['arbeit.jugendberufsagentur', 'behoerde.jugendamt', 'freizeit.jugendzentrum']],
    ['Schul', ['bildung.schulabschluss', 'beratung.schulden']],
  ])('„%s“ is ambiguous', (cell, some) => {
    const result = resolveCell(index, cell);
    expect(result.kind).toBe('ambiguous');
    if (result.kind === 'ambiguous') expect(result.candidates).toEqual(expect.arrayContaining(some));
  });

  it.each(['Kita', 'Fußballverein', 'xyz', '', 'Kurs'])('„%s“ is unknown', (cell) => {
    expect(resolveCell(index, cell).kind).toBe('unknown');
  });

  it('a saved alias decides a cell that was ambiguous', () => {
    const withAlias = buildCategoryIndex(TERMS, [{ alias: 'Beruf', target: 'bildung.berufsschule' }]);
    expect(resolveCell(withAlias, 'beruf')).toEqual({
      kind: 'found',
      target: 'bildung.berufsschule',
      how: 'alias',
    });
  });

  it('splits a list cell at commas but keeps a name that contains one', () => {
    const parts = resolveCategoryCell(index, 'Kultur, Musik und Bibliothek; IHK, Lotsen, Beruf');
    expect(parts.map((p) => [p.text, p.resolution.kind])).toEqual([
      ['Kultur, Musik und Bibliothek', 'found'],
      ['IHK', 'found'],
      ['Lotsen', 'found'],
      ['Beruf', 'ambiguous'],
    ]);
  });
});

describe('language resolver', () => {
  const index = buildLanguageIndex();
  it.each([
    ['ar', 'ar'],
    ['Arabisch', 'ar'],
    ['arabic', 'ar'],
    ['Arabsich', 'ar'],
    ['Ukrainisch', 'uk'],
    ['Ukrainian', 'uk'],
    ['Farsi', 'fa'],
    ['Dari', 'prs'],
    ['Türkisch', 'tr'],
    ['Tuerkisch', 'tr'],
    ['Tigrinya', 'ti'],
    ['Englisch', 'en'],
    ['Russich', 'ru'],
  ])('„%s“ → %s', (cell, code) => {
    const result = resolveCell(index, cell);
    expect(result.kind === 'found' && result.target).toBe(code);
  });

  it('an unknown language stays open', () => {
    expect(resolveCell(index, 'Klingonisch').kind).not.toBe('found');
  });
});
