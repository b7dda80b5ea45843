/**
 * The HSDS tabular package (Frictionless Tabular Data Package): one CSV file per HSDS object, related by id columns,
 * with the `datapackage.json` of HSDS 3.0 (vendored) narrowed to the files written and widened by the profile's
 * columns (services' flags, service_capacities.csv).
 * @module
 */
import type { HsdsObject } from './mapping';

type Obj = Record<string, unknown>;
const arr = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const scalar = (object: Obj): Obj =>
  Object.fromEntries(Object.entries(object).filter(([, v]) => v === null || typeof v !== 'object'));

/** The package's files (name → text) for fully nested services. */
export function tabularFiles(services: HsdsObject[], datapackage: HsdsObject): Record<string, string> {
  const tables = new Map<string, Map<string, Obj>>();
  const add = (resource: string, row: Obj) => {
    const table = tables.get(resource) ?? new Map<string, Obj>();
    table.set(String(row['id']), { ...table.get(String(row['id'])), ...scalar(row) });
    tables.set(resource, table);
  };
  for (const service of services as Obj[]) {
    const serviceId = service['id'];
    add('organization', service['organization'] as Obj);
    add('service', service);
    for (const phone of arr(service['phones'])) add('phone', { ...phone, service_id: serviceId });
    for (const contact of arr(service['contacts'])) {
      add('contact', { ...contact, service_id: serviceId });
      for (const phone of arr(contact['phones'])) add('phone', { ...phone, contact_id: contact['id'] });
    }
    for (const schedule of arr(service['schedules'])) add('schedule', schedule);
    for (const language of arr(service['languages'])) add('language', language);
    for (const document of arr(service['required_documents'])) add('required_document', document);
    for (const capacity of arr(service['capacities'])) {
      const unit = capacity['unit'] as Obj;
      add('service_capacity', { ...capacity, unit_id: unit['id'], unit_name: unit['name'] });
    }
    for (const attribute of arr(service['attributes'])) {
      add('attribute', attribute);
      add('taxonomy_term', attribute['taxonomy_term'] as Obj);
    }
    for (const at of arr(service['service_at_locations'])) {
      add('service_at_location', at);
      const location = at['location'] as Obj;
      add('location', location);
      for (const address of arr(location['addresses'])) add('address', address);
    }
  }
  const resources = arr(datapackage['resources']);
  const files: Record<string, string> = {};
  const written: Obj[] = [];
  for (const [name, table] of tables) {
    const resource = resources.find((r) => r['name'] === name);
    const known = resource ? arr((resource['schema'] as Obj)['fields']).map((f) => String(f['name'])) : [];
    const extra = [...new Set([...table.values()].flatMap((row) => Object.keys(row)))].filter(
      (k) => !known.includes(k),
    );
    const columns = [...known, ...extra];
    const path = resource
      ? String(resource['path'])
      : `${name === 'service_capacity' ? 'service_capacities' : name}.csv`;
    const rows = [...table.values()].sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
    files[path] =
      [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\r\n') +
      '\r\n';
    const fields = [
      ...(resource ? arr((resource['schema'] as Obj)['fields']) : []),
      ...extra.map((k) => ({ name: k, type: 'string', description: 'German profile (JMD Partnernetz)' })),
    ];
    written.push({
      ...(resource ?? { name, format: 'csv', mediatype: 'text/csv', profile: 'tabular-data-resource' }),
      path,
      schema: { ...((resource?.['schema'] as Obj) ?? { primaryKey: 'id' }), fields },
    });
  }
  files['datapackage.json'] =
    JSON.stringify({ ...datapackage, name: 'jmd-partnernetz-hsds', resources: written }, null, 2) + '\n';
  return files;
}

const NUMBERS = new Set([
  'minimum_age',
  'maximum_age',
  'latitude',
  'longitude',
  'available',
  'maximum',
  'extension',
]);
const BOOLEANS = new Set(['free_of_charge', 'wheelchair_accessible', 'closed_on_holidays']);

/** One CSV row as an HSDS object: empty cells left out, numbers and the profile's flags typed. */
function typed(cells: Record<string, string>): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(cells)) {
    if (value === '') continue;
    if (NUMBERS.has(key) && Number.isFinite(Number(value))) out[key] = Number(value);
    else if (BOOLEANS.has(key)) out[key] = value === 'true';
    else out[key] = value;
  }
  return out;
}

/**
 * The fully nested services of a tabular package (file name → text), as the JSON import reads them; a German
 * message when the package has no services.csv or a file cannot be read.
 */
export function servicesOfTabular(
  files: Record<string, string>,
  parse: (
    text: string,
  ) => { ok: true; rows: { cells: Record<string, string> }[] } | { ok: false; error: string; line: number },
): { services: Obj[] } | { error: string } {
  const tables = new Map<string, Obj[]>();
  for (const [name, text] of Object.entries(files)) {
    if (!name.endsWith('.csv')) continue;
    const base = name.split('/').pop()!;
    const parsed = parse(text);
    if (!parsed.ok) return { error: `${base}, Zeile ${parsed.line}: ${parsed.error}` };
    tables.set(
      base,
      parsed.rows.map((row) => typed(row.cells)),
    );
  }
  if (!tables.has('services.csv')) return { error: 'Das Paket enthält keine services.csv.' };
  const rows = (file: string) => tables.get(file) ?? [];
  const by = (file: string, key: string) => {
    const map = new Map<string, Obj[]>();
    for (const row of rows(file)) {
      const id = String(row[key] ?? '');
      if (id !== '') map.set(id, [...(map.get(id) ?? []), row]);
    }
    return map;
  };
  const organizations = new Map(rows('organizations.csv').map((o) => [String(o['id']), o]));
  const locations = new Map(rows('locations.csv').map((l) => [String(l['id']), l]));
  const terms = new Map(rows('taxonomy_terms.csv').map((t) => [String(t['id']), t]));
  const phonesOfService = by('phones.csv', 'service_id');
  const phonesOfContact = by('phones.csv', 'contact_id');
  const contacts = by('contacts.csv', 'service_id');
  const schedules = by('schedules.csv', 'service_id');
  const languages = by('languages.csv', 'service_id');
  const documents = by('required_documents.csv', 'service_id');
  const capacities = by('service_capacities.csv', 'service_id');
  const attributes = by('attributes.csv', 'link_id');
  const places = by('service_at_location.csv', 'service_id');
  const addresses = by('addresses.csv', 'location_id');
  const services = rows('services.csv').map((service) => {
    const id = String(service['id']);
    const organization = organizations.get(String(service['organization_id']));
    return {
      ...service,
      ...(organization && { organization }),
      phones: phonesOfService.get(id) ?? [],
      contacts: (contacts.get(id) ?? []).map((c) => ({
        ...c,
        phones: phonesOfContact.get(String(c['id'])) ?? [],
      })),
      schedules: schedules.get(id) ?? [],
      languages: languages.get(id) ?? [],
      required_documents: documents.get(id) ?? [],
      capacities: (capacities.get(id) ?? []).map(({ unit_id, unit_name, ...capacity }) => ({
        ...capacity,
        unit: { id: unit_id, name: unit_name },
      })),
      attributes: (attributes.get(id) ?? []).map((a) => {
        const term = terms.get(String(a['taxonomy_term_id']));
        return term ? { ...a, taxonomy_term: term } : a;
      }),
      service_at_locations: (places.get(id) ?? []).map((at) => {
        const location = locations.get(String(at['location_id']));
        return location
          ? { ...at, location: { ...location, addresses: addresses.get(String(location['id'])) ?? [] } }
          : at;
      }),
    };
  });
  return { services };
}
