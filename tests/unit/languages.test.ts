import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES, languageName, parseLanguages } from '../../src/lib/i18n/languages';

// The service form shows languages by their German names and reads them back: every code must survive that.
describe('language names and codes', () => {
  it('reads every offered language back from its German name as the same code', () => {
    const changed = LANGUAGE_CODES.filter((code) => parseLanguages(languageName(code)).codes[0] !== code);
    expect(changed).toEqual([]);
  });

  it('keeps Kurdish (ku) and Kurmanji (kmr) apart, and still reads the names people write', () => {
    expect(parseLanguages(languageName('ku')).codes).toEqual(['ku']);
    expect(parseLanguages('Kurmandschi, Kurdisch').codes).toEqual(['kmr', 'ku']);
  });
});
