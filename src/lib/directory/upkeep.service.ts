import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/create-db';
import type { Database } from '../db/database';
import { nowIso } from '../db/ids';
import { recordAuditUnclocked } from '../audit/audit.queries';
import { can, type Actor } from '../auth/policy';
import { fieldErrors } from '../http/form-errors';
import { optionalNumber, optionalText, PostcodeSchema } from './organization';
import { findOrganization } from './organization.queries';
import {
  diffFields,
  ServiceFormSchema,
  serviceFormToFields,
  serviceToFields,
  type Location,
  type Service,
  type ServiceForm,
} from './service';
import {
  findLocation,
  findService,
  insertEntryChanges,
  insertLocation,
  insertService,
  listLocations,
  updateLocationIfCurrent,
  updateServiceIfCurrent,
  updateServiceStateIfCurrent,
  type LocationFields,
} from './service.queries';
import { listTerms } from './taxonomy.queries';
import { reindexServices, serviceIdsAtLocation } from '../search/indexer';

/** What an upkeep action returns to its page. */
export type UpkeepResult<T, Current> =
  | { ok: true; value: T }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  | { ok: false; kind: 'conflict'; current: Current }
  | { ok: false; kind: 'not_found' };

interface Context {
  actor: Actor;
  requestId: string | null;
}

type Raw = Record<string, string | string[]>;

// Partner staff edit their own entries; what they change waits for a coordinator's review.
const reviewNeeded = (actor: Actor) => actor.role === 'partner';
const via = (actor: Actor) => (actor.role === 'partner' ? 'partner' : 'form');

/** Parses a service form and checks what zod cannot: categories exist, locations belong to the organization. */
export async function validateServiceForm(
  db: Db | Transaction<Database>,
  organizationId: string,
  raw: Raw,
): Promise<{ ok: true; form: ServiceForm } | { ok: false; errors: Record<string, string> }> {
  const asArray = (value: string | string[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const parsed = ServiceFormSchema.safeParse({
    ...raw,
    termIds: asArray(raw['termIds']),
    locationIds: asArray(raw['locationIds']),
  });
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const form = parsed.data;
  const errors: Record<string, string> = {};
  const terms = new Set((await listTerms(db)).map((t) => t.id));
  if (form.termIds.length === 0) errors['termIds'] = 'Bitte wählen Sie mindestens eine Kategorie.';
  else if (form.termIds.some((id) => !terms.has(id)))
    errors['termIds'] = 'Bitte wählen Sie Kategorien aus der Liste.';
  const own = new Set((await listLocations(db, { organizationId })).map((l) => l.id));
  if (form.locationIds.some((id) => !own.has(id))) {
    errors['locationIds'] = 'Bitte wählen Sie nur Standorte dieser Organisation.';
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, form };
}

/** Creates a service of an organization; coordinators' new entries count as confirmed by them. */
export async function createServiceEntry(
  db: Db,
  context: Context,
  organizationId: string,
  raw: Raw,
): Promise<UpkeepResult<string, never>> {
  const organization = await findOrganization(db, organizationId);
  if (!organization || !can(context.actor, 'service.create', { type: 'service', organizationId })) {
    return { ok: false, kind: 'not_found' };
  }
  const checked = await validateServiceForm(db, organizationId, raw);
  if (!checked.ok) return { ok: false, kind: 'invalid', errors: checked.errors };
  return db.transaction().execute(async (trx) => {
    const id = await insertService(trx, organizationId, checked.form, {
      needsReview: reviewNeeded(context.actor),
      assuredBy: context.actor.id,
    });
    await insertEntryChanges(
      trx,
      {
        entityType: 'service',
        entityId: id,
        changedBy: context.actor.id,
        via: via(context.actor),
        requestId: context.requestId,
      },
      diffFields({}, serviceFormToFields(checked.form)),
    );
    await reindexServices(db, trx, [id]);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'service.create',
      objectType: 'service',
      objectId: id,
      requestId: context.requestId,
    });
    return { ok: true as const, value: id };
  });
}

/**
 * Saves an edited service if nobody saved in between (optimistic locking). Every changed field goes into the
 * history; a partner's change marks the entry for review.
 */
export async function updateServiceEntry(
  db: Db,
  context: Context,
  serviceId: string,
  version: number,
  raw: Raw,
): Promise<UpkeepResult<Service, Service>> {
  const before = await findService(db, serviceId);
  if (
    !before ||
    !can(context.actor, 'service.update', { type: 'service', organizationId: before.organizationId })
  ) {
    return { ok: false, kind: 'not_found' };
  }
  const checked = await validateServiceForm(db, before.organizationId, raw);
  if (!checked.ok) return { ok: false, kind: 'invalid', errors: checked.errors };
  return db.transaction().execute(async (trx) => {
    const current = (await findService(trx, serviceId))!;
    if (current.version !== version) return { ok: false as const, kind: 'conflict' as const, current };
    const changes = diffFields(serviceToFields(current), serviceFormToFields(checked.form));
    if (changes.length === 0) return { ok: true as const, value: current };
    const saved = await updateServiceIfCurrent(trx, serviceId, version, checked.form, {
      freePlacesChanged: changes.some((c) => c.field === 'freePlaces'),
      ...(reviewNeeded(context.actor) && { needsReview: true }),
    });
    if (!saved)
      return { ok: false as const, kind: 'conflict' as const, current: (await findService(trx, serviceId))! };
    await insertEntryChanges(
      trx,
      {
        entityType: 'service',
        entityId: serviceId,
        changedBy: context.actor.id,
        via: via(context.actor),
        requestId: context.requestId,
      },
      changes,
    );
    await reindexServices(db, trx, [serviceId]);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'service.update',
      objectType: 'service',
      objectId: serviceId,
      requestId: context.requestId,
    });
    return { ok: true as const, value: (await findService(trx, serviceId))! };
  });
}

type StateAction = 'confirm' | 'archive' | 'restore' | 'approve';

const STATE_POLICY = {
  confirm: 'service.confirm',
  archive: 'service.archive',
  restore: 'service.archive',
  approve: 'service.review',
} as const;

/**
 * "Daten bestätigen" (sets the last-confirmed date), archive, restore, or approve a partner's change — each
 * recorded in the history, each refused on a stale version.
 */
export async function changeServiceState(
  db: Db,
  context: Context,
  serviceId: string,
  version: number,
  action: StateAction,
): Promise<UpkeepResult<Service, Service>> {
  const before = await findService(db, serviceId);
  if (
    !before ||
    !can(context.actor, STATE_POLICY[action], { type: 'service', organizationId: before.organizationId })
  ) {
    return { ok: false, kind: 'not_found' };
  }
  const now = nowIso();
  const changes =
    action === 'confirm'
      ? { assuredDate: now, assurerUserId: context.actor.id }
      : action === 'archive'
        ? { archivedAt: now }
        : action === 'restore'
          ? { archivedAt: null }
          : { needsReview: false };
  return db.transaction().execute(async (trx) => {
    if (!(await updateServiceStateIfCurrent(trx, serviceId, version, changes))) {
      return { ok: false as const, kind: 'conflict' as const, current: (await findService(trx, serviceId))! };
    }
    const history = {
      confirm: { field: 'assuredDate', from: before.assuredDate ?? '', to: now },
      archive: { field: 'archivedAt', from: '', to: now },
      restore: { field: 'archivedAt', from: before.archivedAt ?? '', to: '' },
      approve: { field: 'review', from: 'zu prüfen', to: 'geprüft' },
    }[action];
    await insertEntryChanges(
      trx,
      {
        entityType: 'service',
        entityId: serviceId,
        changedBy: context.actor.id,
        via: 'form',
        requestId: context.requestId,
      },
      [history],
    );
    await reindexServices(db, trx, [serviceId]);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: `service.${action}`,
      objectType: 'service',
      objectId: serviceId,
      requestId: context.requestId,
    });
    return { ok: true as const, value: (await findService(trx, serviceId))! };
  });
}

/** The location form. */
export const LocationFormSchema = z
  .object({
    name: optionalText(200, 'Der Name des Standorts'),
    street: optionalText(200, 'Die Straße'),
    postcode: PostcodeSchema,
    city: optionalText(100, 'Der Ort'),
    district: optionalText(100, 'Der Stadtteil'),
    latitude: optionalNumber(-90, 90, 'Der Breitengrad'),
    longitude: optionalNumber(-180, 180, 'Der Längengrad'),
    transitNotes: optionalText(500, 'Der Hinweis zur Anfahrt'),
  })
  .superRefine((value, ctx) => {
    if ((value.latitude === null) !== (value.longitude === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['longitude'],
        message: 'Bitte geben Sie Breiten- und Längengrad zusammen an oder beide nicht.',
      });
    }
    if (!value.street && !value.postcode && !value.city) {
      ctx.addIssue({
        code: 'custom',
        path: ['street'],
        message: 'Bitte geben Sie mindestens Straße, PLZ oder Ort an.',
      });
    }
  });

/** A location's fields as comparable text, for the history. */
export function locationToFields(location: LocationFields): Record<string, string> {
  const text = (value: string | number | null) => (value === null ? '' : String(value));
  return {
    name: text(location.name),
    street: text(location.street),
    postcode: text(location.postcode),
    city: text(location.city),
    district: text(location.district),
    latitude: text(location.latitude),
    longitude: text(location.longitude),
    transitNotes: text(location.transitNotes),
  };
}

/** Creates (no id) or updates a location with optimistic locking and history; archives with `archive`. */
export async function saveLocationEntry(
  db: Db,
  context: Context,
  target: { organizationId: string; locationId: null } | { locationId: string; version: number },
  raw: Record<string, string>,
): Promise<UpkeepResult<Location, Location>> {
  const existing = target.locationId ? await findLocation(db, target.locationId) : null;
  const organizationId =
    existing?.organizationId ?? ('organizationId' in target ? target.organizationId : '');
  const organization = await findOrganization(db, organizationId);
  if (
    !organization ||
    (target.locationId && !existing) ||
    !can(context.actor, 'location.update', { type: 'location', organizationId })
  ) {
    return { ok: false, kind: 'not_found' };
  }
  const parsed = LocationFormSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, kind: 'invalid', errors: fieldErrors(parsed.error) };
  const fields = parsed.data;
  const historyEntry = (entityId: string) => ({
    entityType: 'location' as const,
    entityId,
    changedBy: context.actor.id,
    via: via(context.actor),
    requestId: context.requestId,
  });
  return db.transaction().execute(async (trx) => {
    if (!existing || !('version' in target)) {
      const id = await insertLocation(trx, organizationId, fields, {
        needsReview: reviewNeeded(context.actor),
      });
      await insertEntryChanges(trx, historyEntry(id), diffFields({}, locationToFields(fields)));
      await recordAuditUnclocked(trx, {
        actor: context.actor,
        action: 'location.create',
        objectType: 'location',
        objectId: id,
        requestId: context.requestId,
      });
      return { ok: true as const, value: (await findLocation(trx, id))! };
    }
    const changes = diffFields(locationToFields(existing), locationToFields(fields));
    const saved = await updateLocationIfCurrent(trx, existing.id, target.version, {
      ...fields,
      ...(reviewNeeded(context.actor) && changes.length > 0 && { needsReview: true }),
    });
    if (!saved)
      return {
        ok: false as const,
        kind: 'conflict' as const,
        current: (await findLocation(trx, existing.id))!,
      };
    await insertEntryChanges(trx, historyEntry(existing.id), changes);
    await reindexServices(db, trx, await serviceIdsAtLocation(trx, existing.id));
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'location.update',
      objectType: 'location',
      objectId: existing.id,
      requestId: context.requestId,
    });
    return { ok: true as const, value: (await findLocation(trx, existing.id))! };
  });
}
