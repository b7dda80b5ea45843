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
