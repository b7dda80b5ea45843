import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/lib/auth/token';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';

// The referral tracker over HTTP, as the three parties use it: a caseworker opens a case, records consent and
// sends a referral; the partner with an account answers in the inbox; a partner without one through a link.
describe('referrals over HTTP', () => {
  let server: TestServer;
  let db: Db;
  let caseworker: string;
  let otherOffice: string;
  let partner: string;
  let coordinator: string;
  let partnerOrgId: string;
  let partnerServiceId: string;
  let linkOrgServiceId: string;

  beforeAll(async () => {
    server = await startTestServer();
    db = createDb({ databaseUrl: server.databaseUrl });
    [caseworker, otherOffice, partner, coordinator] = await Promise.all([
      signInOverHttp(server, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!),
      signInOverHttp(server, 'fachkraft.moisling@partnernetz.example', DEMO_PASSWORDS['caseworker']!),
      signInOverHttp(server, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!),
      signInOverHttp(server, 'koordination@partnernetz.example', DEMO_PASSWORDS['coordinator']!),
    ]);
    const partnerUser = await db
      .selectFrom('app_user')
      .select('organization_id')
      .where('email', '=', 'partner@partnernetz.example')
      .executeTakeFirstOrThrow();
    partnerOrgId = partnerUser.organization_id;
    partnerServiceId = (
      await db
        .selectFrom('service')
        .select('id')
        .where('organization_id', '=', partnerOrgId)
        .executeTakeFirstOrThrow()
    ).id;
    // A partner organization without accounts, reachable only by e-mail.
    const withoutAccounts = await db
      .selectFrom('service')
      .innerJoin('organization', 'organization.id', 'service.organization_id')
      .select('service.id')
      .where('organization.id', '!=', partnerOrgId)
      .where('organization.email', 'is not', null)
      .where('service.archived_at', 'is', null)
      .executeTakeFirstOrThrow();
    linkOrgServiceId = withoutAccounts.id;
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  const get = (path: string, cookie: string | null) =>
    fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const post = (path: string, cookie: string | null, body: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    return fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        ...(cookie ? { cookie } : {}),
      },
      body: params,
    });
  };
  const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;
  /** The session cookie plus the cookies a response set (the one-time message), for following its redirect. */
  const withSetCookies = (cookie: string, response: Response) => {
    const jar = new Map(cookie.split('; ').map((pair) => [pair.split('=')[0]!, pair] as const));
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(';')[0]!;
      const name = pair.split('=')[0]!;
      // A deleted cookie comes back expired: the browser drops it.
      if (/expires=Thu, 01 Jan 1970|max-age=0/i.test(set)) jar.delete(name);
      else jar.set(name, pair);
    }
    return [...jar.values()].join('; ');
  };
  /** Follows a 303 the way a browser does: a GET of its location with the cookies it set. */
  const follow = async (cookie: string, response: Response) => {
    expect(response.status).toBe(303);
    return get(response.headers.get('location')!, withSetCookies(cookie, response));
  };

  async function openCase(): Promise<string> {
    const response = await post('/faelle/neu', caseworker, {
      firstName: 'Amira',
      lastName: 'Beispiel',
      birthDate: '2008-05-01',
      phone: '0451 0000 111',
    });
    expect(response.status).toBe(303);
    return /\/faelle\/([a-z2-7]+)$/.exec(response.headers.get('location')!)![1]!;
  }

  async function recordConsent(caseId: string, organizationId: string, categories: string[]) {
    const response = await post(`/faelle/${caseId}/einwilligung`, caseworker, {
      recipientOrganizationId: organizationId,
      categories,
      purpose: 'Anmeldung zum Kurs',
      givenOn: new Date().toISOString().slice(0, 10),
      form: 'written',
      ageGroup: '16plus',
      validUntil: `${new Date().getFullYear() + 1}-12-31`,
    });
    expect(response.status).toBe(303);
  }

  async function sendReferral(
    caseId: string,
    serviceId: string,
    extra: Record<string, string | string[]> = {},
  ) {
    const body = {
      caseId,
      serviceId,
      purpose: 'language',
      message: 'Sucht einen Platz im Jugendintegrationskurs ab Januar.',
      contactMode: 'appointment',
      responseDueOn: `${new Date().getFullYear() + 1}-01-15`,
      submissionKey: generateToken(),
      intent: 'send',
      ...extra,
    };
    const response = await post('/vermittlungen/neu', caseworker, body);
    return { response, body };
  }

  it('keeps identity data out of case lists and shows it only on request, recording each showing', async () => {
    const caseId = await openCase();
    const list = await (await get('/faelle', caseworker)).text();
    expect(list).not.toContain('Amira');
    const page = await (await get(`/faelle/${caseId}`, caseworker)).text();
    expect(page).not.toContain('Amira');
    const shown = await (await get(`/faelle/${caseId}?anzeigen`, caseworker)).text();
    expect(shown).toContain('Amira');
    const reads = await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'case.identity_read')
      .where('object_id', '=', caseId)
      .execute();
    expect(reads).toHaveLength(1);
  });

  it('hides a case from another office and from a coordinator (404)', async () => {
    const caseId = await openCase();
    expect((await get(`/faelle/${caseId}`, otherOffice)).status).toBe(404);
    expect((await get(`/faelle/${caseId}?anzeigen`, coordinator)).status).toBe(404);
    expect((await get(`/faelle/${caseId}`, partner)).status).toBe(404);
  });

  it('shows the name of a guardian only with the recorded identity view, and survives junk in forms and addresses', async () => {
    const caseId = await openCase();
    const consent = await post(`/faelle/${caseId}/einwilligung`, caseworker, {
      recipientOrganizationId: partnerOrgId,
      categories: ['name'],
      purpose: 'Anmeldung zum Kurs',
      givenOn: new Date().toISOString().slice(0, 10),
      form: 'written',
      ageGroup: 'under16',
      guardianConsent: 'on',
      guardianName: 'Hana Vormund',
      validUntil: `${new Date().getFullYear() + 1}-12-31`,
    });
    expect(consent.status).toBe(303);
    expect(await (await get(`/faelle/${caseId}`, caseworker)).text()).not.toContain('Hana Vormund');
    expect(await (await get(`/faelle/${caseId}?anzeigen`, caseworker)).text()).toContain('Hana Vormund');

    // A version that is no version is an input error (422), never a database error.
    for (const version of ['1e300', 'abc', '99999999999']) {
      const junkVersion = await post(`/faelle/${caseId}/person`, caseworker, { version, firstName: 'Amira' });
      expect(junkVersion.status).toBe(422);
      expect(await junkVersion.text()).toContain('Bitte laden Sie die Seite neu');
      const junkStep = await post(`/faelle/${caseId}`, caseworker, {
        action: 'step_status',
        stepId: 'x',
        version,
        status: 'done',
      });
      expect(junkStep.status).toBe(422);
    }
    expect((await get('/faelle?seite=99999999999999999999', caseworker)).status).toBe(200);
  });

  it('refuses a referral with a too short message in German and keeps what was typed', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, partnerServiceId, { message: 'kurz' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('mindestens 10 Zeichen');
    expect(html).toContain('>kurz</textarea>');
    expect(await db.selectFrom('referral').select('id').where('case_id', '=', caseId).execute()).toHaveLength(
      0,
    );
  });

  it('refuses to share personal data without consent and sends nothing', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, partnerServiceId, { sharedCategories: ['name'] });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('keine gültige Einwilligung');
    expect(await db.selectFrom('referral').select('id').where('case_id', '=', caseId).execute()).toHaveLength(
      0,
    );
  });

  it('runs the loop with a partner account: one referral per form, consented fields only, answer, revocation', async () => {
    const caseId = await openCase();
    await recordConsent(caseId, partnerOrgId, ['name']);
    const { response, body } = await sendReferral(caseId, partnerServiceId, { sharedCategories: ['name'] });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    const referralId = /\/vermittlungen\/([a-z2-7]+)$/.exec(location)![1]!;
    expect(await (await follow(caseworker, response)).text()).toContain('Die Vermittlung ist gesendet.');
    // The same form sent again (double click, reload) lands on the same referral.
    const again = await post('/vermittlungen/neu', caseworker, body);
    expect(again.headers.get('location')).toContain(`/vermittlungen/${referralId}`);
    expect(await db.selectFrom('referral').select('id').where('case_id', '=', caseId).execute()).toHaveLength(
      1,
    );

    // The partner's mail says only that something waits.
    const mails = await db.selectFrom('outbox').selectAll().where('kind', '=', 'referral.new').execute();
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails) {
      expect(mail.body_text).not.toContain('Amira');
      // The sample office is called "… (Beispiel)" and is named on purpose (issue #11): only the young person's
      // surname must not appear.
      expect(mail.body_text.replaceAll('(Beispiel)', '')).not.toContain('Beispiel');
    }

    const inbox = await (await get('/eingang', partner)).text();
    expect(inbox).toContain(`/vermittlungen/${referralId}`);
    const detail = await (await get(`/vermittlungen/${referralId}`, partner)).text();
    expect(detail).toContain('Amira');
    expect(detail).not.toContain('0451 0000 111'); // contact details were not shared
    expect(detail).not.toContain('2008');

    // Other parties do not see it at all.
    expect((await get(`/vermittlungen/${referralId}`, otherOffice)).status).toBe(404);
    expect((await get(`/vermittlungen/${referralId}`, coordinator)).status).toBe(404);

    const accepted = await post(`/vermittlungen/${referralId}`, partner, {
      action: 'accept',
      version: versionOf(detail),
    });
    expect(accepted.headers.get('location')).toBe(`/vermittlungen/${referralId}`);
    expect(await (await follow(partner, accepted)).text()).toContain('Neuer Stand: Angenommen');

    // The caseworker acting on the old version gets the conflict and the current state.
    const stale = await post(`/vermittlungen/${referralId}`, caseworker, {
      action: 'cancel',
      reason: 'Doch nicht nötig',
      version: versionOf(detail),
    });
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('inzwischen geändert');
    expect(staleHtml).toContain('Angenommen');

    // Revoking the consent ends the partner's view of the name at once.
    const casePage = await (await get(`/faelle/${caseId}`, caseworker)).text();
    const consentId = /name="consentId" value="([a-z2-7]+)"/.exec(casePage)![1]!;
    expect(
      (await post(`/faelle/${caseId}`, caseworker, { action: 'revoke_consent', consentId })).status,
    ).toBe(303);
    expect(await (await get(`/vermittlungen/${referralId}`, partner)).text()).not.toContain('Amira');
  });

  it('answers a successful action with 303 and a one-time message; reloading the page does not act again', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, partnerServiceId);
    const referralId = /\/vermittlungen\/([a-z2-7]+)$/.exec(response.headers.get('location')!)![1]!;
    const page = await (await get(`/vermittlungen/${referralId}`, partner)).text();
    const accepted = await post(`/vermittlungen/${referralId}`, partner, {
      action: 'accept',
      version: versionOf(page),
    });
    expect(accepted.status).toBe(303);
    const target = accepted.headers.get('location')!;
    expect(target).toBe(`/vermittlungen/${referralId}`);
    expect(target).not.toContain('?');
    const cookies = withSetCookies(partner, accepted);
    const first = await get(target, cookies);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Neuer Stand: Angenommen');
    // The reload is a GET of the same page: no second answer, and the message is gone.
    const reload = await get(target, withSetCookies(cookies, first));
    expect(reload.status).toBe(200);
    expect(await reload.text()).not.toContain('Neuer Stand: Angenommen');
    const accepts = await db
      .selectFrom('referral_event')
      .select('id')
      .where('referral_id', '=', referralId)
      .where('kind', '=', 'accept')
      .execute();
    expect(accepts).toHaveLength(1);
  });

  it('answers a junk version on a referral form with 422 and changes nothing', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, partnerServiceId);
    const referralId = /\/vermittlungen\/([a-z2-7]+)$/.exec(response.headers.get('location')!)![1]!;
    for (const version of ['abc', '99999999999', '']) {
      const result = await post(`/vermittlungen/${referralId}`, partner, { action: 'accept', version });
      expect(result.status).toBe(422);
      expect(await result.text()).toContain('Bitte laden Sie die Seite neu');
    }
    const row = await db
      .selectFrom('referral')
      .select(['status', 'version'])
      .where('id', '=', referralId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', version: 1 });
  });

  it('refuses an illegal transition with a clear message', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, partnerServiceId);
    const referralId = /\/vermittlungen\/([a-z2-7]+)/.exec(response.headers.get('location')!)![1]!;
    const page = await (await get(`/vermittlungen/${referralId}`, partner)).text();
    const result = await post(`/vermittlungen/${referralId}`, partner, {
      action: 'complete',
      outcome: 'got_help',
      version: versionOf(page),
    });
    expect(result.status).toBe(422);
    expect(await result.text()).toContain('kann nicht mehr');
  });

  it('lets a partner without an account answer through a single-use link', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, linkOrgServiceId);
    expect(response.status).toBe(303);
    const referralId = /\/vermittlungen\/([a-z2-7]+)/.exec(response.headers.get('location')!)![1]!;
    const mail = await db
      .selectFrom('outbox')
      .select('body_text')
      .where('kind', '=', 'referral.link')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const path = /\/link\/[a-z2-7]{32}/.exec(mail.body_text)![0];

    // GET only shows a button: mail scanners that fetch links do not use it up.
    expect((await get(path, null)).status).toBe(200);
    const opened = await post(path, null, {});
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/extern/vermittlung');
    const cookie = opened.headers
      .getSetCookie()
      .find((c) => c.startsWith('jmd_link='))!
      .split(';')[0]!;
    // A second try goes back to the link's page (Post/Redirect/Get), which says the link is spent: 410.
    const again = await post(path, null, {});
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(path);
    expect((await get(path, null)).status).toBe(410);

    const view = await (await get('/extern/vermittlung', cookie)).text();
    expect(view).toContain('Anonyme Anfrage');
    const accepted = await post('/extern/vermittlung', cookie, {
      action: 'accept',
      version: versionOf(view),
    });
    expect(accepted.headers.get('location')).toBe('/extern/vermittlung');
    expect(await (await follow(cookie, accepted)).text()).toContain('Neuer Stand: Angenommen');
    const events = await db
      .selectFrom('referral_event')
      .select('kind')
      .where('referral_id', '=', referralId)
      .execute();
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['viewed', 'accept']));
    // The link cookie opens nothing else.
    expect((await get(`/vermittlungen/${referralId}`, cookie)).status).toBe(303);
  });

  it('lets the admin filter the audit log for referrals, naming link access and the consent relied on', async () => {
    const admin = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    const html = await (await get('/admin/protokoll?objekt=referral', admin)).text();
    expect(html).toContain('Vermittlung angesehen');
    expect(html).toContain('Freigegebene Daten angesehen');
    expect(html).toContain('Einrichtung (über Einmal-Link)');
    expect(html).not.toContain('Amira');
    const withConsent = await db
      .selectFrom('audit_log')
      .select('consent_id')
      .where('action', '=', 'referral.personal_data_read')
      .executeTakeFirstOrThrow();
    expect(html).toContain(`<code>${withConsent.consent_id!.slice(0, 8)}</code>`);
  });

  it('prints a handout without any case data', async () => {
    const caseId = await openCase();
    const { response } = await sendReferral(caseId, partnerServiceId);
    const referralId = /\/vermittlungen\/([a-z2-7]+)/.exec(response.headers.get('location')!)![1]!;
    const code = (
      await db.selectFrom('case_file').select('code').where('id', '=', caseId).executeTakeFirstOrThrow()
    ).code;
    const handout = await get(`/vermittlungen/${referralId}/wegweiser`, caseworker);
    expect(handout.status).toBe(200);
    const html = await handout.text();
    expect(html).toContain('Ihr Wegweiser');
    expect(html).not.toContain(code);
    expect(html).not.toContain('Amira');
    expect(html).not.toContain('Jugendintegrationskurs ab Januar');
    expect((await get(`/vermittlungen/${referralId}/wegweiser`, partner)).status).toBe(404);
  });

  it('shows the dashboard with the new referral waiting for an answer', async () => {
    const html = await (await get('/vermittlungen', caseworker)).text();
    expect(html).toContain('Warten auf Antwort');
    expect(html).toMatch(/Laufend \(\d+\)/);
    // Each row tells what happened last.
    expect(html).toContain('<th scope="col">Zuletzt</th>');
    // … in plain words, never the status machine's "Annehmen → Angenommen" (issue 11).
    expect(html).toContain('Einrichtung hat angenommen');
    expect(html).not.toContain('→ Angenommen');
    const inbox = await (await get('/eingang', partner)).text();
    expect(inbox).toContain('Vermittlung an die Einrichtung gesendet');
    expect(inbox).not.toContain('Senden → Gesendet');
    const office = await get('/vermittlungen?ansicht=dienststelle', caseworker);
    expect(office.status).toBe(200);
    expect((await get('/vermittlungen', partner)).status).toBe(404);
    expect((await get('/eingang', caseworker)).status).toBe(404);
  });
});
