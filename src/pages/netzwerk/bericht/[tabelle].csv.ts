import type { APIRoute } from 'astro';
import { parseReportParams } from '../../../lib/report/report';
import { loadReport } from '../../../lib/report/report.service';
import { buildReportView, tableCsv } from '../../../lib/report/report.view';

/** One table of the report as CSV for German Excel, with the same filters and the same "< 5" rule as the page. */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const missing = () =>
    new Response('Nicht gefunden.', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  const { params: reportParams, errors } = parseReportParams(url.searchParams);
  const report = await loadReport(locals.app.db, locals.user, reportParams, locals.now, errors);
  if (!report) return missing();
  const view = buildReportView(report);
  const table = view.tables.find((t) => t.id === params['tabelle']);
  if (!table) return missing();
  return new Response(tableCsv(table, view.subtitle), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="bericht-${table.id}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
