/**
 * The search vocabulary coordinators maintain on /pflege/suchbegriffe (decision 0026): term groups of their own beside
 * the built-in list, built-in groups switched off, and what a query expands to. Pure rules and form schemas; the
 * tables belong to search-terms.queries.ts, the changes to search-terms.service.ts.
 * @module
 */
import { z } from 'zod';
import { VersionSchema, multiline } from '../http/form';
import { foldGerman } from '../i18n/fold';
import { DEFAULT_SYNONYMS } from './search';
import { FIELD_RELATED_TERMS, type RelatedTermGroup, type SearchVocabulary } from './vocabulary';

/** How a group works: equal words, both ways, or words that also find related ones, one way. */
export const TERM_GROUP_KINDS = ['synonym', 'related'] as const;
export type TermGroupKind = (typeof TERM_GROUP_KINDS)[number];

/** German labels of the kinds, as the page shows them. */
export const TERM_GROUP_KIND_LABELS: Record<TermGroupKind, string> = {
  synonym: 'Gleichbedeutend (beide Richtungen)',
  related: 'Verwandt (nur eine Richtung)',
};

/** A coordinator's own term group. */
export interface TermGroup {
  id: string;
  kind: TermGroupKind;
  /** What people type. */
  terms: string[];
  /** What those words should also find (for synonyms: further equal words). */
  related: string[];
  version: number;
  updatedAt: string;
}

/** A group of the built-in list, named by a key that stays the same across releases while its first word does. */
export interface BuiltInTermGroup {
  key: string;
  kind: TermGroupKind;
  terms: string[];
  related: string[];
}

/** The most own groups a deployment keeps (Meilisearch's synonym setting and the page stay small). */
export const MAX_OWN_GROUPS = 500;
const MAX_WORDS_PER_LIST = 20;
const MAX_WORD_LENGTH = 60;

/** A list entry as the engines compare it: folded, words joined by single spaces. */
export function termKey(text: string): string {
  return foldGerman(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(' ');
}

/** The built-in list (search.ts: abbreviations and synonyms; vocabulary.ts: the field's related terms) with keys. */
export function builtInTermGroups(): BuiltInTermGroup[] {
  const groups: BuiltInTermGroup[] = [];
  for (const group of DEFAULT_SYNONYMS) {
    groups.push({ key: `synonym:${termKey(group[0] ?? '')}`, kind: 'synonym', terms: group, related: [] });
  }
  for (const group of FIELD_RELATED_TERMS) {
    groups.push({
      key: `related:${termKey(group.terms[0] ?? '')}`,
      kind: 'related',
      terms: group.terms,
      related: group.related.filter((word) => !group.terms.includes(word)),
    });
  }
  return groups;
}

/** The vocabulary the engines use: the built-in groups not switched off, then the coordinators' own groups. */
export function effectiveVocabulary(own: TermGroup[], switchedOff: ReadonlySet<string>): SearchVocabulary {
  const synonyms: string[][] = [];
  const related: RelatedTermGroup[] = [];
  const add = (group: { kind: TermGroupKind; terms: string[]; related: string[] }) => {
    if (group.kind === 'synonym') synonyms.push([...group.terms, ...group.related]);
    else related.push({ terms: group.terms, related: group.related });
  };
  for (const group of builtInTermGroups()) if (!switchedOff.has(group.key)) add(group);
  for (const group of own) add(group);
  return { synonyms, related };
}

/**
 * What a query also searches for ("Vorschau"): for each phrase of the query that the vocabulary knows (longest first,
 * as the SQLite engine reads it), the words it is expanded with, in the spelling of the list.
 */
export function expandQuery(
  q: string,
  vocabulary: SearchVocabulary,
): { phrase: string; alsoFinds: string[] }[] {
  const index = new Map<string, string[]>();
  const add = (key: string, words: string[]) => {
    const list = index.get(key) ?? [];
    for (const word of words) {
      if (termKey(word) !== key && !list.some((w) => termKey(w) === termKey(word))) list.push(word);
    }
    index.set(key, list);
  };
  for (const group of vocabulary.synonyms) for (const word of group) add(termKey(word), group);
  for (const group of vocabulary.related) {
    for (const word of group.terms) add(termKey(word), [...group.terms, ...group.related]);
  }
  const longest = Math.max(1, ...[...index.keys()].map((key) => key.split(' ').length));
  const tokens = termKey(q).split(' ').filter(Boolean);
  // The phrase as typed ("Lernförderung", not "lernforderung") when the words line up with the folded ones.
  const typed = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const shown = (from: number, to: number) =>
    typed.length === tokens.length ? typed.slice(from, to).join(' ') : tokens.slice(from, to).join(' ');
  const result: { phrase: string; alsoFinds: string[] }[] = [];
  for (let i = 0; i < tokens.length;) {
    let matched = 0;
    for (let length = Math.min(longest, tokens.length - i); length >= 1; length--) {
      const key = tokens.slice(i, i + length).join(' ');
      const words = index.get(key);
      if (words && words.length > 0) {
        result.push({ phrase: shown(i, i + length), alsoFinds: words });
        matched = length;
        break;
      }
    }
    i += Math.max(1, matched);
  }
  return result;
}

/** Splits a typed list at commas, semicolons and line breaks; drops empty entries and repeats (folded). */
export function splitTermList(text: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const part of text.split(/[,;\n\r]+/)) {
    const word = part.trim().replace(/\s+/g, ' ');
    const key = termKey(word);
    if (word === '' || seen.has(key)) continue;
    seen.add(key);
    words.push(word);
  }
  return words;
}

/** The German problem with a list of words, or null. */
function listProblem(words: string[], label: string): string | null {
  if (words.length > MAX_WORDS_PER_LIST) return `${label}: höchstens ${MAX_WORDS_PER_LIST} Einträge.`;
  const long = words.find((word) => word.length > MAX_WORD_LENGTH);
  if (long) return `${label}: „${long.slice(0, 20)}…“ ist zu lang (höchstens ${MAX_WORD_LENGTH} Zeichen).`;
  const empty = words.find((word) => termKey(word).length < 2);
  if (empty) return `${label}: „${empty}“ braucht mindestens zwei Buchstaben oder Ziffern.`;
  return null;
}

const STALE_FORM = 'Das Formular ist veraltet oder unvollständig. Bitte laden Sie die Seite neu.';
const kindField = z.enum(TERM_GROUP_KINDS, {
  message: 'Bitte wählen Sie, wie die Begriffe wirken: gleichbedeutend oder verwandt.',
});
const listField = multiline(z.string().max(2000, { message: 'Höchstens 2000 Zeichen.' }).default(''));

/** A term group as the service takes it: the lists split, repeats and words already among the terms dropped. */
export interface TermGroupInput {
  id: string | null;
  version: number | null;
  kind: TermGroupKind;
  terms: string[];
  related: string[];
}

/** The lists of a form, split (what the rules below and the service read). */
function listsOf(form: { begriffe: string; findet_auch: string }): { terms: string[]; related: string[] } {
  const terms = splitTermList(form.begriffe);
  const termKeys = new Set(terms.map(termKey));
  const related = splitTermList(form.findet_auch).filter((word) => !termKeys.has(termKey(word)));
  return { terms, related };
}

/** The form of a term group (new or changed); `id` and `version` only when changing one. */
export const TermGroupFormSchema = z
  .object({
    id: z.string().max(40, { message: STALE_FORM }).default(''),
    version: VersionSchema.optional(),
    art: kindField,
    begriffe: listField,
    findet_auch: listField,
  })
  .superRefine((form, ctx) => {
    const { terms, related } = listsOf(form);
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (terms.length === 0)
      return problem('begriffe', 'Bitte geben Sie mindestens einen Suchbegriff ein, z. B. „Deutschkurs“.');
    const termsProblem = listProblem(terms, 'Suchbegriffe');
    if (termsProblem) return problem('begriffe', termsProblem);
    const relatedProblem = listProblem(related, 'Findet auch');
    if (relatedProblem) return problem('findet_auch', relatedProblem);
    if (form.art === 'related' && related.length === 0)
      return problem(
        'findet_auch',
        'Bitte nennen Sie, was die Suchbegriffe zusätzlich finden sollen, z. B. „Integrationskurs“.',
      );
    if (form.art === 'synonym' && terms.length + related.length < 2)
      return problem(
        'findet_auch',
        'Gleichbedeutend braucht mindestens zwei Wörter: bitte ein weiteres unter „Findet auch“ eintragen.',
      );
  });
export type TermGroupForm = z.output<typeof TermGroupFormSchema>;

/** The service's input from a checked form. */
export function termGroupInputOf(form: TermGroupForm): TermGroupInput {
  return {
    id: form.id === '' ? null : form.id,
    version: form.version ?? null,
    kind: form.art,
    ...listsOf(form),
  };
}

/** Removing an own group: its id and the version the page showed. */
export const TermGroupDeleteSchema = z.object({
  id: z.string({ message: STALE_FORM }).max(40, { message: STALE_FORM }),
  version: VersionSchema,
});
export type TermGroupDelete = z.output<typeof TermGroupDeleteSchema>;

/** Switching a built-in group off or on again. */
export const BuiltInSwitchSchema = z.object({
  schluessel: z
    .string({ message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' })
    .max(200, { message: 'Unbekannter Eintrag. Bitte laden Sie die Seite neu.' }),
  intent: z.enum(['abschalten', 'einschalten'], {
    message: 'Unbekannte Aktion. Bitte laden Sie die Seite neu.',
  }),
});
export type BuiltInSwitch = z.output<typeof BuiltInSwitchSchema>;

/** The preview's query string: a short text. */
export const PreviewSchema = z.object({
  vorschau: z.string().trim().max(200).catch(''),
});
