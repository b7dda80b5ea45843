import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORDS,
  serverDialects,
  signInOverHttp,
  startTestServer,
  type TestServer,
} from '../helpers/server';

// /pflege/suchbegriffe over HTTP on each database: who may change the vocabulary, German errors that keep the input,
// Post/Redirect/Get, and the search API using a new term group in the next request.
describe.each(serverDialects)('the search vocabulary page on $name', (dialect) => {
  let server: TestServer;
  let coordinator: string;
  let caseworker: string;
  beforeAll(async () => {
    server = await startTestServer({}, { dialect });
    coordinator = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    caseworker = await signInOverHttp(server, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
  });
  afterAll(async () => server?.stop());

  const get = (p: string, cookie: string) =>
    fetch(`${server.url}${p}`, { headers: { cookie }, redirect: 'manual' });
  const post = (cookie: string, fields: Record<string, string>) =>
    fetch(`${server.url}/pflege/suchbegriffe`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
  const hits = async (q: string) => {
    const response = await get(`/api/v1/search?q=${encodeURIComponent(q)}&facetten=nein`, caseworker);
    expect(response.status).toBe(200);
    return ((await response.json()) as { hits: { name: string }[] }).hits.map((h) => h.name);
  };
  const group = { intent: 'speichern', art: 'related', begriffe: 'Sprachstandsfeststellung' };

  it('answers others with the 404 of every denied page and changes nothing for them', async () => {
    const page = await get('/pflege/suchbegriffe', caseworker);
    expect(page.status).toBe(404);
    const refused = await post(caseworker, { ...group, findet_auch: 'Einstufungstest' });
    expect(refused.status).toBe(404);
    expect(await hits('Sprachstandsfeststellung')).toEqual([]);
  });

  it('keeps what the coordinator typed with a German message, then saves and the search uses it at once', async () => {
    const invalid = await post(coordinator, { ...group, findet_auch: '' });
    expect(invalid.status).toBe(422);
    const html = await invalid.text();
    expect(html).toContain('Bitte nennen Sie, was die Suchbegriffe zusätzlich finden sollen');
    expect(html).toContain('>Sprachstandsfeststellung</textarea>');

    const saved = await post(coordinator, { ...group, findet_auch: 'Einstufungstest' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/pflege/suchbegriffe');
    expect(await hits('Sprachstandsfeststellung')).toContain('Einstufungstest und Kursberatung (Beispiel)');

    const preview = await get('/pflege/suchbegriffe?vorschau=Sprachstandsfeststellung', coordinator);
    expect(await preview.text()).toContain('sucht auch nach: Einstufungstest');
  });

  it('changes a group at the version shown (409 when stale), removes it, and switches a built-in group off', async () => {
    const page = await (await get('/pflege/suchbegriffe', coordinator)).text();
    const id = /name="id" value="([a-z0-9]+)"/.exec(page)![1]!;
    const change = { ...group, id, version: '1', findet_auch: 'Kursberatung' };
    expect((await post(coordinator, change)).status).toBe(303);
    const stale = await post(coordinator, { ...change, findet_auch: 'Einstufungstest' });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('inzwischen geändert oder entfernt');
    expect((await post(coordinator, { intent: 'entfernen', id, version: '1' })).status).toBe(409);
    expect((await post(coordinator, { intent: 'entfernen', id, version: '2' })).status).toBe(303);
    expect(await hits('Sprachstandsfeststellung')).toEqual([]);

    expect(await hits('Lehrstelle')).not.toEqual([]);
    const off = await post(coordinator, { intent: 'abschalten', schluessel: 'related:ausbildung' });
    expect(off.status).toBe(303);
    expect(await hits('Lehrstelle')).toEqual([]);
    const junk = await post(coordinator, { intent: 'abschalten', schluessel: 'x'.repeat(300) });
    expect(junk.status).toBe(422);
    expect(
      (await post(coordinator, { intent: 'einschalten', schluessel: 'related:ausbildung' })).status,
    ).toBe(303);
    expect(await hits('Lehrstelle')).not.toEqual([]);
  });
});
