import type { Db } from '../db/create-db';
import { recordAuditUnclocked } from '../audit/audit.queries';
import { listUsers } from '../auth/auth.queries';
import { reindexServices, serviceIdsOfOrganization } from '../search/indexer';
import { diffFields } from './service';
import { insertEntryChanges } from './service.queries';
import { organizationToFormValues } from './organization-form';
import { can, type Actor } from '../auth/policy';
import { fieldErrors } from '../http/form-errors';
import { OrganizationFormSchema, type Organization, type OrganizationForm } from './organization';
import {
  createOrganization,
  findOrganization,
  setOrganizationActive,
  updateOrganization,
} from './organization.queries';

/** What an organization-administration action returns to its page. */
export type OrganizationAdminResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  | { ok: false; kind: 'conflict'; current: Organization }
  | { ok: false; kind: 'not_found' };

interface Context {
  actor: Actor;
  requestId: string;
}

async function validate(
  db: Db,
  actor: Actor,
  raw: Record<string, string>,
): Promise<{ ok: true; form: OrganizationForm } | { ok: false; errors: Record<string, string> }> {
  const parsed = OrganizationFormSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const form = parsed.data;
  if (!can(actor, 'organization.create', { type: 'organization', id: null, kind: form.kind })) {
    return { ok: false, errors: { _form: 'Sie können nur Partnereinrichtungen anlegen und bearbeiten.' } };
  }
  // Only JMD offices hang below a Träger; the category belongs to partner institutions alone.
  if (form.kind !== 'partner') form.category = null;
  if (form.kind === 'jmd_office') {
    const parent = form.parentId ? await findOrganization(db, form.parentId) : null;
    if (!parent || parent.kind !== 'traeger') {
      return { ok: false, errors: { parentId: 'Bitte wählen Sie den Träger der Beratungsstelle.' } };
    }
  } else {
    form.parentId = null;
  }
  return { ok: true, form };
}

/** Creates an organization (coordinators: partner institutions only). */
export async function createOrganizationAsAdmin(
  db: Db,
  context: Context,
  raw: Record<string, string>,
): Promise<OrganizationAdminResult<Organization>> {
  if (!can(context.actor, 'organization.create', { type: 'organization', id: null })) {
    return { ok: false, kind: 'not_found' };
  }
  const checked = await validate(db, context.actor, raw);
  if (!checked.ok) return { ok: false, kind: 'invalid', errors: checked.errors };
  return db.transaction().execute(async (trx) => {
    const organization = await createOrganization(trx, checked.form);
    await insertEntryChanges(
      trx,
      {
        entityType: 'organization',
        entityId: organization.id,
        changedBy: context.actor.id,
        via: 'form',
        requestId: context.requestId,
      },
      diffFields({}, organizationToFormValues(organization)),
    );
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'organization.create',
      objectType: 'organization',
      objectId: organization.id,
      requestId: context.requestId,
    });
    return { ok: true as const, value: organization };
  });
}

/** Saves an edit if the form's version is still current; otherwise reports the conflict with the current state. */
export async function updateOrganizationAsAdmin(
  db: Db,
  context: Context,
  id: string,
  version: number,
  raw: Record<string, string>,
): Promise<OrganizationAdminResult<Organization>> {
  const before = await findOrganization(db, id);
  if (
    !before ||
    !can(context.actor, 'organization.update', { type: 'organization', id, kind: before.kind })
  ) {
    return { ok: false, kind: 'not_found' };
  }
  const checked = await validate(db, context.actor, raw);
  if (!checked.ok) return { ok: false, kind: 'invalid', errors: checked.errors };
  if (checked.form.kind !== before.kind && (await listUsers(db, { organizationId: id })).length > 0) {
    return {
      ok: false,
      kind: 'invalid',
      errors: {
        kind: 'Die Art kann nicht mehr geändert werden, weil schon Konten zu dieser Organisation gehören.',
      },
    };
  }
  return db.transaction().execute(async (trx) => {
    const after = await updateOrganization(trx, id, version, checked.form);
    if (!after)
      return { ok: false as const, kind: 'conflict' as const, current: (await findOrganization(trx, id))! };
    await insertEntryChanges(
      trx,
      {
        entityType: 'organization',
        entityId: id,
        changedBy: context.actor.id,
        via: 'form',
        requestId: context.requestId,
      },
      diffFields(organizationToFormValues(before), organizationToFormValues(after)),
    );
    await reindexServices(db, trx, await serviceIdsOfOrganization(trx, id));
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'organization.update',
      objectType: 'organization',
      objectId: id,
      requestId: context.requestId,
    });
    return { ok: true as const, value: after };
  });
}

/** Deactivates or reactivates an organization; one with active accounts cannot be deactivated. */
export async function setOrganizationActiveAsAdmin(
  db: Db,
  context: Context,
  id: string,
  version: number,
  active: boolean,
): Promise<OrganizationAdminResult<Organization>> {
  const before = await findOrganization(db, id);
  if (
    !before ||
    !can(context.actor, 'organization.update', { type: 'organization', id, kind: before.kind })
  ) {
    return { ok: false, kind: 'not_found' };
  }
  if (!active) {
    const activeUsers = (await listUsers(db, { organizationId: id })).filter((u) => u.active).length;
    if (activeUsers > 0) {
      return {
        ok: false,
        kind: 'invalid',
        errors: {
          _form: `Zu dieser Organisation gehören noch ${activeUsers} aktive Konten. Deaktivieren Sie diese zuerst.`,
        },
      };
    }
  }
  return db.transaction().execute(async (trx) => {
    const after = await setOrganizationActive(trx, id, version, active);
    if (!after)
      return { ok: false as const, kind: 'conflict' as const, current: (await findOrganization(trx, id))! };
    await insertEntryChanges(
      trx,
      {
        entityType: 'organization',
        entityId: id,
        changedBy: context.actor.id,
        via: 'form',
        requestId: context.requestId,
      },
      [
        {
          field: 'active',
          from: before.active ? 'aktiv' : 'deaktiviert',
          to: active ? 'aktiv' : 'deaktiviert',
        },
      ],
    );
    await reindexServices(db, trx, await serviceIdsOfOrganization(trx, id));
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: active ? 'organization.reactivate' : 'organization.deactivate',
      objectType: 'organization',
      objectId: id,
      requestId: context.requestId,
    });
    return { ok: true as const, value: after };
  });
}
