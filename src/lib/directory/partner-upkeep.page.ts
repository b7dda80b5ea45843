/**
 * The POST of the partner's upkeep pages ("Meine Einrichtung" signed in, /einrichtung/anfrage through a link): "Alles
 * aktuell" for every entry, or the quick update of one. One place, so both pages answer the same way.
 * @module
 */
import type { AstroGlobal } from 'astro';
import { parseFormData, readFormData } from '../http/form';
import { ctxOf, respond, respondInvalid, respondUnknownAction, type PageFailure } from '../http/respond';
import type { Service } from './service';
import { QuickUpdateSchema } from './upkeep-request';
import { confirmAllEntries, quickUpdateService, type PartnerAccess } from './upkeep-request.service';

/** What a failed partner form leaves for the page: the failure, and which service's form it was. */
export interface PartnerUpkeepFailure {
  failure: PageFailure<Service | unknown>;
  serviceId: string | null;
}

/** Handles the partner's POST; a redirect on success, else what the page shows. */
export async function handlePartnerUpkeepPost(
  astro: AstroGlobal,
  access: PartnerAccess,
  back: string,
): Promise<Response | PartnerUpkeepFailure> {
  const { db } = astro.locals.app;
  const form = await readFormData(astro.request);
  const intent = form.get('intent');
  const ctx = ctxOf(astro);
  if (intent === 'alles-aktuell') {
    const out = await respond(astro, await confirmAllEntries(db, ctx, access), {
      success: (done) =>
        done.confirmed === 1
          ? 'Danke! Ihr Eintrag ist als aktuell bestätigt.'
          : `Danke! Ihre ${done.confirmed} Einträge sind als aktuell bestätigt.`,
      redirect: back,
    });
    return out instanceof Response ? out : { failure: out, serviceId: null };
  }
  if (intent === 'schnell') {
    const serviceId = typeof form.get('id') === 'string' ? String(form.get('id')) : null;
    const parsed = parseFormData(form, QuickUpdateSchema);
    if (!parsed.ok) return { failure: respondInvalid(astro, parsed), serviceId };
    const out = await respond(
      astro,
      await quickUpdateService(db, ctx, access, parsed.value),
      { success: (service) => `„${service.name}“ ist aktualisiert und bestätigt.`, redirect: back },
      parsed.values,
    );
    return out instanceof Response ? out : { failure: out, serviceId };
  }
  return { failure: respondUnknownAction(astro), serviceId: null };
}
