/**
 * The HSDS 3.0 read API under /api/hsds/ (docs/api.md), after the HSDS API reference: the meta endpoint, services,
 * organizations, taxonomies, taxonomy terms and services at locations, paginated with the spec's page object; filters
 * combine with AND. The route file only hands over the request; everything is decided here. Errors answer in the
 * API's shape `{ fehler, parameter }`.
 * @module
 */
import type { User } from '../auth/auth';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import { subtreeIds } from '../directory/taxonomy';
import { findPostcodeCentroid } from '../geo/postcode.queries';
import { getSearchEngine } from '../search/engine';
import { distanceKm } from '../search/search';
import { apiError } from '../search/search-request';
import { resolveAccess, type HsdsAccess } from './access';
import { loadReadContext, loadServices, type ReadContext } from './directory-read';
import { exportDirectory, type ExportFormat } from './exchange';
import {
  listAllPublishedServices,
  listPublishedServiceAtLocations,
  listPublishedServiceIds,
  type PublishedFilter,
} from './hsds.queries';
import { isUuid } from './ids';
import {
  locationObject,
  organizationFullObject,
  organizationListObject,
  serviceAtLocationId,
  serviceFullObject,
  serviceListObject,
  TAXONOMY_ID,
  taxonomyObject,
  termObject,
  type HsdsObject,
} from './mapping';
import {
  HSDS_VERSION,
  OPENAPI_PATCH,
  PROFILE_PATCHES,
  profileOpenApi,
  profileSchema,
  SCHEMA_FILES,
} from './schema';

/** What the route hands over. */
export interface HsdsRequest {
  url: URL;
  headers: Headers;
  user: User | null;
  now: Date;
  /** The client's address (Astro.locals.clientIp): only its keyed hash counts for the anonymous rate limit. */
  address: string;
}

type ParamKind = 'text' | 'int' | 'bool' | 'uuid' | 'datetime' | 'format' | 'postcode';

const PAGING: Record<string, ParamKind> = { page: 'int', per_page: 'int', format: 'format' };
const SERVICE_FILTERS: Record<string, ParamKind> = {
  search: 'text',
  taxonomy_term_id: 'text',
  taxonomy_id: 'uuid',
  organization_id: 'uuid',
  modified_after: 'datetime',
  full: 'bool',
};

/** The largest page; `format=ndjson` streams everything without pages. */
export const MAX_PER_PAGE = 500;
const DEFAULT_PER_PAGE = 50;

class ParamError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string | number | boolean | undefined>;

/** Reads the query string: known parameters only, each at most once, each of its kind. */
export function parseParams(url: URL, allowed: Record<string, ParamKind>): Params {
  const out: Params = {};
  for (const name of new Set(url.searchParams.keys())) {
    const kind = allowed[name];
    if (!kind) {
      throw new ParamError(
        name,
        `Parameter „${name}“: unbekannt. Erlaubt sind hier: ${Object.keys(allowed).join(', ')}.`,
      );
    }
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw new ParamError(name, `Parameter „${name}“: bitte nur einmal angeben.`);
    const value = values[0]!.trim();
    const fail = (what: string) => new ParamError(name, `Parameter „${name}“: ${what}`);
    switch (kind) {
      case 'text':
        if (value.length > 200) throw fail('höchstens 200 Zeichen.');
        out[name] = value === '' ? undefined : value;
        break;
      case 'int': {
        if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw fail('bitte eine ganze Zahl ab 1 angeben.');
        out[name] = Number(value);
        break;
      }
      case 'bool':
        if (!['true', 'false', '1', '0'].includes(value)) throw fail('bitte „true“ oder „false“ angeben.');
        out[name] = value === 'true' || value === '1';
        break;
      case 'uuid':
        if (!isUuid(value))
          throw fail('bitte eine UUID angeben (z. B. 5f0d5b7e-8f0b-5c3e-9a53-6a3d0f6b2c11).');
        out[name] = value.toLowerCase();
        break;
      case 'datetime': {
        const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value);
        const time = ok ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : NaN;
        if (Number.isNaN(time))
          throw fail('bitte ein Datum oder einen Zeitpunkt nach ISO 8601 angeben (z. B. 2026-11-30).');
        out[name] = new Date(time).toISOString();
        break;
      }
      case 'format':
        if (value !== 'json' && value !== 'ndjson') throw fail('bitte „json“ oder „ndjson“ angeben.');
        out[name] = value;
        break;
      case 'postcode':
        if (!/^\d{5}$/.test(value)) throw fail('bitte eine fünfstellige Postleitzahl angeben.');
        out[name] = value;
        break;
    }
  }
  if (typeof out['per_page'] === 'number' && out['per_page'] > MAX_PER_PAGE) {
    throw new ParamError(
      'per_page',
      `Parameter „per_page“: höchstens ${MAX_PER_PAGE}; für alles format=ndjson.`,
    );
  }
  return out;
}

/** The spec's page object. */
export function pageOf(contents: unknown[], total: number, page: number, perPage: number): HsdsObject {
  const totalPages = Math.ceil(total / perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

const json = (body: unknown) => Response.json(body);

function ndjson(items: unknown[]): Response {
  return new Response(items.map((item) => JSON.stringify(item)).join('\n') + (items.length ? '\n' : ''), {
    headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8' },
  });
}

/** A page of items, or all of them as ndjson. */
function listResponse(params: Params, all: () => Promise<unknown[]>, page: () => Promise<HsdsObject>) {
  return params['format'] === 'ndjson' ? all().then(ndjson) : page().then(json);
}

const notFoundJson = () => apiError(404, 'Nicht gefunden.');

/** The base address of the API (profile and OpenAPI links point there). */
export function apiBaseOf(config: Config): string {
  return `${config.publicBaseUrl}/api/hsds`;
}

/** Answers one request to /api/hsds/<path>. */
export async function handleHsdsRequest(
  app: { db: Db; config: Config },
  request: HsdsRequest,
): Promise<Response> {
  const path = request.url.pathname.replace(/^\/api\/hsds\/?/, '').replace(/\/$/, '');
  const parts = path === '' ? [] : path.split('/');
  try {
    // The description of the API carries no directory data; it is public so that the profile URI resolves.
    const meta = await metaResponse(app, parts, request.url);
    if (meta) return meta;
    const resolved = await resolveAccess(app, request);
    if (!resolved.ok) {
      const response = apiError(resolved.denied.status, resolved.denied.message);
      if (resolved.denied.retryAfterSeconds !== undefined) {
        response.headers.set('Retry-After', String(resolved.denied.retryAfterSeconds));
      }
      if (resolved.denied.status === 401) response.headers.set('WWW-Authenticate', 'Bearer realm="hsds"');
      return response;
    }
    return await dataResponse(app, resolved.access, parts, request);
  } catch (error) {
    if (error instanceof ParamError) return apiError(400, error.message, error.parameter);
    throw error;
  }
}

async function metaResponse(app: { config: Config }, parts: string[], url: URL): Promise<Response | null> {
  const base = apiBaseOf(app.config);
  const [first, ...rest] = parts;
  if (first === undefined) {
    parseParams(url, {});
    return json({ version: HSDS_VERSION, profile: `${base}/profile`, openapi_url: `${base}/openapi.json` });
  }
  if (first === 'openapi.json' && rest.length === 0) return json(profileOpenApi(base));
  if (first === 'profile') {
    if (rest.length === 0) {
      return json({
        name: 'JMD Partnernetz – deutsches Profil für HSDS 3.0',
        version: '1.0.0',
        hsds_version: HSDS_VERSION,
        description:
          'JSON Merge Patch files (RFC 7386) after the HSDS profile rules: free places as service capacities (HSDS 3.1 draft), „So vermitteln Sie“ (application_process), „Bitte mitbringen“ (required_documents), districts on addresses, the category tree as one taxonomy with stable URIs.',
        files: [...Object.keys(PROFILE_PATCHES).map((n) => `${n}.json`), 'openapi.json'].map(
          (file) => `${base}/profile/${file}`,
        ),
        schema: `${base}/schema`,
      });
    }
    const file = rest.join('/');
    if (file === 'openapi.json') return json(OPENAPI_PATCH);
    const name = file.replace(/\.json$/, '');
    return file.endsWith('.json') && PROFILE_PATCHES[name] !== undefined
      ? json(PROFILE_PATCHES[name])
      : notFoundJson();
  }
  if (first === 'schema') {
    if (rest.length === 0) return json({ files: SCHEMA_FILES.map((file) => `${base}/schema/${file}`) });
    const file = rest.join('/');
    const known = SCHEMA_FILES.find((f) => f === file);
    if (known) return json(profileSchema(known));
    if (file === 'openapi.json') return json(profileOpenApi(base));
    return notFoundJson();
  }
  return null;
}

function pagingOf(params: Params): { page: number; perPage: number } {
  return {
    page: typeof params['page'] === 'number' ? params['page'] : 1,
    perPage: typeof params['per_page'] === 'number' ? params['per_page'] : DEFAULT_PER_PAGE,
  };
}

/** The service filter of the parameters (categories, organization, modified since, the search engine's hits). */
async function serviceFilterOf(
  app: { db: Db; config: Config },
  access: HsdsAccess,
  params: Params,
  read: ReadContext,
): Promise<PublishedFilter | 'none'> {
  const filter: PublishedFilter = { publicOnly: access.publicOnly };
  const termParam = params['taxonomy_term_id'];
  if (typeof termParam === 'string') {
    const local = isUuid(termParam)
      ? await read.localIdOf('taxonomy_term', termParam)
      : (read.terms.find((t) => t.id === termParam)?.id ?? null);
    if (!local) {
      throw new ParamError(
        'taxonomy_term_id',
        `Parameter „taxonomy_term_id“: unbekannte Kategorie „${termParam}“. Die Kategorien nennt /api/hsds/taxonomy_terms.`,
      );
    }
    filter.termIds = subtreeIds(read.terms, local);
  }
  const taxonomyParam = params['taxonomy_id'];
  if (typeof taxonomyParam === 'string') {
    if (taxonomyParam !== TAXONOMY_ID) {
      throw new ParamError(
        'taxonomy_id',
        `Parameter „taxonomy_id“: unbekannte Taxonomie. Es gibt nur ${TAXONOMY_ID}.`,
      );
    }
    filter.termIds ??= read.terms.map((t) => t.id);
  }
  const organizationParam = params['organization_id'];
  if (typeof organizationParam === 'string') {
    const local = await read.localIdOf('organization', organizationParam);
    if (!local) return 'none';
    filter.organizationId = local;
  }
  if (typeof params['modified_after'] === 'string') filter.modifiedAfter = params['modified_after'];
  const search = params['search'];
  if (typeof search === 'string') filter.ids = await searchIds(app, search);
  return filter;
}

/** Every service id the search engine finds for a text (its ranking is not kept: the API sorts by name). */
async function searchIds(app: { db: Db; config: Config }, q: string): Promise<string[]> {
  const engine = await getSearchEngine(app);
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const result = await engine.search({ q, page, perPage: 200, facets: false });
    ids.push(...result.hits.map((hit) => hit.id));
    // A capped total (over 1.000 without facets) is a lower bound: page on until a page comes back empty.
    if (result.hits.length === 0 || (!result.totalCapped && ids.length >= result.total)) return ids;
  }
}

async function fullServices(db: Db, read: ReadContext, ids: string[]): Promise<HsdsObject[]> {
  const { services, locations } = await loadServices(db, ids);
  return services.map((service) =>
    serviceFullObject(
      service,
      { organization: read.organizations.get(service.organizationId)!, locations, terms: read.terms },
      read.ids,
    ),
  );
}

async function dataResponse(
  app: { db: Db; config: Config },
  access: HsdsAccess,
  parts: string[],
  request: HsdsRequest,
): Promise<Response> {
  const { db } = app;
  const [resource, id, ...rest] = parts;
  if (rest.length > 0 || resource === undefined) return notFoundJson();
  const url = request.url;
  const read = await loadReadContext(db);

  if (resource === 'export' && id === undefined) {
    const params = parseParams(url, { format: 'text' });
    const format = (params['format'] ?? 'json') as string;
    if (!['json', 'ndjson', 'zip'].includes(format)) {
      throw new ParamError('format', 'Parameter „format“: bitte „json“, „ndjson“ oder „zip“ angeben.');
    }
    if (!access.mayExport) return apiError(403, 'Dieser Schlüssel darf das Verzeichnis nicht exportieren.');
    const file = await exportDirectory(db, { publicOnly: access.publicOnly, format: format as ExportFormat });
    return new Response(file.body as BodyInit, {
      headers: {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.fileName}"`,
      },
    });
  }

  if (resource === 'services') {
    if (id !== undefined) {
      parseParams(url, {});
      const local = await read.localIdOf('service', id);
      if (!local) return notFoundJson();
      const published = await listPublishedServiceIds(
        db,
        { publicOnly: access.publicOnly, ids: [local] },
        { limit: 1, offset: 0 },
      );
      if (published.total === 0) return notFoundJson();
      return json((await fullServices(db, read, [local]))[0]);
    }
    const params = parseParams(url, { ...PAGING, ...SERVICE_FILTERS, minimal: 'bool' });
    if (params['minimal'] === true && params['full'] === true) {
      throw new ParamError('minimal', 'Parameter „minimal“: nicht zusammen mit „full“.');
    }
    const filter = await serviceFilterOf(app, access, params, read);
    const { page, perPage } = pagingOf(params);
    const render = async (ids: string[]): Promise<HsdsObject[]> => {
      if (params['full'] === true) return fullServices(db, read, ids);
      const { services } = await loadServices(db, ids);
      return services.map((service) => {
        const item = serviceListObject(service, read.ids);
        return params['minimal'] === true
          ? {
              id: item['id'],
              name: item['name'],
              status: item['status'],
              last_modified: item['last_modified'],
            }
          : item;
      });
    };
    return listResponse(
      params,
      async () =>
        filter === 'none' ? [] : render((await listAllPublishedServices(db, filter)).map((s) => s.id)),
      async () => {
        if (filter === 'none') return pageOf([], 0, page, perPage);
        const found = await listPublishedServiceIds(db, filter, {
          limit: perPage,
          offset: (page - 1) * perPage,
        });
        return pageOf(await render(found.ids), found.total, page, perPage);
      },
    );
  }

  if (resource === 'organizations') {
    const published = await listAllPublishedServices(db, { publicOnly: access.publicOnly });
    const servicesOf = new Map<string, string[]>();
    for (const s of published)
      servicesOf.set(s.organizationId, [...(servicesOf.get(s.organizationId) ?? []), s.id]);
    const fullOrganization = async (organizationId: string, fullService: boolean) => {
      const { services, locations } = await loadServices(db, servicesOf.get(organizationId) ?? []);
      return organizationFullObject(
        read.organizations.get(organizationId)!,
        services,
        { locations, terms: read.terms },
        read.ids,
        { fullService },
      );
    };
    if (id !== undefined) {
      const params = parseParams(url, { full_service: 'bool' });
      const local = await read.localIdOf('organization', id);
      if (!local || !servicesOf.has(local)) return notFoundJson();
      return json(await fullOrganization(local, params['full_service'] === true));
    }
    const params = parseParams(url, { ...PAGING, search: 'text', full: 'bool', full_service: 'bool' });
    const { page, perPage } = pagingOf(params);
    const search = typeof params['search'] === 'string' ? params['search'].toLocaleLowerCase('de') : null;
    const organizations = [...servicesOf.keys()]
      .map((orgId) => read.organizations.get(orgId)!)
      .filter((o) => search === null || o.name.toLocaleLowerCase('de').includes(search))
      .sort((a, b) => a.name.localeCompare(b.name, 'de') || a.id.localeCompare(b.id));
    const render = (list: typeof organizations) =>
      params['full'] === true
        ? Promise.all(list.map((o) => fullOrganization(o.id, params['full_service'] === true)))
        : Promise.resolve(list.map((o) => organizationListObject(o, read.ids)));
    return listResponse(
      params,
      () => render(organizations),
      async () =>
        pageOf(
          await render(organizations.slice((page - 1) * perPage, page * perPage)),
          organizations.length,
          page,
          perPage,
        ),
    );
  }

  if (resource === 'taxonomies') {
    if (id !== undefined) {
      parseParams(url, {});
      return id.toLowerCase() === TAXONOMY_ID ? json(taxonomyObject()) : notFoundJson();
    }
    const params = parseParams(url, { ...PAGING, search: 'text' });
    const { page, perPage } = pagingOf(params);
    const search = typeof params['search'] === 'string' ? params['search'].toLocaleLowerCase('de') : null;
    const all = [taxonomyObject()].filter(
      (t) => search === null || String(t['name']).toLowerCase().includes(search),
    );
    return listResponse(
      params,
      async () => all,
      async () => pageOf(all.slice((page - 1) * perPage, page * perPage), all.length, page, perPage),
    );
  }

  if (resource === 'taxonomy_terms') {
    if (id !== undefined) {
      parseParams(url, {});
      const local = isUuid(id) ? await read.localIdOf('taxonomy_term', id) : null;
      const term = read.terms.find((t) => t.id === local);
      return term ? json(termObject(read.terms, term, read.ids)) : notFoundJson();
    }
    const params = parseParams(url, {
      ...PAGING,
      search: 'text',
      taxonomy_id: 'uuid',
      parent_id: 'uuid',
      top_only: 'bool',
    });
    const { page, perPage } = pagingOf(params);
    let terms = read.terms;
    if (typeof params['taxonomy_id'] === 'string' && params['taxonomy_id'] !== TAXONOMY_ID) terms = [];
    if (typeof params['parent_id'] === 'string') {
      const parent = await read.localIdOf('taxonomy_term', params['parent_id']);
      terms = terms.filter((t) => parent !== null && t.parentId === parent);
    }
    if (params['top_only'] === true) terms = terms.filter((t) => t.parentId === null);
    if (typeof params['search'] === 'string') {
      const search = params['search'].toLocaleLowerCase('de');
      terms = terms.filter((t) => t.name.toLocaleLowerCase('de').includes(search) || t.id.includes(search));
    }
    const objects = terms.map((t) => termObject(read.terms, t, read.ids));
    return listResponse(
      params,
      async () => objects,
      async () => pageOf(objects.slice((page - 1) * perPage, page * perPage), objects.length, page, perPage),
    );
  }

  if (resource === 'service_at_locations') {
    const byId = async (filter: PublishedFilter & { postcode?: string }) => {
      const rows = await listPublishedServiceAtLocations(db, filter);
      return rows.map((row) => ({
        ...row,
        hsdsId: serviceAtLocationId(
          read.ids.idOf('service', row.serviceId),
          read.ids.idOf('location', row.locationId),
        ),
      }));
    };
    const render = async (rows: Awaited<ReturnType<typeof byId>>, full: boolean) => {
      const { services, locations } = await loadServices(db, [...new Set(rows.map((r) => r.serviceId))]);
      const serviceById = new Map(services.map((s) => [s.id, s]));
      const locationById = new Map(locations.map((l) => [l.id, l]));
      return rows.map((row) => {
        const service = serviceById.get(row.serviceId)!;
        const location = locationById.get(row.locationId)!;
        const base: HsdsObject = {
          id: row.hsdsId,
          service_id: read.ids.idOf('service', row.serviceId),
          location_id: read.ids.idOf('location', row.locationId),
        };
        if (!full) return base;
        const nested = serviceFullObject(
          service,
          { organization: read.organizations.get(service.organizationId)!, locations, terms: read.terms },
          read.ids,
        );
        return {
          ...base,
          contacts: nested['contacts'],
          phones: nested['phones'],
          schedules: nested['schedules'],
          location: locationObject(location, read.ids),
          service: serviceListObject(service, read.ids),
        };
      });
    };
    if (id !== undefined) {
      parseParams(url, {});
      const rows = (await byId({ publicOnly: access.publicOnly })).filter(
        (r) => r.hsdsId === id.toLowerCase(),
      );
      return rows.length === 0 ? notFoundJson() : json((await render(rows, true))[0]);
    }
    const params = parseParams(url, {
      ...PAGING,
      ...SERVICE_FILTERS,
      postcode: 'postcode',
      proximity: 'int',
    });
    if (params['proximity'] !== undefined && params['postcode'] === undefined) {
      throw new ParamError(
        'proximity',
        'Parameter „proximity“: nur zusammen mit „postcode“ (Umkreis in Metern um ihre Mitte).',
      );
    }
    const filter = await serviceFilterOf(app, access, params, read);
    let rows: Awaited<ReturnType<typeof byId>> = [];
    if (filter !== 'none') {
      const postcode = params['postcode'] as string | undefined;
      const proximity = params['proximity'] as number | undefined;
      if (postcode !== undefined && proximity !== undefined) {
        const centre = await findPostcodeCentroid(db, postcode);
        if (!centre) {
          throw new ParamError(
            'postcode',
            `Parameter „postcode“: die Postleitzahl ${postcode} kennen wir nicht.`,
          );
        }
        rows = (await byId(filter)).filter(
          (r) =>
            r.latitude !== null &&
            r.longitude !== null &&
            distanceKm(
              { lat: centre.latitude, lon: centre.longitude },
              { lat: r.latitude, lon: r.longitude },
            ) *
              1000 <=
              proximity,
        );
      } else {
        rows = await byId(postcode === undefined ? filter : { ...filter, postcode });
      }
    }
    const { page, perPage } = pagingOf(params);
    const full = params['full'] === true;
    return listResponse(
      params,
      () => render(rows, full),
      async () =>
        pageOf(
          await render(rows.slice((page - 1) * perPage, page * perPage), full),
          rows.length,
          page,
          perPage,
        ),
    );
  }
  return notFoundJson();
}
