/**
 * CSV import of partner services (docs/import.md): one row per service, identified by its `externe_id`, so the
 * same file can be imported again and changes only what changed. A dry run checks every row without writing;
 * the commit writes all rows in one transaction or nothing.
 * @module
 */
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../db/create-db';
import type { Database } from '../db/database';
import { recordAuditUnclocked } from '../audit/audit.queries';
import { reindexServices } from '../search/indexer';
import { can, type Actor } from '../auth/policy';
import { AppError } from '../http/app-error';
import { parseCsv } from './csv';
import {
  OrganizationFormSchema,
  type Organization,
  type OrganizationForm,
  type PartnerCategory,
} from './organization';
import { createOrganization, listOrganizations } from './organization.queries';
import {
  diffFields,
  ServiceFormSchema,
  serviceFormToFields,
  serviceToFields,
  serviceToFormValues,
  type Location,
  type Service,
  type ServiceForm,
  type ServiceStatus,
} from './service';
import {
  insertEntryChanges,
  insertLocation,
  insertService,
  listLocations,
  listServices,
  updateServiceIfCurrent,
  type LocationFields,
} from './service.queries';
import { findTermByKeyOrName, type TaxonomyTerm } from './taxonomy';
import { listTerms } from './taxonomy.queries';
import { LocationFormSchema, locationToFields } from './upkeep.service';

type Executor = Db | Transaction<Database>;

/** The columns the import reads, in the order of the documentation and the example file. */
export const IMPORT_COLUMNS = [
  'externe_id',
  'organisation',
  'name',
  'kategorie',
  'beschreibung',
  'strasse',
  'plz',
  'ort',
  'stadtteil',
  'breitengrad',
  'laengengrad',
  'telefon',
  'email',
  'webseite',
  'sprachen',
  'alter_von',
  'alter_bis',
  'kostenlos',
  'oeffnungszeiten',
  'barrierefrei',
  'mitbringen',
  'so_vermitteln',
  'freie_plaetze',
  'ansprechperson',
  'status',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Columns every import file needs. */
export const REQUIRED_IMPORT_COLUMNS = ['externe_id', 'organisation', 'name', 'kategorie'] as const;

/** One reason a row (or the whole file) cannot be imported. */
export interface ImportProblem {
  /** Physical line of the file where the row starts (the header line for file-level problems). */
  line: number;
  externalId: string | null;
  /** The column at fault, or null when it concerns the row or file as a whole. */
  field: string | null;
  /** German, complete: „Zeile 7, Spalte „plz“: …“. */
  message: string;
}

/** What an import does (or would do). */
export interface ImportReport {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  newOrganizations: string[];
  problems: ImportProblem[];
  warnings: string[];
}

/** Who imports: a signed-in coordinator or admin, or the command line (`actor: null`). */
export interface ImportContext {
  actor: Actor | null;
  requestId: string | null;
}

/** The outcome of a commit: written, refused because of problems (nothing written), or not permitted. */
export type ImportResult =
  | { ok: true; report: ImportReport }
  | { ok: false; kind: 'invalid'; report: ImportReport }
  | { ok: false; kind: 'not_found' };

const MAX_EXTERNAL_ID = 100;
const PAGE_SIZE = 500;

// The coarse category of a new partner organization follows the top level of its first category.
const CATEGORY_BY_ROOT: Record<string, PartnerCategory> = {
  bildung: 'school',
  sprache: 'language_course',
  arbeit: 'youth_employment',
  anerkennung: 'recognition',
  beratung: 'counselling',
  behoerde: 'authority',
  gesundheit: 'health',
  wohnen: 'housing',
  freizeit: 'leisure',
  ehrenamt: 'volunteering',
};

// Header spellings people type in Excel that mean one of our columns.
const COLUMN_ALIASES: Record<string, ImportColumn> = {
  postleitzahl: 'plz',
  e_mail: 'email',
  website: 'webseite',
  homepage: 'webseite',
  telefonnummer: 'telefon',
  kategorien: 'kategorie',
};

const ADDRESS_COLUMNS = ['strasse', 'plz', 'ort', 'stadtteil', 'breitengrad', 'laengengrad'] as const;

const SERVICE_FIELD_COLUMNS: Record<string, ImportColumn> = {
  name: 'name',
  description: 'beschreibung',
  termIds: 'kategorie',
  minAge: 'alter_von',
  maxAge: 'alter_bis',
  freeOfCharge: 'kostenlos',
  wheelchairAccessible: 'barrierefrei',
  freePlaces: 'freie_plaetze',
  openingHours: 'oeffnungszeiten',
  languages: 'sprachen',
  phone: 'telefon',
  contactName: 'ansprechperson',
  contactEmail: 'email',
  requiredDocuments: 'mitbringen',
  applicationProcess: 'so_vermitteln',
  status: 'status',
};

const LOCATION_FIELD_COLUMNS: Record<string, ImportColumn> = {
  street: 'strasse',
  postcode: 'plz',
  city: 'ort',
  district: 'stadtteil',
  latitude: 'breitengrad',
  longitude: 'laengengrad',
};

const ORGANIZATION_FIELD_COLUMNS: Record<string, ImportColumn> = {
  ...LOCATION_FIELD_COLUMNS,
  name: 'organisation',
  phone: 'telefon',
  email: 'email',
  website: 'webseite',
};

const STATUS_BY_TEXT: Record<string, ServiceStatus> = {
  '': 'active',
  aktiv: 'active',
  active: 'active',
  'voruebergehend geschlossen': 'temporarily_closed',
  geschlossen: 'temporarily_closed',
  temporarily_closed: 'temporarily_closed',
  eingestellt: 'inactive',
  inaktiv: 'inactive',
  inactive: 'inactive',
};

const fold = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/\s+/g, ' ');

const columnKey = (header: string) => {
  const key = fold(header).replace(/[\s-]+/g, '_');
  return COLUMN_ALIASES[key] ?? key;
};

const organizationKey = (name: string) => name.trim().toLocaleLowerCase('de');

// Street and postcode identify a place; without both, the town does.
const addressKey = (address: { street: string | null; postcode: string | null; city: string | null }) =>
  address.street || address.postcode
    ? `${fold(address.street ?? '')}|${address.postcode ?? ''}`
    : `|${fold(address.city ?? '')}`;

type PlannedLocation =
  { kind: 'existing'; id: string } | { kind: 'new'; key: string; fields: LocationFields };

interface PlannedRow {
  line: number;
  externalId: string;
  organizationKey: string;
  existing: Service | null;
  /** The service as the file describes it; a new location's id is filled in at commit. */
  form: ServiceForm;
  location: PlannedLocation | null;
  action: 'create' | 'update' | 'unchanged';
}

interface ImportPlan {
  report: ImportReport;
  rows: PlannedRow[];
  newOrganizations: { key: string; form: OrganizationForm }[];
  organizationIds: Map<string, string>;
}

const emptyReport = (): ImportReport => ({
  rows: 0,
  create: 0,
  update: 0,
  unchanged: 0,
  newOrganizations: [],
  problems: [],
  warnings: [],
});

/** Every service that carries an external id, by that id (paged, so the id lists stay within driver limits). */
async function loadServicesByExternalId(db: Executor): Promise<Map<string, Service>> {
  const byExternalId = new Map<string, Service>();
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { items, total } = await listServices(db, { limit: PAGE_SIZE, offset });
    for (const service of items) if (service.externalId) byExternalId.set(service.externalId, service);
    if (offset + PAGE_SIZE >= total) return byExternalId;
  }
}

/** Reads a `kategorie` cell: keys or German names separated by commas (names may contain a comma themselves). */
function resolveTerms(terms: TaxonomyTerm[], text: string): { ids: string[]; unknown: string[] } {
  const parts = text.split(',');
  const ids: string[] = [];
  const unknown: string[] = [];
  let start = 0;
  while (start < parts.length) {
    let found: { term: TaxonomyTerm; end: number } | null = null;
    for (let end = parts.length; end > start && !found; end--) {
      const candidate = parts.slice(start, end).join(',');
      if (candidate.trim() === '') continue;
      const term = findTermByKeyOrName(terms, candidate);
      if (term) found = { term, end };
    }
    if (found) {
      if (!ids.includes(found.term.id)) ids.push(found.term.id);
      start = found.end;
    } else {
      const part = parts[start]!.trim();
      if (part !== '') unknown.push(part);
      start++;
    }
  }
  return { ids, unknown };
}

/** The coarse partner category for a term: its root's, or counselling for a root of the coordinators' own. */
function partnerCategoryOf(termsById: Map<string, TaxonomyTerm>, termId: string): PartnerCategory {
  let term = termsById.get(termId);
  for (let depth = 0; term?.parentId && depth < 20; depth++) term = termsById.get(term.parentId);
  return CATEGORY_BY_ROOT[term?.id ?? ''] ?? 'counselling';
}

/** Validates the file and works out what a commit would do, reading the database but never writing. */
async function planImport(db: Executor, text: string): Promise<ImportPlan> {
  const report = emptyReport();
  const plan: ImportPlan = { report, rows: [], newOrganizations: [], organizationIds: new Map() };
  const seenProblems = new Set<string>();
  const addProblem = (line: number, externalId: string | null, field: string | null, message: string) => {
    const key = `${line}|${field ?? ''}`;
    if (seenProblems.has(key)) return;
    seenProblems.add(key);
    report.problems.push({
      line,
      externalId,
      field,
      message: field ? `Zeile ${line}, Spalte „${field}“: ${message}` : `Zeile ${line}: ${message}`,
    });
  };

  const parsed = parseCsv(text);
  if (!parsed.ok) {
    addProblem(parsed.line, null, null, parsed.error);
    return plan;
  }
  const columns = new Map<ImportColumn, string>();
  for (const name of parsed.header) {
    if (name === '') continue;
    const key = columnKey(name);
    if (!(IMPORT_COLUMNS as readonly string[]).includes(key)) {
      report.warnings.push(`Unbekannte Spalte „${name}“ wird nicht importiert.`);
    } else if (columns.has(key as ImportColumn)) {
      addProblem(
        1,
        null,
        name,
        `Die Spalte „${columns.get(key as ImportColumn)}“ steht unter anderem Namen noch einmal in der Kopfzeile. Bitte nur eine davon verwenden.`,
      );
    } else {
      columns.set(key as ImportColumn, name);
    }
  }
  if (parsed.header.includes('')) report.warnings.push('Spalten ohne Überschrift werden nicht importiert.');
  const missing = REQUIRED_IMPORT_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    const names = `„${missing.join('“, „')}“`;
    addProblem(
      1,
      null,
      null,
      missing.length === 1
        ? `Die Pflichtspalte ${names} fehlt. Bitte ergänzen Sie sie in der Kopfzeile (siehe docs/import.md).`
        : `Die Pflichtspalten ${names} fehlen. Bitte ergänzen Sie sie in der Kopfzeile (siehe docs/import.md).`,
    );
  }
  if (report.problems.length > 0) return plan;
  report.rows = parsed.rows.length;

  // Everything the rows are checked against is loaded once, not per row.
  const terms = await listTerms(db);
  const termsById = new Map(terms.map((term) => [term.id, term]));
  const termCache = new Map<string, { ids: string[]; unknown: string[] }>();
  const partners = new Map<string, Organization[]>();
  for (const organization of (await listOrganizations(db, { kind: 'partner', limit: 1_000_000 })).items) {
    const key = organizationKey(organization.name);
    partners.set(key, [...(partners.get(key) ?? []), organization]);
  }
  const locationsByOrganization = new Map<string, Location[]>();
  for (const location of await listLocations(db, { archived: false })) {
    const list = locationsByOrganization.get(location.organizationId) ?? [];
    list.push(location);
    locationsByOrganization.set(location.organizationId, list);
  }
  const services = await loadServicesByExternalId(db);

  const firstLineOf = new Map<string, number>();
  const newOrganizations = new Map<string, { key: string; form: OrganizationForm }>();
  const warnedOrganizations = new Set<string>();
  const hasAddressColumns = ADDRESS_COLUMNS.some((column) => columns.has(column));

  for (const row of parsed.rows) {
    const { line } = row;
    const get = (column: ImportColumn) => {
      const header = columns.get(column);
      return header === undefined ? undefined : (row.cells[header] ?? '').trim();
    };
    const value = (column: ImportColumn) => get(column) ?? '';
    const problemCount = report.problems.length;

    const externalId = value('externe_id');
    const idOrNull = externalId === '' ? null : externalId;
    // Problems name the column as the file's header spells it ("PLZ", "Postleitzahl").
    const problem = (column: ImportColumn | null, message: string) =>
      addProblem(line, idOrNull, column && (columns.get(column) ?? column), message);
    const zodProblems = (error: z.ZodError, fieldColumns: Record<string, ImportColumn>) => {
      for (const issue of error.issues) problem(fieldColumns[String(issue.path[0])] ?? null, issue.message);
    };

    if (externalId === '') {
      problem(
        'externe_id',
        'Bitte geben Sie eine externe ID an (z. B. die Nummer aus Ihrer Liste); an ihr erkennt ein späterer Import das Angebot wieder.',
      );
    } else if (externalId.length > MAX_EXTERNAL_ID) {
      problem('externe_id', `Die externe ID darf höchstens ${MAX_EXTERNAL_ID} Zeichen haben.`);
    } else if (firstLineOf.has(externalId)) {
      problem(
        'externe_id',
        `Die externe ID „${externalId}“ steht schon in Zeile ${firstLineOf.get(externalId)}. Jedes Angebot braucht eine eigene externe ID.`,
      );
    } else {
      firstLineOf.set(externalId, line);
    }

    const organizationName = value('organisation');
    const orgKey = organizationKey(organizationName);
    const candidates = partners.get(orgKey) ?? [];
    if (organizationName === '') {
      problem('organisation', 'Bitte geben Sie den Namen der Organisation an.');
    } else if (candidates.length > 1) {
      problem(
        'organisation',
        `Es gibt mehrere Partnereinrichtungen mit dem Namen „${organizationName}“. Bitte benennen Sie sie im Verzeichnis eindeutig.`,
      );
    }
    const organization = candidates.length === 1 ? candidates[0]! : null;

    const categoryText = value('kategorie');
    let termIds: string[] = [];
    if (categoryText === '') {
      problem('kategorie', 'Bitte geben Sie mindestens eine Kategorie an, z. B. sprache.integrationskurs.');
    } else {
      const resolved = termCache.get(categoryText) ?? resolveTerms(terms, categoryText);
      termCache.set(categoryText, resolved);
      termIds = resolved.ids;
      if (resolved.unknown.length > 0) {
        problem(
          'kategorie',
          `Unbekannte Kategorie „${resolved.unknown.join('“, „')}“. Bitte Schlüssel (z. B. sprache.integrationskurs) oder deutsche Namen aus dem Kategorienbaum verwenden, mehrere mit Komma getrennt.`,
        );
      }
    }

    const existing = externalId === '' ? null : (services.get(externalId) ?? null);
    if (existing && organizationName !== '' && existing.organizationId !== organization?.id) {
      problem(
        'organisation',
        `Die externe ID „${externalId}“ gehört zum Angebot „${existing.name}“ der Organisation „${existing.organizationName}“. Der Import kann ein Angebot keiner anderen Organisation zuordnen; bitte den Namen der Organisation angleichen.`,
      );
    }

    // The address: a location of the organization (and the address of a new organization).
    const address = {
      street: value('strasse'),
      postcode: value('plz'),
      city: value('ort'),
      district: value('stadtteil'),
      latitude: value('breitengrad'),
      longitude: value('laengengrad'),
    };
    const hasAddress = Object.values(address).some((part) => part !== '');
    let locationFields: LocationFields | null = null;
    if (hasAddress) {
      const checked = LocationFormSchema.safeParse({ ...address, name: '', transitNotes: '' });
      if (checked.success) locationFields = checked.data;
      else zodProblems(checked.error, LOCATION_FIELD_COLUMNS);
    }

    // The service: what the file says on top of what is stored, so columns the file lacks stay as they are.
    const raw: Record<string, string | string[]> = existing ? serviceToFormValues(existing) : {};
    raw['termIds'] = termIds;
    const overlay: [ImportColumn, string][] = [
      ['name', 'name'],
      ['beschreibung', 'description'],
      ['alter_von', 'minAge'],
      ['alter_bis', 'maxAge'],
      ['kostenlos', 'freeOfCharge'],
      ['barrierefrei', 'wheelchairAccessible'],
      ['freie_plaetze', 'freePlaces'],
      ['oeffnungszeiten', 'openingHours'],
      ['sprachen', 'languages'],
      ['telefon', 'phone'],
      ['mitbringen', 'requiredDocuments'],
      ['so_vermitteln', 'applicationProcess'],
    ];
    for (const [column, field] of overlay) {
      const cell = get(column);
      if (cell !== undefined) raw[field] = cell;
    }
    const statusText = get('status');
    if (statusText !== undefined) {
      const status = STATUS_BY_TEXT[fold(statusText)];
      if (status) raw['status'] = status;
      else
        problem(
          'status',
          'Den Status bitte als „aktiv“, „vorübergehend geschlossen“ oder „eingestellt“ angeben (leer heißt aktiv).',
        );
    }
    const contactName = get('ansprechperson');
    const email = value('email');
    if (contactName !== undefined) {
      if (contactName === '') {
        raw['contactName'] = raw['contactTitle'] = raw['contactEmail'] = raw['contactPhone'] = '';
      } else {
        // Title and phone belong to the person: a new name drops the old person's.
        if (contactName !== existing?.contact?.name) raw['contactTitle'] = raw['contactPhone'] = '';
        raw['contactName'] = contactName;
        raw['contactEmail'] =
          get('email') ?? (contactName === existing?.contact?.name ? raw['contactEmail']! : '');
      }
    }
    const emailIsContacts = contactName !== undefined && contactName !== '';
    // Locations are resolved below; without address columns the stored ones stay.
    if (hasAddressColumns || !existing) raw['locationIds'] = [];
    const serviceChecked = ServiceFormSchema.safeParse(raw);
    if (!serviceChecked.success) zodProblems(serviceChecked.error, SERVICE_FIELD_COLUMNS);

    // The organization's own fields are checked on every row, whether or not it is created.
    const category = termIds[0] ? partnerCategoryOf(termsById, termIds[0]) : 'counselling';
    const languages = serviceChecked.success ? serviceChecked.data.languages.join(',') : '';
    const organizationChecked = OrganizationFormSchema.safeParse({
      kind: 'partner',
      category,
      parentId: '',
      name: organizationName,
      ...address,
      phone: value('telefon'),
      email: emailIsContacts ? '' : email,
      website: value('webseite'),
      description: '',
      languages,
    });
    if (!organizationChecked.success) zodProblems(organizationChecked.error, ORGANIZATION_FIELD_COLUMNS);

    if (report.problems.length > problemCount || !serviceChecked.success || !organizationChecked.success) {
      continue;
    }

    // Organization: an existing partner is used as it is; a missing one is created from its first row.
    if (organization) {
      plan.organizationIds.set(orgKey, organization.id);
      const form = organizationChecked.data;
      const differs =
        (form.email !== null && form.email !== organization.email) ||
        (form.website !== null && form.website !== organization.website);
      if (differs && !warnedOrganizations.has(orgKey)) {
        warnedOrganizations.add(orgKey);
        report.warnings.push(
          `Zeile ${line}: E-Mail oder Webseite von „${organization.name}“ weichen vom Verzeichnis ab. Der Import ändert bestehende Organisationen nicht; bitte bei Bedarf in der Pflege ändern.`,
        );
      }
    } else if (!newOrganizations.has(orgKey)) {
      newOrganizations.set(orgKey, { key: orgKey, form: organizationChecked.data });
      report.newOrganizations.push(organizationChecked.data.name);
    }

    // Location: the organization's place with the same street and postcode, or a new one.
    let location: PlannedLocation | null = null;
    if (locationFields) {
      const key = addressKey(locationFields);
      const found = organization
        ? (locationsByOrganization.get(organization.id) ?? []).find((l) => addressKey(l) === key)
        : undefined;
      location = found
        ? { kind: 'existing', id: found.id }
        : { kind: 'new', key: `${orgKey}\u0000${key}`, fields: locationFields };
    }

    const form: ServiceForm = {
      ...serviceChecked.data,
      // Stored languages come back sorted; sorting here keeps a second import of "de, ar" unchanged.
      languages: [...serviceChecked.data.languages].sort(),
      locationIds: !hasAddressColumns
        ? serviceChecked.data.locationIds
        : location === null
          ? []
          : location.kind === 'existing'
            ? [location.id]
            : [`neu:${location.key}`],
    };
    const action = !existing
      ? 'create'
      : diffFields(serviceToFields(existing), serviceFormToFields(form)).length > 0
        ? 'update'
        : 'unchanged';
    report[action]++;
    plan.rows.push({ line, externalId, organizationKey: orgKey, existing, form, location, action });
  }
  plan.newOrganizations = [...newOrganizations.values()];
  return plan;
}

/** Checks an import file and reports what a commit would create, update and leave unchanged — writes nothing. */
export async function dryRunImport(db: Db, text: string): Promise<ImportReport> {
  return (await planImport(db, text)).report;
}

/**
 * Imports a file in one transaction: all rows or, if any row has a problem, nothing. New services stay
 * unconfirmed; every created or changed field goes into the history (`via: 'import'`); one audit entry covers the
 * whole import. Rows whose stored service already matches are left alone, so importing a file twice is harmless.
 */
export async function commitImport(
  db: Db,
  context: ImportContext,
  text: string,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportResult> {
  // The command line acts without an actor; on the web only coordinators and admins import.
  if (context.actor && !can(context.actor, 'directory.import', { type: 'import' })) {
    return { ok: false, kind: 'not_found' };
  }
  return db.transaction().execute(async (trx) => {
    // Planned inside the transaction, so the rows are compared with exactly what they will overwrite.
    const plan = await planImport(trx, text);
    if (plan.report.problems.length > 0)
      return { ok: false as const, kind: 'invalid' as const, report: plan.report };
    const history = (entityType: 'service' | 'location', entityId: string) => ({
      entityType,
      entityId,
      changedBy: context.actor?.id ?? null,
      via: 'import',
      requestId: context.requestId,
    });
    const organizationIds = new Map(plan.organizationIds);
    for (const organization of plan.newOrganizations) {
      organizationIds.set(organization.key, (await createOrganization(trx, organization.form)).id);
    }
    const newLocationIds = new Map<string, string>();
    const written: string[] = [];
    const total = plan.rows.length;
    let done = 0;
    for (const row of plan.rows) {
      if (row.action !== 'unchanged') {
        const organizationId = organizationIds.get(row.organizationKey)!;
        let form = row.form;
        if (row.location?.kind === 'new') {
          let locationId = newLocationIds.get(row.location.key);
          if (!locationId) {
            locationId = await insertLocation(trx, organizationId, row.location.fields);
            await insertEntryChanges(
              trx,
              history('location', locationId),
              diffFields({}, locationToFields(row.location.fields)),
            );
            newLocationIds.set(row.location.key, locationId);
          }
          form = { ...form, locationIds: [locationId] };
        }
        if (row.existing) {
          const changes = diffFields(serviceToFields(row.existing), serviceFormToFields(form));
          const saved = await updateServiceIfCurrent(trx, row.existing.id, row.existing.version, form, {
            freePlacesChanged: changes.some((change) => change.field === 'freePlaces'),
          });
          if (!saved) {
            // Throwing rolls the whole import back.
            throw new AppError(
              'conflict',
              `Das Angebot mit der externen ID „${row.externalId}“ wurde während des Imports geändert. Bitte den Import wiederholen.`,
            );
          }
          await insertEntryChanges(trx, history('service', row.existing.id), changes);
          written.push(row.existing.id);
        } else {
          const id = await insertService(trx, organizationId, form, { externalId: row.externalId });
          written.push(id);
          await insertEntryChanges(trx, history('service', id), diffFields({}, serviceFormToFields(form)));
        }
      }
      options.onProgress?.(++done, total);
    }
    await reindexServices(db, trx, written);
    await recordAuditUnclocked(trx, {
      actor: context.actor,
      action: 'directory.import',
      objectType: 'import',
      objectId: null,
      requestId: context.requestId,
    });
    return { ok: true as const, report: plan.report };
  });
}
