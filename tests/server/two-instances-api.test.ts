import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/lib/db/create-db';
import { listSearchCounts } from '../../src/lib/report/report.queries';
import { createEmptyTestDb, type TestDb } from '../helpers/db';
import {
  DEMO_PASSWORDS,
  serverDialects,
  signInOverHttp,
  startTestServer,
  type TestServer,
} from '../helpers/server';

// Two app processes on one database (two instances on PostgreSQL, two workers on one SQLite file). What the search
// API keeps per process since decision 0028 must never make one process answer with the other's old state: a
// category added through one is a valid filter on the other's very next request, and the searches each counted in
// memory add up in search_count.
describe.each(serverDialects)('search API across two processes ($name)', (dialect) => {
  let database: TestDb;
  let first: TestServer;
  let second: TestServer;
  let coordinatorOnFirst: string;
  let caseworkerOnFirst: string;
  let caseworkerOnSecond: string;
  beforeAll(async () => {
    database = await createEmptyTestDb(dialect);
    // The servers hold the database; this process only reads search_count at the end, with a handle of its own.
    await database.close();
    first = await startTestServer({}, { databaseUrl: database.url });
    second = await startTestServer({}, { databaseUrl: database.url });
    coordinatorOnFirst = await signInOverHttp(
      first,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    caseworkerOnFirst = await signInOverHttp(
      first,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
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

  const api = (server: TestServer, cookie: string, query: string) =>
    fetch(`${server.url}/api/v1/search?${query}`, { headers: { cookie } });

  it('accepts a category added through one process as a filter in the other’s next request', async () => {
    // The other process has answered searches with category filters before (anything it keeps is warm).
    expect((await api(second, caseworkerOnSecond, 'q=kurs&kategorie=sprache')).status).toBe(200);
    const pageBefore = await fetch(`${second.url}/suche?q=kurs`, { headers: { cookie: caseworkerOnSecond } });
    expect(await pageBefore.text()).not.toContain('Kiwi-Beratung');
    const unknown = await api(second, caseworkerOnSecond, 'kategorie=eigene.gibtsnicht');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { parameter: string }).parameter).toBe('kategorie');

    const created = await fetch(`${first.url}/pflege/kategorien`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: coordinatorOnFirst, origin: first.url },
      body: new URLSearchParams({ name: 'Kiwi-Beratung', parentId: 'beratung' }),
    });
    expect(created.status).toBe(303);
    const page = await (
      await fetch(`${first.url}/pflege/kategorien`, { headers: { cookie: coordinatorOnFirst } })
    ).text();
    const id = /Kiwi-Beratung[\s\S]*?<code>(eigene\.[a-z0-9]+)<\/code>/.exec(page)![1]!;

    const response = await api(second, caseworkerOnSecond, `kategorie=${encodeURIComponent(id)}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { total: number }).total).toBe(0);
    // The search page, which keeps the category list per process, offers it in its filter on the other process too.
    const searchPage = await fetch(`${second.url}/suche?q=kurs`, { headers: { cookie: caseworkerOnSecond } });
    expect(await searchPage.text()).toContain(`value="${id}"`);
  });

  it('adds up the searches both processes counted, written when they stop', async () => {
    for (const [server, cookie] of [
      [first, caseworkerOnFirst],
      [second, caseworkerOnSecond],
      [second, caseworkerOnSecond],
    ] as const) {
      expect((await api(server, cookie, 'q=Z%C3%A4hlprobe+Kiwi')).status).toBe(200);
    }
    // SIGTERM: each process writes what it counted before it ends.
    await first.stop();
    await second.stop();
    const db = createDb({ databaseUrl: database.url });
    try {
      const rows = (await listSearchCounts(db)).filter((row) => row.query === 'zahlprobe kiwi');
      expect(rows.map((row) => Number(row.searches))).toEqual([3]);
    } finally {
      await db.destroy();
    }
  });
});
