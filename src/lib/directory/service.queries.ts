import type { Database } from '../db/database';
import type { Executor } from '../db/executor';
import { newId, nowIso } from '../db/ids';
import type { LocationRow, ServiceRow } from './directory.table';
import { formatOpeningHours } from './opening-hours';
import type { Location, LocationFields, Service, ServiceForm, ServiceStatus } from './service';

export type { LocationFields } from './service';

/** Maps a location row to the domain object. */
export function rowToLocation(row: LocationRow): Location {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    street: row.street,
    postcode: row.postcode,
    city: row.city,
    district: row.district,
    latitude: row.latitude === null ? null : Number(row.latitude),
    longitude: row.longitude === null ? null : Number(row.longitude),
    transitNotes: row.transit_notes,
    archivedAt: row.archived_at,
    needsReview: Number(row.needs_review) === 1,
    version: Number(row.version),
  };
}

const bool = (value: number | null) => (value === null ? null : Number(value) === 1);
const flag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

async function loadServiceDetails(db: Executor, rows: (ServiceRow & { organization_name: string })[]) {
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return [];
  const [terms, languages, phones, contacts, places] = await Promise.all([
    db.selectFrom('service_taxonomy').selectAll().where('service_id', 'in', ids).execute(),
    db.selectFrom('service_language').selectAll().where('service_id', 'in', ids).execute(),
    db
      .selectFrom('phone')
      .selectAll()
      .where('service_id', 'in', ids)
      .where('contact_id', 'is', null)
      .execute(),
    db.selectFrom('contact').selectAll().where('service_id', 'in', ids).orderBy('sort_order').execute(),
    db.selectFrom('service_at_location').selectAll().where('service_id', 'in', ids).execute(),
  ]);
  const contactIds = contacts.map((c) => c.id);
  const contactPhones =
    contactIds.length === 0
      ? []
      : await db.selectFrom('phone').selectAll().where('contact_id', 'in', contactIds).execute();
  return rows.map((row): Service => {
    const contact = contacts.find((c) => c.service_id === row.id) ?? null;
    return {
      id: row.id,
      organizationId: row.organization_id,
      organizationName: row.organization_name,
      externalId: row.external_id,
      name: row.name,
      description: row.description,
      termIds: terms.filter((t) => t.service_id === row.id).map((t) => t.term_id),
      minAge: row.min_age === null ? null : Number(row.min_age),
      maxAge: row.max_age === null ? null : Number(row.max_age),
      eligibilityNotes: row.eligibility_notes,
      freeOfCharge: bool(row.free_of_charge),
      feesDescription: row.fees_description,
      applicationProcess: row.application_process,
      requiredDocuments: row.required_documents,
      accessibility: row.accessibility,
      wheelchairAccessible: bool(row.wheelchair_accessible),
      freePlaces: row.free_places === null ? null : Number(row.free_places),
      freePlacesUpdatedAt: row.free_places_updated_at,
      openingHours: row.opening_hours,
      status: row.status as ServiceStatus,
      assuredDate: row.assured_date,
      assurerUserId: row.assurer_user_id,
      assuredSource: row.assured_source,
      importedAt: row.imported_at,
      importId: row.import_id,
      temporarilyClosedUntil: row.temporarily_closed_until,
      nextIntakeOn: row.next_intake_on,
      archivedAt: row.archived_at,
      needsReview: Number(row.needs_review) === 1,
      isSample: Number(row.is_sample) === 1,
      version: Number(row.version),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      languages: languages
        .filter((l) => l.service_id === row.id)
        .map((l) => l.language)
        .sort(),
      phone: phones.find((p) => p.service_id === row.id)?.number ?? null,
      contact: contact && {
        id: contact.id,
        name: contact.name,
        title: contact.title,
        email: contact.email,
        phone: contactPhones.find((p) => p.contact_id === contact.id)?.number ?? null,
      },
      locationIds: places.filter((p) => p.service_id === row.id).map((p) => p.location_id),
    };
  });
}

function serviceQuery(db: Executor) {
  return db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .selectAll('service')
    .select('organization.name as organization_name');
}

/** Finds a service with its categories, languages, phone, contact and locations. */
export async function findService(db: Executor, id: string): Promise<Service | null> {
  const row = await serviceQuery(db).where('service.id', '=', id).executeTakeFirst();
  return row ? ((await loadServiceDetails(db, [row]))[0] ?? null) : null;
}

/** Finds the id of the service with this external id (imports match on it). */
export async function findServiceIdByExternalId(db: Executor, externalId: string): Promise<string | null> {
  const row = await db
    .selectFrom('service')
    .select('id')
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export const SERVICE_SORTS = ['name', 'organisation', 'bestaetigt', 'geaendert'] as const;
export type ServiceSort = (typeof SERVICE_SORTS)[number];

/** Lists services with filters, sorted and paginated; categories are matched with their whole subtree. */
export async function listServices(
  db: Executor,
  filter: {
    text?: string;
    termIds?: string[];
    language?: string;
    organizationId?: string;
    status?: ServiceStatus;
    archived?: boolean;
    needsReview?: boolean;
    assuredBefore?: string;
    /** Only these services. */
    ids?: string[];
    sort?: ServiceSort;
    descending?: boolean;
    limit?: number;
    offset?: number;
  } = {},
): Promise<{ items: Service[]; total: number }> {
  let query = db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id');
  if (filter.archived !== undefined) {
    query = query.where('service.archived_at', filter.archived ? 'is not' : 'is', null);
  }
  if (filter.organizationId) query = query.where('service.organization_id', '=', filter.organizationId);
  if (filter.status) query = query.where('service.status', '=', filter.status);
  if (filter.needsReview) query = query.where('service.needs_review', '=', 1);
  if (filter.assuredBefore) {
    const before = filter.assuredBefore;
    // An imported entry is as current as its import ("Stand laut Import") until someone confirms it.
    query = query.where((eb) => {
      const stand = eb.fn.coalesce('service.assured_date', 'service.imported_at');
      return eb.or([eb(stand, 'is', null), eb(stand, '<', before)]);
    });
  }
  if (filter.ids) query = query.where('service.id', 'in', filter.ids.length > 0 ? filter.ids : ['']);
  if (filter.termIds && filter.termIds.length > 0) {
    const termIds = filter.termIds;
    query = query.where('service.id', 'in', (eb) =>
      eb.selectFrom('service_taxonomy').select('service_id').where('term_id', 'in', termIds),
    );
  }
  if (filter.language) {
    const language = filter.language;
    query = query.where('service.id', 'in', (eb) =>
      eb.selectFrom('service_language').select('service_id').where('language', '=', language),
    );
  }
  if (filter.text) {
    // Parameterized LIKE; wildcards typed by the user are dropped. The real search engine has its own issue.
    const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, '')}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['service.name']), 'like', eb.val(pattern)),
        eb(eb.fn('lower', ['organization.name']), 'like', eb.val(pattern)),
        eb(eb.fn('lower', ['service.description']), 'like', eb.val(pattern)),
      ]),
    );
  }
  const countRow = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const direction = filter.descending ? 'desc' : 'asc';
  const sortColumn = {
    name: 'service.name',
    organisation: 'organization.name',
    bestaetigt: 'service.assured_date',
    geaendert: 'service.updated_at',
  } as const;
  const rows = await query
    .selectAll('service')
    .select('organization.name as organization_name')
    .orderBy(sortColumn[filter.sort ?? 'name'], direction)
    .orderBy('service.name', 'asc')
    .orderBy('service.id', 'asc')
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  return { items: await loadServiceDetails(db, rows), total: Number(countRow?.n ?? 0) };
}

async function writeServiceChildren(db: Executor, serviceId: string, form: ServiceForm): Promise<void> {
  await db.deleteFrom('service_taxonomy').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_language').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('phone').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('contact').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('schedule').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_at_location').where('service_id', '=', serviceId).execute();
  if (form.termIds.length > 0) {
    await db
      .insertInto('service_taxonomy')
      .values([...new Set(form.termIds)].map((termId) => ({ service_id: serviceId, term_id: termId })))
      .execute();
  }
  if (form.languages.length > 0) {
    await db
      .insertInto('service_language')
      .values(form.languages.map((language) => ({ service_id: serviceId, language })))
      .execute();
  }
  if (form.phone) {
    await db
      .insertInto('phone')
      .values({ id: newId(), service_id: serviceId, contact_id: null, number: form.phone, description: null })
      .execute();
  }
  if (form.contactName) {
    const contactId = newId();
    await db
      .insertInto('contact')
      .values({
        id: contactId,
        service_id: serviceId,
        name: form.contactName,
        title: form.contactTitle,
        email: form.contactEmail,
        sort_order: 0,
      })
      .execute();
    if (form.contactPhone) {
      await db
        .insertInto('phone')
        .values({
          id: newId(),
          service_id: null,
          contact_id: contactId,
          number: form.contactPhone,
          description: null,
        })
        .execute();
    }
  }
  if (form.openingHours.rules.length > 0) {
    await db
      .insertInto('schedule')
      .values(
        form.openingHours.rules.map((rule) => ({
          id: newId(),
          service_id: serviceId,
          freq: 'WEEKLY',
          byday: rule.weekday,
          opens_at: rule.opensAt,
          closes_at: rule.closesAt,
          valid_from: null,
          valid_to: null,
        })),
      )
      .execute();
  }
  if (form.locationIds.length > 0) {
    await db
      .insertInto('service_at_location')
      .values(
        [...new Set(form.locationIds)].map((locationId) => ({
          id: newId(),
          service_id: serviceId,
          location_id: locationId,
        })),
      )
      .execute();
  }
}

function formColumns(form: ServiceForm) {
  return {
    name: form.name,
    description: form.description,
    min_age: form.minAge,
    max_age: form.maxAge,
    eligibility_notes: form.eligibilityNotes,
    free_of_charge: flag(form.freeOfCharge),
    fees_description: form.feesDescription,
    application_process: form.applicationProcess,
    required_documents: form.requiredDocuments,
    accessibility: form.accessibility,
    wheelchair_accessible: flag(form.wheelchairAccessible),
    free_places: form.freePlaces,
    opening_hours: formatOpeningHours(form.openingHours),
    closed_on_holidays: form.openingHours.closedOnHolidays ? 1 : 0,
    status: form.status,
  };
}

/** Inserts a service with all its parts; the caller opens the transaction. */
export async function insertService(
  db: Executor,
  organizationId: string,
  form: ServiceForm,
  options: {
    externalId?: string | null;
    isSample?: boolean;
    needsReview?: boolean;
    /** Who confirmed the data; `undefined` leaves the entry unconfirmed. */
    assuredBy?: string | null;
    /** When it was confirmed (default: now). */
    assuredAt?: string;
    now: Date;
  },
): Promise<string> {
  const now = nowIso(options.now);
  const id = newId();
  await db
    .insertInto('service')
    .values({
      id,
      organization_id: organizationId,
      external_id: options.externalId ?? null,
      ...formColumns(form),
      free_places_updated_at: form.freePlaces === null ? null : now,
      assured_date: options.assuredBy !== undefined ? (options.assuredAt ?? now) : null,
      assurer_user_id: options.assuredBy ?? null,
      archived_at: null,
      needs_review: options.needsReview ? 1 : 0,
      is_sample: options.isSample ? 1 : 0,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await writeServiceChildren(db, id, form);
  return id;
}

/** Replaces a service's fields if `version` still matches; false when someone else saved first. */
export async function updateServiceIfCurrent(
  db: Executor,
  id: string,
  version: number,
  form: ServiceForm,
  options: {
    freePlacesChanged: boolean;
    needsReview?: boolean;
    /** When the change happens (ctx.now); the wall clock only for callers not yet moved to a context. */
    now: Date;
  },
): Promise<boolean> {
  const now = nowIso(options.now);
  const result = await db
    .updateTable('service')
    .set({
      ...formColumns(form),
      ...(options.freePlacesChanged && { free_places_updated_at: now }),
      ...(options.needsReview !== undefined && { needs_review: options.needsReview ? 1 : 0 }),
      version: version + 1,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await writeServiceChildren(db, id, form);
  return true;
}

/** Sets the service-level bookkeeping fields (archive, confirm, review) if `version` still matches. */
export async function updateServiceStateIfCurrent(
  db: Executor,
  id: string,
  version: number,
  changes: {
    archivedAt?: string | null;
    assuredDate?: string;
    assurerUserId?: string;
    assuredSource?: string;
    needsReview?: boolean;
  },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('service')
    .set({
      ...(changes.archivedAt !== undefined && { archived_at: changes.archivedAt }),
      ...(changes.assuredDate !== undefined && { assured_date: changes.assuredDate }),
      ...(changes.assurerUserId !== undefined && { assurer_user_id: changes.assurerUserId }),
      ...(changes.assuredSource !== undefined && { assured_source: changes.assuredSource }),
      ...(changes.needsReview !== undefined && { needs_review: changes.needsReview ? 1 : 0 }),
      version: version + 1,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Finds a location. */
export async function findLocation(db: Executor, id: string): Promise<Location | null> {
  const row = await db.selectFrom('location').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToLocation(row) : null;
}

/** Lists locations by organization or by id. */
export async function listLocations(
  db: Executor,
  filter: { organizationId?: string; ids?: string[]; archived?: boolean },
): Promise<Location[]> {
  let query = db.selectFrom('location').selectAll().orderBy('name').orderBy('street');
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    query = query.where('id', 'in', filter.ids);
  }
  if (filter.archived !== undefined)
    query = query.where('archived_at', filter.archived ? 'is not' : 'is', null);
  return (await query.execute()).map(rowToLocation);
}

function locationColumns(fields: LocationFields) {
  return {
    name: fields.name,
    street: fields.street,
    postcode: fields.postcode,
    city: fields.city,
    district: fields.district,
    latitude: fields.latitude,
    longitude: fields.longitude,
    transit_notes: fields.transitNotes,
  };
}

/** Inserts a location. */
export async function insertLocation(
  db: Executor,
  organizationId: string,
  fields: LocationFields,
  options: {
    needsReview?: boolean;
    /** When it is created (ctx.now); the wall clock only for callers not yet moved to a context. */
    now: Date;
  },
): Promise<string> {
  const now = nowIso(options.now);
  const id = newId();
  await db
    .insertInto('location')
    .values({
      id,
      organization_id: organizationId,
      ...locationColumns(fields),
      archived_at: null,
      needs_review: options.needsReview ? 1 : 0,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Updates a location if `version` still matches. */
export async function updateLocationIfCurrent(
  db: Executor,
  id: string,
  version: number,
  changes: Partial<LocationFields> & { archivedAt?: string | null; needsReview?: boolean },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('location')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.street !== undefined && { street: changes.street }),
      ...(changes.postcode !== undefined && { postcode: changes.postcode }),
      ...(changes.city !== undefined && { city: changes.city }),
      ...(changes.district !== undefined && { district: changes.district }),
      ...(changes.latitude !== undefined && { latitude: changes.latitude }),
      ...(changes.longitude !== undefined && { longitude: changes.longitude }),
      ...(changes.transitNotes !== undefined && { transit_notes: changes.transitNotes }),
      ...(changes.archivedAt !== undefined && { archived_at: changes.archivedAt }),
      ...(changes.needsReview !== undefined && { needs_review: changes.needsReview ? 1 : 0 }),
      version: version + 1,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** One recorded change of one field. */
export interface EntryChange {
  id: string;
  entityType: string;
  entityId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: string;
  via: string;
}

/** Appends field changes to the history (one row per field). */
export async function insertEntryChanges(
  db: Executor,
  entry: {
    entityType: 'service' | 'location' | 'organization';
    entityId: string;
    changedBy: string | null;
    via: string;
    requestId: string | null;
    /** When the change happened (ctx.now); the wall clock only for callers not yet moved to a context. */
    at: Date;
  },
  changes: { field: string; from: string; to: string }[],
): Promise<void> {
  if (changes.length === 0) return;
  const at = nowIso(entry.at);
  await db
    .insertInto('entry_change')
    .values(
      changes.map((change) => ({
        id: newId(),
        entity_type: entry.entityType,
        entity_id: entry.entityId,
        field: change.field,
        old_value: change.from === '' ? null : change.from,
        new_value: change.to === '' ? null : change.to,
        changed_by: entry.changedBy,
        changed_at: at,
        via: entry.via,
        request_id: entry.requestId,
      })),
    )
    .execute();
}

/** The change history of an entry, newest first. */
export async function listEntryChanges(
  db: Executor,
  entityType: string,
  entityId: string,
): Promise<EntryChange[]> {
  const rows = await db
    .selectFrom('entry_change')
    .leftJoin('app_user', 'app_user.id', 'entry_change.changed_by')
    .selectAll('entry_change')
    .select('app_user.display_name as changed_by_name')
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('changed_at', 'desc')
    .orderBy('field')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    field: row.field,
    oldValue: row.old_value,
    newValue: row.new_value,
    changedBy: row.changed_by,
    changedByName: row.changed_by_name,
    changedAt: row.changed_at,
    via: row.via,
  }));
}

/** Finds several services at once (batch loading for the search index), with their organization's state. */
export async function findServicesByIds(
  db: Executor,
  ids: string[],
): Promise<{ service: Service; organizationActive: boolean }[]> {
  if (ids.length === 0) return [];
  const rows = await serviceQuery(db)
    .select('organization.active as organization_active')
    .where('service.id', 'in', ids)
    .execute();
  const services = await loadServiceDetails(db, rows);
  return services.map((service, index) => ({
    service,
    organizationActive: Number(rows[index]!.organization_active) === 1,
  }));
}

/** The ids of all services of an organization (its name or state changes every one of their search documents). */
export async function listServiceIdsOfOrganization(db: Executor, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service')
    .select('id')
    .where('organization_id', '=', organizationId)
    .execute();
  return rows.map((r) => r.id);
}

/** The ids of the services offered at a location. */
export async function listServiceIdsAtLocation(db: Executor, locationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service_at_location')
    .select('service_id')
    .where('location_id', '=', locationId)
    .execute();
  return rows.map((r) => r.service_id);
}

/** Up to `limit` service ids after `after` in id order (keyset paging through every service, e.g. a reindex). */
export async function listServiceIdsAfter(db: Executor, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('service')
    .select('id')
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** How many services the directory holds (archived ones included). */
export async function countServices(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('service')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Multi-row inserts of `rows` in pieces small enough for every driver's limit on bound values. */
async function insertInPieces<T extends keyof Database>(
  db: Executor,
  table: T,
  rows: Parameters<ReturnType<Executor['insertInto']>['values']>[0][],
  perStatement: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += perStatement) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + perStatement) as never)
      .execute();
  }
}

/**
 * Inserts many new services with all their parts in a few multi-row statements (a large import writes hundreds per
 * transaction; one statement per part per service would cost a round trip each). Returns the new ids in order.
 */
export async function insertNewServices(
  db: Executor,
  services: { organizationId: string; form: ServiceForm; externalId: string | null }[],
  now: Date,
): Promise<string[]> {
  const at = nowIso(now);
  const ids = services.map(() => newId());
  const children = {
    service_taxonomy: [] as { service_id: string; term_id: string }[],
    service_language: [] as { service_id: string; language: string }[],
    phone: [] as {
      id: string;
      service_id: string | null;
      contact_id: string | null;
      number: string;
      description: null;
    }[],
    contact: [] as {
      id: string;
      service_id: string;
      name: string;
      title: string | null;
      email: string | null;
      sort_order: number;
    }[],
    schedule: [] as {
      id: string;
      service_id: string;
      freq: string;
      byday: string;
      opens_at: string;
      closes_at: string;
      valid_from: null;
      valid_to: null;
    }[],
    service_at_location: [] as { id: string; service_id: string; location_id: string }[],
  };
  const rows = services.map(({ organizationId, form, externalId }, index) => {
    const id = ids[index]!;
    for (const termId of new Set(form.termIds))
      children.service_taxonomy.push({ service_id: id, term_id: termId });
    for (const language of form.languages) children.service_language.push({ service_id: id, language });
    if (form.phone) {
      children.phone.push({
        id: newId(),
        service_id: id,
        contact_id: null,
        number: form.phone,
        description: null,
      });
    }
    if (form.contactName) {
      const contactId = newId();
      children.contact.push({
        id: contactId,
        service_id: id,
        name: form.contactName,
        title: form.contactTitle,
        email: form.contactEmail,
        sort_order: 0,
      });
      if (form.contactPhone) {
        children.phone.push({
          id: newId(),
          service_id: null,
          contact_id: contactId,
          number: form.contactPhone,
          description: null,
        });
      }
    }
    for (const rule of form.openingHours.rules) {
      children.schedule.push({
        id: newId(),
        service_id: id,
        freq: 'WEEKLY',
        byday: rule.weekday,
        opens_at: rule.opensAt,
        closes_at: rule.closesAt,
        valid_from: null,
        valid_to: null,
      });
    }
    for (const locationId of new Set(form.locationIds)) {
      children.service_at_location.push({ id: newId(), service_id: id, location_id: locationId });
    }
    return {
      id,
      organization_id: organizationId,
      external_id: externalId,
      ...formColumns(form),
      free_places_updated_at: form.freePlaces === null ? null : at,
      assured_date: null,
      assurer_user_id: null,
      archived_at: null,
      needs_review: 0,
      is_sample: 0,
      version: 1,
      created_at: at,
      updated_at: at,
    };
  });
  // About 30 columns per service row: 100 rows bind some 3,000 values, far below SQLite's 32,766.
  await insertInPieces(db, 'service', rows, 100);
  for (const [table, list] of Object.entries(children)) {
    await insertInPieces(db, table as keyof Database, list, 500);
  }
  return ids;
}

/** Appends the history of many entries at once (one row per field), in a few multi-row statements. */
export async function insertManyEntryChanges(
  db: Executor,
  entries: {
    entityType: 'service' | 'location' | 'organization';
    entityId: string;
    changedBy: string | null;
    via: string;
    requestId: string | null;
    changes: { field: string; from: string; to: string }[];
  }[],
  now: Date,
): Promise<void> {
  const at = nowIso(now);
  const rows = entries.flatMap((entry) =>
    entry.changes.map((change) => ({
      id: newId(),
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      field: change.field,
      old_value: change.from === '' ? null : change.from,
      new_value: change.to === '' ? null : change.to,
      changed_by: entry.changedBy,
      changed_at: at,
      via: entry.via,
      request_id: entry.requestId,
    })),
  );
  await insertInPieces(db, 'entry_change', rows, 500);
}

/** Stamps services an import wrote with the import's id and date ("Stand laut Import"). */
export async function markServicesImported(
  db: Executor,
  ids: string[],
  importId: string,
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('service')
    .set({ imported_at: now.toISOString(), import_id: importId })
    .where('id', 'in', ids)
    .execute();
}

/** The ids of the services filed under a category (its search documents carry its aliases). */
export async function listServiceIdsByTerm(db: Executor, termId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service_taxonomy')
    .select('service_id')
    .where('term_id', '=', termId)
    .execute();
  return rows.map((row) => row.service_id);
}

/**
 * Services due for a confirmation request at `dueBefore`: in the directory (not archived, not discontinued) of an
 * active partner organisation, last confirmed — or, never confirmed, imported or created — before `dueBefore`, and on
 * no open request. Grouped by organisation.
 */
export async function listDueServicesByOrganization(
  db: Executor,
  dueBefore: string,
): Promise<{ organizationId: string; serviceIds: string[] }[]> {
  const rows = await db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .select(['service.id', 'service.organization_id'])
    .where('service.archived_at', 'is', null)
    .where('service.status', '!=', 'inactive')
    .where('organization.kind', '=', 'partner')
    .where('organization.active', '=', 1)
    .where((eb) =>
      eb(eb.fn.coalesce('service.assured_date', 'service.imported_at', 'service.created_at'), '<', dueBefore),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('upkeep_request_service')
            .innerJoin('upkeep_request', 'upkeep_request.id', 'upkeep_request_service.request_id')
            .select('upkeep_request_service.service_id')
            .whereRef('upkeep_request_service.service_id', '=', 'service.id')
            .where('upkeep_request_service.answer', 'is', null)
            .where('upkeep_request.status', 'in', ['sent', 'reminded', 'escalated']),
        ),
      ),
    )
    .orderBy('service.organization_id')
    .orderBy('service.name')
    .execute();
  const byOrganization = new Map<string, string[]>();
  for (const row of rows) {
    byOrganization.set(row.organization_id, [...(byOrganization.get(row.organization_id) ?? []), row.id]);
  }
  return [...byOrganization].map(([organizationId, serviceIds]) => ({ organizationId, serviceIds }));
}

/** Confirms services at once (a partner's "Alles aktuell", a whole import): date, who, source; bumps the version. */
export async function confirmServices(
  db: Executor,
  ids: string[],
  confirmation: { by: string | null; source: string },
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('service')
    .set((eb) => ({
      assured_date: now.toISOString(),
      assurer_user_id: confirmation.by,
      assured_source: confirmation.source,
      version: eb('version', '+', 1),
      updated_at: now.toISOString(),
    }))
    .where('id', 'in', ids)
    .execute();
}

/** The ids of the services an import last wrote (to confirm a whole import at once). */
export async function listServiceIdsByImport(db: Executor, importId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service')
    .select('id')
    .where('import_id', '=', importId)
    .where('archived_at', 'is', null)
    .execute();
  return rows.map((row) => row.id);
}

/** Imports whose entries wait for a first confirmation: import id, date and how many entries. */
export async function listUnconfirmedImports(
  db: Executor,
): Promise<{ importId: string; importedAt: string; count: number }[]> {
  const rows = await db
    .selectFrom('service')
    .select((eb) => ['import_id', eb.fn.max('imported_at').as('imported_at'), eb.fn.countAll().as('n')])
    .where('import_id', 'is not', null)
    .where('archived_at', 'is', null)
    .where((eb) => eb.or([eb('assured_date', 'is', null), eb('assured_date', '<', eb.ref('imported_at'))]))
    .groupBy('import_id')
    .orderBy('imported_at', 'desc')
    .execute();
  return rows.map((row) => ({
    importId: row.import_id!,
    importedAt: String(row.imported_at),
    count: Number(row.n),
  }));
}

/** Sets the quick-update fields of a service (free places, status, closed until, next intake) if `version` matches. */
export async function updateServiceQuickIfCurrent(
  db: Executor,
  id: string,
  version: number,
  fields: {
    freePlaces: number | null;
    freePlacesChanged: boolean;
    status: ServiceStatus;
    temporarilyClosedUntil: string | null;
    nextIntakeOn: string | null;
    confirm: { by: string | null; source: string } | null;
  },
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('service')
    .set({
      free_places: fields.freePlaces,
      ...(fields.freePlacesChanged && { free_places_updated_at: at }),
      status: fields.status,
      temporarily_closed_until: fields.temporarilyClosedUntil,
      next_intake_on: fields.nextIntakeOn,
      ...(fields.confirm && {
        assured_date: at,
        assurer_user_id: fields.confirm.by,
        assured_source: fields.confirm.source,
      }),
      version: version + 1,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
