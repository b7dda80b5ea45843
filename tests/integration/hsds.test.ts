import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { userContext } from '../helpers/context';
import { seedSampleRegion } from '../../db/seed/seed';
import { loadConfig, type Config } from '../../src/lib/config/config';
import { findUserById, findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import type { User } from '../../src/lib/auth/auth';
import { handleHsdsRequest } from '../../src/lib/hsds/api';
import { createApiKey, revokeApiKey } from '../../src/lib/hsds/api-key.service';
import {
  setServicesPublic,
  listAllPublishedServices,
  listApiKeys,
  listPublishedServiceAtLocations,
  listPublishedServiceIds,
} from '../../src/lib/hsds/hsds.queries';
import { validate, validatePage, validatorFor, type ValidatorName } from '../../src/lib/hsds/schema';
import { TAXONOMY_ID } from '../../src/lib/hsds/mapping';
import type { Db } from '../../src/lib/db/create-db';

const NOW = new Date('2026-12-02T10:00:30.000Z');

/** The requests of the "Beispiele" in docs/api.md's HSDS part (the tests run every one). */
export function documentedRequests(): string[] {
  const text = fs.readFileSync('docs/api.md', 'utf8');
  const part = text.slice(text.indexOf('## HSDS'));
  return [...part.matchAll(/^GET (\/api\/hsds\/\S*)$/gm)].map((m) => m[1]!);
}

/** Which schema a documented path's answer follows. */
function schemaOf(path: string): { kind: 'page' | 'one'; item: ValidatorName } | null {
  const url = new URL(path, 'http://x');
  const parts = url.pathname
    .replace(/^\/api\/hsds\/?/, '')
    .split('/')
    .filter(Boolean);
  const full = url.searchParams.get('full') === 'true';
  const [resource, id] = parts;
  if (
    resource === undefined ||
    resource === 'profile' ||
    resource === 'schema' ||
    resource === 'openapi.json'
  )
    return null;
  if (resource === 'services')
    return id ? { kind: 'one', item: 'service' } : { kind: 'page', item: full ? 'service' : 'service_list' };
  if (resource === 'organizations')
    return id
      ? { kind: 'one', item: 'organization' }
      : { kind: 'page', item: full ? 'organization' : 'organization_list' };
  if (resource === 'taxonomies')
    return id ? { kind: 'one', item: 'taxonomy' } : { kind: 'page', item: 'taxonomy' };
  if (resource === 'taxonomy_terms')
    return id ? { kind: 'one', item: 'taxonomy_term' } : { kind: 'page', item: 'taxonomy_term' };
  if (resource === 'service_at_locations')
    return id
      ? { kind: 'one', item: 'service_at_location' }
      : { kind: 'page', item: full ? 'service_at_location' : 'service_at_location_list' };
  return null;
}

beforeAll(() => {
  // Compiling the large compiled schemas takes a while; once per process.
  for (const name of [
    'service',
    'service_list',
    'organization',
    'organization_list',
    'service_at_location',
    'service_at_location_list',
    'taxonomy',
    'taxonomy_term',
    'page',
  ] as const) {
    validatorFor(name);
  }
}, 180_000);

describe.each(testDialects)('HSDS API on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let db: Db;
  let config: Config;
  let admin: User;
  let allKey: string;
  let publicKey: string;
  let hiddenServiceHsdsId: string;

  const call = async (
    path: string,
    options: { key?: string | null; user?: User | null; config?: Config; now?: Date; address?: string } = {},
  ) => {
    const headers = new Headers();
    const key = options.key === undefined ? allKey : options.key;
    if (key) headers.set('Authorization', `Bearer ${key}`);
    return handleHsdsRequest(
      { db, config: options.config ?? config },
      {
        url: new URL(`http://localhost:4321${path}`),
        headers,
        user: options.user ?? null,
        now: options.now ?? NOW,
        address: options.address ?? '192.0.2.1',
      },
    );
  };
  const getJson = async (path: string, options: Parameters<typeof call>[1] = {}) => {
    const response = await call(path, options);
    const body = response.headers.get('content-type')?.includes('ndjson')
      ? await response.text()
      : await response.json();
    return { status: response.status, body, response };
  };
  const expectValid = (path: string, body: unknown) => {
    const schema = schemaOf(path);
    if (!schema) return;
    const problems =
      typeof body === 'string'
        ? body
            .trim()
            .split('\n')
            .flatMap((line) => validate(schema.item, JSON.parse(line)))
        : schema.kind === 'page'
          ? validatePage(schema.item, body as { contents?: unknown })
          : validate(schema.item, body);
    expect(problems, `${path}: ${problems.slice(0, 5).join('; ')}`).toEqual([]);
  };

  beforeAll(async () => {
    test = await createTestDb(dialect);
    db = test.db;
    config = loadConfig({ DATABASE_URL: test.url, HSDS_RATE_LIMIT: '1000' });
    await seedSampleRegion(db);
    admin = (await findUserById(db, (await findUserRowByEmail(db, 'admin@partnernetz.example'))!.id))!;
    const ctx = userContext(admin, { now: NOW });
    const all = await createApiKey(db, ctx, { name: 'Nachbarregion', scope: 'all', expires: '' });
    const pub = await createApiKey(db, ctx, {
      name: 'Open-Data-Portal',
      scope: 'public',
      expires: '2027-01-01',
    });
    if (!all.ok || !pub.ok) throw new Error('keys not created');
    allKey = all.value.key;
    publicKey = pub.value.key;
    // Every service public but one.
    await setServicesPublic(db, 'all', true);
    const page = await getJson('/api/hsds/services?per_page=1');
    hiddenServiceHsdsId = page.body.contents[0].id;
    const rows = await db.selectFrom('service').select('id').orderBy('name').orderBy('id').limit(1).execute();
    await setServicesPublic(db, [rows[0]!.id], false);
  });
  afterAll(async () => test?.drop());

  it('answers every documented example with a response valid against the official schemas with the profile', async () => {
    const requests = documentedRequests();
    expect(requests.length).toBeGreaterThan(15);
    for (const path of requests) {
      const { status, body } = await getJson(path.replace('{SERVICE_ID}', hiddenServiceHsdsId));
      expect(status, path).toBe(200);
      expectValid(path, body);
    }
  });

  it('validates services with and without full, minimal, paging and every filter', async () => {
    const terms = (await getJson('/api/hsds/taxonomy_terms?top_only=true')).body.contents;
    const sprache = terms.find((t: { code: string }) => t.code === 'sprache');
    const first = (await getJson('/api/hsds/services?full=true&per_page=5')).body;
    const organizationId = first.contents[0].organization_id;
    const paths = [
      '/api/hsds/services',
      '/api/hsds/services?full=true',
      '/api/hsds/services?minimal=true&per_page=500',
      '/api/hsds/services?page=2&per_page=7',
      '/api/hsds/services?page=999',
      '/api/hsds/services?search=Integrationskurs',
      `/api/hsds/services?taxonomy_term_id=${sprache.id}`,
      '/api/hsds/services?taxonomy_term_id=sprache.integrationskurs&full=true',
      `/api/hsds/services?taxonomy_id=${TAXONOMY_ID}`,
      `/api/hsds/services?organization_id=${organizationId}&full=true`,
      '/api/hsds/services?modified_after=2020-01-01',
      `/api/hsds/services?search=kurs&taxonomy_term_id=${sprache.id}&modified_after=2020-01-01T00:00:00Z&page=1&per_page=3`,
      '/api/hsds/organizations',
      '/api/hsds/organizations?full=true&full_service=true&per_page=3',
      '/api/hsds/organizations?search=volkshochschule',
      `/api/hsds/organizations/${organizationId}`,
      `/api/hsds/organizations/${organizationId}?full_service=true`,
      '/api/hsds/taxonomies',
      `/api/hsds/taxonomies/${TAXONOMY_ID}`,
      '/api/hsds/taxonomy_terms',
      `/api/hsds/taxonomy_terms?parent_id=${sprache.id}`,
      `/api/hsds/taxonomy_terms/${sprache.id}`,
      '/api/hsds/service_at_locations',
      '/api/hsds/service_at_locations?full=true&per_page=4',
      '/api/hsds/service_at_locations?postcode=23552',
      '/api/hsds/service_at_locations?postcode=23552&proximity=3000&full=true',
      `/api/hsds/service_at_locations?taxonomy_term_id=${sprache.id}&search=kurs`,
      `/api/hsds/service_at_locations?organization_id=${organizationId}&modified_after=2020-01-01&taxonomy_id=${TAXONOMY_ID}`,
      '/api/hsds/service_at_locations?format=ndjson&full=true',
      '/api/hsds/organizations?format=ndjson&full=true',
      '/api/hsds/taxonomies?search=jmd&format=ndjson',
      `/api/hsds/taxonomy_terms?search=kurs&taxonomy_id=${TAXONOMY_ID}&page=1&per_page=2`,
      '/api/hsds/taxonomy_terms?format=ndjson',
    ];
    for (const path of paths) {
      const { status, body } = await getJson(path);
      expect(status, path).toBe(200);
      expectValid(path, body);
    }
    const id = first.contents[0].id;
    const one = await getJson(`/api/hsds/services/${id}`);
    expect(one.status).toBe(200);
    expectValid(`/api/hsds/services/${id}`, one.body);
    const sal = (await getJson('/api/hsds/service_at_locations?per_page=1')).body.contents[0];
    const salOne = await getJson(`/api/hsds/service_at_locations/${sal.id}`);
    expect(salOne.status).toBe(200);
    expectValid(`/api/hsds/service_at_locations/${sal.id}`, salOne.body);
  });

  it('combines filters with AND and pages with the spec’s page object', async () => {
    const all = (await getJson('/api/hsds/services?per_page=500')).body;
    const page2 = (await getJson('/api/hsds/services?page=2&per_page=7')).body;
    expect(page2).toMatchObject({
      total_items: all.total_items,
      page_number: 2,
      size: 7,
      first_page: false,
      last_page: false,
      empty: false,
    });
    expect(page2.total_pages).toBe(Math.ceil(all.total_items / 7));
    expect(page2.contents.map((s: { id: string }) => s.id)).toEqual(
      all.contents.slice(7, 14).map((s: { id: string }) => s.id),
    );
    const language = (await getJson('/api/hsds/services?taxonomy_term_id=sprache&per_page=500')).body;
    const search = (await getJson('/api/hsds/services?search=kurs&per_page=500')).body;
    const both = (await getJson('/api/hsds/services?search=kurs&taxonomy_term_id=sprache&per_page=500')).body;
    const ids = (page: { contents: { id: string }[] }) => new Set(page.contents.map((s) => s.id));
    const expected = [...ids(language)].filter((id) => ids(search).has(id)).sort();
    expect([...ids(both)].sort()).toEqual(expected);
    expect(both.total_items).toBeGreaterThan(0);
    expect(both.total_items).toBeLessThan(language.total_items);
    const empty = (await getJson('/api/hsds/services?page=999')).body;
    expect(empty).toMatchObject({ empty: true, size: 0, last_page: true });
    const ndjson = await getJson('/api/hsds/services?format=ndjson&full=true');
    const lines = (ndjson.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(all.total_items);
    for (const line of lines.slice(0, 10)) expect(validate('service', line)).toEqual([]);
  });

  it('answers bad parameters with 400 naming the parameter', async () => {
    for (const [path, parameter] of [
      ['/api/hsds/services?page=0', 'page'],
      ['/api/hsds/services?per_page=abc', 'per_page'],
      ['/api/hsds/services?per_page=100000', 'per_page'],
      ['/api/hsds/services?full=vielleicht', 'full'],
      ['/api/hsds/services?modified_after=gestern', 'modified_after'],
      ['/api/hsds/services?taxonomy_term_id=gibtsnicht', 'taxonomy_term_id'],
      ['/api/hsds/services?organization_id=123', 'organization_id'],
      ['/api/hsds/services?format=xml', 'format'],
      ['/api/hsds/services?seite=2', 'seite'],
      ['/api/hsds/services?page=1&page=2', 'page'],
      ['/api/hsds/service_at_locations?proximity=500', 'proximity'],
      ['/api/hsds/service_at_locations?postcode=99999&proximity=500', 'postcode'],
      ['/api/hsds/service_at_locations?postcode=abc', 'postcode'],
    ] as const) {
      const { status, body } = await getJson(path);
      expect(status, path).toBe(400);
      expect(body.parameter, path).toBe(parameter);
      expect(body.fehler).toContain(parameter);
    }
  });

  it('refuses unknown, revoked and expired keys with 401 and serves nothing anonymously without HSDS_PUBLIC', async () => {
    expect((await call('/api/hsds/services', { key: 'jmdp_' + 'a'.repeat(32) })).status).toBe(401);
    expect((await call('/api/hsds/services', { key: 'quatsch' })).status).toBe(401);
    expect(
      (await call('/api/hsds/services', { key: publicKey, now: new Date('2027-01-01T00:00:00Z') })).status,
    ).toBe(401);
    for (const path of [
      '/api/hsds/services',
      '/api/hsds/organizations',
      '/api/hsds/taxonomy_terms',
      '/api/hsds/service_at_locations',
      '/api/hsds/export',
    ]) {
      const response = await call(path, { key: null });
      expect(response.status, path).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toContain('Bearer');
    }
    const ctx = userContext(admin, { now: NOW });
    const extra = await createApiKey(db, ctx, { name: 'Kurzzeit', scope: 'all', expires: '' });
    if (!extra.ok) throw new Error('not created');
    expect((await call('/api/hsds/services', { key: extra.value.key })).status).toBe(200);
    expect((await revokeApiKey(db, ctx, { id: extra.value.apiKey.id })).ok).toBe(true);
    expect((await call('/api/hsds/services', { key: extra.value.key })).status).toBe(401);
    // A signed-in user may use the session.
    expect((await call('/api/hsds/services', { key: null, user: admin })).status).toBe(200);
    // The description of the API is public: it holds no directory data.
    expect((await call('/api/hsds/', { key: null })).status).toBe(200);
  });

  it('limits each key per minute with 429 and Retry-After, and shows the use to the admin', async () => {
    const ctx = userContext(admin, { now: NOW });
    const limited = await createApiKey(db, ctx, { name: 'Begrenzt', scope: 'public', expires: '' });
    if (!limited.ok) throw new Error('not created');
    const strict = loadConfig({ DATABASE_URL: test.url, HSDS_RATE_LIMIT: '3' });
    for (let i = 0; i < 3; i++)
      expect((await call('/api/hsds/taxonomies', { key: limited.value.key, config: strict })).status).toBe(
        200,
      );
    const refused = await call('/api/hsds/taxonomies', { key: limited.value.key, config: strict });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('30');
    // The next minute starts afresh.
    const later = new Date(NOW.getTime() + 60_000);
    expect(
      (await call('/api/hsds/taxonomies', { key: limited.value.key, config: strict, now: later })).status,
    ).toBe(200);
    const listed = (await listApiKeys(db)).find((k) => k.id === limited.value.apiKey.id)!;
    expect(listed.useCount).toBe(5);
    expect(listed.lastUsedAt).toBe(later.toISOString());
    // Only the hash is stored.
    const stored = await db
      .selectFrom('api_key')
      .selectAll()
      .where('id', '=', listed.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(limited.value.key);
  });

  it('limits clients without a key per address and minute with 429 and Retry-After, storing no address', async () => {
    const open = loadConfig({ DATABASE_URL: test.url, HSDS_PUBLIC: '1', HSDS_PUBLIC_RATE_LIMIT: '2' });
    const at = new Date(NOW.getTime() + 3_600_000);
    const anon = (address: string, now = at) =>
      call('/api/hsds/taxonomies', { key: null, config: open, address, now });
    expect((await anon('198.51.100.7')).status).toBe(200);
    // The same IPv6 network (/64) counts as one client.
    expect((await anon('2001:db8:1:2::5')).status).toBe(200);
    expect((await anon('2001:db8:1:2:aaaa::9')).status).toBe(200);
    expect((await anon('198.51.100.7')).status).toBe(200);
    const refused = await anon('198.51.100.7');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('30');
    expect((await refused.json()).fehler).toMatch(/höchstens 2 pro Minute/);
    expect((await anon('2001:db8:1:2:ffff::1')).status).toBe(429);
    // Another client is not affected; a key is counted on its own, not by address.
    expect((await anon('198.51.100.8')).status).toBe(200);
    expect(
      (await call('/api/hsds/taxonomies', { config: open, address: '198.51.100.7', now: at })).status,
    ).toBe(200);
    // The next minute starts afresh.
    expect((await anon('198.51.100.7', new Date(at.getTime() + 60_000))).status).toBe(200);
    const rows = await db.selectFrom('hsds_client_window').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/198\.51|2001:db8/);
  });

  it('filters by more search hits than either database binds in one statement (70,000 ids)', async () => {
    const all = await listAllPublishedServices(db, { publicOnly: false });
    const wanted = all.filter((_, i) => i % 3 === 0).map((s) => s.id);
    // More than SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
    const ids = [...Array.from({ length: 70_000 }, (_, i) => `x${i}`), ...wanted];
    const small = await listPublishedServiceIds(
      db,
      { publicOnly: false, ids: wanted },
      { limit: 5, offset: 2 },
    );
    const large = await listPublishedServiceIds(db, { publicOnly: false, ids }, { limit: 5, offset: 2 });
    expect(large).toEqual(small);
    expect(large.total).toBe(wanted.length);
    expect((await listAllPublishedServices(db, { publicOnly: false, ids })).map((s) => s.id)).toEqual(
      (await listAllPublishedServices(db, { publicOnly: false, ids: wanted })).map((s) => s.id),
    );
    const places = await listPublishedServiceAtLocations(db, { publicOnly: false, ids });
    expect(places.length).toBeGreaterThan(0);
    expect(places.every((p) => wanted.includes(p.serviceId))).toBe(true);
  });

  it('never shows a service not marked public publicly: not with a public key, not with HSDS_PUBLIC', async () => {
    const open = loadConfig({ DATABASE_URL: test.url, HSDS_PUBLIC: '1', HSDS_RATE_LIMIT: '1000' });
    for (const options of [{ key: publicKey }, { key: null, config: open }]) {
      const list = (await getJson('/api/hsds/services?per_page=500&full=true', options)).body;
      expect(list.contents.map((s: { id: string }) => s.id)).not.toContain(hiddenServiceHsdsId);
      expect((await call(`/api/hsds/services/${hiddenServiceHsdsId}`, options)).status).toBe(404);
      const ndjson = (await getJson('/api/hsds/services?format=ndjson', options)).body as string;
      expect(ndjson).not.toContain(hiddenServiceHsdsId);
      const organizations = JSON.stringify(
        (await getJson('/api/hsds/organizations?full=true&full_service=true&per_page=500', options)).body,
      );
      expect(organizations).not.toContain(hiddenServiceHsdsId);
      const sal = JSON.stringify(
        (await getJson('/api/hsds/service_at_locations?per_page=500', options)).body,
      );
      expect(sal).not.toContain(hiddenServiceHsdsId);
      const exported = await (await call('/api/hsds/export?format=ndjson', options)).text();
      expect(exported).not.toContain(hiddenServiceHsdsId);
    }
    // With the key of scope "all" it is there.
    expect((await call(`/api/hsds/services/${hiddenServiceHsdsId}`)).status).toBe(200);
  });

  it('publishes no person data beyond a service’s public contact', async () => {
    const text = await (await call('/api/hsds/export?format=ndjson')).text();
    for (const email of [
      'admin@partnernetz.example',
      'fachkraft@partnernetz.example',
      'partner@partnernetz.example',
    ]) {
      expect(text).not.toContain(email);
    }
    expect(text).not.toMatch(/referral|vermittlung_id|case_code|needs_review|is_public|assurer_user/);
  });
});
