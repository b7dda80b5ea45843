import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

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
    ).toBe(200);
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
});
