import type { Executor } from '../db/executor';
import { newId, nowIso } from '../db/ids';
import type { OrganizationRow } from './organization.table';
import type { Organization, OrganizationForm, OrganizationKind, PartnerCategory } from './organization';

/** Maps an organization row to the domain object. */
export function rowToOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    kind: row.kind,
    category: row.category as PartnerCategory | null,
    parentId: row.parent_id,
    name: row.name,
    street: row.street,
    postcode: row.postcode,
    city: row.city,
    district: row.district,
    latitude: row.latitude === null ? null : Number(row.latitude),
    longitude: row.longitude === null ? null : Number(row.longitude),
    phone: row.phone,
    email: row.email,
    website: row.website,
    languages: row.languages ? row.languages.split(',') : [],
    description: row.description,
    isSample: Number(row.is_sample) === 1,
    active: Number(row.active) === 1,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function formToColumns(form: OrganizationForm) {
  return {
    kind: form.kind,
    category: form.kind === 'partner' ? form.category : null,
    parent_id: form.parentId,
    name: form.name,
    street: form.street,
    postcode: form.postcode,
    city: form.city,
    district: form.district,
    latitude: form.latitude,
    longitude: form.longitude,
    phone: form.phone,
    email: form.email,
    website: form.website,
    languages: form.languages.join(','),
    description: form.description,
  };
}

/** Finds an organization by id. */
export async function findOrganization(db: Executor, id: string): Promise<Organization | null> {
  const row = await db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToOrganization(row) : null;
}

/** Lists organizations with optional filters, paginated, ordered by name. */
export async function listOrganizations(
  db: Executor,
  filter: {
    kind?: OrganizationKind;
    category?: PartnerCategory;
    text?: string;
    activeOnly?: boolean;
    active?: boolean;
    limit?: number;
    offset?: number;
  } = {},
): Promise<{ items: Organization[]; total: number }> {
  let query = db.selectFrom('organization');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.activeOnly) query = query.where('active', '=', 1);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active ? 1 : 0);
  if (filter.text) {
    // Parameterized LIKE; wildcards typed by the user are dropped (SQLite has no default escape character).
    const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, '')}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name']), 'like', eb.val(pattern)),
        eb(eb.fn('lower', ['district']), 'like', eb.val(pattern)),
        eb(eb.fn('lower', ['city']), 'like', eb.val(pattern)),
      ]),
    );
  }
  const countRow = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await query
    .selectAll()
    .orderBy('name')
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  return { items: rows.map(rowToOrganization), total: Number(countRow?.n ?? 0) };
}

/** Counts active partner organizations per category. */
export async function countPartnersByCategory(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('organization')
    .select(['category', (eb) => eb.fn.countAll().as('n')])
    .where('kind', '=', 'partner')
    .where('active', '=', 1)
    .groupBy('category')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.category ?? '', Number(row.n)]));
}

/** Creates an organization. */
export async function createOrganization(
  db: Executor,
  form: OrganizationForm,
  options: {
    isSample?: boolean;
    id?: string;
    /** When it is created (ctx.now); the wall clock only for callers not yet moved to a context. */
    now: Date;
  },
): Promise<Organization> {
  const now = nowIso(options.now);
  const row: OrganizationRow = {
    id: options.id ?? newId(),
    ...formToColumns(form),
    is_sample: options.isSample ? 1 : 0,
    needs_review: 0,
    active: 1,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('organization').values(row).execute();
  return rowToOrganization(row);
}

/** Updates an organization if its version still matches; null when someone else saved first. */
export async function updateOrganization(
  db: Executor,
  id: string,
  version: number,
  form: OrganizationForm,
  now: Date,
): Promise<Organization | null> {
  const result = await db
    .updateTable('organization')
    .set({ ...formToColumns(form), version: version + 1, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  return findOrganization(db, id);
}

/** Activates or deactivates an organization if its version still matches. */
export async function setOrganizationActive(
  db: Executor,
  id: string,
  version: number,
  active: boolean,
  now: Date,
): Promise<Organization | null> {
  const result = await db
    .updateTable('organization')
    .set({ active: active ? 1 : 0, version: version + 1, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  return findOrganization(db, id);
}
