/**
 * Exchanging the whole directory in HSDS (docs/api.md): the export as one JSON page of fully nested services, as
 * ndjson (one service per line), or as the tabular package (CSV files + datapackage.json, zipped); the import of an
 * HSDS JSON or ndjson document through the CSV import's pipeline (src/lib/directory/import.service.ts): each service
 * becomes one import row whose `externe_id` is its HSDS id, so the import has the same dry run, writes nothing when a
 * row has a problem, is idempotent by HSDS id, and maps categories by key (`code`) or German name.
 * @module
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { parseCsv } from '../directory/csv';
import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { conflict, invalid, notFound, ok, type Result } from '../action/result';
import type { Db } from '../db/create-db';
import { chunk } from '../db/chunk';
import {
  commitImport,
  dryRunImport,
  IMPORT_COLUMNS,
  ImportConflictError,
  type ImportReport,
} from '../directory/import.service';
import { OrganizationFormSchema } from '../directory/organization';
import { organizationToFormValues } from '../directory/organization-form';
import { updateOrganization } from '../directory/organization.queries';
import {
  diffFields,
  LocationFormSchema,
  locationToFields,
  ServiceFormSchema,
  serviceFormToFields,
  serviceToFields,
  serviceToFormValues,
} from '../directory/service';
import { reindexServices } from '../search/indexer';
import { mayExchangeDirectory } from './policy';
import { formatOpeningHours, WEEKDAYS, type OpeningRule, type Weekday } from '../directory/opening-hours';
import {
  findService,
  findServiceIdByExternalId,
  insertEntryChanges,
  insertLocation,
  updateServiceIfCurrent,
} from '../directory/service.queries';
import { loadReadContext, loadServices } from './directory-read';
import { assignServiceExternalIds, insertHsdsIdentities, listAllPublishedServices } from './hsds.queries';
import { isUuid } from './ids';
import { serviceFullObject, statusFromHsds, type HsdsObject } from './mapping';
import { readVendored, validate } from './schema';
import { servicesOfTabular, tabularFiles } from './tabular';

export type ExportFormat = 'json' | 'ndjson' | 'zip';

/** Every published service (only the public ones with `publicOnly`), fully nested, in name order. */
export async function exportServices(db: Db, options: { publicOnly: boolean }): Promise<HsdsObject[]> {
  const read = await loadReadContext(db);
  const ids = (await listAllPublishedServices(db, { publicOnly: options.publicOnly })).map((s) => s.id);
  const { services, locations } = await loadServices(db, ids);
  const key = (o: HsdsObject) => `${String(o['name'])}\u0000${String(o['id'])}`;
  // Sorted by name and HSDS id (not by our row ids), so two directories with the same content export the same file.
  return services
    .map((service) =>
      serviceFullObject(
        service,
        { organization: read.organizations.get(service.organizationId)!, locations, terms: read.terms },
        read.ids,
      ),
    )
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The export as a file: its bytes (or text), type and name. */
export async function exportDirectory(
  db: Db,
  options: { publicOnly: boolean; format: ExportFormat },
): Promise<{ body: string | Uint8Array; contentType: string; fileName: string }> {
  const services = await exportServices(db, options);
  if (options.format === 'ndjson') {
    return {
      body: services.map((s) => JSON.stringify(s)).join('\n') + (services.length ? '\n' : ''),
      contentType: 'application/x-ndjson; charset=utf-8',
      fileName: 'hsds-angebote.ndjson',
    };
  }
  if (options.format === 'zip') {
    const files = tabularFiles(services, readVendored('datapackage.json') as HsdsObject);
    const zip = zipSync(
      Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])),
    );
    return { body: zip, contentType: 'application/zip', fileName: 'hsds-tabellen.zip' };
  }
  const n = services.length;
  const page = {
    total_items: n,
    total_pages: n === 0 ? 0 : 1,
    page_number: 1,
    size: n,
    first_page: true,
    last_page: true,
    empty: n === 0,
    contents: services,
  };
  return {
    body: JSON.stringify(page, null, 2) + '\n',
    contentType: 'application/json',
    fileName: 'hsds-angebote.json',
  };
}

/** The services of an HSDS document: a page (`contents`), a list, one service, or ndjson lines. */
export function servicesOfDocument(text: string): { services: unknown[] } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'Die Datei ist leer.' };
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return { services: parsed };
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      Array.isArray((parsed as { contents?: unknown }).contents)
    ) {
      return { services: (parsed as { contents: unknown[] }).contents };
    }
    return { services: [parsed] };
  } catch {
    // not one JSON document: ndjson, one service per line
  }
  const services: unknown[] = [];
  for (const [index, line] of trimmed.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      services.push(JSON.parse(line));
    } catch {
      return {
        error: `Zeile ${index + 1} ist kein JSON. Erwartet wird HSDS-JSON oder ndjson (ein Angebot je Zeile).`,
      };
    }
  }
  return { services };
}

type Obj = Record<string, unknown>;
const asObj = (value: unknown): Obj => (typeof value === 'object' && value !== null ? (value as Obj) : {});
const arr = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(asObj) : []);
const str = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
const yesNo = (value: unknown): string => (value === true ? 'ja' : value === false ? 'nein' : '');

function csvCell(value: string): string {
  return /[";\n\r]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

const GERMAN_STATUS = {
  active: 'aktiv',
  temporarily_closed: 'voruebergehend geschlossen',
  inactive: 'eingestellt',
};

/** One HSDS service as a row of the CSV import (column → text). */
export function importRowOf(service: Obj): Record<string, string> {
  const organization = asObj(service['organization']);
  const contact = arr(service['contacts'])[0] ?? {};
  const rules: OpeningRule[] = arr(service['schedules'])
    .filter((s) => str(s['freq'] ?? 'WEEKLY') === 'WEEKLY')
    .flatMap((s) =>
      str(s['byday'])
        .split(',')
        .map((day) => day.trim().toUpperCase())
        .filter((day): day is Weekday => (WEEKDAYS as readonly string[]).includes(day))
        .map((weekday) => ({
          weekday,
          opensAt: str(s['opens_at']).slice(0, 5),
          closesAt: str(s['closes_at']).slice(0, 5),
        })),
    );
  const categories = arr(service['attributes'])
    .map((a) => asObj(a['taxonomy_term']))
    .map((term) => str(term['code']) || str(term['name']))
    .filter((text) => text !== '');
  return {
    externe_id: str(service['id']),
    organisation: str(organization['name']),
    name: str(service['name']),
    kategorie: categories.join(', '),
    beschreibung: str(service['description']),
    telefon: str(arr(service['phones'])[0]?.['number']),
    email: str(contact['email']),
    webseite: str(organization['website']),
    sprachen: arr(service['languages'])
      .map((l) => str(l['code']) || str(l['name']))
      .filter((c) => c !== '')
      .join(', '),
    alter_von: str(service['minimum_age']),
    alter_bis: str(service['maximum_age']),
    kostenlos: yesNo(service['free_of_charge']),
    oeffnungszeiten: rules.length
      ? formatOpeningHours({ rules, closedOnHolidays: service['closed_on_holidays'] === true })
      : '',
    barrierefrei: yesNo(service['wheelchair_accessible']),
    mitbringen: arr(service['required_documents'])
      .map((d) => str(d['document']))
      .filter((d) => d !== '')
      .join('\n'),
    so_vermitteln: str(service['application_process']),
    freie_plaetze: str(arr(service['capacities'])[0]?.['available']),
    ansprechperson: str(contact['name']),
    status: GERMAN_STATUS[statusFromHsds(str(service['status']))],
  };
}

// Places are not passed as address columns: a service may have several, and they are matched by HSDS id, not by
// address (completeImport writes them). Without address columns the CSV import keeps a service's stored places.
const CSV_COLUMNS = IMPORT_COLUMNS.filter(
  (column) => !['strasse', 'plz', 'ort', 'stadtteil', 'breitengrad', 'laengengrad'].includes(column),
);

/** The HSDS services as the CSV import's text (semicolon-separated); `externalIds` renames a service's HSDS id. */
export function importCsvOf(services: Obj[], externalIds: ReadonlyMap<string, string> = new Map()): string {
  const lines = [CSV_COLUMNS.join(';')];
  for (const service of services) {
    const row = importRowOf(service);
    row['externe_id'] = externalIds.get(row['externe_id']!) ?? row['externe_id']!;
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column] ?? '')).join(';'));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Schema problems of the document's services (against the profile's compiled service.json), German. */
export function documentProblems(services: unknown[]): string[] {
  const problems: string[] = [];
  services.forEach((service, index) => {
    for (const problem of validate('service', service).slice(0, 5)) {
      problems.push(`Angebot ${index + 1}: ${problem} (HSDS-Schema service.json)`);
    }
    const id = str(asObj(service)['id']);
    if (id !== '' && !isUuid(id)) problems.push(`Angebot ${index + 1}: die id „${id}“ ist keine UUID.`);
  });
  return problems;
}

/** What the CSV import has no column for: the rest of the service and its places, as the directory's forms read them. */
function complementOf(service: Obj): {
  values: Record<string, string>;
  places: { hsdsId: string; fields: Record<string, string> }[];
} {
  const contact = arr(service['contacts'])[0] ?? {};
  return {
    values: {
      eligibilityNotes: str(service['eligibility_description']),
      feesDescription: str(service['fees_description']),
      accessibility: str(service['accessibility_description']),
      contactTitle: str(contact['title']),
      contactPhone: str(arr(contact['phones'])[0]?.['number']),
    },
    places: arr(service['service_at_locations']).map((at) => {
      const place = asObj(at['location']);
      const address = arr(place['addresses'])[0] ?? {};
      return {
        hsdsId: str(place['id']).toLowerCase(),
        fields: {
          name: str(place['name']),
          street: str(address['address_1']),
          postcode: str(address['postal_code']),
          city: str(address['city']),
          district: str(address['district']),
          latitude: str(place['latitude']),
          longitude: str(place['longitude']),
          transitNotes: str(place['transportation']),
        },
      };
    }),
  };
}

/** Problems of the parts completeImport writes (checked before anything is written, so nothing half-imports). */
export function complementProblems(services: Obj[]): string[] {
  const problems: string[] = [];
  services.forEach((service, index) => {
    const { values, places } = complementOf(service);
    const contactName = str(arr(service['contacts'])[0]?.['name']);
    const checked = ServiceFormSchema.safeParse({ name: 'Prüfung', ...values, contactName });
    if (!checked.success) {
      for (const issue of checked.error.issues)
        problems.push(`Angebot ${index + 1} („${str(service['name'])}“): ${issue.message}`);
    }
    places.forEach((place, n) => {
      if (!isUuid(place.hsdsId)) problems.push(`Angebot ${index + 1}, Ort ${n + 1}: die id ist keine UUID.`);
      const location = LocationFormSchema.safeParse(place.fields);
      if (!location.success) {
        for (const issue of location.error.issues)
          problems.push(`Angebot ${index + 1}, Ort ${n + 1}: ${issue.message}`);
      }
    });
  });
  return problems;
}

const problemsResult = (problems: string[]): Result<never> =>
  invalid(
    Object.fromEntries([
      ['_form', `${problems.length} Fehler – so wird nichts importiert.`],
      ...problems.map((p, i) => [`problem-${i}`, p]),
    ]),
  );

/**
 * After the CSV import wrote a document's services: records their HSDS ids, writes their places (matched by HSDS id;
 * new ones are created for the service's organization) and the fields the CSV has no column for, and fills in the
 * description, e-mail and website of organizations this import created. One transaction; history `via: 'import'`.
 */
async function completeImport(
  db: Db,
  ctx: ActionContext,
  services: Obj[],
  report: ImportReport,
  externalIds: ReadonlyMap<string, string>,
): Promise<void> {
  const created = new Set(report.newOrganizations.map((name) => name.trim().toLocaleLowerCase('de')));
  const author = { changedBy: userOf(ctx)?.id ?? null, via: 'import', requestId: ctx.requestId, at: ctx.now };
  await db.transaction().execute(async (trx) => {
    const read = await loadReadContext(trx);
    const placeIds = new Map<string, string>();
    const changed: string[] = [];
    for (const service of services) {
      const localId = await findServiceIdByExternalId(
        trx,
        externalIds.get(str(service['id'])) ?? str(service['id']),
      );
      const existing = localId ? await findService(trx, localId) : null;
      if (!localId || !existing) continue;
      await insertHsdsIdentities(trx, 'service', [{ localId, hsdsId: str(service['id']).toLowerCase() }]);
      const organization = asObj(service['organization']);
      const organizationHsdsId = str(organization['id']).toLowerCase();
      const stored = read.organizations.get(existing.organizationId);
      // Only an organization this import created takes over the document's id and details; an existing one keeps its
      // own (its id is what our consumers know it by).
      if (stored && created.has(stored.name.trim().toLocaleLowerCase('de'))) {
        if (isUuid(organizationHsdsId)) {
          await insertHsdsIdentities(trx, 'organization', [
            { localId: stored.id, hsdsId: organizationHsdsId },
          ]);
        }
        const form = OrganizationFormSchema.safeParse({
          ...organizationToFormValues(stored),
          description: str(organization['description']),
          email: str(organization['email']),
          website: str(organization['website']),
        });
        if (form.success) {
          const saved = await updateOrganization(trx, stored.id, stored.version, form.data, ctx.now);
          if (saved) read.organizations.set(saved.id, saved);
        }
      }
      const { values, places } = complementOf(service);
      const locationIds: string[] = [];
      for (const place of places) {
        let local = placeIds.get(place.hsdsId) ?? (await read.localIdOf('location', place.hsdsId));
        const fields = LocationFormSchema.parse(place.fields);
        if (!local) {
          local = await insertLocation(trx, existing.organizationId, fields, { now: ctx.now });
          await insertEntryChanges(
            trx,
            { entityType: 'location', entityId: local, ...author },
            diffFields({}, locationToFields(fields)),
          );
          await insertHsdsIdentities(trx, 'location', [{ localId: local, hsdsId: place.hsdsId }]);
        }
        placeIds.set(place.hsdsId, local);
        locationIds.push(local);
      }
      // Languages as codes: the form's German names would read `ku` back as `kmr`.
      const form = ServiceFormSchema.parse({
        ...serviceToFormValues(existing),
        languages: existing.languages.join(', '),
        ...values,
        locationIds,
      });
      const changes = diffFields(serviceToFields(existing), serviceFormToFields(form));
      if (changes.length === 0) continue;
      if (
        !(await updateServiceIfCurrent(trx, existing.id, existing.version, form, {
          freePlacesChanged: false,
          now: ctx.now,
        }))
      ) {
        throw new ImportConflictError(str(service['id']));
      }
      await insertEntryChanges(trx, { entityType: 'service', entityId: existing.id, ...author }, changes);
      changed.push(existing.id);
    }
    for (const ids of chunk(changed)) await reindexServices(db, trx, ids, ctx.now);
  });
}

/** Ends a dry run's transaction, so what it assigned for the check is rolled back. */
class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/**
 * This directory's own services among the document's — an export of ours read back (their `id` is the UUID we derive
 * for them, or the one they were imported with). The CSV import recognises a service by its external id, so such a
 * service is named by its external id, and one without gets its HSDS id as external id (`assign`): a round trip then
 * updates it instead of creating a copy.
 */
async function ownServicesOf(
  db: Db,
  services: Obj[],
): Promise<{ externalIds: Map<string, string>; assign: { localId: string; externalId: string }[] }> {
  const read = await loadReadContext(db);
  const externalIds = new Map<string, string>();
  const assign: { localId: string; externalId: string }[] = [];
  for (const service of services) {
    const hsdsId = str(service['id']);
    const localId = isUuid(hsdsId) ? await read.localIdOf('service', hsdsId) : null;
    const existing = localId ? await findService(db, localId) : null;
    if (!existing) continue;
    if (existing.externalId) {
      externalIds.set(hsdsId, existing.externalId);
    } else if ((await findServiceIdByExternalId(db, hsdsId)) === null) {
      assign.push({ localId: existing.id, externalId: hsdsId });
    }
  }
  return { externalIds, assign };
}

/**
 * Imports HSDS services (from JSON, ndjson or the tabular package): schema check first, then the CSV import's check
 * and — unless `dryRun` — its write, then completeImport. Invalid (nothing written) when anything does not fit.
 */
export async function importHsdsServices(
  db: Db,
  ctx: ActionContext,
  documents: unknown[],
  options: { dryRun: boolean },
): Promise<Result<ImportReport>> {
  if (!mayExchangeDirectory(userOf(ctx)) && ctx.actor.kind !== 'system') return notFound();
  const problems = documentProblems(documents);
  if (problems.length > 0) return problemsResult(problems);
  const services = documents.map(asObj);
  const more = complementProblems(services);
  if (more.length > 0) return problemsResult(more);
  const own = await ownServicesOf(db, services);
  const csv = importCsvOf(services, own.externalIds);
  // The CSV is ours, not the user's: its problems are told by service, not by line of a file nobody has seen.
  // Own services without an external id are checked as if they had their HSDS id as one (rolled back afterwards).
  const report =
    own.assign.length === 0
      ? await dryRunImport(db, csv)
      : await db
          .transaction()
          .execute(async (trx) => {
            await assignServiceExternalIds(trx, own.assign);
            throw new DryRunDone(await dryRunImport(trx, csv));
          })
          .catch((error: unknown) => {
            if (error instanceof DryRunDone) return error.report;
            throw error;
          });
  if (report.problems.length > 0) {
    const nameOf = new Map(
      services.map((service) => [
        own.externalIds.get(str(service['id'])) ?? str(service['id']),
        str(service['name']),
      ]),
    );
    return problemsResult(
      report.problems.map((problem) => {
        const text = problem.message.replace(/^Zeile \d+(, Spalte „[^“]*“)?: /, '');
        return problem.externalId
          ? `Angebot „${nameOf.get(problem.externalId) ?? ''}“ (${problem.externalId}): ${text}`
          : text;
      }),
    );
  }
  if (options.dryRun) return ok(report);
  if (own.assign.length > 0)
    await db.transaction().execute((trx) => assignServiceExternalIds(trx, own.assign));
  const result = await commitImport(db, ctx, csv);
  if (!result.ok) return result;
  try {
    await completeImport(db, ctx, services, result.value, own.externalIds);
  } catch (error) {
    if (error instanceof ImportConflictError) return conflict(error.message);
    throw error;
  }
  return result;
}

/** Imports an HSDS document: a JSON page, a list, one service, or ndjson. */
export async function importHsdsDocument(
  db: Db,
  ctx: ActionContext,
  text: string,
  options: { dryRun: boolean },
): Promise<Result<ImportReport>> {
  const parsed = servicesOfDocument(text);
  if ('error' in parsed) return invalid({ datei: parsed.error });
  return importHsdsServices(db, ctx, parsed.services, options);
}

/** Reads an import file: a ZIP (the tabular package) or JSON / ndjson text. */
export function servicesOfFile(bytes: Uint8Array): { services: unknown[] } | { error: string } {
  // "PK\x03\x04" starts every ZIP file.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes);
    } catch {
      return { error: 'Die ZIP-Datei lässt sich nicht öffnen.' };
    }
    return servicesOfTabular(
      Object.fromEntries(Object.entries(files).map(([name, data]) => [name, strFromU8(data)])),
      parseCsv,
    );
  }
  return servicesOfDocument(strFromU8(bytes));
}
