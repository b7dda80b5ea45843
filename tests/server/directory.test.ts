import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';
import { seedSampleRegion } from '../../db/seed/seed';

const example = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/beispiel-import.csv'));

// The directory over HTTP: who may see which page, the upload import, conflicts and list paging.
describe('directory over HTTP', () => {
  let server: TestServer;
  let coordinator: string;
  let caseworker: string;
  let partner: string;
  beforeAll(async () => {
    server = await startTestServer();
    coordinator = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    caseworker = await signInOverHttp(server, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
    partner = await signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
  });
  afterAll(async () => server?.stop());

  const get = (p: string, cookie: string) =>
    fetch(`${server.url}${p}`, { headers: { cookie }, redirect: 'manual' });
  const post = (p: string, cookie: string, body: URLSearchParams | FormData) =>
    fetch(`${server.url}${p}`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
      body,
      redirect: 'manual',
    });
  const upload = (bytes: Buffer | string, name = 'liste.csv') => {
    const body = new FormData();
    body.set(
      'datei',
      new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: 'text/csv' }),
      name,
    );
    return post('/pflege/import', coordinator, body);
  };

  it('keeps upkeep pages to coordinators and admins (404 for others)', async () => {
    for (const page of ['/pflege', '/pflege/import', '/pflege/kategorien']) {
      expect((await get(page, coordinator)).status, page).toBe(200);
      expect((await get(page, caseworker)).status, page).toBe(404);
      expect((await get(page, partner)).status, page).toBe(404);
    }
  });

  /** Follows the upload's redirect and reloads the job's page until the runner is done with it (the page refreshes itself). */
  const settle = async (response: Response) => {
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/pflege\/import\?auftrag=[a-z0-9]+$/);
    for (;;) {
      const html = await (await get(location, coordinator)).text();
      if (!html.includes('http-equiv="refresh"')) return { location, html };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('previews an upload with every problem, imports it once, and finds nothing to do the second time', async () => {
    const broken = await settle(
      await upload(
        'externe_id;organisation;name;kategorie;plz\nX-1;Neue Stelle;Kurs;sprache;2355\nX-2;Neue Stelle;Kurs 2;gibtsnicht;23552\n',
      ),
    );
    expect(broken.html).toContain('Zeile 2');
    expect(broken.html).toContain('Zeile 3');
    expect(broken.html).not.toContain('Jetzt importieren');

    const preview = await settle(await upload(example, 'beispiel-import.csv'));
    expect(preview.html).toContain('Keine Fehler');
    // The file stays on the server: the start form carries only the job's id, never the file's text.
    expect(preview.html).not.toContain('name="csv"');
    const id = new URL(preview.location, server.url).searchParams.get('auftrag')!;
    const done = await settle(
      await post('/pflege/import', coordinator, new URLSearchParams({ intent: 'starten', auftrag: id })),
    );
    expect(done.html).toContain('Import abgeschlossen');

    const again = await settle(await upload(example, 'beispiel-import.csv'));
    expect(again.html).toContain('Es gibt nichts zu importieren');
    const list = await (await get('/verzeichnis?q=Hansekogge', caseworker)).text();
    expect(list).toContain('Jugendintegrationskurs (Beispiel)');
  });

  it('imports a UTF-16 file as Excel saves „Unicode-Text“', async () => {
    const text =
      'externe_id\torganisation\tname\tkategorie\r\nU16-1\tUnicode-Stelle (Test)\tSprachcafé\tsprache\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const preview = await settle(await upload(bytes, 'unicode.txt'));
    expect(preview.html).toContain('Keine Fehler');
    expect(preview.html).toContain('Unicode-Stelle (Test)');
  });

  it('refuses starting a job of someone else’s guess with 404 and a caseworker with 404', async () => {
    expect(
      (
        await post(
          '/pflege/import',
          coordinator,
          new URLSearchParams({ intent: 'starten', auftrag: 'gibtsnicht' }),
        )
      ).status,
    ).toBe(404);
    expect((await get('/pflege/import?auftrag=gibtsnicht', coordinator)).status).toBe(404);
    expect(
      (await post('/pflege/import', caseworker, new URLSearchParams({ intent: 'starten', auftrag: 'x' })))
        .status,
    ).toBe(404);
  });

  it('answers a stale service form with 409 and keeps the typed values', async () => {
    const list = await (await get('/pflege?ansicht=alle&q=Sprachcaf%C3%A9', coordinator)).text();
    const id = /href="\/pflege\/angebote\/([a-z0-9]+)"/.exec(list)![1]!;
    const page = await (await get(`/pflege/angebote/${id}`, coordinator)).text();
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    const base = {
      intent: 'save',
      version,
      name: 'Sprachcafé (Beispiel)',
      termIds: 'sprache.sprachcafe',
      status: 'active',
    };
    expect(
      (await post(`/pflege/angebote/${id}`, coordinator, new URLSearchParams({ ...base, freePlaces: '3' })))
        .status,
    ).toBe(303);
    const stale = await post(
      `/pflege/angebote/${id}`,
      coordinator,
      new URLSearchParams({ ...base, freePlaces: '8' }),
    );
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toContain('Jemand anderes hat dieses Angebot inzwischen geändert');
    expect(html).toContain('value="8"');
  });

  it('keeps the list address stable and sorts by the requested column', async () => {
    const byName = await (await get('/verzeichnis?sortierung=name&richtung=ab', caseworker)).text();
    expect(byName).toContain('aria-sort="descending"');
    const beyond = await get('/verzeichnis?q=Beispiel&seite=999', caseworker);
    expect(beyond.status).toBe(303);
    const last = beyond.headers.get('location')!;
    expect(last).toMatch(/^\/verzeichnis\?q=Beispiel&seite=\d+$/);
    const page = await (await get(last, caseworker)).text();
    expect(page).toMatch(/Seite (\d+) von \1/);
  });

  it('offers "Fehler melden" on an offer page with an empty text box (no stray spaces or line breaks)', async () => {
    const list = await (await get('/verzeichnis?q=Integrationskurs', caseworker)).text();
    const offer = /href="(\/verzeichnis\/[A-Za-z0-9_-]+)"/.exec(list)![1]!;
    const html = await (await get(offer, caseworker)).text();
    expect(html).toMatch(/<textarea id="hinweis"[^>]*><\/textarea>/);
  });
});

// The same pages on each database: bad input is a 422 with German messages (never a 500 from PostgreSQL), and a
// successful POST redirects, so reloading the page it lands on repeats nothing.
describe.each(testDialects)('directory forms on $name', (dialect) => {
  let server: TestServer;
  let coordinator: string;
  let dropDatabase: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (dialect.name === 'postgres') {
      const test = await createTestDb(dialect);
      await seedSampleRegion(test.db, { passwords: DEMO_PASSWORDS });
      await test.db.destroy();
      dropDatabase = test.drop;
      env = { DATABASE_URL: test.url };
    }
    server = await startTestServer(env);
    coordinator = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });

  const request = (p: string, cookie: string, body?: URLSearchParams) =>
    fetch(`${server.url}${p}`, {
      method: body ? 'POST' : 'GET',
      headers: { cookie, origin: server.url },
      body,
      redirect: 'manual',
    });
  const flashOf = (response: Response) =>
    response.headers
      .getSetCookie()
      .find((c) => c.startsWith('jmd_flash='))
      ?.split(';')[0];
  async function serviceForm(): Promise<{ id: string; version: string; fields: Record<string, string> }> {
    const list = await (await request('/pflege?ansicht=alle&q=Sprachcaf%C3%A9', coordinator)).text();
    const id = /href="\/pflege\/angebote\/([a-z0-9]+)"/.exec(list)![1]!;
    const page = await (await request(`/pflege/angebote/${id}`, coordinator)).text();
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    return {
      id,
      version,
      fields: {
        intent: 'save',
        name: 'Sprachcafé (Beispiel)',
        termIds: 'sprache.sprachcafe',
        status: 'active',
      },
    };
  }

  it('answers a junk version on a service edit with 422 and a German message, never a 500', async () => {
    const { id, fields } = await serviceForm();
    for (const version of ['abc', '99999999999', '']) {
      const response = await request(
        `/pflege/angebote/${id}`,
        coordinator,
        new URLSearchParams({ ...fields, version, freePlaces: '5' }),
      );
      expect(response.status, version).toBe(422);
      const html = await response.text();
      expect(html).toContain('Es gibt ein Problem');
      expect(html).toContain('Bitte laden Sie die Seite neu');
      expect(html).toContain('value="5"');
    }
    const state = await request(
      `/pflege/angebote/${id}`,
      coordinator,
      new URLSearchParams({ intent: 'confirm', version: 'abc' }),
    );
    expect(state.status).toBe(422);
  });

  it('redirects after saving, shows the message once, and a reload saves nothing again', async () => {
    const { id, version, fields } = await serviceForm();
    const changesOfFreePlaces = async () =>
      (
        (await (await request(`/pflege/angebote/${id}/verlauf`, coordinator)).text()).match(
          /<td>Freie Plätze<\/td>/g,
        ) ?? []
      ).length;
    const before = await changesOfFreePlaces();
    const saved = await request(
      `/pflege/angebote/${id}`,
      coordinator,
      new URLSearchParams({ ...fields, version, freePlaces: '7' }),
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/pflege/angebote/${id}`);
    const flash = flashOf(saved);
    expect(flash).toBeDefined();
    // The browser follows the redirect with a GET: the message shows once, the form has the next version.
    const landed = await request(`/pflege/angebote/${id}`, `${coordinator}; ${flash}`);
    expect(landed.status).toBe(200);
    const html = await landed.text();
    expect(html).toContain('Die Änderungen sind gespeichert.');
    const next = /name="version" value="(\d+)"/.exec(html)![1]!;
    expect(Number(next)).toBe(Number(version) + 1);
    // Reloading that page is another GET: nothing is saved again and the message is gone.
    const reloaded = await (await request(`/pflege/angebote/${id}`, coordinator)).text();
    expect(/name="version" value="(\d+)"/.exec(reloaded)![1]).toBe(next);
    expect(reloaded).not.toContain('Die Änderungen sind gespeichert.');
    expect(await changesOfFreePlaces()).toBe(before + 1);
  });

  it('adds a category with a redirect and a message, and refuses a duplicate with 422', async () => {
    const created = await request(
      '/pflege/kategorien',
      coordinator,
      new URLSearchParams({ name: 'Fahrradwerkstatt', parentId: 'freizeit' }),
    );
    expect(created.status).toBe(303);
    const page = await (await request('/pflege/kategorien', `${coordinator}; ${flashOf(created)}`)).text();
    expect(page).toContain('Die Kategorie „Fahrradwerkstatt“ ist angelegt.');
    const again = await request(
      '/pflege/kategorien',
      coordinator,
      new URLSearchParams({ name: 'Fahrradwerkstatt', parentId: '' }),
    );
    expect(again.status).toBe(422);
    const html = await again.text();
    expect(html).toContain('href="#field-name"');
    expect(html).toContain('gibt es schon');
  });
});
