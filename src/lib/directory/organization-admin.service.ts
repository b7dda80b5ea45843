/**
 * Organization administration: create, edit, deactivate and reactivate. Each mutation asks the policy first, then
 * writes data, history, search index and audit entry in one transaction at `ctx.now`.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { listUsers } from '../auth/auth.queries';
import { can, type Actor } from '../auth/policy';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { reindexServices, serviceIdsOfOrganization } from '../search/indexer';
import type { Organization, OrganizationEdit, OrganizationForm } from './organization';
import { organizationToFormValues } from './organization-form';
import {
  createOrganization,
  findOrganization,
  setOrganizationActive,
  updateOrganization,
} from './organization.queries';
import { diffFields } from './service';
import { insertEntryChanges } from './service.queries';

/** What an organization conflict says; the page shows the stored state beside the user's input. */
export const ORGANIZATION_CONFLICT =
  'Jemand anderes hat diese Organisation inzwischen geändert. Es wurde nichts gespeichert. Unten sehen Sie den aktuellen Stand; Ihre Eingaben sind erhalten. Speichern Sie erneut, um sie zu übernehmen.';

/** The search index writes through the database itself (see upkeep.service.ts). */
const databaseOf = (db: Executor): Db => db as Db;

/** Checks what zod cannot and normalizes: who may keep this kind, which Träger a JMD office hangs below. */
async function checkForm(
  db: Executor,
  actor: Actor,
  input: OrganizationForm,
): Promise<{ ok: true; form: OrganizationForm } | { ok: false; errors: Record<string, string> }> {
  if (!can(actor, 'organization.create', { type: 'organization', id: null, kind: input.kind })) {
    return { ok: false, errors: { _form: 'Sie können nur Partnereinrichtungen anlegen und bearbeiten.' } };
  }
  // Only JMD offices hang below a Träger; the category belongs to partner institutions alone.
  const form: OrganizationForm = {
    ...input,
    category: input.kind === 'partner' ? input.category : null,
    parentId: input.kind === 'jmd_office' ? input.parentId : null,
  };
  if (form.kind === 'jmd_office') {
    const parent = form.parentId ? await findOrganization(db, form.parentId) : null;
    if (!parent || parent.kind !== 'traeger') {
      return { ok: false, errors: { parentId: 'Bitte wählen Sie den Träger der Beratungsstelle.' } };
    }
  }
  return { ok: true, form };
}

function historyOf(ctx: ActionContext, actor: Actor, organizationId: string) {
  return {
    entityType: 'organization' as const,
    entityId: organizationId,
    changedBy: actor.id,
    via: 'form',
    requestId: ctx.requestId,
    at: ctx.now,
  };
}

/** Creates an organization (coordinators: partner institutions only). */
export async function createOrganizationAsAdmin(
  db: Executor,
  ctx: ActionContext,
  input: OrganizationForm,
): Promise<Result<Organization>> {
  const actor = userOf(ctx);
  if (!actor || !can(actor, 'organization.create', { type: 'organization', id: null })) return notFound();
  return db.transaction().execute(async (trx) => {
    const checked = await checkForm(trx, actor, input);
    if (!checked.ok) return invalid(checked.errors);
    const organization = await createOrganization(trx, checked.form, { now: ctx.now });
    await insertEntryChanges(
      trx,
      historyOf(ctx, actor, organization.id),
      diffFields({}, organizationToFormValues(organization)),
    );
    await recordAudit(trx, ctx, {
      action: 'organization.create',
      objectType: 'organization',
      objectId: organization.id,
    });
    return ok(organization);
  });
}

/** Saves an edit if the form's version is still current; otherwise reports the conflict with the current state. */
export async function updateOrganizationAsAdmin(
  db: Executor,
  ctx: ActionContext,
  input: OrganizationEdit & { id: string },
): Promise<Result<Organization, Organization>> {
  const actor = userOf(ctx);
  const { id, version, ...fields } = input;
  return db.transaction().execute(async (trx) => {
    const before = await findOrganization(trx, id);
    if (
      !before ||
      !actor ||
      !can(actor, 'organization.update', { type: 'organization', id, kind: before.kind })
    ) {
      return notFound();
    }
    const checked = await checkForm(trx, actor, fields);
    if (!checked.ok) return invalid(checked.errors);
    if (checked.form.kind !== before.kind && (await listUsers(trx, { organizationId: id })).length > 0) {
      return invalid({
        kind: 'Die Art kann nicht mehr geändert werden, weil schon Konten zu dieser Organisation gehören.',
      });
    }
    const after = await updateOrganization(trx, id, version, checked.form, ctx.now);
    if (!after) return conflict(ORGANIZATION_CONFLICT, (await findOrganization(trx, id))!);
    await insertEntryChanges(
      trx,
      historyOf(ctx, actor, id),
      diffFields(organizationToFormValues(before), organizationToFormValues(after)),
    );
    await reindexServices(databaseOf(db), trx, await serviceIdsOfOrganization(trx, id), ctx.now);
    await recordAudit(trx, ctx, { action: 'organization.update', objectType: 'organization', objectId: id });
    return ok(after);
  });
}

/** Deactivates or reactivates an organization; one with active accounts cannot be deactivated. */
export async function setOrganizationActiveAsAdmin(
  db: Executor,
  ctx: ActionContext,
  input: { id: string; version: number; active: boolean },
): Promise<Result<Organization, Organization>> {
  const actor = userOf(ctx);
  const { id, version, active } = input;
  return db.transaction().execute(async (trx) => {
    const before = await findOrganization(trx, id);
    if (
      !before ||
      !actor ||
      !can(actor, 'organization.update', { type: 'organization', id, kind: before.kind })
    ) {
      return notFound();
    }
    if (!active) {
      const activeUsers = (await listUsers(trx, { organizationId: id })).filter((u) => u.active).length;
      if (activeUsers > 0) {
        return invalid({
          _form: `Zu dieser Organisation gehören noch ${activeUsers} aktive Konten. Deaktivieren Sie diese zuerst.`,
        });
      }
    }
    const after = await setOrganizationActive(trx, id, version, active, ctx.now);
    if (!after) return conflict(ORGANIZATION_CONFLICT, (await findOrganization(trx, id))!);
    await insertEntryChanges(trx, historyOf(ctx, actor, id), [
      {
        field: 'active',
        from: before.active ? 'aktiv' : 'deaktiviert',
        to: active ? 'aktiv' : 'deaktiviert',
      },
    ]);
    await reindexServices(databaseOf(db), trx, await serviceIdsOfOrganization(trx, id), ctx.now);
    await recordAudit(trx, ctx, {
      action: active ? 'organization.reactivate' : 'organization.deactivate',
      objectType: 'organization',
      objectId: id,
    });
    return ok(after);
  });
}
