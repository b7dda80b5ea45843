import type { APIRoute } from 'astro';
import { listMemberHistory, loadGroupFor } from '../../../lib/networks/group.service';
import { membersCsv } from '../../../lib/networks/networks';

/** The member list (with former members) as CSV for German Excel: whoever sees the group; others get a 404. */
export const GET: APIRoute = async ({ locals, params }) => {
  const user = locals.user;
  const access = user ? await loadGroupFor(locals.app.db, user, params['id'] ?? '') : null;
  if (!access)
    return new Response('Nicht gefunden.', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  const csv = membersCsv(await listMemberHistory(locals.app.db, access));
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="mitglieder.csv"',
      'Cache-Control': 'no-store',
    },
  });
};
