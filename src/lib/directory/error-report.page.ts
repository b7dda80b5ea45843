/**
 * The POST of "Fehler melden" on the offer page: parse, report, respond (Post/Redirect/Get back to the offer).
 * @module
 */
import type { AstroGlobal } from 'astro';
import { parseForm } from '../http/form';
import { ctxOf, respond, respondInvalid, type PageFailure } from '../http/respond';
import { ErrorReportFormSchema } from './error-report';
import { reportError } from './error-report.service';

/** Handles the report form; a redirect on success, else what the form shows again. */
export async function handleErrorReportPost(
  astro: AstroGlobal,
  serviceId: string,
): Promise<Response | PageFailure<unknown>> {
  const parsed = await parseForm(astro.request, ErrorReportFormSchema);
  if (!parsed.ok) return respondInvalid(astro, parsed);
  return respond(
    astro,
    await reportError(astro.locals.app.db, ctxOf(astro), { ...parsed.value, serviceId }),
    {
      success:
        'Danke für Ihre Meldung. Die Netzwerkkoordination prüft sie; hier sehen Sie, wann der Fehler behoben ist.',
      redirect: `/verzeichnis/${serviceId}#fehler-melden`,
    },
    parsed.values,
  );
}
