import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';
import { seedSampleRegion } from '../../db/seed/seed';
import { systemContext } from '../../src/lib/action/context';
import { loadConfig } from '../../src/lib/config/config';
import { countServices } from '../../src/lib/directory/service.queries';
import {
  exportDirectory,
  importHsdsDocument,
  importHsdsServices,
  servicesOfFile,
} from '../../src/lib/hsds/exchange';
import { validatePage, validatorFor } from '../../src/lib/hsds/schema';

const NOW = new Date('2026-12-02T10:00:00.000Z');

type Page = { contents: Record<string, unknown>[] };

/** The document without the times that say when something happened in *this* directory (see decision 0021). */
function withoutLocalTimes(page: Page): unknown {
  return page.contents.map((service) => {
    const { last_modified: _modified, assured_date: _assured, capacities, ...rest } = service;
    return {
      ...rest,
      capacities: (capacities as Record<string, unknown>[]).map(
        ({ updated: _updated, ...capacity }) => capacity,
      ),
    };
  });
}

async function exportJson(db: TestDb['db']): Promise<Page> {
  const file = await exportDirectory(db, { publicOnly: false, format: 'json' });
  return JSON.parse(file.body as string) as Page;
}

beforeAll(() => {
  validatorFor('service');
}, 180_000);

describe.each(testDialects)('HSDS export and import on $name', (dialect) => {
  let source: TestDb;
  const targets: TestDb[] = [];
  let original: Page;
  const ctxFor = (test: TestDb) => systemContext(loadConfig({ DATABASE_URL: test.url }), 'hsds-test', NOW);
  const emptyDb = async () => {
    const test = await createTestDb(dialect);
    targets.push(test);
    return test;
  };

  beforeAll(async () => {
    source = await createTestDb(dialect);
    await seedSampleRegion(source.db);
    original = await exportJson(source.db);
  });
  afterAll(async () => {
    await source?.drop();
    for (const target of targets) await target.drop();
  });

  it('exports a page of full services valid against the schema', () => {
    expect(original.contents.length).toBeGreaterThan(50);
    expect(validatePage('service', original)).toEqual([]);
  });

  it('round trip: export → import into an empty database → export gives the same document; a second import changes nothing', async () => {
    const target = await emptyDb();
    const dry = await importHsdsDocument(target.db, ctxFor(target), JSON.stringify(original), {
      dryRun: true,
    });
    expect(dry.ok && dry.value.create).toBe(original.contents.length);
    expect(await countServices(target.db)).toBe(0);

    const imported = await importHsdsDocument(target.db, ctxFor(target), JSON.stringify(original), {
      dryRun: false,
    });
    if (!imported.ok) throw new Error(JSON.stringify(imported).slice(0, 2000));
    const again = await exportJson(target.db);
    expect(withoutLocalTimes(again)).toEqual(withoutLocalTimes(original));

    const second = await importHsdsDocument(target.db, ctxFor(target), JSON.stringify(original), {
      dryRun: false,
    });
    expect(second.ok && [second.value.create, second.value.update]).toEqual([0, 0]);
    expect(await exportJson(target.db)).toEqual(again);
  });

  it('importing our own export into the same directory updates its services instead of duplicating them', async () => {
    const home = await emptyDb();
    await seedSampleRegion(home.db);
    const exported = await exportJson(home.db);
    const before = await countServices(home.db);
    expect(exported.contents.length).toBe(before);
    const dry = await importHsdsDocument(home.db, ctxFor(home), JSON.stringify(exported), { dryRun: true });
    if (!dry.ok) throw new Error(JSON.stringify(dry).slice(0, 2000));
    expect(dry.value.create).toBe(0);
    // The dry run wrote nothing, not even the external ids it checked with.
    const withExternalId = async () =>
      (await home.db.selectFrom('service').select('id').where('external_id', 'is not', null).execute())
        .length;
    const externalBefore = await withExternalId();
    expect(externalBefore).toBeLessThan(before);
    const imported = await importHsdsDocument(home.db, ctxFor(home), JSON.stringify(exported), {
      dryRun: false,
    });
    if (!imported.ok) throw new Error(JSON.stringify(imported).slice(0, 2000));
    expect(imported.value.create).toBe(0);
    expect(await countServices(home.db)).toBe(before);
    expect(await withExternalId()).toBe(before);
    // Same ids, same content (the times of this directory aside); a second read-back is a no-op.
    expect(withoutLocalTimes(await exportJson(home.db))).toEqual(withoutLocalTimes(exported));
    const again = await importHsdsDocument(home.db, ctxFor(home), JSON.stringify(exported), {
      dryRun: false,
    });
    expect(again.ok && [again.value.create, again.value.update]).toEqual([0, 0]);
    expect(await countServices(home.db)).toBe(before);
  });

  it('round trip through the tabular package (CSV files and datapackage.json, zipped)', async () => {
    const zip = await exportDirectory(source.db, { publicOnly: false, format: 'zip' });
    const files = unzipSync(zip.body as Uint8Array);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['datapackage.json', 'services.csv', 'organizations.csv', 'locations.csv']),
    );
    const datapackage = JSON.parse(strFromU8(files['datapackage.json']!));
    expect(datapackage.resources.map((r: { path: string }) => r.path)).toContain('service_capacities.csv');
    const parsed = servicesOfFile(zip.body as Uint8Array);
    if ('error' in parsed) throw new Error(parsed.error);
    const target = await emptyDb();
    const imported = await importHsdsServices(target.db, ctxFor(target), parsed.services, { dryRun: false });
    if (!imported.ok) throw new Error(JSON.stringify(imported).slice(0, 2000));
    expect(withoutLocalTimes(await exportJson(target.db))).toEqual(withoutLocalTimes(original));
  });

  it('writes nothing when one service does not fit: bad schema, unknown category', async () => {
    const target = await emptyDb();
    const broken = structuredClone(original);
    (
      broken.contents[3]!['attributes'] as { taxonomy_term: { code: string; name: string } }[]
    )[0]!.taxonomy_term = {
      ...(broken.contents[3]!['attributes'] as { taxonomy_term: { code: string; name: string } }[])[0]!
        .taxonomy_term,
      code: 'gibt.es.nicht',
      name: 'Gibt es nicht',
    };
    const result = await importHsdsDocument(target.db, ctxFor(target), JSON.stringify(broken), {
      dryRun: false,
    });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('gibt.es.nicht');
    // Told by service, not by a line of the CSV the import builds internally.
    expect(JSON.stringify(result)).toContain(`Angebot „${String(broken.contents[3]!['name'])}“`);
    expect(JSON.stringify(result)).not.toMatch(/Zeile \d/);
    expect(await countServices(target.db)).toBe(0);

    const badId = structuredClone(original);
    badId.contents[0]!['id'] = 'keine-uuid';
    const refused = await importHsdsDocument(target.db, ctxFor(target), JSON.stringify(badId), {
      dryRun: true,
    });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).toContain('uuid');
    expect(await countServices(target.db)).toBe(0);
  });
});
