import type { APIRoute } from 'astro';
import { can } from '../../lib/auth/policy';
import { IMPORT_TEMPLATE_FILE_NAME, importTemplateCsv } from '../../lib/directory/import-template';

/** The import template (header row and one example line) for whoever may import; others get a 404. */
export const GET: APIRoute = async ({ locals }) => {
  const user = locals.user;
  if (!user || !can(user, 'directory.import', { type: 'import' }))
    return new Response('Nicht gefunden.', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  return new Response(importTemplateCsv(), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${IMPORT_TEMPLATE_FILE_NAME}"`,
      'Cache-Control': 'no-store',
    },
  });
};
