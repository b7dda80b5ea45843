/**
 * Directory upkeep: creating, editing, confirming, archiving and reviewing services and locations. Each mutation
 * asks the policy first, then writes data, history, search index and audit entry in one transaction at `ctx.now`.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, type FieldErrors, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can, type Actor } from '../auth/policy';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { reindexServices, serviceIdsAtLocation } from '../search/indexer';
import { findOrganization } from './organization.queries';
import {
  diffFields,
  locationToFields,
  serviceFormToFields,
  serviceToFields,
  type Location,
  type LocationEdit,
  type LocationForm,
  type Service,
  type ServiceEdit,
  type ServiceForm,
  type ServiceStateAction,
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
} from './service.queries';
import { listTerms } from './taxonomy.queries';

// The import (another module) still reads these from here; they live in service.ts now.
export { LocationFormSchema, locationToFields } from './service';

/** What a service conflict says; the page shows the stored state beside the user's input. */
export const SERVICE_CONFLICT =
  'Jemand anderes hat dieses Angebot inzwischen geändert. Es wurde nichts gespeichert. Unten sehen Sie, was jetzt gespeichert ist; Ihre Eingaben sind im Formular erhalten. Speichern Sie erneut, um sie zu übernehmen.';

/** What a location conflict says. */
export const LOCATION_CONFLICT =
  'Jemand anderes hat diesen Standort inzwischen geändert. Es wurde nichts gespeichert; Ihre Eingaben sind erhalten. Prüfen Sie die Angaben und speichern Sie erneut.';

// Partner staff edit their own entries; what they change waits for a coordinator's review.
const reviewNeeded = (actor: Actor) => actor.role === 'partner';
const via = (actor: Actor) => (actor.role === 'partner' ? 'partner' : 'form');

/**
 * The search index needs the database itself (on SQLite it writes through the same connection inside the
 * transaction); a mutation always receives it, since it opens the transaction.
 */
const databaseOf = (db: Executor): Db => db as Db;

/** Checks what zod cannot: the categories exist, the locations belong to the organization. */
export async function checkServiceReferences(
  db: Executor,
  organizationId: string,
  form: Pick<ServiceForm, 'termIds' | 'locationIds'>,
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const terms = new Set((await listTerms(db)).map((t) => t.id));
  if (form.termIds.length === 0) errors['termIds'] = 'Bitte wählen Sie mindestens eine Kategorie.';
  else if (form.termIds.some((id) => !terms.has(id)))
    errors['termIds'] = 'Bitte wählen Sie Kategorien aus der Liste.';
  const own = new Set((await listLocations(db, { organizationId })).map((l) => l.id));
  if (form.locationIds.some((id) => !own.has(id))) {
    errors['locationIds'] = 'Bitte wählen Sie nur Standorte dieser Organisation.';
  }
  return errors;
}

/** Creates a service of an organization; a coordinator's new entry counts as confirmed by them. */
export async function createServiceEntry(
  db: Executor,
  ctx: ActionContext,
  input: { organizationId: string; form: ServiceForm },
): Promise<Result<Service>> {
  const actor = userOf(ctx);
  const { organizationId, form } = input;
  return db.transaction().execute(async (trx) => {
    if (!actor || !can(actor, 'service.create', { type: 'service', organizationId })) return notFound();
    if (!(await findOrganization(trx, organizationId))) return notFound();
    const errors = await checkServiceReferences(trx, organizationId, form);
    if (Object.keys(errors).length > 0) return invalid(errors);
    const id = await insertService(trx, organizationId, form, {
      needsReview: reviewNeeded(actor),
      assuredBy: actor.id,
      now: ctx.now,
    });
    await insertEntryChanges(
      trx,
      { ...historyOf(ctx, actor, 'service', id), via: via(actor) },
      diffFields({}, serviceFormToFields(form)),
    );
    await reindexServices(databaseOf(db), trx, [id], ctx.now);
    await recordAudit(trx, ctx, { action: 'service.create', objectType: 'service', objectId: id });
    return ok((await findService(trx, id))!);
  });
}

/**
 * Saves an edited service if nobody saved in between (optimistic locking). Every changed field goes into the
 * history; a partner's change marks the entry for review.
 */
export async function updateServiceEntry(
  db: Executor,
  ctx: ActionContext,
  input: ServiceEdit & { id: string },
): Promise<Result<Service, Service>> {
  const actor = userOf(ctx);
  const { id, version, ...form } = input;
  return db.transaction().execute(async (trx) => {
    const current = await findService(trx, id);
    if (
      !current ||
      !actor ||
      !can(actor, 'service.update', { type: 'service', organizationId: current.organizationId })
    ) {
      return notFound();
    }
    const errors = await checkServiceReferences(trx, current.organizationId, form);
    if (Object.keys(errors).length > 0) return invalid(errors);
    if (current.version !== version) return conflict(SERVICE_CONFLICT, current);
    const changes = diffFields(serviceToFields(current), serviceFormToFields(form));
    if (changes.length === 0) return ok(current);
    const saved = await updateServiceIfCurrent(trx, id, version, form, {
      freePlacesChanged: changes.some((c) => c.field === 'freePlaces'),
      ...(reviewNeeded(actor) && { needsReview: true }),
      now: ctx.now,
    });
    if (!saved) return conflict(SERVICE_CONFLICT, (await findService(trx, id))!);
    await insertEntryChanges(trx, { ...historyOf(ctx, actor, 'service', id), via: via(actor) }, changes);
    await reindexServices(databaseOf(db), trx, [id], ctx.now);
    await recordAudit(trx, ctx, { action: 'service.update', objectType: 'service', objectId: id });
    return ok((await findService(trx, id))!);
  });
}

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
  db: Executor,
  ctx: ActionContext,
  input: { id: string; version: number; intent: ServiceStateAction },
): Promise<Result<Service, Service>> {
  const actor = userOf(ctx);
  const { id, version, intent } = input;
  return db.transaction().execute(async (trx) => {
    const before = await findService(trx, id);
    if (
      !before ||
      !actor ||
      !can(actor, STATE_POLICY[intent], { type: 'service', organizationId: before.organizationId })
    ) {
      return notFound();
    }
    const now = ctx.now.toISOString();
    const changes =
      intent === 'confirm'
        ? { assuredDate: now, assurerUserId: actor.id }
        : intent === 'archive'
          ? { archivedAt: now }
          : intent === 'restore'
            ? { archivedAt: null }
            : { needsReview: false };
    if (!(await updateServiceStateIfCurrent(trx, id, version, changes, ctx.now))) {
      return conflict(SERVICE_CONFLICT, (await findService(trx, id))!);
    }
    const history = {
      confirm: { field: 'assuredDate', from: before.assuredDate ?? '', to: now },
      archive: { field: 'archivedAt', from: '', to: now },
      restore: { field: 'archivedAt', from: before.archivedAt ?? '', to: '' },
      approve: { field: 'review', from: 'zu prüfen', to: 'geprüft' },
    }[intent];
    await insertEntryChanges(trx, { ...historyOf(ctx, actor, 'service', id), via: 'form' }, [history]);
    await reindexServices(databaseOf(db), trx, [id], ctx.now);
    await recordAudit(trx, ctx, { action: `service.${intent}`, objectType: 'service', objectId: id });
    return ok((await findService(trx, id))!);
  });
}

/** Creates a location of an organization, with its fields in the history. */
export async function createLocationEntry(
  db: Executor,
  ctx: ActionContext,
  input: { organizationId: string; form: LocationForm },
): Promise<Result<Location>> {
  const actor = userOf(ctx);
  const { organizationId, form } = input;
  return db.transaction().execute(async (trx) => {
    if (!actor || !can(actor, 'location.update', { type: 'location', organizationId })) return notFound();
    if (!(await findOrganization(trx, organizationId))) return notFound();
    const id = await insertLocation(trx, organizationId, form, {
      needsReview: reviewNeeded(actor),
      now: ctx.now,
    });
    await insertEntryChanges(
      trx,
      { ...historyOf(ctx, actor, 'location', id), via: via(actor) },
      diffFields({}, locationToFields(form)),
    );
    await recordAudit(trx, ctx, { action: 'location.create', objectType: 'location', objectId: id });
    return ok((await findLocation(trx, id))!);
  });
}

/** Saves an edited location if nobody saved in between; the services offered there follow in the search. */
export async function updateLocationEntry(
  db: Executor,
  ctx: ActionContext,
  input: LocationEdit & { id: string },
): Promise<Result<Location, Location>> {
  const actor = userOf(ctx);
  const { id, version, ...form } = input;
  return db.transaction().execute(async (trx) => {
    const existing = await findLocation(trx, id);
    if (
      !existing ||
      !actor ||
      !can(actor, 'location.update', { type: 'location', organizationId: existing.organizationId })
    ) {
      return notFound();
    }
    const changes = diffFields(locationToFields(existing), locationToFields(form));
    const saved = await updateLocationIfCurrent(
      trx,
      id,
      version,
      { ...form, ...(reviewNeeded(actor) && changes.length > 0 && { needsReview: true }) },
      ctx.now,
    );
    if (!saved) return conflict(LOCATION_CONFLICT, (await findLocation(trx, id))!);
    await insertEntryChanges(trx, { ...historyOf(ctx, actor, 'location', id), via: via(actor) }, changes);
    await reindexServices(databaseOf(db), trx, await serviceIdsAtLocation(trx, id), ctx.now);
    await recordAudit(trx, ctx, { action: 'location.update', objectType: 'location', objectId: id });
    return ok((await findLocation(trx, id))!);
  });
}

/** Who, when and through which request a history entry was made. */
function historyOf(
  ctx: ActionContext,
  actor: Actor,
  entityType: 'service' | 'location',
  entityId: string,
): {
  entityType: 'service' | 'location';
  entityId: string;
  changedBy: string;
  requestId: string | null;
  at: Date;
} {
  return { entityType, entityId, changedBy: actor.id, requestId: ctx.requestId, at: ctx.now };
}
