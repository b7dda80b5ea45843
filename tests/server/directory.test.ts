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

  it('previews an upload with every problem, imports it once, and finds nothing to do the second time', async () => {
    const broken = await upload(
      'externe_id;organisation;name;kategorie;plz\nX-1;Neue Stelle;Kurs;sprache;2355\nX-2;Neue Stelle;Kurs 2;gibtsnicht;23552\n',
    );
    expect(broken.status).toBe(422);
    const brokenHtml = await broken.text();
    expect(brokenHtml).toContain('Zeile 2');
    expect(brokenHtml).toContain('Zeile 3');
    expect(brokenHtml).not.toContain('Jetzt importieren');

    const preview = await upload(example, 'beispiel-import.csv');
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('Keine Fehler');
    const csv = /<textarea name="csv"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1]!;
    const unescaped = csv
      .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
    const done = await post(
      '/pflege/import',
      coordinator,
      new URLSearchParams({ intent: 'commit', dateiname: 'beispiel-import.csv', csv: unescaped }),
    );
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Import abgeschlossen');

    const again = await (await upload(example, 'beispiel-import.csv')).text();
    expect(again).toContain('Es gibt nichts zu importieren');
    const list = await (await get('/verzeichnis?q=Hansekogge', caseworker)).text();
    expect(list).toContain('Jugendintegrationskurs (Beispiel)');
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
