import type { APIRoute } from 'astro';
import { buildAccessExport } from '../../../lib/privacy/access.service';

/**
 * The access export (Art. 15 DSGVO) of one case as JSON, for a caseworker of the owning office; everyone else gets a
 * 404. Creating it is audited. The file name carries no personal data.
 */
export const GET: APIRoute = async ({ locals, params }) => {
  const user = locals.user;
  const result = user
    ? await buildAccessExport(
        locals.app.db,
        {
          actor: { kind: 'user', user },
          requestId: locals.requestId,
          now: locals.now,
          config: locals.app.config,
        },
        { caseId: params['id'] ?? '' },
      )
    : null;
  if (!result?.ok)
    return new Response('Nicht gefunden.', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  return new Response(JSON.stringify(result.value, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="auskunft-${result.value.case.code}.json"`,
      'Cache-Control': 'no-store',
    },
  });
};
