/**
 * CSV import of partner services (docs/import.md): one row per service, identified by its `externe_id`, so the
 * same file can be imported again and changes only what changed. A check (dry run) reads every row without writing;
 * the import writes the rows in batches, each batch its own transaction, and resumes where it stopped when run again
 * (rows already written compare unchanged). Large files go through the jobs runner (import.job.ts); the command line
 * runs the same pipeline directly (commitImport).
 * @module
 */
import type { z } from 'zod';
import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import { chunk } from '../db/chunk';
import { sqliteHandleOf, type Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { reindexServices } from '../search/indexer';
import { parseCsv } from './csv';
import {
  canStartImportJob,
  emptyImportReport,
  IMPORT_PREVIEW_COLUMNS,
  IMPORT_PREVIEW_ROWS,
  type ImportPreviewRow,
  importProblemErrors,
  type ImportJob,
  type ImportReport,
  type MappingChoice,
  type MappingKind,
  type ImportStart,
  type ImportUpload,
} from './import';
import { findImportJob, insertImportJob, queueImportJob } from './import.queries';
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
  insertLocation,
  insertManyEntryChanges,
  insertNewServices,
  listLocations,
  markServicesImported,
  listServices,
  updateServiceIfCurrent,
  type LocationFields,
} from './service.queries';
import {
  buildCategoryIndex,
  buildLanguageIndex,
  foldCell,
  resolveCategoryCell,
  resolveLanguageCell,
  type Alias,
  type CellPart,
  type ResolverIndex,
} from './category-resolver';
import type { TaxonomyTerm } from './taxonomy';
import { listAliases, listTerms } from './taxonomy.queries';
import { languageName } from '../i18n/languages';
import { LocationFormSchema, locationToFields } from './upkeep.service';
import { checkMappingChoices, saveAlias } from './import-mapping.service';

export type { ImportProblem, ImportReport } from './import';

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

const MAX_EXTERNAL_ID = 100;
const PAGE_SIZE = 500;

/** Rows written by the first batch on PostgreSQL (later batches are sized by time, see writeImportPlan). */
export const IMPORT_BATCH_ROWS = 200;

// How long one batch should take. On SQLite a batch holds the app's single connection, so every other request
// waits for it: short batches keep /healthz and the pages answering (docs/performance.md). On PostgreSQL other
// requests use other connections; longer batches cost fewer commits.
const SQLITE_BATCH_MS = 20;
const POSTGRES_BATCH_MS = 250;
const MIN_BATCH_ROWS = 5;
const MAX_BATCH_ROWS = 1_000;

// Checking yields to the event loop this often, so a 100,000-row check never blocks other requests for long.
const YIELD_EVERY_ROWS = 50;

/** Lets timers and other requests run between two pieces of a long import (setImmediate, not a microtask). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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

/** What a check found: the report, and per row what the import will write. */
export interface ImportPlan {
  report: ImportReport;
  /** The file's first rows as written (also when they have problems), for the preview. */
  preview: ImportPreviewRow[];
  rows: PlannedRow[];
  newOrganizations: { key: string; form: OrganizationForm }[];
  organizationIds: Map<string, string>;
}

/** Every service that carries an external id, by that id (paged, so the id lists stay within driver limits). */
async function loadServicesByExternalId(db: Executor): Promise<Map<string, Service>> {
  const byExternalId = new Map<string, Service>();
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { items, total } = await listServices(db, { limit: PAGE_SIZE, offset });
    for (const service of items) if (service.externalId) byExternalId.set(service.externalId, service);
    if (offset + PAGE_SIZE >= total) return byExternalId;
  }
}

/** What a list cell gave: the targets it resolved to, and the parts left open (no or several candidates). */
interface CellRead {
  targets: string[];
  open: string[];
}

/** A problem text for the open parts of a cell, pointing to the choice below the report. */
function openCellsMessage(kind: MappingKind, open: string[]): string {
  const what = kind === 'category' ? 'Kategorie' : 'Sprache';
  return `${what} „${open.join('“, „')}“ ist nicht eindeutig zuzuordnen. Bitte wählen Sie unten unter „Zuordnungen“ aus, was gemeint ist (oder korrigieren Sie die Datei).`;
}

const MAX_LINES_PER_CELL = 20;

/**
 * Reads category and language cells through the resolver, once per distinct cell, and collects the report's
 * mappings (each listed once) and open cells (each listed once, with its rows).
 */
class CellReader {
  private cache = new Map<string, CellPart[]>();
  private mapped = new Set<string>();
  private openByKey = new Map<string, ImportReport['unresolved'][number]>();

  constructor(
    private readonly report: ImportReport,
    private readonly termsById: Map<string, TaxonomyTerm>,
    private readonly categories: ResolverIndex,
    private readonly languages: ResolverIndex,
  ) {}

  private label(kind: MappingKind, target: string): string {
    return kind === 'category' ? (this.termsById.get(target)?.name ?? target) : languageName(target);
  }

  read(kind: MappingKind, text: string, line: number): CellRead {
    const cacheKey = `${kind}\u0000${text}`;
    let parts = this.cache.get(cacheKey);
    if (!parts) {
      parts =
        kind === 'category'
          ? resolveCategoryCell(this.categories, text)
          : resolveLanguageCell(this.languages, text);
      this.cache.set(cacheKey, parts);
    }
    const targets: string[] = [];
    const open: string[] = [];
    for (const { text: cell, resolution } of parts) {
      const key = `${kind}\u0000${foldCell(cell)}`;
      if (resolution.kind === 'found') {
        if (!targets.includes(resolution.target)) targets.push(resolution.target);
        if (resolution.how !== 'exact' && !this.mapped.has(key)) {
          this.mapped.add(key);
          this.report.mappings.push({
            kind,
            cell,
            target: resolution.target,
            label: this.label(kind, resolution.target),
            how: resolution.how,
          });
        }
        continue;
      }
      open.push(cell);
      const known = this.openByKey.get(key);
      if (known) {
        known.rowCount++;
        if (known.lines.length < MAX_LINES_PER_CELL && !known.lines.includes(line)) known.lines.push(line);
      } else {
        const item = {
          kind,
          cell,
          lines: [line],
          rowCount: 1,
          candidates:
            resolution.kind === 'ambiguous'
              ? resolution.candidates.map((target) => ({ target, label: this.label(kind, target) }))
              : [],
        };
        this.openByKey.set(key, item);
        this.report.unresolved.push(item);
      }
    }
    return { targets, open };
  }
}

/** The coarse partner category for a term: its root's, or counselling for a root of the coordinators' own. */
function partnerCategoryOf(termsById: Map<string, TaxonomyTerm>, termId: string): PartnerCategory {
  let term = termsById.get(termId);
  for (let depth = 0; term?.parentId && depth < 20; depth++) term = termsById.get(term.parentId);
  return CATEGORY_BY_ROOT[term?.id ?? ''] ?? 'counselling';
}

/** Reports how far a long step got: rows done of the file's rows. */
export type ImportProgress = (done: number, total: number) => void | Promise<void>;

/**
 * Validates the file and works out what an import would do, reading the database but never writing. Yields to the
 * event loop every few hundred rows and reports progress, so checking a large file does not stall the server.
 */
export async function planImport(
  db: Executor,
  text: string,
  options: {
    onProgress?: ImportProgress | undefined;
    /** Mappings not saved as aliases (yet): a mapping file of the command line. */
    choices?: MappingChoice[] | undefined;
  } = {},
): Promise<ImportPlan> {
  const report = emptyImportReport();
  const plan: ImportPlan = {
    report,
    preview: [],
    rows: [],
    newOrganizations: [],
    organizationIds: new Map(),
  };
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
  plan.preview = parsed.rows.slice(0, IMPORT_PREVIEW_ROWS).map((row) => ({
    line: row.line,
    cells: Object.fromEntries(
      IMPORT_PREVIEW_COLUMNS.map((column) => [
        column,
        (row.cells[columns.get(column) ?? column] ?? '').trim(),
      ]),
    ),
  }));
  if (report.problems.length > 0) return plan;
  report.rows = parsed.rows.length;

  // Everything the rows are checked against is loaded once, not per row.
  const terms = await listTerms(db);
  const termsById = new Map(terms.map((term) => [term.id, term]));
  const extra = (kind: MappingKind): Alias[] =>
    (options.choices ?? []).filter((c) => c.kind === kind).map((c) => ({ alias: c.cell, target: c.target }));
  const categoryIndex = buildCategoryIndex(terms, [
    ...(await listAliases(db, 'category')),
    ...extra('category'),
  ]);
  const languageIndex = buildLanguageIndex([...(await listAliases(db, 'language')), ...extra('language')]);
  const cells = new CellReader(report, termsById, categoryIndex, languageIndex);
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

  for (const [index, row] of parsed.rows.entries()) {
    if (index > 0 && index % YIELD_EVERY_ROWS === 0) {
      await options.onProgress?.(index, parsed.rows.length);
      await yieldToEventLoop();
    }
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
      const read = cells.read('category', categoryText, line);
      termIds = read.targets;
      if (read.open.length > 0) problem('kategorie', openCellsMessage('category', read.open));
    }
    const languageText = get('sprachen');
    let languageCodes: string | undefined;
    if (languageText !== undefined) {
      const read = cells.read('language', languageText, line);
      languageCodes = read.targets.join(',');
      if (read.open.length > 0) problem('sprachen', openCellsMessage('language', read.open));
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
    // Languages as the resolver read them (names, codes, misspellings, chosen aliases).
    if (languageCodes !== undefined) raw['languages'] = languageCodes;
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
  await options.onProgress?.(parsed.rows.length, parsed.rows.length);
  return plan;
}

/** Checks an import file and reports what an import would create, update and leave unchanged — writes nothing. */
export async function dryRunImport(
  db: Executor,
  text: string,
  options: { onProgress?: ImportProgress; choices?: MappingChoice[] } = {},
): Promise<ImportReport> {
  return (await planImport(db, text, options)).report;
}

/** Who the history names for imported changes: the user who started the import, and the request. */
export interface ImportAuthor {
  userId: string | null;
  requestId: string | null;
  /** The import (job id, or a fresh id on the command line): entries it writes carry it and its date. */
  importId: string;
}

/** A stored service changed between check and write; the batch rolls back and the import can be resumed. */
export class ImportConflictError extends Error {
  constructor(readonly externalId: string) {
    super(
      `Das Angebot mit der externen ID „${externalId}“ wurde während des Imports geändert. Bitte den Import ` +
        'fortsetzen: bereits importierte Zeilen bleiben unverändert, die übrigen werden neu geprüft.',
    );
    this.name = 'ImportConflictError';
  }
}

type EntryChangeList = { field: string; from: string; to: string }[];

/** What later batches need of earlier ones: the ids of organizations and places created so far. */
interface WriteState {
  organizationIds: Map<string, string>;
  newLocationIds: Map<string, string>;
}

/**
 * Writes a checked plan in batches of rows to write (sized to take about 20 ms on SQLite, 250 ms on PostgreSQL), each
 * batch one transaction with its history
 * and search index entries. `onBatch` runs inside each batch's transaction (progress, audit) with the number of the
 * file's rows done once the batch commits. Between batches the event loop runs. New services stay unconfirmed; every
 * created or changed field goes into the history (`via: 'import'`).
 */
export async function writeImportPlan(
  db: Db,
  ctx: ActionContext,
  plan: ImportPlan,
  author: ImportAuthor,
  options: {
    onBatch?: (trx: Executor, done: number, total: number) => Promise<void>;
    /** A fixed number of rows to write per batch (tests); by default batches are sized by time. */
    batchRows?: number | undefined;
  } = {},
): Promise<void> {
  const total = plan.report.rows;
  const sqlite = sqliteHandleOf(db) !== null;
  const targetMs = sqlite ? SQLITE_BATCH_MS : POSTGRES_BATCH_MS;
  let size = options.batchRows ?? (sqlite ? 25 : IMPORT_BATCH_ROWS);
  const state: WriteState = { organizationIds: new Map(plan.organizationIds), newLocationIds: new Map() };
  const organizationForms = new Map(plan.newOrganizations.map((o) => [o.key, o.form]));
  let cursor = 0;
  do {
    const rows: PlannedRow[] = [];
    let end = cursor;
    while (end < plan.rows.length && rows.length < size) {
      const row = plan.rows[end++]!;
      if (row.action !== 'unchanged') rows.push(row);
    }
    // The last batch also counts trailing unchanged rows, so progress ends at the total.
    const done = end >= plan.rows.length ? total : end;
    const started = performance.now();
    const created = await db.transaction().execute(async (trx) => {
      const made = await writeRows(db, trx, ctx, rows, state, organizationForms, author);
      await options.onBatch?.(trx, done, total);
      return made;
    });
    // Only a committed batch's new organizations and places exist for the next one.
    for (const [key, id] of created.organizationIds) state.organizationIds.set(key, id);
    for (const [key, id] of created.newLocationIds) state.newLocationIds.set(key, id);
    if (options.batchRows === undefined && rows.length > 0) {
      // Sized so a batch takes about targetMs: on SQLite it holds the one connection, and every other request
      // waits for it. Measured, because a row costs ten times more on a busy machine than on a quiet one.
      const perRow = Math.max(performance.now() - started, 1) / rows.length;
      size = Math.min(MAX_BATCH_ROWS, Math.max(MIN_BATCH_ROWS, Math.round(targetMs / perRow)));
    }
    cursor = end;
    await yieldToEventLoop();
  } while (cursor < plan.rows.length);
}

/** Writes one batch of rows inside `trx`; returns the organizations and places it created. */
async function writeRows(
  db: Db,
  trx: Executor,
  ctx: ActionContext,
  rows: PlannedRow[],
  state: WriteState,
  organizationForms: Map<string, OrganizationForm>,
  author: ImportAuthor,
): Promise<WriteState> {
  const created: WriteState = { organizationIds: new Map(), newLocationIds: new Map() };
  const organizationIdOf = async (key: string): Promise<string> => {
    const known = state.organizationIds.get(key) ?? created.organizationIds.get(key);
    if (known) return known;
    const form = organizationForms.get(key);
    if (!form) throw new Error('import plan names an organization it does not create');
    const id = (await createOrganization(trx, form, { now: ctx.now })).id;
    created.organizationIds.set(key, id);
    return id;
  };
  const written: string[] = [];
  const changes: Parameters<typeof insertManyEntryChanges>[1] = [];
  const history = (entityType: 'service' | 'location', entityId: string, fields: EntryChangeList) => ({
    entityType,
    entityId,
    changedBy: author.userId,
    via: 'import',
    requestId: author.requestId,
    changes: fields,
  });
  const creates: { organizationId: string; form: ServiceForm; externalId: string }[] = [];
  for (const row of rows) {
    const organizationId = await organizationIdOf(row.organizationKey);
    let form = row.form;
    if (row.location?.kind === 'new') {
      let locationId =
        state.newLocationIds.get(row.location.key) ?? created.newLocationIds.get(row.location.key);
      if (!locationId) {
        locationId = await insertLocation(trx, organizationId, row.location.fields, { now: ctx.now });
        changes.push(history('location', locationId, diffFields({}, locationToFields(row.location.fields))));
        created.newLocationIds.set(row.location.key, locationId);
      }
      form = { ...form, locationIds: [locationId] };
    }
    if (row.existing) {
      const fields = diffFields(serviceToFields(row.existing), serviceFormToFields(form));
      const saved = await updateServiceIfCurrent(trx, row.existing.id, row.existing.version, form, {
        freePlacesChanged: fields.some((change) => change.field === 'freePlaces'),
        now: ctx.now,
      });
      // Throwing rolls this batch back; earlier batches stay, and a resumed import compares with them.
      if (!saved) throw new ImportConflictError(row.externalId);
      changes.push(history('service', row.existing.id, fields));
      written.push(row.existing.id);
    } else {
      creates.push({ organizationId, form, externalId: row.externalId });
    }
  }
  // New services go in with a few multi-row statements per batch instead of several statements per service.
  const newIds = await insertNewServices(trx, creates, ctx.now);
  newIds.forEach((id, index) => {
    written.push(id);
    changes.push(history('service', id, diffFields({}, serviceFormToFields(creates[index]!.form))));
  });
  await insertManyEntryChanges(trx, changes, ctx.now);
  await markServicesImported(trx, written, author.importId, ctx.now);
  // The SQLite index is written through the database's own connection, inside this transaction.
  for (const ids of chunk(written)) await reindexServices(db, trx, ids, ctx.now);
  return created;
}

/** Whether the context may import: coordinators and admins on the web, the system (command line, jobs) always. */
function mayImport(ctx: ActionContext): boolean {
  if (ctx.actor.kind === 'system') return true;
  const user = userOf(ctx);
  return user !== null && can(user, 'directory.import', { type: 'import' });
}

/**
 * Imports a file directly (the command line; tests): checks it, then writes it in batches with one audit entry.
 * Invalid when any row has a problem (nothing is written); a conflict when a service changed during the write
 * (the batches before it stay; running the import again resumes).
 */
export async function commitImport(
  db: Db,
  ctx: ActionContext,
  text: string,
  options: {
    /** Progress of the check (rows read of the file's rows). */
    onCheck?: ImportProgress;
    /** The check's report, before anything is written (the command line prints it). */
    onChecked?: (report: ImportReport) => void;
    /** Progress of the write (rows done once each batch committed). */
    onProgress?: ImportProgress;
    /** Mappings for cells the resolver cannot decide (a mapping file); saved as aliases when the import runs. */
    choices?: MappingChoice[];
  } = {},
): Promise<Result<ImportReport>> {
  if (!mayImport(ctx)) return notFound();
  const choices = options.choices ?? [];
  const checked = await checkMappingChoices(db, choices);
  if (!checked.ok) return checked;
  const plan = await planImport(db, text, { onProgress: options.onCheck, choices });
  options.onChecked?.(plan.report);
  if (plan.report.problems.length > 0) return invalid(importProblemErrors(plan.report));
  if (choices.length > 0) {
    await db.transaction().execute(async (trx) => {
      for (const choice of choices) await saveAlias(db, trx, ctx, choice);
    });
  }
  const author = { userId: userOf(ctx)?.id ?? null, requestId: ctx.requestId, importId: newId() };
  let audited = false;
  try {
    await writeImportPlan(db, ctx, plan, author, {
      onBatch: async (trx, done, total) => {
        if (!audited) {
          await recordAudit(trx, ctx, { action: 'directory.import', objectType: 'import', objectId: null });
          audited = true;
        }
        await options.onProgress?.(done, total);
      },
    });
  } catch (error) {
    if (error instanceof ImportConflictError) return conflict(error.message);
    throw error;
  }
  return ok(plan.report);
}

/** Stores an uploaded file as an import job to be checked by the jobs runner (the page then shows its progress). */
export async function uploadImport(
  db: Executor,
  ctx: ActionContext,
  input: ImportUpload,
): Promise<Result<{ id: string }>> {
  if (!mayImport(ctx)) return notFound();
  // A NUL character cannot be stored in PostgreSQL text and never belongs in a partner list.
  if (input.csv.includes('\u0000')) {
    return invalid({
      datei:
        'Die Datei enthält Nullzeichen und ist wohl keine Textdatei. Bitte speichern Sie sie in Excel als ' +
        '„CSV UTF-8“ oder „Unicode-Text“.',
    });
  }
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await insertImportJob(
      trx,
      {
        id,
        fileName: input.fileName || 'import.csv',
        csv: input.csv,
        createdBy: userOf(ctx)?.id ?? null,
        requestId: ctx.requestId,
      },
      ctx.now,
    );
  });
  return ok({ id });
}

/**
 * Starts a checked import (or resumes one that stopped part-way): queues it for the jobs runner and records the
 * audit entry. Refused when the check found problems or the import already ran.
 */
export async function startImport(
  db: Executor,
  ctx: ActionContext,
  input: ImportStart,
): Promise<Result<ImportJob>> {
  if (!mayImport(ctx)) return notFound();
  return db.transaction().execute(async (trx) => {
    const job = await findImportJob(trx, input.auftrag);
    if (!job) return notFound();
    if (!canStartImportJob(job)) {
      return refused(
        job.report && job.report.problems.length > 0
          ? 'Die Datei hat Fehler und kann so nicht importiert werden. Bitte korrigieren Sie sie und laden Sie sie neu hoch.'
          : 'Dieser Import läuft schon oder ist abgeschlossen. Für neue Daten laden Sie die Datei bitte neu hoch.',
      );
    }
    if (!(await queueImportJob(trx, job.id, ['checked', 'failed'], userOf(ctx)?.id ?? null, ctx.now))) {
      return conflict('Der Import wurde gerade schon gestartet.', job);
    }
    await recordAudit(trx, ctx, { action: 'directory.import', objectType: 'import', objectId: job.id });
    return ok({ ...job, status: 'queued' as const });
  });
}
