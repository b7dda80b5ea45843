import zlib from 'node:zlib';
import type { APIRoute } from 'astro';
import { can } from '../../../lib/auth/policy';
import { hasTerm } from '../../../lib/directory/taxonomy.queries';
import { getSearchEngine } from '../../../lib/search/engine';
import {
  apiError,
  GEOJSON_LIMIT,
  parseSearchParams,
  resolveSearchRequest,
  toFeatureCollection,
} from '../../../lib/search/search-request';

/**
 * `GET /api/v1/search.geojson`: every match of the filters (up to 20,000, no paging) as a GeoJSON FeatureCollection
 * of points with `id`, `name` and `organisation` — what the map needs and nothing more. Services without coordinates
 * are left out.
 */
export const GET: APIRoute = async ({ locals, url, request: httpRequest }) => {
  const user = locals.user;
  if (!user) return apiError(401, 'Bitte melden Sie sich an.');
  if (!can(user, 'directory.read', { type: 'directory' })) return apiError(404, 'Nicht gefunden.');
  // Paging and order mean nothing for a map; ignore them rather than refuse a link copied from the page.
  const input = new URLSearchParams(url.searchParams);
  for (const name of ['seite', 'pro_seite', 'sortierung']) input.delete(name);
  const parsed = parseSearchParams(input, { refuseRepeated: true });
  if (!parsed.ok) return apiError(400, parsed.error.message, parsed.error.parameter);
  const { db } = locals.app;
  const request = await resolveSearchRequest(db, parsed.value, (id) => hasTerm(db, id), {
    facets: false,
    now: locals.now,
  });
  if (!request.ok) return apiError(400, request.error.message, request.error.parameter);
  const engine = await getSearchEngine(locals.app);
  const result = await engine.search({ ...request.value.query, page: 1, perPage: GEOJSON_LIMIT });
  const body = JSON.stringify(toFeatureCollection(result.hits));
  return compressed(
    body,
    httpRequest.headers.get('accept-encoding') ?? '',
    'application/geo+json; charset=utf-8',
  );
};

/**
 * The standalone node server does not compress; 10,000 map points are about 2 MB of JSON, so this endpoint
 * compresses itself (brotli where the browser accepts it, else gzip) to stay near 250 KB on the wire.
 */
function compressed(body: string, acceptEncoding: string, contentType: string): Response {
  const headers: Record<string, string> = { 'Content-Type': contentType, Vary: 'Accept-Encoding' };
  if (/\bbr\b/.test(acceptEncoding)) {
    headers['Content-Encoding'] = 'br';
    const data = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
    return new Response(new Uint8Array(data), { headers });
  }
  if (/\bgzip\b/.test(acceptEncoding)) {
    headers['Content-Encoding'] = 'gzip';
    return new Response(new Uint8Array(zlib.gzipSync(body, { level: 6 })), { headers });
  }
  return new Response(body, { headers });
}
