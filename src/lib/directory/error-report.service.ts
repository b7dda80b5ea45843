/**
 * "Fehler melden": a caseworker reports what is wrong with an offer; it waits in the coordinator's queue; forwarded, the
 * partner is asked by mail to fix it, and its next quick update resolves it (see quickUpdateService). Policy first, one
 * transaction with the audit entry and mail. Mails name only the offer, never the reporter.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { conflict, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { listActivePartnerEmails } from '../auth/auth.queries';
import { can } from '../auth/policy';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { enqueueMail } from '../notify/outbox.queries';
import {
  ERROR_KIND_LABELS,
  type ErrorReport,
  type ErrorReportDecision,
  type ErrorReportForm,
} from './error-report';
import { findErrorReport, insertErrorReport, updateErrorReportStatus } from './error-report.queries';
import { findOrganization } from './organization.queries';
import { findService } from './service.queries';

/** Caseworkers report errors (coordinators too, who may spot them as well); partners keep their own entries. */
const mayReport = (role: string) => role === 'caseworker' || role === 'coordinator' || role === 'admin';

/** A caseworker's report on an offer. */
export async function reportError(
  db: Executor,
  ctx: ActionContext,
  input: ErrorReportForm & { serviceId: string },
): Promise<Result<{ id: string }>> {
  const user = userOf(ctx);
  if (!user || !mayReport(user.role)) return notFound();
  return db.transaction().execute(async (trx) => {
    const service = await findService(trx, input.serviceId);
    if (!service || service.archivedAt !== null) return notFound();
    const id = newId();
    await insertErrorReport(
      trx,
      { id, serviceId: service.id, reporterUserId: user.id, kind: input.art, note: input.hinweis || null },
      ctx.now,
    );
    await recordAudit(trx, ctx, { action: 'error_report.create', objectType: 'error_report', objectId: id });
    return ok({ id });
  });
}

/** The coordinator forwards a report to the partner (mail: sign in, or the organisation's address) or closes it. */
export async function decideErrorReport(
  db: Executor,
  ctx: ActionContext,
  input: ErrorReportDecision,
): Promise<Result<ErrorReport, ErrorReport>> {
  const user = userOf(ctx);
  if (!user || !can(user, 'directory.upkeep', { type: 'directory' })) return notFound();
  return db.transaction().execute(async (trx) => {
    const report = await findErrorReport(trx, input.meldung);
    if (!report) return notFound();
    if (report.status !== 'open') return refused('Diese Meldung ist schon bearbeitet.');
    const status = input.intent === 'weiterleiten' ? 'forwarded' : 'dismissed';
    if (!(await updateErrorReportStatus(trx, report.id, input.version, status, ctx.now))) {
      return conflict('Die Meldung wurde inzwischen geändert.', report);
    }
    if (status === 'forwarded') {
      const service = await findService(trx, report.serviceId);
      if (service) {
        const accounts = await listActivePartnerEmails(trx, service.organizationId);
        const to =
          accounts.length > 0 ? accounts : [(await findOrganization(trx, service.organizationId))?.email];
        const base = ctx.config.publicBaseUrl;
        for (const address of to) {
          if (!address) continue;
          await enqueueMail(
            trx,
            {
              kind: 'upkeep.error_report',
              to: address,
              subject: 'Bitte prüfen: Hinweis auf einen Fehler in Ihrem Verzeichniseintrag',
              text: `Guten Tag,\n\neine Fachkraft hat bei Ihrem Angebot „${service.name}“ gemeldet: ${ERROR_KIND_LABELS[report.kind]}.\n\n${accounts.length > 0 ? `Bitte melden Sie sich an und korrigieren Sie den Eintrag unter „Meine Einrichtung“:\n\n${base}/einrichtung` : 'Bitte antworten Sie auf diese E-Mail mit den richtigen Angaben.'}\n\nJMD Partnernetz – Netzwerkkoordination`,
            },
            ctx.now,
          );
        }
      }
    }
    await recordAudit(trx, ctx, {
      action: `error_report.${status}`,
      objectType: 'error_report',
      objectId: report.id,
    });
    return ok((await findErrorReport(trx, report.id))!);
  });
}
