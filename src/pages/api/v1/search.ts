import type { APIRoute } from 'astro';
import { can } from '../../../lib/auth/policy';
import { hasTerm } from '../../../lib/directory/taxonomy.queries';
import { getSearchEngine } from '../../../lib/search/engine';
import {
  apiError,
  parseSearchParams,
  resolveSearchRequest,
  toApiResponse,
} from '../../../lib/search/search-request';

/**
 * `GET /api/v1/search`: one page of directory search results with facet counts, for every signed-in user
 * (docs/api.md). Bad parameters answer 400 with a German message naming the parameter.
 */
export const GET: APIRoute = async ({ locals, url }) => {
  const user = locals.user;
  if (!user) return apiError(401, 'Bitte melden Sie sich an.');
  if (!can(user, 'directory.read', { type: 'directory' })) return apiError(404, 'Nicht gefunden.');
  const parsed = parseSearchParams(url.searchParams, { refuseRepeated: true });
  if (!parsed.ok) return apiError(400, parsed.error.message, parsed.error.parameter);
  const { db } = locals.app;
  // The autocomplete asks for names only; counting facets would be wasted work there.
  const facets = url.searchParams.get('facetten') !== 'nein';
  const request = await resolveSearchRequest(db, parsed.value, (id) => hasTerm(db, id), {
    facets,
    now: locals.now,
  });
  if (!request.ok) return apiError(400, request.error.message, request.error.parameter);
  const engine = await getSearchEngine(locals.app);
  const result = await engine.search(request.value.query);
  return Response.json(toApiResponse(result, request.value.query));
};
