import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// The built app in production mode over real HTTP: cookie flags, CSRF, headers, guards, error pages.
describe('built app (production mode)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(async () => server?.stop());

  const form = (body: Record<string, string>, origin?: string) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin ? { origin } : {}),
    },
    body: new URLSearchParams(body),
  });

  it('reports health with the version and the database dialect', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'ok', database: server.dialect.name });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('signs a caseworker in with a __Host- cookie that is HttpOnly, Secure and SameSite=Lax', async () => {
    const response = await fetch(
      `${server.url}/anmelden`,
      form({ email: 'fachkraft@partnernetz.example', password: DEMO_PASSWORDS['caseworker']! }, server.url),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/vermittlungen');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-jmd_session='))!;
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('answers a wrong password with a German message that does not reveal the account', async () => {
    const known = await fetch(
      `${server.url}/anmelden`,
      form({ email: 'admin@partnernetz.example', password: 'falsch-falsch' }, server.url),
    );
    const unknown = await fetch(
      `${server.url}/anmelden`,
      form({ email: 'niemand@partnernetz.example', password: 'falsch-falsch' }, server.url),
    );
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await known.text(), await unknown.text()];
    expect(a).toContain('Die Anmeldung ist fehlgeschlagen');
    expect(b).toContain('Die Anmeldung ist fehlgeschlagen');
    // The typed e-mail address is kept in the form.
    expect(a).toContain('value="admin@partnernetz.example"');
  });

  it('refuses a cross-origin POST with 403', async () => {
    const response = await fetch(
      `${server.url}/anmelden`,
      form(
        { email: 'fachkraft@partnernetz.example', password: DEMO_PASSWORDS['caseworker']! },
        'https://evil.example',
      ),
    );
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a cross-origin JSON POST too, not only forms', async () => {
    const response = await fetch(`${server.url}/abmelden`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });

  it('sends the security headers of DESIGN.md §5 rule 7', async () => {
    const response = await fetch(`${server.url}/anmelden`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('sends pages without inline scripts or styles, so the CSP holds', async () => {
    const cookie = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    const html = await (await fetch(`${server.url}/admin`, { headers: { cookie } })).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('redirects a visitor without a session to the sign-in page', async () => {
    const response = await fetch(`${server.url}/verzeichnis`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/anmelden?weiter=%2Fverzeichnis');
  });

  it('returns to the page asked for after sign-in, and never to another site', async () => {
    const signInTo = async (weiter: string) => {
      const response = await fetch(`${server.url}/anmelden?weiter=${encodeURIComponent(weiter)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: new URLSearchParams({
          email: 'fachkraft@partnernetz.example',
          password: DEMO_PASSWORDS['caseworker']!,
        }),
      });
      expect(response.status).toBe(303);
      return response.headers.get('location');
    };
    expect(await signInTo('/faelle?seite=2')).toBe('/faelle?seite=2');
    expect(await signInTo('//evil.example/x')).toBe('/vermittlungen');
    expect(await signInTo('https://evil.example/')).toBe('/vermittlungen');
    expect(await signInTo('/\\evil.example')).toBe('/vermittlungen');
    // A tab or line break after the slash: browsers drop it and would read "//evil.example" (another site). The
    // address is refused before sign-in (400); safeLocalPath refuses it too (tests/unit/http.test.ts).
    for (const weiter of ['/\t/evil.example', '/\r\n/evil.example']) {
      const response = await fetch(`${server.url}/anmelden?weiter=${encodeURIComponent(weiter)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: new URLSearchParams({
          email: 'fachkraft@partnernetz.example',
          password: DEMO_PASSWORDS['caseworker']!,
        }),
      });
      expect(response.headers.get('location') ?? '').not.toContain('evil.example');
    }
    expect(await signInTo('/anmelden?weiter=/faelle')).toBe('/vermittlungen');
  });

  it('sends the matching status text with the status a page sets (not "404 OK")', async () => {
    const response = await fetch(`${server.url}/passwort-setzen/abc`);
    expect(response.status).toBe(404);
    expect(response.statusText).toBe('Not Found');
    const wrong = await fetch(
      `${server.url}/anmelden`,
      form({ email: 'x@y.example', password: 'falsch' }, server.url),
    );
    expect(`${wrong.status} ${wrong.statusText}`).toBe('401 Unauthorized');
  });

  it('shows a German 404 page for an unknown address', async () => {
    const response = await fetch(`${server.url}/gibt-es-nicht`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Seite nicht gefunden');
  });

  it('answers 404 when a caseworker opens an admin page', async () => {
    const cookie = await signInOverHttp(
      server,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
    const response = await fetch(`${server.url}/admin/benutzer`, { headers: { cookie } });
    expect(response.status).toBe(404);
  });

  it('answers 404 when a caseworker tries to end a session that is not theirs', async () => {
    const victim = await signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
    const attacker = await signInOverHttp(
      server,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
    const { hashToken } = await import('../../src/lib/auth/token');
    const victimSessionId = hashToken(victim.split('=')[1]!);
    const response = await fetch(`${server.url}/konto/sitzungen`, {
      ...form({ action: 'end', session: victimSessionId }, server.url),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie: attacker },
    });
    expect(response.status).toBe(404);
    const stillIn = await fetch(`${server.url}/einrichtung`, {
      headers: { cookie: victim },
      redirect: 'manual',
    });
    expect(stillIn.status).toBe(200);
  });

  it('signs out on POST and the old cookie no longer works', async () => {
    const cookie = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    expect((await fetch(`${server.url}/netzwerk`, { headers: { cookie }, redirect: 'manual' })).status).toBe(
      200,
    );
    const out = await fetch(`${server.url}/abmelden`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(out.status).toBe(303);
    expect((await fetch(`${server.url}/netzwerk`, { headers: { cookie }, redirect: 'manual' })).status).toBe(
      303,
    );
  });

  it('refuses control characters in the address with a German 400, as a page and as JSON for the API', async () => {
    const page = await fetch(`${server.url}/verzeichnis?q=a%00b`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Steuerzeichen');
    const path = await fetch(`${server.url}/verzeichnis/%00`);
    expect(path.status).toBe(400);
    const api = await fetch(`${server.url}/api/v1/search?q=%1B`);
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({
      parameter: 'q',
      fehler: expect.stringContaining('Steuerzeichen'),
    });
  });

  it('answers a malformed form body with a German 400, never a 500 or a stack trace', async () => {
    const response = await fetch(`${server.url}/anmelden`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=kaputt', origin: server.url },
      body: 'das ist kein multipart',
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).toContain('Das Formular konnte nicht gelesen werden');
    expect(text).not.toMatch(/at .*\.(js|mjs|ts):\d+/);
    expect(text).not.toContain('TypeError');
  });
});

// Hostile input against sign-in on a server that trusts no proxy (TRUST_PROXY=0, the default).
describe('sign-in under hostile input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '0' });
  });
  afterAll(async () => server?.stop());

  const signIn = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/anmelden`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers },
      body: new URLSearchParams(body),
    });

  it('answers an e-mail address over 254 characters with a German form error, not a 500', async () => {
    const response = await signIn({ email: `${'a'.repeat(250)}@beispiel.de`, password: 'egal-egal-egal' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Die E-Mail-Adresse ist zu lang (höchstens 254 Zeichen)');
  });

  it('refuses a password over 1,024 characters before hashing it, with a German form error', async () => {
    const response = await signIn({ email: 'admin@partnernetz.example', password: 'x'.repeat(100_000) });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Das Passwort ist zu lang: höchstens 1.024 Zeichen.');
  });

  it('keeps the per-address limit when a client names a new X-Forwarded-For address each time', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const response = await signIn(
        { email: `raten-${i}@partnernetz.example`, password: 'falsch-falsch' },
        { 'x-forwarded-for': `198.51.100.${i + 1}` },
      );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The limit is on this address, whatever the header claims; the message says how long to wait.
    const right = await signIn(
      { email: 'admin@partnernetz.example', password: DEMO_PASSWORDS['admin']! },
      { 'x-forwarded-for': '203.0.113.99' },
    );
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await right.text()).toContain('Bitte warten Sie');
  });
});
