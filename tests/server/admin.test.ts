import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// Administration over HTTP: accounts with set-password links, deactivation, optimistic locking, organizations,
// the coordinator's limits and the audit viewer.
describe('administration over HTTP', () => {
  let server: TestServer;
  let admin: string;
  let coordinator: string;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    coordinator = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
  });
  afterAll(async () => server?.stop());

  const get = (path: string, cookie: string) =>
    fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  const post = (path: string, cookie: string | null, body: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        ...(cookie ? { cookie } : {}),
      },
      body: new URLSearchParams(body),
    });
  const idFrom = (html: string, prefix: string, name: string) => {
    const match = new RegExp(`href="${prefix}/([a-z0-9]+)"[^>]*>${name}<`).exec(html);
    if (!match) throw new Error(`Kein Link auf ${name} gefunden`);
    return match[1]!;
  };
  const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;
  const officeId = async () => {
    const html = await (await get('/admin/organisationen?art=jmd_office', admin)).text();
    return idFrom(html, '/admin/organisationen', 'JMD Lübeck-Innenstadt \\(Beispiel\\)');
  };

  it('creates an account whose single-use link sets a password that signs in', async () => {
    const organizationId = await officeId();
    const created = await post('/admin/benutzer/neu', admin, {
      displayName: 'Nora Neu',
      email: 'Nora.Neu@Partnernetz.example',
      role: 'caseworker',
      organizationId,
    });
    expect(created.status).toBe(201);
    const html = await created.text();
    const url =
      /id="password-link"[^>]*value="([^"]+)"/.exec(html)?.[1] ??
      /value="([^"]+passwort-setzen[^"]+)"/.exec(html)?.[1];
    expect(url).toMatch(new RegExp(`^${server.url}/passwort-setzen/[a-z2-7]{32}$`));
    const path = new URL(url!).pathname;

    const weak = await post(path, null, { password: 'passwort12', repeat: 'passwort12' });
    expect(weak.status).toBe(422);
    const set = await post(path, null, {
      password: 'Lange-Sichere-Phrase-42',
      repeat: 'Lange-Sichere-Phrase-42',
    });
    expect(set.status).toBe(303);
    expect(
      (await post(path, null, { password: 'Noch-eine-Phrase-77', repeat: 'Noch-eine-Phrase-77' })).status,
    ).toBe(404);
    const cookie = await signInOverHttp(server, 'nora.neu@partnernetz.example', 'Lange-Sichere-Phrase-42');
    expect((await get('/verzeichnis', cookie)).status).toBe(200);
  });

  it('keeps what was typed and explains in German when the form is wrong', async () => {
    const response = await post('/admin/benutzer/neu', admin, {
      displayName: 'Otto Ohne',
      email: 'kein-at-zeichen',
      role: 'partner',
      organizationId: await officeId(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Bitte geben Sie eine gültige E-Mail-Adresse ein');
    expect(html).toContain('value="Otto Ohne"');
    expect(html).toContain('value="kein-at-zeichen"');
  });

  it('refuses a second account with the same e-mail address', async () => {
    const response = await post('/admin/benutzer/neu', admin, {
      displayName: 'Doppelt',
      email: 'FACHKRAFT@partnernetz.example',
      role: 'caseworker',
      organizationId: await officeId(),
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Unter dieser E-Mail-Adresse gibt es schon ein Konto.');
  });

  it('answers a stale edit with 409 and the current state, never overwriting silently', async () => {
    const list = await (await get('/admin/benutzer', admin)).text();
    const id = idFrom(list, '/admin/benutzer', 'Mika Fachkraft \\(Demo\\)');
    const page = await (await get(`/admin/benutzer/${id}`, admin)).text();
    const version = versionOf(page);
    const base = {
      intent: 'save',
      version,
      email: 'fachkraft.moisling@partnernetz.example',
      role: 'caseworker',
      organizationId: /name="organizationId"[\s\S]*?<option value="([a-z0-9]+)" selected/.exec(page)![1]!,
    };
    const saved = await post(`/admin/benutzer/${id}`, admin, { ...base, displayName: 'Mika Erste' });
    // Post/Redirect/Get: the saved page is a fresh GET that says once what happened.
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/admin/benutzer/${id}`);
    const flash = saved.headers
      .getSetCookie()
      .find((c) => c.startsWith('jmd_flash='))!
      .split(';')[0]!;
    const after = await (await get(`/admin/benutzer/${id}`, `${admin}; ${flash}`)).text();
    expect(after).toContain('Die Änderungen sind gespeichert.');
    expect(after).toContain('value="Mika Erste"');
    const stale = await post(`/admin/benutzer/${id}`, admin, { ...base, displayName: 'Mika Zweite' });
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toContain('Jemand anderes hat dieses Konto inzwischen geändert');
    expect(html).toContain('Mika Erste');
    expect(html).toContain('value="Mika Zweite"');
  });

  it('deactivates an account, which ends its sessions at once and blocks sign-in', async () => {
    const partner = await signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
    expect((await get('/einrichtung', partner)).status).toBe(200);
    const list = await (await get('/admin/benutzer', admin)).text();
    const id = idFrom(list, '/admin/benutzer', 'Paula Partner \\(Demo\\)');
    const version = versionOf(await (await get(`/admin/benutzer/${id}`, admin)).text());
    const asked = await post(`/admin/benutzer/${id}`, admin, { intent: 'deactivate', version });
    expect(await asked.text()).toContain('Konto wirklich deaktivieren?');
    expect((await get('/einrichtung', partner)).status).toBe(200);
    const response = await post(`/admin/benutzer/${id}`, admin, {
      intent: 'deactivate',
      version,
      confirm: 'ja',
    });
    expect(response.status).toBe(303);
    const flash = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('jmd_flash='))!
      .split(';')[0]!;
    const after = await (await get(response.headers.get('location')!, `${admin}; ${flash}`)).text();
    expect(after).toContain('alle Sitzungen der Person wurden beendet');
    expect((await get('/einrichtung', partner)).status).toBe(303);
    await expect(
      signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!),
    ).rejects.toThrow();
  });

  it('lets a coordinator add a partner institution but not a JMD office or a Träger', async () => {
    const created = await post('/admin/organisationen/neu', coordinator, {
      kind: 'partner',
      name: 'Neue Sprachschule',
      category: 'language_course',
      postcode: '23552',
      city: 'Lübeck',
      latitude: '53,8661',
      longitude: '10,6870',
      languages: 'de, ar',
    });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    // The message travels in the one-time flash cookie of the redirect (Post/Redirect/Get).
    const flash = created.headers
      .getSetCookie()
      .find((c) => c.startsWith('jmd_flash='))!
      .split(';')[0];
    const page = await (await get(location, `${coordinator}; ${flash}`)).text();
    expect(page).toContain('Die Partnereinrichtung ist angelegt.');
    expect(page).toContain('value="53,8661"');

    const office = await post('/admin/organisationen/neu', coordinator, {
      kind: 'jmd_office',
      name: 'Heimliches Büro',
    });
    expect(office.status).toBe(422);
    expect(await office.text()).toContain('Sie können nur Partnereinrichtungen anlegen');
    expect((await get(`/admin/organisationen/${await officeId()}`, coordinator)).status).toBe(404);
    expect((await get('/admin/benutzer', coordinator)).status).toBe(404);
  });

  it('shows a German message for a bad postcode and keeps every typed field', async () => {
    const response = await post('/admin/organisationen/neu', coordinator, {
      kind: 'partner',
      name: 'Jugendtreff Test',
      category: 'leisure',
      postcode: '2355',
      street: 'Holstenstraße 1',
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Die Postleitzahl hat in Deutschland genau 5 Ziffern');
    expect(html).toContain('value="Holstenstraße 1"');
    expect(html).toContain('value="2355"');
  });

  it('records admin actions in the audit log, which only admins can read', async () => {
    const html = await (await get('/admin/protokoll?aktion=user.create', admin)).text();
    expect(html).toContain('Konto angelegt');
    expect(html).toContain('Alex Admin (Demo)');
    // The object reads "Konto: Name", without a space before the colon.
    expect(html).toMatch(/>\s*Konto: [^<]+<\/a>/);
    expect(html).not.toMatch(/Konto\s+:/);
    expect((await get('/admin/protokoll', coordinator)).status).toBe(404);
  });
});
