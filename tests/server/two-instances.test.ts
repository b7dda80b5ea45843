import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDb, type TestDb } from '../helpers/db';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

const postgresUrl = process.env['TEST_DATABASE_URL'];

// Two app servers behind a load balancer on one PostgreSQL, each with its own search index beside the database
// (SEARCH_INDEX_PATH, in memory): a write through one must reach the other's search by the very next request.
describe.skipIf(!postgresUrl)('two app instances on one PostgreSQL', () => {
  let database: TestDb;
  let first: TestServer;
  let second: TestServer;
  let coordinatorOnFirst: string;
  let caseworkerOnSecond: string;
  beforeAll(async () => {
    database = await createEmptyTestDb({ name: 'postgres' });
    first = await startTestServer({}, { databaseUrl: database.url });
    second = await startTestServer({}, { databaseUrl: database.url });
    coordinatorOnFirst = await signInOverHttp(
      first,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    caseworkerOnSecond = await signInOverHttp(
      second,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
  }, 180_000);
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await database?.drop();
  });

  const searchOnSecond = async (q: string) => {
    const response = await fetch(`${second.url}/api/v1/search?q=${encodeURIComponent(q)}`, {
      headers: { cookie: caseworkerOnSecond },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { hits: { id: string; name: string; geschlossen?: boolean }[] }).hits;
  };

  /** Saves the Sprachcafé's form through the first instance with the given name and status; returns its id. */
  async function saveThroughFirst(
    name: string,
    status: 'active' | 'temporarily_closed' | 'inactive',
  ): Promise<string> {
    const get = (path: string) =>
      fetch(`${first.url}${path}`, { headers: { cookie: coordinatorOnFirst } }).then((r) => r.text());
    const list = await get('/pflege?ansicht=alle&q=Sprachcaf%C3%A9');
    const id = /href="\/pflege\/angebote\/([a-z0-9]+)"/.exec(list)![1]!;
    const version = /name="version" value="(\d+)"/.exec(await get(`/pflege/angebote/${id}`))![1]!;
    const saved = await fetch(`${first.url}/pflege/angebote/${id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: coordinatorOnFirst, origin: first.url },
      body: new URLSearchParams({ intent: 'save', version, name, termIds: 'sprache.sprachcafe', status }),
    });
    expect(saved.status).toBe(303);
    return id;
  }

  it('finds a service renamed through one instance in the next search on the other', async () => {
    // The other instance has searched before (its index is built and has caught up once).
    expect((await searchOnSecond('Sprachcafé')).length).toBeGreaterThan(0);
    expect(await searchOnSecond('Kiwistraße')).toEqual([]);
    const id = await saveThroughFirst('Sprachcafé Kiwistraße (Beispiel)', 'active');
    const hits = await searchOnSecond('Kiwistraße');
    expect(hits.map((hit) => hit.id)).toEqual([id]);
    expect(hits[0]!.name).toBe('Sprachcafé Kiwistraße (Beispiel)');
    // The old name is gone from the other's index as well.
    expect((await searchOnSecond('Sprachcafé Kiwistraße')).map((hit) => hit.name)).not.toContain(
      'Sprachcafé (Beispiel)',
    );
  });

  it('marks a service closed through one instance in the other’s next search, and drops it once offline', async () => {
    const closedId = await saveThroughFirst('Sprachcafé Kiwistraße (Beispiel)', 'temporarily_closed');
    const closed = await searchOnSecond('Kiwistraße');
    expect(closed.map((hit) => [hit.id, hit.geschlossen])).toEqual([[closedId, true]]);
    const id = await saveThroughFirst('Sprachcafé Kiwistraße (Beispiel)', 'inactive');
    expect((await searchOnSecond('Kiwistraße')).map((hit) => hit.id)).not.toContain(id);
  });
});
