import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { runSearchContract } from '../helpers/search-contract';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { loadConfig } from '../../src/lib/config/config';
import {
  FOLLOW_GAP_WAIT_MS,
  FollowingEngine,
  openSearchEngine,
  rebuildSearchIndex,
} from '../../src/lib/search/engine';
import { openStandaloneSqliteEngine } from '../../src/lib/search/sqlite-fts-engine';
import { pruneSearchChanges } from '../../src/lib/search/indexer';
import { parseSearchParams, resolveSearchRequest } from '../../src/lib/search/search-request';
import { hasTerm } from '../../src/lib/directory/taxonomy.queries';
import type { SearchEngine } from '../../src/lib/search/search';
import {
  changeServiceState,
  createServiceEntry,
  updateServiceEntry,
} from '../../src/lib/directory/upkeep.service';
import { findService } from '../../src/lib/directory/service.queries';
import { updateOrganizationAsAdmin } from '../../src/lib/directory/organization-admin.service';
import { organizationToFormValues } from '../../src/lib/directory/organization-form';
import { OrganizationFormSchema } from '../../src/lib/directory/organization';
import { ServiceFormSchema } from '../../src/lib/directory/service';
import { userContext } from '../helpers/context';

for (const dialect of testDialects) {
  runSearchContract(`SQLite engine on ${dialect.name}`, async () => {
    const test = await createTestDb(dialect);
    const engine = await openSearchEngine(test.db, loadConfig({ DATABASE_URL: test.url }));
    return { engine, cleanup: () => test.drop() };
  });
}

describe.each(testDialects)('the index follows every write on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let engine: SearchEngine;
  beforeAll(async () => {
    test = await createTestDb(dialect);
    engine = await openSearchEngine(test.db, loadConfig({ DATABASE_URL: test.url }));
    await rebuildSearchIndex(test.db, engine);
  });
  afterAll(async () => test?.drop());

  it('indexes a created service at once, follows edits, archiving and the organization’s name', async () => {
    const coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const organization = await createTestOrganization(test.db, { name: 'Werkhaus Nord' });
    const context = userContext(coordinator);
    const created = await createServiceEntry(test.db, context, {
      organizationId: organization.id,
      form: ServiceFormSchema.parse({
        name: 'Fahrradwerkstatt für Jugendliche',
        termIds: ['freizeit.sport'],
      }),
    });
    if (!created.ok) throw new Error('not created');
    expect((await engine.search({ q: 'Fahrradwerkstatt' })).hits.map((h) => h.id)).toEqual([
      created.value.id,
    ]);
    expect((await engine.search({ q: '', termId: 'freizeit' })).total).toBe(1);

    const service = (await findService(test.db, created.value.id))!;
    const updated = await updateServiceEntry(test.db, context, {
      id: service.id,
      version: service.version,
      ...ServiceFormSchema.parse({ name: 'Nähwerkstatt für Jugendliche', termIds: ['freizeit.sport'] }),
    });
    if (!updated.ok) throw new Error('not updated');
    expect((await engine.search({ q: 'Fahrradwerkstatt' })).total).toBe(0);
    expect((await engine.search({ q: 'Nahwerkstatt' })).total).toBe(1);

    const renamed = await updateOrganizationAsAdmin(test.db, userContext(coordinator, { requestId: 'r' }), {
      id: organization.id,
      version: organization.version,
      ...OrganizationFormSchema.parse({ ...organizationToFormValues(organization), name: 'Werkhaus Süd' }),
    });
    expect(renamed.ok).toBe(true);
    expect((await engine.search({ q: 'Werkhaus Sud' })).hits.map((h) => h.organization)).toEqual([
      'Werkhaus Süd',
    ]);

    const archived = await changeServiceState(test.db, context, {
      id: service.id,
      version: updated.value.version,
      intent: 'archive',
    });
    expect(archived.ok).toBe(true);
    expect((await engine.search({ q: 'Nahwerkstatt' })).total).toBe(0);
  });
});

describe.each(testDialects)('temporarily closed entries on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('are indexed with the marker and listed after the open ones', async () => {
    const engine = await openSearchEngine(test.db, loadConfig({ DATABASE_URL: test.url }));
    await rebuildSearchIndex(test.db, engine);
    const coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const organization = await createTestOrganization(test.db);
    for (const [name, status] of [
      ['Sprachcafé Nord', 'temporarily_closed'],
      ['Sprachcafé Süd', 'active'],
    ] as const) {
      const created = await createServiceEntry(test.db, userContext(coordinator), {
        organizationId: organization.id,
        form: ServiceFormSchema.parse({ name, termIds: ['sprache'], status }),
      });
      if (!created.ok) throw new Error('not created');
    }
    const result = await engine.search({ q: 'Sprachcafe' });
    expect(result.hits.map((h) => [h.name, h.closed])).toEqual([
      ['Sprachcafé Süd', false],
      ['Sprachcafé Nord', true],
    ]);
  });
});

describe.each(testDialects)('two engines on one database on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-two-engines-'));
  });
  afterAll(async () => {
    await test?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("see each other's writes in their next search, though each remembers the index's terms", async () => {
    // Beside PostgreSQL each instance has an index file of its own; on SQLite both read the database's index.
    const open = (n: number) =>
      openSearchEngine(
        test.db,
        loadConfig({ DATABASE_URL: test.url, SEARCH_INDEX_PATH: path.join(dir, `index-${n}.sqlite`) }),
      );
    const engines = [await open(1), await open(2)];
    for (const engine of engines) await rebuildSearchIndex(test.db, engine);
    const coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const organization = await createTestOrganization(test.db);
    const create = async (name: string) => {
      const created = await createServiceEntry(test.db, userContext(coordinator), {
        organizationId: organization.id,
        form: ServiceFormSchema.parse({ name, termIds: ['freizeit.sport'] }),
      });
      if (!created.ok) throw new Error('not created');
    };
    const names = async (engine: SearchEngine, q: string) =>
      (await engine.search({ q })).hits.map((hit) => hit.name);

    await create('Kletterhalle Nord');
    // Both engines now know the index's terms: "kletter" only as the beginning of "kletterhalle", no "treff".
    for (const engine of engines) {
      expect(await names(engine, 'kletter')).toEqual(['Kletterhalle Nord']);
      expect(await names(engine, 'Treff')).toEqual([]);
    }
    await create('Kletter Treff');
    // The whole word ranks before the prefix; a tier thought empty by a stale list of terms would lose it.
    for (const engine of engines) {
      expect(await names(engine, 'kletter')).toEqual(['Kletter Treff', 'Kletterhalle Nord']);
      expect(await names(engine, 'Treff')).toEqual(['Kletter Treff']);
    }
  });
});

describe.each(testDialects)('the search change log on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('forgets entries older than a week and keeps the recent ones', async () => {
    const now = new Date('2026-11-23T12:00:00Z');
    await test.db
      .insertInto('search_change')
      .values([
        { service_id: 'alt', changed_at: '2026-11-10T12:00:00.000Z' },
        { service_id: 'neu', changed_at: '2026-11-22T12:00:00.000Z' },
      ])
      .execute();
    expect(await pruneSearchChanges(test.db, now)).toBe(1);
    const left = await test.db.selectFrom('search_change').select('service_id').execute();
    expect(left.map((r) => r.service_id)).toEqual(['neu']);
  });
});

describe.each(testDialects)('an index outside the database on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('catches up with writes from the change log, and rebuilds when entries it never saw were pruned', async () => {
    const coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const organization = await createTestOrganization(test.db);
    const create = async (name: string) => {
      const result = await createServiceEntry(test.db, userContext(coordinator), {
        organizationId: organization.id,
        form: ServiceFormSchema.parse({ name, termIds: ['beratung'] }),
      });
      if (!result.ok) throw new Error('not created');
    };
    await create('Erstberatung Alpha');
    const engine = new FollowingEngine(test.db, openStandaloneSqliteEngine(':memory:'));
    await rebuildSearchIndex(test.db, engine);
    await create('Zweitberatung Beta');
    expect((await engine.search({ q: 'Zweitberatung' })).total).toBe(1);
    await create('Drittberatung Gamma');
    await create('Viertberatung Delta');
    // Simulate a pruned log: the entries up to Gamma are gone before this index saw them.
    const seqs = (await test.db.selectFrom('search_change').select('seq').orderBy('seq').execute()).map((r) =>
      Number(r.seq),
    );
    await test.db
      .deleteFrom('search_change')
      .where('seq', '<', seqs[seqs.length - 1]!)
      .execute();
    expect((await engine.search({ q: 'Drittberatung' })).total).toBe(1);
    expect((await engine.search({ q: 'Viertberatung' })).total).toBe(1);
  });

  it('applies a write whose number was skipped because a later write committed first', async () => {
    const coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const organization = await createTestOrganization(test.db);
    const create = async (name: string) => {
      const result = await createServiceEntry(test.db, userContext(coordinator), {
        organizationId: organization.id,
        form: ServiceFormSchema.parse({ name, termIds: ['beratung'] }),
      });
      if (!result.ok) throw new Error('not created');
      return result.value.id;
    };
    const early = await create('Frühberatung Kappa');
    const late = await create('Spätberatung Lambda');
    let clock = Date.parse('2026-12-01T09:00:00Z');
    const engine = new FollowingEngine(test.db, openStandaloneSqliteEngine(':memory:'), () => clock);
    await rebuildSearchIndex(test.db, engine);
    const last = Number(
      (
        await test.db
          .selectFrom('search_change')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst()
      )?.seq ?? 0,
    );
    const write = async (id: string, name: string, seq: number) => {
      await test.db.updateTable('service').set({ name }).where('id', '=', id).execute();
      await test.db
        .insertInto('search_change')
        .values({ seq, service_id: id, changed_at: new Date(clock).toISOString() })
        .execute();
    };
    // Two writes drew last + 1 and last + 2; the second commits first and this index moves past the first.
    await write(late, 'Spätberatung Omega', last + 2);
    expect((await engine.search({ q: 'Omega' })).total).toBe(1);
    // The first commits afterwards: the next search still finds it.
    await write(early, 'Frühberatung Sigma', last + 1);
    expect((await engine.search({ q: 'Sigma' })).total).toBe(1);
    // A number that never shows up (its write rolled back) is looked for only until the wait is over.
    await write(late, 'Spätberatung Psi', last + 4);
    expect((await engine.search({ q: 'Psi' })).total).toBe(1);
    clock += FOLLOW_GAP_WAIT_MS + 1;
    expect((await engine.search({ q: 'Psi' })).total).toBe(1);
    await write(early, 'Frühberatung Tau', last + 3);
    expect((await engine.search({ q: 'Tau' })).total).toBe(0);
  });
});

describe.each(testDialects)('search parameters on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('junk never reaches the database: each answer names the parameter in German, none throws', async () => {
    const now = new Date('2026-12-01T09:00:00Z');
    const engine = await openSearchEngine(test.db, loadConfig({ DATABASE_URL: test.url }));
    for (const query of [
      'q=Kurs%00',
      'kategorie=sprache%00',
      'plz=99999',
      'plz=2355%00',
      'alter=1e400',
      'lat=NaN&lon=1',
      'offen=-271821-04-20T00:00',
      'seite=1&seite=2',
      'radius_km=10',
    ]) {
      const parsed = parseSearchParams(new URLSearchParams(query), { refuseRepeated: true });
      const outcome = parsed.ok
        ? await resolveSearchRequest(test.db, parsed.value, (id) => hasTerm(test.db, id), {
            facets: true,
            now,
          })
        : parsed;
      expect(outcome.ok, query).toBe(false);
      if (!outcome.ok) expect(outcome.error.message, query).toMatch(/^Parameter „[a-z_]+“: /);
    }
    // A valid request on the same database still answers.
    const parsed = parseSearchParams(new URLSearchParams('q=kurs&offen=2026-12-01T10:00'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const request = await resolveSearchRequest(test.db, parsed.value, (id) => hasTerm(test.db, id), {
      facets: true,
      now,
    });
    if (!request.ok) throw new Error(request.error.message);
    expect(request.value.query.now).toEqual(now);
    await expect(engine.search(request.value.query)).resolves.toMatchObject({ total: expect.any(Number) });
  });
});
