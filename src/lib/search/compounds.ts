import { foldGerman } from '../i18n/fold';

/**
 * German compounds (decision 0022): "Schuldnerberatung" is indexed with its parts "beratung" (and "schuldner"
 * through the prefix), so a search for a part finds the compound. A word is split only where the tail is a known
 * word of at least four letters — a word of the index's own vocabulary or of the field's built-in word list — and
 * the head, once a linking element (-s-, -es-, -n-, -en-, -er-) is taken off, keeps at least three letters. Heads
 * are split again, so "Schuldnerberatungsstelle" yields "stelle", "beratungsstelle" (if known) and "beratung".
 *
 * Parts of three letters ("amt", "tag", "rat") are not indexed: they would match too much by chance; the field's
 * vocabulary maps "amt" and "behörde" to the offices instead.
 */

/** Shortest part that is indexed and found. */
export const MIN_PART_LENGTH = 4;
/** Words shorter than this are never split (two parts of four letters at least). */
const MIN_COMPOUND_LENGTH = 2 * MIN_PART_LENGTH;
const LINKING_ELEMENTS = ['es', 'en', 'er', 's', 'n'];

/** Words that are parts of many of the field's compounds, known even before the index holds them alone. */
export const BUILT_IN_PARTS: readonly string[] = [
  'beratung',
  'schule',
  'kurs',
  'kurse',
  'dienst',
  'stelle',
  'hilfe',
  'zentrum',
  'agentur',
  'behorde',
  'kammer',
  'arbeit',
  'ausbildung',
  'beruf',
  'sprache',
  'integration',
  'anerkennung',
  'praktikum',
  'schuldner',
  'sucht',
  'jugend',
  'familie',
  'migration',
  'frauen',
  'kinder',
  'eltern',
  'gesundheit',
  'wohnung',
  'treff',
  'cafe',
  'werkstatt',
  'klasse',
  'schulabschluss',
  'abschluss',
  'bildung',
  'forderung',
  'unterricht',
  'begleitung',
  'sozialarbeit',
  'therapie',
  'beratungsstelle',
  'gruppe',
  'projekt',
  'netzwerk',
  'sport',
  'musik',
  'recht',
  'asyl',
  'fluchtling',
  'deutsch',
  'kita',
  'hort',
  'pflege',
  'studium',
  'qualifizierung',
  'coaching',
].map((w) => foldGerman(w));

/**
 * The parts of a folded word (without the word itself), split against `known`. Empty when the word is no compound
 * the vocabulary can explain.
 */
export function compoundParts(word: string, known: (part: string) => boolean): string[] {
  const parts = new Set<string>();
  const seen = new Set<string>();
  const split = (w: string) => {
    if (w.length < MIN_COMPOUND_LENGTH || seen.has(w)) return;
    seen.add(w);
    for (let i = 3; i <= w.length - MIN_PART_LENGTH; i++) {
      const tail = w.slice(i);
      if (!known(tail)) continue;
      parts.add(tail);
      const head = w.slice(0, i);
      for (const stem of [
        head,
        ...LINKING_ELEMENTS.filter((l) => head.endsWith(l)).map((l) => head.slice(0, -l.length)),
      ]) {
        if (stem.length < 3) continue;
        if (stem !== head && stem.length >= MIN_PART_LENGTH && known(stem)) parts.add(stem);
        split(stem);
      }
    }
  };
  split(word);
  parts.delete(word);
  return [...parts];
}

/** The parts of all words of a folded text, space-separated (what the engines index in their parts field). */
export function compoundPartsOfText(folded: string, known: (part: string) => boolean): string {
  const result = new Set<string>();
  for (const word of folded.split(/[^a-z0-9]+/)) {
    if (word.length < MIN_COMPOUND_LENGTH) continue;
    for (const part of compoundParts(word, known)) result.add(part);
  }
  return [...result].join(' ');
}

/** The words of a folded text (for the vocabulary compounds are split against). */
export function wordsOf(folded: string): string[] {
  return folded.split(/[^a-z0-9]+/).filter((w) => w.length >= MIN_PART_LENGTH);
}
