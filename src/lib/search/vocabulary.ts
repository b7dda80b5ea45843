import { foldGerman } from '../i18n/fold';
import { BUILT_IN_PARTS } from './compounds';

/** Words that also find related ones, one way: each of `terms` finds itself and every word of `related`. */
export interface RelatedTermGroup {
  terms: string[];
  related: string[];
}

/** What the engines expand a query with: synonym groups (both ways) and related terms (one way). */
export interface SearchVocabulary {
  synonyms: string[][];
  related: RelatedTermGroup[];
}

/**
 * The field's vocabulary (decision 0022): what caseworkers type, and what it should also find. Unlike the synonym
 * groups (equal words, both ways), these go one way: "deutschkurs" finds the Jugendintegrationskurs, but a search
 * for "Sprachcafé" does not list every language course.
 */
export const FIELD_RELATED_TERMS: RelatedTermGroup[] = [
  {
    terms: [
      'deutschkurs',
      'deutschkurse',
      'sprachkurs',
      'sprachkurse',
      'deutsch lernen',
      'deutsch lernen kurs',
    ],
    related: [
      'integrationskurs',
      'jugendintegrationskurs',
      'berufssprachkurs',
      'daz',
      'deutsch als zweitsprache',
      'sprachcafé',
      'sprachförderung',
      'sprachkurs',
      'deutschkurs',
      'alphabetisierungskurs',
    ],
  },
  {
    terms: ['daz', 'daz-klasse', 'daz-zentrum'],
    related: ['deutsch als zweitsprache', 'daz-klasse', 'daz-zentrum', 'sprachförderung'],
  },
  {
    terms: ['ausbildung', 'lehre', 'lehrstelle', 'ausbildungsplatz'],
    related: [
      'ausbildung',
      'berufsausbildung',
      'ausbildungsberatung',
      'einstiegsqualifizierung',
      'ausbildungsplatz',
    ],
  },
  {
    terms: ['praktikum', 'praktika', 'praktikumsplatz'],
    related: ['praktikum', 'praktika', 'einstiegsqualifizierung', 'hospitation', 'berufsorientierung'],
  },
  {
    terms: ['anerkennung', 'abschluss anerkennen', 'zeugnis anerkennen'],
    related: ['anerkennung', 'anerkennungsberatung', 'gleichwertigkeit', 'zeugnisbewertung'],
  },
  {
    terms: ['beratung', 'berater', 'beraterin'],
    related: ['beratung', 'migrationsberatung', 'jugendmigrationsdienst', 'sozialberatung'],
  },
  {
    terms: ['schule', 'schulen', 'schulplatz'],
    related: ['schule', 'berufsschule', 'schulabschluss', 'daz-klasse', 'schulsozialarbeit'],
  },
  {
    terms: ['amt', 'ämter', 'behörde', 'behörden'],
    related: [
      'behörde',
      'ausländerbehörde',
      'jugendamt',
      'sozialamt',
      'jobcenter',
      'standesamt',
      'bürgeramt',
      'einwohnermeldeamt',
      'agentur für arbeit',
    ],
  },
];

/** One-way expansions, folded: each typed phrase with everything it should also find (itself included). */
export function relatedTermIndex(entries: RelatedTermGroup[] = FIELD_RELATED_TERMS): Map<string, string[][]> {
  const phrase = (text: string) =>
    foldGerman(text)
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  const index = new Map<string, string[][]>();
  for (const entry of entries) {
    const related = [...entry.terms, ...entry.related].map(phrase);
    for (const term of entry.terms) {
      const key = phrase(term).join(' ');
      const list = index.get(key) ?? [];
      for (const r of related) if (!list.some((l) => l.join(' ') === r.join(' '))) list.push(r);
      index.set(key, list);
    }
  }
  return index;
}

/** The field's own single words (folded): suggested by "Meinten Sie …?" and known to the compound splitter. */
export function fieldWords(
  synonymGroups: string[][],
  related: RelatedTermGroup[] = FIELD_RELATED_TERMS,
): Set<string> {
  const words = new Set<string>(BUILT_IN_PARTS);
  const add = (text: string) => {
    for (const word of foldGerman(text).split(/[^a-z0-9]+/)) if (word.length >= 4) words.add(word);
  };
  for (const entry of related) for (const t of [...entry.terms, ...entry.related]) add(t);
  for (const group of synonymGroups) for (const t of group) add(t);
  return words;
}

/**
 * "Meinten Sie …?": the query with each unknown word replaced by the nearest known word (at most two typos, one for
 * words up to five letters), or null when nothing changes. `known` answers whether a word is in the index or
 * vocabulary; `candidates` are the words to choose from (field words first win ties).
 */
export function suggestQuery(
  q: string,
  known: (word: string) => boolean,
  candidates: Iterable<string>,
  distance: (a: string, b: string, max: number) => number,
): string | null {
  const tokens = foldGerman(q)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (tokens.length === 0 || tokens.length > 6) return null;
  const list = [...candidates];
  let changed = false;
  const corrected = tokens.map((token) => {
    if (token.length < 3 || known(token)) return token;
    const max = token.length <= 5 ? 1 : 2;
    let best: string | null = null;
    let bestDistance = max + 1;
    for (const word of list) {
      if (Math.abs(word.length - token.length) > max) continue;
      const d = distance(token, word, max);
      if (d < bestDistance) {
        best = word;
        bestDistance = d;
      }
    }
    if (best === null) return token;
    changed = true;
    return best;
  });
  return changed ? corrected.join(' ') : null;
}
