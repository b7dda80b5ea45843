import { z } from 'zod';
import { foldGerman } from '../i18n/fold';
import type { RelatedTermGroup } from './vocabulary';

export { foldGerman };

/**
 * The search over the directory (DESIGN.md §4): one interface, two engines that pass the same contract tests —
 * SQLite FTS5 (default) and Meilisearch (when MEILISEARCH_URL is set).
 */

/** One service as the search index holds it: flat, folded later by the engine, no personal data. */
export interface SearchDocument {
  id: string;
  externalId: string | null;
  name: string;
  organization: string;
  description: string;
  /** Category ids of the service and all their ancestors (a filter on "sprache" finds its subcategories). */
  termIds: string[];
  /** German category names of the service's own categories (searched, weighted between name and description). */
  categories: string[];
  languages: string[];
  minAge: number | null;
  maxAge: number | null;
  freeOfCharge: boolean | null;
  wheelchairAccessible: boolean | null;
  freePlaces: number | null;
  /** Opening hours in the directory's syntax ('' = unknown). */
  openingHours: string;
  /** The first location with coordinates (the map shows one marker per service). */
  lat: number | null;
  lon: number | null;
  postcode: string | null;
  district: string | null;
  city: string | null;
  /** ISO time of the last confirmation (recently confirmed entries rank a little higher). */
  assuredDate: string | null;
  /** Temporarily closed: still found, with a marker, after the open offers (decision 0022). */
  closed?: boolean | undefined;
}

export const SEARCH_SORTS = ['relevanz', 'entfernung', 'name'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** A search request, as the page, the API and the benchmark send it. */
export interface SearchQuery {
  q: string;
  /** Category id; matches the category and its subtree. */
  termId?: string | undefined;
  language?: string | undefined;
  /** The young person's age: services whose age range includes it. */
  age?: number | undefined;
  freeOfCharge?: boolean | undefined;
  wheelchairAccessible?: boolean | undefined;
  /** Only services with at least one free place. */
  freePlaces?: boolean | undefined;
  /** Only services open at this moment (Europe/Berlin opening hours, holidays respected). */
  openAt?: Date | undefined;
  /** Centre and radius for "near …"; distance is reported when a centre is given. */
  near?: { lat: number; lon: number; radiusKm?: number | undefined } | undefined;
  /** [west, south, east, north] in degrees. */
  bbox?: [number, number, number, number] | undefined;
  sort?: SearchSort | undefined;
  page?: number | undefined;
  perPage?: number | undefined;
  /** Whether to count facets (costs a little; the page wants them, the autocomplete does not). */
  facets?: boolean | undefined;
  /**
   * The moment of the request (`ctx.now`): entries confirmed in the half year before it rank a little higher.
   * Without it there is no such bonus (engines never read the clock themselves).
   */
  now?: Date | undefined;
}

/** One hit. */
export interface SearchHit {
  id: string;
  externalId: string | null;
  name: string;
  organization: string;
  termIds: string[];
  languages: string[];
  lat: number | null;
  lon: number | null;
  distanceKm: number | null;
  district: string | null;
  city: string | null;
  freePlaces: number | null;
  /** Temporarily closed (the page marks it; it ranks after open offers). */
  closed: boolean;
}

/** Counts of what the filters leave, per facet value. */
export interface SearchFacets {
  termIds: Record<string, number>;
  languages: Record<string, number>;
  freeOfCharge: number;
  wheelchairAccessible: number;
  freePlaces: number;
}

/** A page of results. */
export interface SearchResult {
  total: number;
  /** `total` is a lower bound: counting stopped there ("über 1.000"); only without facets. */
  totalCapped?: boolean | undefined;
  tookMs: number;
  hits: SearchHit[];
  facets: SearchFacets | null;
  /** "Meinten Sie …?": a corrected query from the vocabulary, offered when nothing was found. */
  suggestion?: string | null | undefined;
}

/** What every search engine offers. */
export interface SearchEngine {
  readonly name: 'sqlite' | 'meilisearch';
  /** Answers a query. */
  search(query: SearchQuery): Promise<SearchResult>;
  /** Adds or replaces documents (outside a database transaction: reindex, Meilisearch). */
  upsert(documents: SearchDocument[]): Promise<void>;
  /** Removes documents (archived, deleted). */
  remove(ids: string[]): Promise<void>;
  /** Drops everything and indexes `documents` anew, reporting progress. */
  rebuild(
    documents: AsyncIterable<SearchDocument[]> | SearchDocument[][],
    onProgress?: (done: number) => void,
  ): Promise<void>;
  /**
   * Replaces the vocabulary: the synonym groups ("ihk" = "industrie- und handelskammer" …) and the related terms that
   * go one way (default: the built-in list; decision 0026 lets coordinators change both).
   */
  setSynonyms(groups: string[][], related?: RelatedTermGroup[]): Promise<void>;
}

/** Typos Meilisearch forgives in a word of this length (minWordSizeForTypos: one from 5 letters, two from 9). */
export function allowedTypos(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

/** Rows of editDistance's table, reused across calls (three rows side by side; grown when a word is longer). */
let distanceRows = new Int32Array(3 * 64);

/**
 * Optimal string alignment distance (a swap of neighbours is one typo, as in Meilisearch), capped at max + 1.
 * Runs for every typo candidate of every search: one reused integer buffer, no allocation per row.
 */
export function editDistance(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  const width = m + 1;
  if (distanceRows.length < 3 * width) distanceRows = new Int32Array(3 * width * 2);
  const rows = distanceRows;
  // Offsets of the row two above (for swaps), the row above and the current row.
  let beforePrevious = 0;
  let previous = width;
  let current = 2 * width;
  for (let j = 0; j <= m; j++) rows[previous + j] = j;
  for (let i = 1; i <= n; i++) {
    const ai = a.charCodeAt(i - 1);
    const aBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    rows[current] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = rows[previous + j]! + 1;
      const insert = rows[current + j - 1]! + 1;
      if (insert < value) value = insert;
      const replace = rows[previous + j - 1]! + (ai === bj ? 0 : 1);
      if (replace < value) value = replace;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && aBefore === bj) {
        const swap = rows[beforePrevious + j - 2]! + 1;
        if (swap < value) value = swap;
      }
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const oldest = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = oldest;
  }
  return Math.min(rows[previous + m]!, max + 1);
}

/** Distance between two points on Earth in kilometres (haversine). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The field's abbreviations and synonyms (coordinators add more). Each group lists equivalent spellings; a query
 * for one finds the others.
 */
export const DEFAULT_SYNONYMS: string[][] = [
  ['ihk', 'industrie- und handelskammer', 'handelskammer'],
  ['hwk', 'handwerkskammer'],
  ['vhs', 'volkshochschule'],
  ['mbe', 'migrationsberatung für erwachsene', 'migrationsberatung'],
  ['jmd', 'jugendmigrationsdienst'],
  ['bamf', 'bundesamt für migration und flüchtlinge'],
  ['daz', 'deutsch als zweitsprache'],
  ['arbeitsagentur', 'agentur für arbeit', 'arbeitsamt'],
  ['jobcenter', 'grundsicherung'],
  ['jik', 'jugendintegrationskurs'],
  ['bsk', 'berufssprachkurs'],
  ['iq', 'anerkennungsberatung', 'anerkennung'],
  ['aba', 'ausländerbehörde', 'auslaenderbehoerde', 'ausländeramt'],
  ['esa', 'erster allgemeinbildender schulabschluss', 'hauptschulabschluss'],
  ['msa', 'mittlerer schulabschluss', 'realschulabschluss'],
  ['jba', 'jugendberufsagentur'],
  ['asylblg', 'asylbewerberleistungsgesetz'],
  ['kita', 'kindertagesstätte'],
  ['sprachkurs', 'deutschkurs', 'integrationskurs'],
];

// Control characters (NUL, escape, line breaks …) never belong in a search; PostgreSQL refuses NUL in text outright.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A text parameter without control characters. */
const text = (name: string) =>
  z.string().refine((value) => !CONTROL_CHARACTERS.test(value), {
    message: `Parameter „${name}“: enthält Steuerzeichen. Bitte nur Text angeben.`,
  });

/**
 * A number parameter written as decimal digits ("12", "-3.5"): no hexadecimal, exponents, "Infinity" or "NaN",
 * which Number() would accept or turn into values no search means.
 */
const decimal = (name: string) =>
  z
    .string()
    .regex(/^-?\d{1,12}(?:\.\d{1,12})?$/, { message: `Parameter „${name}“: bitte eine Zahl angeben.` })
    .transform(Number)
    .pipe(z.number({ message: `Parameter „${name}“: bitte eine Zahl angeben.` }));

/** An ISO date or local time ("2026-11-24", "2026-11-24T10:00", with seconds or an offset) in years 2000–2999. */
const OPEN_AT_PATTERN =
  /^2\d{3}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The query string parameters of the search page and API, validated with German messages naming the parameter. */
export const SearchParamsSchema = z.object({
  q: text('q')
    .pipe(z.string().max(200, { message: 'Parameter „q“: höchstens 200 Zeichen.' }))
    .default(''),
  kategorie: text('kategorie')
    .pipe(z.string().max(100, { message: 'Parameter „kategorie“: unbekannte Kategorie.' }))
    .optional(),
  sprache: z
    .string()
    .regex(/^[a-z]{2,3}$/, { message: 'Parameter „sprache“: bitte ein Sprachkürzel wie „ar“ angeben.' })
    .optional(),
  alter: decimal('alter')
    .pipe(
      z
        .number()
        .int({ message: 'Parameter „alter“: bitte eine ganze Zahl angeben.' })
        .min(0, { message: 'Parameter „alter“: zwischen 0 und 99.' })
        .max(99, { message: 'Parameter „alter“: zwischen 0 und 99.' }),
    )
    .optional(),
  kostenlos: z.enum(['ja'], { message: 'Parameter „kostenlos“: nur „ja“ ist erlaubt.' }).optional(),
  barrierefrei: z.enum(['ja'], { message: 'Parameter „barrierefrei“: nur „ja“ ist erlaubt.' }).optional(),
  freie_plaetze: z.enum(['ja'], { message: 'Parameter „freie_plaetze“: nur „ja“ ist erlaubt.' }).optional(),
  offen: z
    .string()
    .refine(
      (v) =>
        v === 'jetzt' || (OPEN_AT_PATTERN.test(v) && !Number.isNaN(Date.parse(v.length === 10 ? v : `${v}`))),
      {
        message: 'Parameter „offen“: „jetzt“ oder ein Zeitpunkt wie 2026-11-24T10:00 angeben.',
      },
    )
    .optional(),
  plz: z
    .string()
    .regex(/^\d{5}$/, { message: 'Parameter „plz“: genau 5 Ziffern, z. B. 23552.' })
    .optional(),
  lat: decimal('lat')
    .pipe(
      z
        .number()
        .min(-90, { message: 'Parameter „lat“: zwischen -90 und 90.' })
        .max(90, { message: 'Parameter „lat“: zwischen -90 und 90.' }),
    )
    .optional(),
  lon: decimal('lon')
    .pipe(
      z
        .number()
        .min(-180, { message: 'Parameter „lon“: zwischen -180 und 180.' })
        .max(180, { message: 'Parameter „lon“: zwischen -180 und 180.' }),
    )
    .optional(),
  radius_km: decimal('radius_km')
    .pipe(
      z
        .number()
        .positive({ message: 'Parameter „radius_km“: größer als 0.' })
        .max(1000, { message: 'Parameter „radius_km“: höchstens 1000.' }),
    )
    .optional(),
  bbox: z
    .string()
    .transform((value, ctx) => {
      if (!/^[-\d.,]{1,100}$/.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: 'Parameter „bbox“: vier Zahlen West,Süd,Ost,Nord, z. B. 10.6,53.8,10.8,53.9.',
        });
        return z.NEVER;
      }
      const parts = value.split(',').map(Number);
      const [w, s, e, n] = parts;
      if (
        parts.length !== 4 ||
        parts.some((p) => !Number.isFinite(p)) ||
        w! < -180 ||
        e! > 180 ||
        s! < -90 ||
        n! > 90 ||
        w! > e! ||
        s! > n!
      ) {
        ctx.addIssue({
          code: 'custom',
          message: 'Parameter „bbox“: vier Zahlen West,Süd,Ost,Nord, z. B. 10.6,53.8,10.8,53.9.',
        });
        return z.NEVER;
      }
      return parts as [number, number, number, number];
    })
    .optional(),
  sortierung: z
    .enum(SEARCH_SORTS, { message: 'Parameter „sortierung“: relevanz, entfernung oder name.' })
    .optional(),
  seite: decimal('seite')
    .pipe(
      z
        .number()
        .int({ message: 'Parameter „seite“: bitte eine ganze Zahl angeben.' })
        .min(1, { message: 'Parameter „seite“: mindestens 1.' })
        .max(1000, { message: 'Parameter „seite“: höchstens 1000.' }),
    )
    .default(1),
  pro_seite: decimal('pro_seite')
    .pipe(
      z
        .number()
        .int({ message: 'Parameter „pro_seite“: bitte eine ganze Zahl angeben.' })
        .min(1, { message: 'Parameter „pro_seite“: mindestens 1.' })
        .max(100, { message: 'Parameter „pro_seite“: höchstens 100.' }),
    )
    .default(20),
});
export type SearchParams = z.infer<typeof SearchParamsSchema>;
