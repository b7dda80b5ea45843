import { generateTOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// The second factor over HTTP with the default MFA_REQUIRED_ROLES (admin, coordinator): no page before enrolment,
// enrolment with the password, the code step after the password, an admin's reset.
describe('second factor over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MFA_REQUIRED_ROLES: 'admin,coordinator' });
  });
  afterAll(async () => server?.stop());
  let adminCodes: string[] = [];

  const get = (path: string, cookie = '') =>
    fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  const post = (path: string, cookie: string, body: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
      body: new URLSearchParams(body),
    });
  const cookieOf = (response: Response, name: string) =>
    response.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`))
      ?.split(';')[0] ?? null;

  /** Enrols the signed-in user over HTTP; returns the secret and the recovery codes shown once. */
  async function enrolOverHttp(
    cookie: string,
    password: string,
  ): Promise<{ secret: string; codes: string[] }> {
    const wrong = await post('/konto/zwei-faktor', cookie, { action: 'start', password: 'falsch' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('Das Passwort stimmt nicht.');
    const started = await post('/konto/zwei-faktor', cookie, { action: 'start', password });
    expect(started.status).toBe(303);
    const page = await (await get('/konto/zwei-faktor', cookie)).text();
    expect(page).toContain('src="data:image/svg+xml;base64,');
    const secret = /id="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(page)![1]!.replace(/ /g, '');
    const svg = Buffer.from(/data:image\/svg\+xml;base64,([^"]+)"/.exec(page)![1]!, 'base64').toString();
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const code = generateTOTP(decodeBase32IgnorePadding(secret), 30, 6);
    const confirmed = await post('/konto/zwei-faktor', cookie, { action: 'confirm', code });
    expect(confirmed.status).toBe(200);
    const html = await confirmed.text();
    const codes = [...html.matchAll(/<code[^>]*>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})<\/code>/g)].map(
      (m) => m[1]!,
    );
    expect(codes).toHaveLength(10);
    return { secret, codes };
  }

  it('sends a required role to enrolment from every page, and lets other roles through', async () => {
    const admin = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    for (const path of [
      '/',
      '/admin',
      '/admin/benutzer',
      '/admin/protokoll',
      '/konto',
      '/konto/sitzungen',
      '/suche',
      '/netzwerk',
      '/api/angebote',
    ]) {
      const response = await get(path, admin);
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe('/konto/zwei-faktor');
    }
    // A change is refused the same way: the password change does not happen.
    const change = await post('/konto', admin, {
      current: DEMO_PASSWORDS['admin']!,
      next: 'x'.repeat(20),
      repeat: 'x'.repeat(20),
    });
    expect(change.status).toBe(303);
    expect(change.headers.get('location')).toBe('/konto/zwei-faktor');
    const enrolment = await get('/konto/zwei-faktor', admin);
    expect(enrolment.status).toBe(200);
    expect(await enrolment.text()).toContain('Ihre Rolle braucht eine Zwei-Faktor-Anmeldung');

    const caseworker = await signInOverHttp(
      server,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
    expect((await get('/vermittlungen', caseworker)).status).toBe(200);
    expect((await get('/konto/zwei-faktor', caseworker)).status).toBe(200);
  });

  it('enrols, then asks for the code after the password; the pending half opens no page', async () => {
    const admin = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    const { codes } = await enrolOverHttp(admin, DEMO_PASSWORDS['admin']!);
    adminCodes = codes;
    expect((await get('/admin', admin)).status).toBe(200);

    const password = await post('/anmelden?weiter=%2Fadmin%2Fbenutzer', '', {
      email: 'admin@partnernetz.example',
      password: DEMO_PASSWORDS['admin']!,
    });
    expect(password.status).toBe(303);
    expect(password.headers.get('location')).toBe('/anmelden/code?weiter=%2Fadmin%2Fbenutzer');
    expect(cookieOf(password, 'jmd_session')).toBeNull();
    const pending = cookieOf(password, 'jmd_mfa')!;
    expect(pending).toMatch(/^jmd_mfa=/);
    // Not signed in yet: every page sends to sign-in, also with the pending token in the session cookie's place.
    const asSession = pending.replace('jmd_mfa=', 'jmd_session=');
    for (const cookie of [pending, asSession]) {
      const page = await get('/admin', cookie);
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/anmelden?weiter=%2Fadmin');
    }
    const form = await get('/anmelden/code?weiter=%2Fadmin%2Fbenutzer', pending);
    expect(form.status).toBe(200);

    const wrong = await post('/anmelden/code?weiter=%2Fadmin%2Fbenutzer', pending, { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Der Code stimmt nicht');

    const done = await post('/anmelden/code?weiter=%2Fadmin%2Fbenutzer', pending, { code: codes[0]! });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/benutzer');
    const session = cookieOf(done, 'jmd_session')!;
    expect((await get('/admin/benutzer', session)).status).toBe(200);
    // The pending token is used up.
    const again = await get('/anmelden/code', pending);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/anmelden');

    // The same recovery code a second time: refused.
    const second = await post('/anmelden', '', {
      email: 'admin@partnernetz.example',
      password: DEMO_PASSWORDS['admin']!,
    });
    const reused = await post('/anmelden/code', cookieOf(second, 'jmd_mfa')!, { code: codes[0]! });
    expect(reused.status).toBe(401);
  });

  it('an admin resets a coordinator’s second factor: sessions end, enrolment is due again', async () => {
    const coordinator = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    await enrolOverHttp(coordinator, DEMO_PASSWORDS['coordinator']!);
    expect((await get('/netzwerk', coordinator)).status).toBe(200);

    const password = await post('/anmelden', '', {
      email: 'admin@partnernetz.example',
      password: DEMO_PASSWORDS['admin']!,
    });
    const signedIn = await post('/anmelden/code', cookieOf(password, 'jmd_mfa')!, { code: adminCodes[1]! });
    const admin = cookieOf(signedIn, 'jmd_session')!;
    const list = await (await get('/admin/benutzer', admin)).text();
    const id = /href="\/admin\/benutzer\/([a-z0-9]+)"[^>]*>Kim Koordination \(Demo\)</.exec(list)![1]!;
    const userPage = await (await get(`/admin/benutzer/${id}`, admin)).text();
    expect(userPage).toContain('Zwei-Faktor-Anmeldung zurücksetzen');
    const reset = await post(`/admin/benutzer/${id}`, admin, { intent: 'mfa-reset' });
    expect(reset.status).toBe(303);
    expect((await get(`/admin/benutzer/${id}`, admin)).status).toBe(200);

    const ended = await get('/netzwerk', coordinator);
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toContain('/anmelden');
    const fresh = await signInOverHttp(
      server,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    expect((await get('/netzwerk', fresh)).headers.get('location')).toBe('/konto/zwei-faktor');
  });
});
