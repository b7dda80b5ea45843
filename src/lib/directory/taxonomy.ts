import { foldGerman } from '../i18n/fold';
import { z } from 'zod';

/** One category of the German category tree. */
export interface TaxonomyTerm {
  id: string;
  parentId: string | null;
  name: string;
  sortOrder: number;
  isCustom: boolean;
  /** Other names coordinators gave it in imports ("IHK", "Lotsen"); the search finds the category by them too. */
  aliases?: string[];
}

/** A term with its depth, in tree order (for selects and checkbox lists). */
export interface TermWithDepth extends TaxonomyTerm {
  depth: number;
}

/** Orders terms as a tree: each parent followed by its children, siblings by sort order then name. */
export function flattenTree(terms: TaxonomyTerm[]): TermWithDepth[] {
  const byParent = new Map<string | null, TaxonomyTerm[]>();
  for (const term of terms) {
    const siblings = byParent.get(term.parentId) ?? [];
    siblings.push(term);
    byParent.set(term.parentId, siblings);
  }
  const result: TermWithDepth[] = [];
  const visit = (parentId: string | null, depth: number) => {
    const children = (byParent.get(parentId) ?? []).sort(
      (a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name, 'de'),
    );
    for (const child of children) {
      result.push({ ...child, depth });
      visit(child.id, depth + 1);
    }
  };
  visit(null, 0);
  return result;
}

/** The ids of a term and all its descendants (a filter on "Sprache" also finds "Integrationskurs"). */
export function subtreeIds(terms: TaxonomyTerm[], rootId: string): string[] {
  const ids = [rootId];
  for (let i = 0; i < ids.length; i++) {
    for (const term of terms) if (term.parentId === ids[i]) ids.push(term.id);
  }
  return terms.some((t) => t.id === rootId) ? ids : [];
}

// One folding for everything compared by spelling: ä = ae = a, ß = ss, case and spacing ignored.
const fold = (text: string) => foldGerman(text.trim()).replace(/\s+/g, ' ');

/** Finds a term by its key ("sprache.integrationskurs") or its German name, ignoring case and umlaut spelling. */
export function findTermByKeyOrName(terms: TaxonomyTerm[], text: string): TaxonomyTerm | null {
  const wanted = fold(text);
  return terms.find((t) => t.id === text.trim()) ?? terms.find((t) => fold(t.name) === wanted) ?? null;
}

/** The path of names from the root ("Sprache › Integrationskurs"). */
export function termPath(terms: TaxonomyTerm[], id: string): string {
  const names: string[] = [];
  let current = terms.find((t) => t.id === id);
  while (current) {
    names.unshift(current.name);
    const parentId: string | null = current.parentId;
    current = parentId ? terms.find((t) => t.id === parentId) : undefined;
  }
  return names.join(' › ');
}

/** The form with which coordinators add a category. */
export const TermFormSchema = z.object({
  name: z
    .string({ message: 'Bitte geben Sie einen Namen ein.' })
    .trim()
    .min(2, { message: 'Der Name der Kategorie braucht mindestens 2 Zeichen.' })
    .max(100, { message: 'Der Name der Kategorie darf höchstens 100 Zeichen haben.' }),
  parentId: z
    .string()
    .trim()
    .max(100, { message: 'Bitte wählen Sie eine Oberkategorie aus der Liste.' })
    .default('')
    .transform((value) => (value === '' ? null : value)),
});
export type TermForm = z.infer<typeof TermFormSchema>;
