/**
 * The HSDS 3.0 schemas (vendored from openreferral/specification, see vendor/hsds/NOTE.md) with the German profile
 * applied, and Ajv validators for them (JSON Schema draft 2020-12). The profile is a set of JSON Merge Patch files
 * (src/lib/hsds/profile/*.json), one per HSDS object, named like the object's schema file; applying it to a compiled
 * schema patches every place the object occurs in it (the compiled schemas keep each object's `name`).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { mergePatch, type Json } from './merge-patch';
import addressPatch from './profile/address.json';
import openapiPatch from './profile/openapi.json';
import servicePatch from './profile/service.json';
import taxonomyTermPatch from './profile/taxonomy_term.json';

/** The HSDS version this API follows. */
export const HSDS_VERSION = '3.0';

/** The profile's patches by HSDS object name (the file is `<name>.json`). */
export const PROFILE_PATCHES: Record<string, Json> = {
  address: addressPatch as Json,
  service: servicePatch as Json,
  taxonomy_term: taxonomyTermPatch as Json,
};

/** The patch of the API description. */
export const OPENAPI_PATCH = openapiPatch as Json;

/** The schema files the API serves under /api/hsds/schema/ (compiled ones with the profile applied). */
export const SCHEMA_FILES = [
  'compiled/service.json',
  'compiled/service_list.json',
  'compiled/organization.json',
  'compiled/organization_list.json',
  'compiled/service_at_location.json',
  'compiled/service_at_location_list.json',
  'taxonomy.json',
  'taxonomy_term.json',
  'metadata.json',
] as const;
export type SchemaFile = (typeof SCHEMA_FILES)[number];

/** Where the vendored schemas live (the repository's vendor/ folder; scripts and the server run from its root). */
export function vendorDir(): string {
  return path.join(process.cwd(), 'vendor', 'hsds', '3.0');
}

const SCHEMA_BASE = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/';

/** Reads one vendored file as it came from the specification. */
export function readVendored(file: string): Json {
  return JSON.parse(fs.readFileSync(path.join(vendorDir(), file), 'utf8')) as Json;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Applies the profile to a schema: every object schema whose `name` has a patch gets it, then its parts do. */
export function applyProfile(schema: Json, patches: Record<string, Json> = PROFILE_PATCHES): Json {
  if (Array.isArray(schema)) return schema.map((item) => applyProfile(item, patches));
  if (!isObject(schema)) return schema;
  let node: Json = schema;
  const name = schema['name'];
  if (schema['type'] === 'object' && typeof name === 'string' && patches[name] !== undefined) {
    node = mergePatch(schema, patches[name]!);
  }
  if (!isObject(node)) return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) out[key] = applyProfile(value, patches);
  return out;
}

const profileCache = new Map<string, Json>();

/** A schema file with the German profile applied (cached). */
export function profileSchema(file: SchemaFile): Json {
  let schema = profileCache.get(file);
  if (!schema) {
    schema = applyProfile(readVendored(file));
    profileCache.set(file, schema);
  }
  return schema;
}

/** The validators the API's responses and the import are checked with. */
export type ValidatorName =
  | 'service'
  | 'service_list'
  | 'organization'
  | 'organization_list'
  | 'service_at_location'
  | 'service_at_location_list'
  | 'taxonomy'
  | 'taxonomy_term'
  | 'page';

const FILE_OF: Record<Exclude<ValidatorName, 'page'>, SchemaFile> = {
  service: 'compiled/service.json',
  service_list: 'compiled/service_list.json',
  organization: 'compiled/organization.json',
  organization_list: 'compiled/organization_list.json',
  service_at_location: 'compiled/service_at_location.json',
  service_at_location_list: 'compiled/service_at_location_list.json',
  taxonomy: 'taxonomy.json',
  taxonomy_term: 'taxonomy_term.json',
};

// Keywords of the HSDS schema files that are no JSON Schema keywords (table serialisation, documentation).
const HSDS_KEYWORDS = [
  'name',
  'path',
  'core',
  'constraints',
  'example',
  'datapackage_metadata',
  'datapackage_type',
  'tabular_required',
];

let ajvInstance: Ajv2020 | null = null;

/** One Ajv in 2020-12 mode with formats (uuid, uri, email, date-time), holding every schema of the profile. */
function ajv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  const instance = new Ajv2020({ allErrors: true, strict: true });
  // ajv-formats is CommonJS; its default export arrives wrapped in some bundlers.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(instance);
  instance.addVocabulary(HSDS_KEYWORDS);
  for (const file of SCHEMA_FILES) {
    instance.addSchema({ ...(profileSchema(file) as object), $id: SCHEMA_BASE + file });
  }
  const page = (readVendored('openapi.json') as { components: { schemas: { Page: Json } } }).components
    .schemas.Page as { [key: string]: Json };
  instance.addSchema({
    ...page,
    $id: `${SCHEMA_BASE}page.json`,
    required: [
      'total_items',
      'total_pages',
      'page_number',
      'size',
      'first_page',
      'last_page',
      'empty',
      'contents',
    ],
    properties: { ...(page['properties'] as object), contents: { type: 'array' } },
  });
  ajvInstance = instance;
  return instance;
}

const validators = new Map<string, ValidateFunction>();

/** The validator of one kind of object (`page` checks a page's fields, not its contents). */
export function validatorFor(name: ValidatorName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const id = name === 'page' ? `${SCHEMA_BASE}page.json` : SCHEMA_BASE + FILE_OF[name];
    validate = ajv().getSchema(id)!;
    validators.set(name, validate);
  }
  return validate;
}

/** One problem of a value against a schema, as a short text (`/phones/0/number: must be string`). */
export function validate(name: ValidatorName, value: unknown): string[] {
  const check = validatorFor(name);
  if (check(value)) return [];
  return (check.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message ?? 'ungültig'}`);
}

/** Checks a page of the API: the page's fields and each item of `contents` against `item`. */
export function validatePage(item: ValidatorName, page: { contents?: unknown }): string[] {
  const problems = validate('page', page);
  const contents = Array.isArray(page.contents) ? page.contents : [];
  contents.forEach((entry, index) => {
    for (const problem of validate(item, entry)) problems.push(`/contents/${index}${problem}`);
  });
  return problems;
}

/** The API description: HSDS's openapi.json with the profile's patch, its server at `baseUrl`. */
export function profileOpenApi(apiBaseUrl: string): Json {
  const merged = mergePatch(readVendored('openapi.json'), OPENAPI_PATCH) as { [key: string]: Json };
  return {
    ...merged,
    servers: [{ url: apiBaseUrl }],
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
