import { foldGerman } from './fold';

/** ISO 639-1 codes we offer, plus a few 639-3 codes common among young migrants (Dari, Kurmanji, Sorani, DGS). */
export const LANGUAGE_CODES = (
  'aa ab af ak am ar as ay az ba be bg bm bn bo br bs ca ce co cs cy da de dv dz ee el en eo es et eu fa ff fi fj ' +
  'fo fr fy ga gd gl gn gu ha he hi hr ht hu hy id ig is it ja jv ka kk km kn ko ks ku ky la lb lg ln lo lt lv mg ' +
  'mi mk ml mn mr ms mt my ne nl no ny om or pa pl ps pt qu rm rn ro ru rw sa sd si sk sl sm sn so sq sr ss st su ' +
  'sv sw ta te tg th ti tk tl tn to tr ts tt ug uk ur uz vi wo xh yi yo zh zu prs kmr ckb gsg'
).split(' ');

const displayNames = new Intl.DisplayNames(['de'], { type: 'language' });

/** German name of a language code ("ar" → "Arabisch"); unknown codes come back unchanged. */
export function languageName(code: string): string {
  if (code === 'gsg') return 'Deutsche Gebärdensprache';
  // Intl names Kurmanji "Kurdisch" like `ku`: a form showing the name would turn one into the other when saved.
  if (code === 'kmr') return 'Kurmandschi (Nordkurdisch)';
  try {
    return displayNames.of(code) ?? code;
  } catch {
    return code;
  }
}

// One folding for everything compared by spelling: ä = ae = a, ß = ss, case and spacing ignored.
const fold = (text: string) => foldGerman(text.trim()).replace(/\s+/g, ' ');

// Names people actually write that are not Intl's German display names.
const ALIASES: Record<string, string> = {
  farsi: 'fa',
  dari: 'prs',
  kurmandschi: 'kmr',
  kurmanci: 'kmr',
  sorani: 'ckb',
  paschto: 'ps',
  pashto: 'ps',
  suaheli: 'sw',
  swahili: 'sw',
  tigrinisch: 'ti',
  gebaerdensprache: 'gsg',
  dgs: 'gsg',
  englisch: 'en',
  serbokroatisch: 'sr',
};

const BY_NAME = new Map<string, string>([
  ...LANGUAGE_CODES.map((code) => [fold(languageName(code)), code] as [string, string]),
  ...Object.entries(ALIASES).map(([alias, code]) => [fold(alias), code] as [string, string]),
]);

/**
 * Reads a list of languages typed as German names or ISO 639 codes ("Arabisch, uk; Dari") into codes, in order and
 * without duplicates; whatever it cannot read comes back in `unknown` so the form can say so.
 */
export function parseLanguages(text: string): { codes: string[]; unknown: string[] } {
  const codes: string[] = [];
  const unknown: string[] = [];
  for (const part of text.split(/[,;/]+/)) {
    const value = part.trim();
    if (!value) continue;
    const folded = fold(value);
    const code = LANGUAGE_CODES.includes(folded) ? folded : BY_NAME.get(folded);
    if (!code) unknown.push(value);
    else if (!codes.includes(code)) codes.push(code);
  }
  return { codes, unknown };
}
