/**
 * Reads the category and language cells of an import the way a coordinator would (docs/import.md): by key, the key's
 * last part, the name, parts of the name, an abbreviation in parentheses, a saved alias, the search's synonyms, a near
 * form or one or two typos. It never guesses: when two categories are equally close, the cell stays open and the
 * coordinator picks one. Pure functions; the aliases come from taxonomy.queries.ts.
 * @module
 */
import { foldGerman } from '../i18n/fold';
import { LANGUAGE_CODES, languageName, parseLanguages } from '../i18n/languages';
import { allowedTypos, DEFAULT_SYNONYMS, editDistance } from '../search/search';
import type { TaxonomyTerm } from './taxonomy';

/** How a cell was understood (shown in the dry run's list of mappings). */
export type MatchHow =
  'exact' | 'alias' | 'key_part' | 'abbreviation' | 'name_part' | 'synonym' | 'near_form' | 'typo';

/** German words for how a cell was understood. */
export const MATCH_HOW_LABELS: Record<MatchHow, string> = {
  exact: 'gleicher Name',
  alias: 'gespeicherte Zuordnung',
  key_part: 'Teil des Schlüssels',
  abbreviation: 'Abkürzung',
  name_part: 'Teil des Namens',
  synonym: 'Synonym',
  near_form: 'ähnliche Wortform',
  typo: 'Tippfehler',
};

/** What a cell resolves to: one target (and how), several equally close candidates, or nothing. */
export type Resolution =
  | { kind: 'found'; target: string; how: MatchHow }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'unknown' };

/** A saved mapping: a cell's text (as typed) and what it means. */
export interface Alias {
  alias: string;
  target: string;
}

/** One folding for everything compared by spelling: ä = ae = a, ß = ss, case, hyphens and spacing ignored. */
export function foldCell(text: string): string {
  return foldGerman(text.trim())
    .replace(/[._]/g, ' ')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

type Tier = Map<string, Set<string>>;

/** The spellings that lead to each target, tier by tier (earlier tiers win). */
export interface ResolverIndex {
  exact: Tier;
  aliases: Tier;
  close: Map<string, { targets: Set<string>; how: MatchHow }[]>;
  /** Every spelling of the exact and close tiers, for near forms and typos. */
  words: Map<string, Set<string>>;
  synonyms: string[][];
}

const add = (tier: Tier, key: string, target: string) => {
  if (key === '') return;
  const set = tier.get(key) ?? new Set<string>();
  set.add(target);
  tier.set(key, set);
};

function newIndex(synonyms: string[][]): ResolverIndex {
  return {
    exact: new Map(),
    aliases: new Map(),
    close: new Map(),
    words: new Map(),
    synonyms: synonyms.map((group) => group.map(foldCell)),
  };
}

function addClose(index: ResolverIndex, key: string, target: string, how: MatchHow) {
  if (key === '') return;
  const list = index.close.get(key) ?? [];
  const entry = list.find((e) => e.how === how);
  if (entry) entry.targets.add(target);
  else list.push({ targets: new Set([target]), how });
  index.close.set(key, list);
  add(index.words, key, target);
}

function addAliases(index: ResolverIndex, aliases: Alias[]) {
  for (const { alias, target } of aliases) add(index.aliases, foldCell(alias), target);
}

/** The parts of a category name: split at „und“, „/“ and commas, without a parenthesised abbreviation. */
export function nameParts(name: string): string[] {
  const withoutAbbreviation = name.replace(/\([^)]*\)/g, ' ');
  return withoutAbbreviation
    .split(/\s+und\s+|\/|,|\s+oder\s+/i)
    .map(foldCell)
    .filter((part) => part.length >= 3);
}

/** The index for category cells: the tree's keys and names, the saved aliases, the search's synonyms. */
export function buildCategoryIndex(
  terms: TaxonomyTerm[],
  aliases: Alias[] = [],
  synonyms: string[][] = DEFAULT_SYNONYMS,
): ResolverIndex {
  const index = newIndex(synonyms);
  for (const term of terms) {
    add(index.exact, term.id.toLowerCase(), term.id);
    add(index.exact, foldCell(term.name), term.id);
    add(index.words, foldCell(term.name), term.id);
    const lastPart = term.id.split('.').pop() ?? term.id;
    if (!term.id.startsWith('eigene.')) addClose(index, foldCell(lastPart), term.id, 'key_part');
    for (const match of term.name.matchAll(/\(([^)]+)\)/g)) {
      addClose(index, foldCell(match[1]!), term.id, 'abbreviation');
    }
    const short = foldCell(term.name.replace(/\([^)]*\)/g, ' '));
    if (short !== foldCell(term.name)) addClose(index, short, term.id, 'abbreviation');
    for (const part of nameParts(term.name)) addClose(index, part, term.id, 'name_part');
  }
  addAliases(index, aliases);
  return index;
}

// Names people write for languages that neither Intl's German nor English names cover.
const LANGUAGE_MISSPELLINGS: Record<string, string> = {
  arab: 'ar',
  arabic: 'ar',
  arabish: 'ar',
  persisch: 'fa',
  farsi: 'fa',
  dari: 'prs',
  kurmandschi: 'kmr',
  kurmanci: 'kmr',
  kurmanji: 'kmr',
  sorani: 'ckb',
  paschtu: 'ps',
  pashto: 'ps',
  paschto: 'ps',
  tigrinya: 'ti',
  tigrinja: 'ti',
  suaheli: 'sw',
  ukrainisch: 'uk',
  ukrainian: 'uk',
  rumaenisch: 'ro',
  romanian: 'ro',
  bulgarian: 'bg',
  serbokroatisch: 'sr',
  gebaerdensprache: 'gsg',
  dgs: 'gsg',
  deutsch: 'de',
  german: 'de',
  englisch: 'en',
};

const englishNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** The index for language cells: ISO codes, German and English names, common misspellings, saved aliases. */
export function buildLanguageIndex(aliases: Alias[] = []): ResolverIndex {
  const index = newIndex([]);
  for (const code of LANGUAGE_CODES) {
    add(index.exact, code, code);
    add(index.exact, foldCell(languageName(code)), code);
    add(index.words, foldCell(languageName(code)), code);
    let english: string | undefined;
    try {
      english = englishNames.of(code);
    } catch {
      english = undefined;
    }
    if (english && english !== code) addClose(index, foldCell(english), code, 'synonym');
  }
  for (const [spelling, code] of Object.entries(LANGUAGE_MISSPELLINGS)) {
    addClose(index, foldCell(spelling), code, 'synonym');
  }
  addAliases(index, aliases);
  return index;
}

const found = (targets: Set<string>, how: MatchHow): Resolution =>
  targets.size === 1
    ? { kind: 'found', target: [...targets][0]!, how }
    : { kind: 'ambiguous', candidates: [...targets].sort() };

// Which word the report uses when one spelling is several things of one category („IHK“: abbreviation and key).
const CLOSE_PREFERENCE: MatchHow[] = ['abbreviation', 'key_part', 'name_part', 'synonym'];

/** Looks a folded spelling up in the exact, alias and close tiers, in that order. */
function lookUp(index: ResolverIndex, key: string): Resolution | null {
  const exact = index.exact.get(key);
  if (exact) return found(exact, 'exact');
  const alias = index.aliases.get(key);
  if (alias) return found(alias, 'alias');
  const close = index.close.get(key);
  if (close) {
    const targets = new Set(close.flatMap((e) => [...e.targets]));
    const how = CLOSE_PREFERENCE.find((h) => close.some((e) => e.how === h)) ?? close[0]!.how;
    return found(targets, how);
  }
  return null;
}

/**
 * Resolves one cell (one category or language, not a list): exact → saved alias → key part, abbreviation, name part
 * → synonym → near form (the cell begins a longer name, ≥ 5 letters) → one or two typos. At the first tier that
 * knows the cell, one target is an answer and several are ambiguous: nothing further down may break the tie.
 */
export function resolveCell(index: ResolverIndex, cell: string): Resolution {
  const raw = cell.trim();
  if (raw === '') return { kind: 'unknown' };
  const key = index.exact.has(raw.toLowerCase()) ? raw.toLowerCase() : foldCell(raw);
  if (key === '') return { kind: 'unknown' };
  const direct = lookUp(index, key);
  if (direct) return direct;

  // Synonyms: "Handelskammer" is "IHK", which is the abbreviation of a category.
  const viaSynonym = new Set<string>();
  for (const group of index.synonyms) {
    if (!group.includes(key)) continue;
    for (const other of group) {
      if (other === key) continue;
      const hit = lookUp(index, other);
      if (hit?.kind === 'found') viaSynonym.add(hit.target);
      else if (hit?.kind === 'ambiguous') hit.candidates.forEach((c) => viaSynonym.add(c));
    }
  }
  if (viaSynonym.size > 0) return found(viaSynonym, 'synonym');

  // Near forms: "Alphabetisierung" begins "Alphabetisierungskurs".
  if (key.length >= 5) {
    const near = new Set<string>();
    for (const [word, targets] of index.words) {
      if (word.length > key.length && word.startsWith(key)) targets.forEach((t) => near.add(t));
    }
    if (near.size > 0) return found(near, 'near_form');
  }

  // Typos: the closest spellings within the search's typo allowance; a tie between categories is not guessed.
  const max = allowedTypos(key.length);
  if (max > 0) {
    let best = max + 1;
    let targets = new Set<string>();
    for (const [word, wordTargets] of index.words) {
      const distance = editDistance(key, word, max);
      if (distance > max || distance > best) continue;
      if (distance < best) {
        best = distance;
        targets = new Set();
      }
      wordTargets.forEach((t) => targets.add(t));
    }
    if (targets.size > 0) return found(targets, 'typo');
  }
  return { kind: 'unknown' };
}

/** One part of a list cell and what it resolved to. */
export interface CellPart {
  text: string;
  resolution: Resolution;
}

/**
 * Splits a category cell into its categories and resolves each. Commas separate categories, but a name may contain
 * one ("Kultur, Musik und Bibliothek"): the longest run of parts that is an exact name or key wins first.
 */
export function resolveCategoryCell(index: ResolverIndex, text: string): CellPart[] {
  const parts = text.split(/[,;]/);
  const result: CellPart[] = [];
  let start = 0;
  while (start < parts.length) {
    let taken = false;
    for (let end = parts.length; end > start + 1 && !taken; end--) {
      const candidate = parts.slice(start, end).join(',');
      const key = foldCell(candidate);
      const hit =
        index.exact.get(candidate.trim().toLowerCase()) ?? index.exact.get(key) ?? index.aliases.get(key);
      if (hit && hit.size === 1) {
        result.push({ text: candidate.trim(), resolution: resolveCell(index, candidate) });
        start = end;
        taken = true;
      }
    }
    if (taken) continue;
    const part = parts[start]!.trim();
    if (part !== '') result.push({ text: part, resolution: resolveCell(index, part) });
    start++;
  }
  return result;
}

/** Splits a language cell ("Arabisch, uk; Dari / Farsi") and resolves each part. */
export function resolveLanguageCell(index: ResolverIndex, text: string): CellPart[] {
  return text
    .split(/[,;/]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      // What the service form itself reads (names, codes and its own aliases) is exact.
      const known = parseLanguages(part).codes;
      return {
        text: part,
        resolution:
          known.length === 1
            ? { kind: 'found' as const, target: known[0]!, how: 'exact' as const }
            : resolveCell(index, part),
      };
    });
}
