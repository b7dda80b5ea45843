/**
 * Keeping entries current (docs/verzeichnis.md, decision 0017): the job that asks each partner organisation with due
 * entries once, reminds it once and then puts the entries on the coordinator's list; the partner's answers ("Alles
 * aktuell", the quick update) signed in or through a single-use link; the coordinator's confirmation with a source,
 * also for a whole import at once. Each mutation asks the policy first and writes data, history, requests, search
 * index, audit entry and mail in one transaction at `ctx.now`.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { listActivePartnerEmails } from '../auth/auth.queries';
import { can, type Actor } from '../auth/policy';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { enqueueMail } from '../notify/outbox.queries';
import { reindexServices } from '../search/indexer';
import { resolveForwardedReports } from './error-report.queries';
import { findOrganization } from './organization.queries';
import type { Service } from './service';
import {
  confirmServices,
  findService,
  insertEntryChanges,
  listDueServicesByOrganization,
  listServiceIdsByImport,
  listServices,
  updateServiceQuickIfCurrent,
  updateServiceStateIfCurrent,
} from './service.queries';
import { issueUpkeepLink, type UpkeepLinkAccess } from './upkeep-link';
import {
  confirmationDueBefore,
  confirmationRequestMail,
  nextRequestStep,
  type AssuredSource,
  type CoordinatorConfirm,
  type ImportConfirm,
  type QuickUpdate,
} from './upkeep-request';
import {
  answerRequestServices,
  insertUpkeepRequest,
  isUpkeepRequestComplete,
  listUpkeepRequests,
  listUpkeepRequestServices,
  updateUpkeepRequestStatus,
} from './upkeep-request.queries';
import { SERVICE_CONFLICT } from './upkeep.service';

/** Who answers for a partner organisation: a signed-in partner, or a browser holding a redeemed link. */
export type PartnerAccess = { kind: 'user'; user: Actor } | { kind: 'link'; link: UpkeepLinkAccess };

/** The organisation an access speaks for. */
export const accessOrganizationId = (access: PartnerAccess): string =>
  access.kind === 'user' ? access.user.organizationId : access.link.organizationId;

/** Mails one request (or its reminder) to the organisation: its partner accounts, or a link to its address. */
async function mailRequest(
  trx: Executor,
  ctx: ActionContext,
  requestId: string,
  organizationId: string,
  reminder: boolean,
): Promise<boolean> {
  const entries = await listUpkeepRequestServices(trx, requestId);
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.answer !== null) continue;
    const service = await findService(trx, entry.serviceId);
    if (service) names.push(service.name);
  }
  const baseUrl = ctx.config.publicBaseUrl;
  const accounts = await listActivePartnerEmails(trx, organizationId);
  if (accounts.length > 0) {
    for (const to of accounts)
      await enqueueMail(trx, confirmationRequestMail(to, baseUrl, names, null, reminder), ctx.now);
    return true;
  }
  const email = (await findOrganization(trx, organizationId))?.email ?? null;
  if (!email) return false;
  const token = await issueUpkeepLink(trx, requestId, ctx.now);
  await enqueueMail(trx, confirmationRequestMail(email, baseUrl, names, token, reminder), ctx.now);
  return true;
}

/**
 * The job: one request to each organisation with due entries (none while one is open), a reminder `days` after it,
 * the coordinator's list `days` after the reminder. An organisation without any address goes to the list at once.
 */
export async function runConfirmationRequests(
  db: Db,
  ctx: ActionContext,
): Promise<{ sent: number; reminded: number; escalated: number }> {
  const counts = { sent: 0, reminded: 0, escalated: 0 };
  const due = await listDueServicesByOrganization(
    db,
    confirmationDueBefore(ctx.now, ctx.config.confirmIntervalMonths),
  );
  for (const { organizationId, serviceIds } of due) {
    await db.transaction().execute(async (trx) => {
      const id = newId();
      await insertUpkeepRequest(trx, { id, organizationId, serviceIds }, ctx.now);
      const mailed = await mailRequest(trx, ctx, id, organizationId, false);
      if (mailed) counts.sent++;
      else {
        await updateUpkeepRequestStatus(trx, id, ['sent'], 'escalated', ctx.now);
        counts.escalated++;
      }
      await recordAudit(trx, ctx, { action: 'upkeep.request', objectType: 'upkeep_request', objectId: id });
    });
  }
  for (const request of await listUpkeepRequests(db, { statuses: ['sent', 'reminded'] })) {
    const step = nextRequestStep(request, ctx.now, ctx.config.confirmReminderDays);
    if (!step) continue;
    await db.transaction().execute(async (trx) => {
      if (step === 'remind') {
        if (!(await updateUpkeepRequestStatus(trx, request.id, ['sent'], 'reminded', ctx.now))) return;
        await mailRequest(trx, ctx, request.id, request.organizationId, true);
        counts.reminded++;
      } else {
        if (!(await updateUpkeepRequestStatus(trx, request.id, ['reminded'], 'escalated', ctx.now))) return;
        counts.escalated++;
      }
      await recordAudit(trx, ctx, {
        action: `upkeep.${step}`,
        objectType: 'upkeep_request',
        objectId: request.id,
      });
    });
  }
  return counts;
}

/** Marks requests answered once every entry has an answer. */
async function closeAnsweredRequests(trx: Executor, requestIds: string[], now: Date): Promise<void> {
  for (const id of requestIds) {
    if (await isUpkeepRequestComplete(trx, id)) {
      await updateUpkeepRequestStatus(trx, id, ['sent', 'reminded', 'escalated'], 'answered', now);
    }
  }
}

/** Confirms services (date, who, source), records the history, answers open requests, reindexes. */
async function confirmWithin(
  db: Db,
  trx: Executor,
  ctx: ActionContext,
  services: Service[],
  confirmation: { by: string | null; source: AssuredSource; via: string },
): Promise<void> {
  const ids = services.map((s) => s.id);
  await confirmServices(trx, ids, { by: confirmation.by, source: confirmation.source }, ctx.now);
  const at = ctx.now.toISOString();
  for (const service of services) {
    await insertEntryChanges(
      trx,
      {
        entityType: 'service',
        entityId: service.id,
        changedBy: confirmation.by,
        via: confirmation.via,
        requestId: ctx.requestId,
        at: ctx.now,
      },
      [{ field: 'assuredDate', from: service.assuredDate ?? '', to: at }],
    );
  }
  await closeAnsweredRequests(trx, await answerRequestServices(trx, ids, 'confirmed', ctx.now), ctx.now);
  await reindexServices(db, trx, ids, ctx.now);
}

/** The services an access may answer for: its organisation's (signed in) or the request's entries (link). */
async function servicesOf(trx: Executor, access: PartnerAccess): Promise<Service[]> {
  if (access.kind === 'user') {
    const { items } = await listServices(trx, {
      organizationId: access.user.organizationId,
      archived: false,
      limit: 500,
    });
    return items;
  }
  const services: Service[] = [];
  for (const entry of await listUpkeepRequestServices(trx, access.link.requestId)) {
    const service = await findService(trx, entry.serviceId);
    if (service && service.archivedAt === null && service.organizationId === access.link.organizationId)
      services.push(service);
  }
  return services;
}

/** The services a partner sees for upkeep (their own, or the link's request's). */
export async function listPartnerServices(db: Executor, access: PartnerAccess): Promise<Service[]> {
  return servicesOf(db, access);
}

const sourceOf = (access: PartnerAccess): AssuredSource =>
  access.kind === 'user' ? 'partner' : 'partner_link';
const viaOf = (access: PartnerAccess) => (access.kind === 'user' ? 'partner' : 'link');
const byOf = (access: PartnerAccess) => (access.kind === 'user' ? access.user.id : null);

/** Whether the access may act for the organisation's entries (a signed-in user through the policy). */
function mayAnswer(access: PartnerAccess, organizationId: string): boolean {
  if (access.kind === 'link') return access.link.organizationId === organizationId;
  return (
    access.user.role === 'partner' && can(access.user, 'service.confirm', { type: 'service', organizationId })
  );
}

/** "Alles aktuell": confirms every entry the access answers for. */
export async function confirmAllEntries(
  db: Db,
  ctx: ActionContext,
  access: PartnerAccess,
): Promise<Result<{ confirmed: number }>> {
  if (!mayAnswer(access, accessOrganizationId(access))) return notFound();
  return db.transaction().execute(async (trx) => {
    const services = await servicesOf(trx, access);
    if (services.length === 0) return refused('Es gibt keine Einträge zu bestätigen.');
    await confirmWithin(db, trx, ctx, services, {
      by: byOf(access),
      source: sourceOf(access),
      via: viaOf(access),
    });
    await recordAudit(trx, ctx, {
      action: 'upkeep.confirm_all',
      objectType: 'organization',
      objectId: accessOrganizationId(access),
    });
    return ok({ confirmed: services.length });
  });
}

/**
 * The quick update of one service: free places, status (temporarily closed with an until-date), next intake date.
 * Saving it confirms the entry (the partner just looked at it) and answers an open request.
 */
export async function quickUpdateService(
  db: Db,
  ctx: ActionContext,
  access: PartnerAccess,
  input: QuickUpdate,
): Promise<Result<Service, Service>> {
  return db.transaction().execute(async (trx) => {
    const current = await findService(trx, input.id);
    if (!current || current.archivedAt !== null || !mayAnswer(access, current.organizationId))
      return notFound();
    if (access.kind === 'link' && !(await servicesOf(trx, access)).some((s) => s.id === current.id)) {
      return notFound();
    }
    if (current.status === 'inactive')
      return refused('Dieses Angebot ist eingestellt und wird nicht mehr angezeigt.');
    if (current.version !== input.version) return conflict(SERVICE_CONFLICT, current);
    const closedUntil = input.status === 'temporarily_closed' ? input.closedUntil : null;
    if (closedUntil && closedUntil < ctx.now.toISOString().slice(0, 10)) {
      return invalid({ closedUntil: 'Das Datum „geschlossen bis“ liegt in der Vergangenheit.' });
    }
    const changes = [
      ['freePlaces', current.freePlaces, input.freePlaces],
      ['status', current.status, input.status],
      ['temporarilyClosedUntil', current.temporarilyClosedUntil, closedUntil],
      ['nextIntakeOn', current.nextIntakeOn, input.nextIntake],
    ]
      .filter(([, from, to]) => (from ?? '') !== (to ?? ''))
      .map(([field, from, to]) => ({ field: String(field), from: String(from ?? ''), to: String(to ?? '') }));
    const at = ctx.now.toISOString();
    const saved = await updateServiceQuickIfCurrent(
      trx,
      current.id,
      current.version,
      {
        freePlaces: input.freePlaces,
        freePlacesChanged: changes.some((c) => c.field === 'freePlaces'),
        status: input.status,
        temporarilyClosedUntil: closedUntil,
        nextIntakeOn: input.nextIntake,
        confirm: { by: byOf(access), source: sourceOf(access) },
      },
      ctx.now,
    );
    if (!saved) return conflict(SERVICE_CONFLICT, (await findService(trx, current.id))!);
    await insertEntryChanges(
      trx,
      {
        entityType: 'service',
        entityId: current.id,
        changedBy: byOf(access),
        via: viaOf(access),
        requestId: ctx.requestId,
        at: ctx.now,
      },
      [...changes, { field: 'assuredDate', from: current.assuredDate ?? '', to: at }],
    );
    const answered = await answerRequestServices(
      trx,
      [current.id],
      changes.length > 0 ? 'changed' : 'confirmed',
      ctx.now,
    );
    await closeAnsweredRequests(trx, answered, ctx.now);
    // The partner looked at the entry and saved it: errors reported to them count as fixed.
    await resolveForwardedReports(trx, current.id, ctx.now);
    await reindexServices(db, trx, [current.id], ctx.now);
    await recordAudit(trx, ctx, {
      action: 'service.quick_update',
      objectType: 'service',
      objectId: current.id,
    });
    return ok((await findService(trx, current.id))!);
  });
}

/** A coordinator confirms an entry from the list, naming the source (phone call, the partner's mail, own check). */
export async function confirmEntryWithSource(
  db: Db,
  ctx: ActionContext,
  input: CoordinatorConfirm,
): Promise<Result<Service, Service>> {
  const user = userOf(ctx);
  return db.transaction().execute(async (trx) => {
    const current = await findService(trx, input.id);
    if (!current || !user || !can(user, 'directory.upkeep', { type: 'directory' })) return notFound();
    const at = ctx.now.toISOString();
    const done = await updateServiceStateIfCurrent(
      trx,
      current.id,
      input.version,
      { assuredDate: at, assurerUserId: user.id, assuredSource: input.quelle },
      ctx.now,
    );
    if (!done) return conflict(SERVICE_CONFLICT, (await findService(trx, current.id))!);
    await insertEntryChanges(
      trx,
      {
        entityType: 'service',
        entityId: current.id,
        changedBy: user.id,
        via: 'form',
        requestId: ctx.requestId,
        at: ctx.now,
      },
      [{ field: 'assuredDate', from: current.assuredDate ?? '', to: at }],
    );
    await closeAnsweredRequests(
      trx,
      await answerRequestServices(trx, [current.id], 'confirmed', ctx.now),
      ctx.now,
    );
    await reindexServices(db, trx, [current.id], ctx.now);
    await recordAudit(trx, ctx, { action: 'service.confirm', objectType: 'service', objectId: current.id });
    return ok((await findService(trx, current.id))!);
  });
}

/** A coordinator confirms every entry of one import at once, with the source recorded on each. */
export async function confirmWholeImport(
  db: Db,
  ctx: ActionContext,
  input: ImportConfirm,
): Promise<Result<{ confirmed: number }>> {
  const user = userOf(ctx);
  if (!user || !can(user, 'directory.upkeep', { type: 'directory' })) return notFound();
  return db.transaction().execute(async (trx) => {
    const ids = await listServiceIdsByImport(trx, input.auftrag);
    if (ids.length === 0) return notFound();
    const services: Service[] = [];
    for (const id of ids) {
      const service = await findService(trx, id);
      if (service) services.push(service);
    }
    await confirmWithin(db, trx, ctx, services, { by: user.id, source: input.quelle, via: 'form' });
    await recordAudit(trx, ctx, {
      action: 'upkeep.confirm_import',
      objectType: 'import',
      objectId: input.auftrag,
    });
    return ok({ confirmed: services.length });
  });
}
