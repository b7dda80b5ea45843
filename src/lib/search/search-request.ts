import type { Db } from '../db/create-db';
import type { TaxonomyTerm } from '../directory/taxonomy';
import { findPostcodeCentroid } from '../geo/postcode.queries';
import { fromGermanWallClock } from '../time/time';
import {
  SearchParamsSchema,
  type SearchHit,
  type SearchParams,
  type SearchQuery,
  type SearchResult,
} from './search';

/**
 * The edge between URLs and the search engine, shared by `/suche`, `/api/v1/search` and `/api/v1/search.geojson`:
 * read and check the query string, resolve a postcode to a centre, build the engine's query, and build links that
 * carry the search (the URL is the page's state).
 */

/** Every query string parameter the search understands, in the order links write them. */
export const SEARCH_PARAM_NAMES = [
  'q',
  'kategorie',
  'sprache',
  'alter',
  'kostenlos',
  'barrierefrei',
  'freie_plaetze',
  'offen',
  'plz',
  'lat',
  'lon',
  'radius_km',
  'bbox',
  'sortierung',
  'seite',
  'pro_seite',
] as const satisfies readonly (keyof SearchParams)[];
export type SearchParamName = (typeof SEARCH_PARAM_NAMES)[number];

/** The parameters that only page through results; the map and the GeoJSON endpoint ignore them. */
const PAGING_PARAMS: readonly SearchParamName[] = ['seite', 'pro_seite', 'sortierung'];

/** Defaults that links leave out. */
const DEFAULTS: Partial<Record<SearchParamName, string>> = { seite: '1', pro_seite: '20' };

/** The GeoJSON endpoint returns at most this many features (DESIGN.md §4: the map is fed by it). */
export const GEOJSON_LIMIT = 20_000;

/** Radii offered by the page's "Umkreis" select, in kilometres. */
export const RADIUS_CHOICES = [5, 10, 25, 50] as const;

/** What was wrong with a request, naming the parameter (the API answers 400 with it, the page shows it). */
export interface SearchParamError {
  parameter: string;
  message: string;
}

/** Where distances are measured from. */
export interface SearchCentre {
  lat: number;
  lon: number;
  /** The postcode and place the centre came from, if any ("23552 Lübeck"). */
  label: string | null;
}

/** A checked request: the parameters as typed, the engine's query, and the centre. */
export interface SearchRequest {
  params: SearchParams;
  query: SearchQuery;
  centre: SearchCentre | null;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: SearchParamError };

/**
 * The known search parameters of a query string, without empty values (an untouched select of a GET form sends
 * `kategorie=`, which means "any"), later values winning as in `Object.fromEntries`.
 */
export function searchParamsOf(input: URLSearchParams): URLSearchParams {
  const clean = new URLSearchParams();
  for (const name of SEARCH_PARAM_NAMES) {
    const value = input.getAll(name).at(-1)?.trim();
    if (value) clean.set(name, value);
  }
  return clean;
}

/**
 * Validates the query string with SearchParamsSchema; the first problem names its parameter. `refuseRepeated` (the
 * API) refuses a parameter given twice (`seite=1&seite=2`, a list) instead of taking the last.
 */
export function parseSearchParams(
  input: URLSearchParams,
  options: { refuseRepeated?: boolean } = {},
): Result<SearchParams> {
  if (options.refuseRepeated) {
    const repeated = SEARCH_PARAM_NAMES.find((name) => input.getAll(name).length > 1);
    if (repeated) {
      return {
        ok: false,
        error: { parameter: repeated, message: `Parameter „${repeated}“: bitte nur einmal angeben.` },
      };
    }
  }
  const parsed = SearchParamsSchema.safeParse(Object.fromEntries(searchParamsOf(input)));
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, error: { parameter: String(issue.path[0] ?? 'q'), message: issue.message } };
}

/**
 * Checks what the schema alone cannot (a known category, lat with lon, a radius or distance sort with a centre) and
 * resolves `plz` to its centroid; an unknown postcode is an error naming `plz`. `isKnownTerm` is asked only when a
 * category is given: a page that lists the categories anyway answers from its list, the API looks the one id up
 * (`hasTerm`) instead of loading the whole tree per request.
 */
export async function resolveSearchRequest(
  db: Db,
  params: SearchParams,
  isKnownTerm: (id: string) => boolean | Promise<boolean>,
  options: { facets: boolean; now: Date },
): Promise<Result<SearchRequest>> {
  const fail = (parameter: string, message: string): Result<SearchRequest> => ({
    ok: false,
    error: { parameter, message },
  });
  if (params.kategorie && !(await isKnownTerm(params.kategorie))) {
    return fail(
      'kategorie',
      `Parameter „kategorie“: unbekannte Kategorie „${params.kategorie}“. Bitte eine Kategorie aus der Liste wählen.`,
    );
  }
  if ((params.lat === undefined) !== (params.lon === undefined)) {
    const missing = params.lat === undefined ? 'lat' : 'lon';
    return fail(missing, `Parameter „${missing}“: fehlt – „lat“ und „lon“ gehören zusammen.`);
  }
  if (params.plz && params.lat !== undefined) {
    return fail('plz', 'Parameter „plz“: bitte entweder „plz“ oder „lat“ und „lon“ angeben, nicht beides.');
  }
  let centre: SearchCentre | null = null;
  if (params.plz) {
    const found = await findPostcodeCentroid(db, params.plz);
    if (!found) {
      return fail(
        'plz',
        `Parameter „plz“: Die Postleitzahl ${params.plz} ist unbekannt. Bitte prüfen Sie die Eingabe oder suchen Sie ohne Postleitzahl.`,
      );
    }
    centre = {
      lat: found.latitude,
      lon: found.longitude,
      label: found.place ? `${found.postcode} ${found.place}` : found.postcode,
    };
  } else if (params.lat !== undefined && params.lon !== undefined) {
    centre = { lat: params.lat, lon: params.lon, label: null };
  }
  if (!centre && params.radius_km !== undefined) {
    return fail(
      'radius_km',
      'Parameter „radius_km“: Ein Umkreis braucht einen Ort – bitte „plz“ oder „lat“ und „lon“ angeben.',
    );
  }
  if (!centre && params.sortierung === 'entfernung') {
    return fail(
      'sortierung',
      'Parameter „sortierung“: „entfernung“ braucht einen Ort – bitte „plz“ oder „lat“ und „lon“ angeben.',
    );
  }
  return {
    ok: true,
    value: {
      params,
      centre,
      query: toSearchQuery(params, centre, { facets: options.facets, now: options.now }),
    },
  };
}

/**
 * The engine's query for checked parameters, at the request's `now` ("jetzt", the recency bonus). Without a chosen
 * order, a search by place alone lists nearest first.
 */
export function toSearchQuery(
  params: SearchParams,
  centre: SearchCentre | null,
  options: { facets: boolean; now: Date },
): SearchQuery {
  return {
    q: params.q.trim(),
    termId: params.kategorie,
    language: params.sprache,
    age: params.alter,
    freeOfCharge: params.kostenlos === 'ja' || undefined,
    wheelchairAccessible: params.barrierefrei === 'ja' || undefined,
    freePlaces: params.freie_plaetze === 'ja' || undefined,
    openAt: params.offen ? parseOpenAt(params.offen, options.now) : undefined,
    near: centre ? { lat: centre.lat, lon: centre.lon, radiusKm: params.radius_km } : undefined,
    bbox: params.bbox,
    sort: params.sortierung ?? (centre && !params.q.trim() ? 'entfernung' : undefined),
    page: params.seite,
    perPage: params.pro_seite,
    facets: options.facets,
    now: options.now,
  };
}

/**
 * The instant of `offen`: "jetzt", or an ISO time. A time without an offset ("2026-11-24T10:00") is read as German
 * local time, because that is what a caseworker in Lübeck means, whatever the server's time zone.
 */
export function parseOpenAt(value: string, now: Date): Date {
  if (value === 'jetzt') return now;
  if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value)) return new Date(value);
  const asUtc = new Date(Date.parse(value.length === 10 ? `${value}T00:00Z` : `${value}Z`));
  // Other spellings Date.parse accepts ("Nov 24 2026 10:00") stay as the runtime reads them.
  if (Number.isNaN(asUtc.getTime())) return new Date(value);
  return fromGermanWallClock(asUtc);
}

/**
 * A link to `path` with the current search and some parameters changed (`undefined` removes one); defaults and
 * empty values are left out so that links stay short and stable.
 */
export function searchHref(
  path: string,
  current: URLSearchParams,
  changes: Partial<Record<SearchParamName, string | number | undefined>> = {},
): string {
  const base = searchParamsOf(current);
  const params = new URLSearchParams();
  for (const name of SEARCH_PARAM_NAMES) {
    const value = name in changes ? changes[name] : base.get(name);
    if (value === undefined || value === null || value === '' || DEFAULTS[name] === String(value)) continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** The GeoJSON endpoint's address for the current filters (no paging or order: the map shows every match). */
export function geojsonHref(current: URLSearchParams): string {
  return searchHref(
    '/api/v1/search.geojson',
    current,
    Object.fromEntries(PAGING_PARAMS.map((name) => [name, undefined])),
  );
}

/** The leaf-most of a hit's category ids (the index also holds every ancestor, which a list need not repeat). */
export function leafTermIds(terms: TaxonomyTerm[], ids: string[]): string[] {
  const parents = new Set(terms.filter((t) => ids.includes(t.id)).map((t) => t.parentId));
  return ids.filter((id) => !parents.has(id));
}

/** One hit as the API returns it (German field names, as the query string). */
export interface ApiHit {
  id: string;
  externe_id: string | null;
  name: string;
  organisation: string;
  kategorien: string[];
  sprachen: string[];
  lat: number | null;
  lon: number | null;
  distanz_km: number | null;
  stadtteil: string | null;
  ort: string | null;
  freie_plaetze: number | null;
  /** Vorübergehend geschlossen (steht nach den geöffneten Angeboten). */
  geschlossen: boolean;
  url: string;
}

/** The body of `GET /api/v1/search`. */
export interface ApiSearchResponse {
  total: number;
  /** `total` is a lower bound: counting stopped at 1.000 ("über 1.000"; only with `facetten=nein`). */
  total_gedeckelt: boolean;
  took_ms: number;
  seite: number;
  pro_seite: number;
  hits: ApiHit[];
  facets: {
    kategorien: Record<string, number>;
    sprachen: Record<string, number>;
    kostenlos: number;
    barrierefrei: number;
    freie_plaetze: number;
  } | null;
}

/** Maps a hit to the API's shape. */
export function toApiHit(hit: SearchHit): ApiHit {
  return {
    id: hit.id,
    externe_id: hit.externalId,
    name: hit.name,
    organisation: hit.organization,
    kategorien: hit.termIds,
    sprachen: hit.languages,
    lat: hit.lat,
    lon: hit.lon,
    distanz_km: hit.distanceKm,
    stadtteil: hit.district,
    ort: hit.city,
    freie_plaetze: hit.freePlaces,
    geschlossen: hit.closed,
    url: `/verzeichnis/${encodeURIComponent(hit.id)}`,
  };
}

/** Maps a result to the API's response body. */
export function toApiResponse(result: SearchResult, query: SearchQuery): ApiSearchResponse {
  return {
    total: result.total,
    total_gedeckelt: result.totalCapped === true,
    took_ms: result.tookMs,
    seite: query.page ?? 1,
    pro_seite: query.perPage ?? 20,
    hits: result.hits.map(toApiHit),
    facets: result.facets && {
      kategorien: result.facets.termIds,
      sprachen: result.facets.languages,
      kostenlos: result.facets.freeOfCharge,
      barrierefrei: result.facets.wheelchairAccessible,
      freie_plaetze: result.facets.freePlaces,
    },
  };
}

/** A GeoJSON point feature of one service (RFC 7946: [longitude, latitude]). */
export interface ServiceFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { id: string; name: string; organisation: string };
}

/** The hits that have coordinates as a FeatureCollection; coordinates rounded to 5 decimals (about 1 m). */
export function toFeatureCollection(hits: SearchHit[]): {
  type: 'FeatureCollection';
  features: ServiceFeature[];
} {
  const round = (n: number) => Math.round(n * 1e5) / 1e5;
  return {
    type: 'FeatureCollection',
    features: hits.flatMap((hit) =>
      hit.lat === null || hit.lon === null
        ? []
        : [
            {
              type: 'Feature' as const,
              geometry: { type: 'Point' as const, coordinates: [round(hit.lon), round(hit.lat)] },
              properties: { id: hit.id, name: hit.name, organisation: hit.organization },
            },
          ],
    ),
  };
}

/** A JSON response with a German error for the API (400 names the parameter). */
export function apiError(status: number, message: string, parameter?: string): Response {
  return Response.json(parameter ? { fehler: message, parameter } : { fehler: message }, { status });
}

/** German "1,2 km". */
export function formatDistance(km: number): string {
  return `${km.toLocaleString('de-DE', { maximumFractionDigits: km < 10 ? 1 : 0 })} km`;
}
