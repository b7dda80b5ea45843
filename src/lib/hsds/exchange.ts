/**
 * Exchanging the whole directory in HSDS (docs/api.md): the export as one JSON page of fully nested services, as
 * ndjson (one service per line), or as the tabular package (CSV files + datapackage.json, zipped); the import of an
 * HSDS JSON or ndjson document through the CSV import's pipeline (src/lib/directory/import.service.ts): each service
 * becomes one import row whose `externe_id` is its HSDS id, so the import has the same dry run, writes nothing when a
 * row has a problem, is idempotent by HSDS id, and maps categories by key (`code`) or German name.
 * @module
 */
import { strToU8, zipSync } from 'fflate';
import type { ActionContext } from '../action/context';
import { invalid, ok, type Result } from '../action/result';
import type { Db } from '../db/create-db';
import { commitImport, dryRunImport, IMPORT_COLUMNS, type ImportReport } from '../directory/import.service';
import { formatOpeningHours, WEEKDAYS, type OpeningRule, type Weekday } from '../directory/opening-hours';
import { listOrganizations } from '../directory/organization.queries';
import { findService, findServiceIdByExternalId } from '../directory/service.queries';
import { loadReadContext, loadServices } from './directory-read';
import { insertHsdsIdentities, listAllPublishedServices } from './hsds.queries';
import { isUuid } from './ids';
import { serviceFullObject, statusFromHsds, type HsdsObject } from './mapping';
import { readVendored, validate } from './schema';
import { tabularFiles } from './tabular';

export type ExportFormat = 'json' | 'ndjson' | 'zip';

/** Every published service (only the public ones with `publicOnly`), fully nested, in name order. */
export async function exportServices(db: Db, options: { publicOnly: boolean }): Promise<HsdsObject[]> {
  const read = await loadReadContext(db);
  const ids = (await listAllPublishedServices(db, { publicOnly: options.publicOnly })).map((s) => s.id);
  const { services, locations } = await loadServices(db, ids);
  return services.map((service) =>
    serviceFullObject(
      service,
      { organization: read.organizations.get(service.organizationId)!, locations, terms: read.terms },
      read.ids,
    ),
  );
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
  const place = asObj(arr(service['service_at_locations'])[0]?.['location']);
  const address = arr(place['addresses'])[0] ?? {};
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
    strasse: str(address['address_1']),
    plz: str(address['postal_code']),
    ort: str(address['city']),
    stadtteil: str(address['district']),
    breitengrad: str(place['latitude']),
    laengengrad: str(place['longitude']),
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

/** The HSDS services as the CSV import's text (semicolon-separated, every column). */
export function importCsvOf(services: Obj[]): string {
  const lines = [IMPORT_COLUMNS.join(';')];
  for (const service of services) {
    const row = importRowOf(service);
    lines.push(IMPORT_COLUMNS.map((column) => csvCell(row[column] ?? '')).join(';'));
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

/**
 * Imports an HSDS document (JSON page, list, service, or ndjson): schema check first, then the CSV import's check
 * and — unless `dryRun` — its write, then the HSDS ids of the new organizations, places and services are recorded, so
 * an export gives them back unchanged. Invalid (nothing written) when anything does not fit.
 */
export async function importHsdsDocument(
  db: Db,
  ctx: ActionContext,
  text: string,
  options: { dryRun: boolean },
): Promise<Result<ImportReport>> {
  const parsed = servicesOfDocument(text);
  if ('error' in parsed) return invalid({ datei: parsed.error });
  const problems = documentProblems(parsed.services);
  if (problems.length > 0) {
    return invalid(
      Object.fromEntries([
        ['_form', `${problems.length} Fehler – so wird nichts importiert.`],
        ...problems.map((p, i) => [`angebot-${i}`, p]),
      ]),
    );
  }
  const services = parsed.services.map(asObj);
  const csv = importCsvOf(services);
  if (options.dryRun) {
    const report = await dryRunImport(db, csv);
    return report.problems.length > 0
      ? invalid(
          Object.fromEntries([
            ['_form', `${report.problems.length} Fehler – so wird nichts importiert.`],
            ...report.problems.map((p, i) => [`zeile-${i}`, p.message]),
          ]),
        )
      : ok(report);
  }
  const result = await commitImport(db, ctx, csv);
  if (!result.ok) return result;
  await db.transaction().execute(async (trx) => {
    const organizations = new Map(
      (await listOrganizations(trx, { limit: 1_000_000 })).items.map((o) => [
        o.name.trim().toLocaleLowerCase('de'),
        o.id,
      ]),
    );
    for (const service of services) {
      const hsdsId = str(service['id']).toLowerCase();
      const localId = await findServiceIdByExternalId(trx, str(service['id']));
      if (!localId) continue;
      await insertHsdsIdentities(trx, 'service', [{ localId, hsdsId }]);
      const organization = asObj(service['organization']);
      const organizationId = organizations.get(str(organization['name']).trim().toLocaleLowerCase('de'));
      if (organizationId && isUuid(str(organization['id']))) {
        await insertHsdsIdentities(trx, 'organization', [
          { localId: organizationId, hsdsId: str(organization['id']).toLowerCase() },
        ]);
      }
      const place = asObj(arr(service['service_at_locations'])[0]?.['location']);
      const stored = await findService(trx, localId);
      const locationId = stored?.locationIds[0];
      if (locationId && isUuid(str(place['id']))) {
        await insertHsdsIdentities(trx, 'location', [
          { localId: locationId, hsdsId: str(place['id']).toLowerCase() },
        ]);
      }
    }
  });
  return result;
}
