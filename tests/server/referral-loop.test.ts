import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { loadConfig } from '../../src/lib/config/config';
import { newId } from '../../src/lib/db/ids';
import { findUserById } from '../../src/lib/auth/auth.queries';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { createCase } from '../../src/lib/cases/case.service';
import { ReferralFormSchema } from '../../src/lib/referrals/referral';
import { createReferral } from '../../src/lib/referrals/referral.service';

// Mails of the referral loop as they leave the built app through SMTP: each mail to a partner names the office and
// caseworker and has Reply-To the caseworker; no mail, address or log line carries the young person's data or a
// message's text. A fresh-link request answers the same for a real and a made-up link.
describe('referral loop mails over SMTP', () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let db: Db;
  let referralId = '';
  let caseCode = '';
  let organizationEmail = '';
  let linkCookie = '';
  const SECRET = 'Nachricht über Yasmin Geheimname';

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    server = await startTestServer({ SMTP_URL: smtp.url, JOBS_INTERVAL_SECONDS: '1' });
    db = createDb({ databaseUrl: server.databaseUrl });
    const target = await db
      .selectFrom('service')
      .innerJoin('organization', 'organization.id', 'service.organization_id')
      .leftJoin('app_user', 'app_user.organization_id', 'organization.id')
      .select(['service.id as id', 'organization.email as email'])
      .where('app_user.id', 'is', null)
      .where('organization.kind', '=', 'partner')
      .where('organization.email', 'is not', null)
      .where('service.archived_at', 'is', null)
      .orderBy('service.name')
      .executeTakeFirstOrThrow();
    organizationEmail = target.email!;
    const row = await db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'fachkraft@partnernetz.example')
      .executeTakeFirstOrThrow();
    const ctx = {
      actor: { kind: 'user' as const, user: (await findUserById(db, row.id))! },
      requestId: null,
      now: new Date(),
      config: loadConfig({ PUBLIC_BASE_URL: server.url, DATABASE_URL: server.databaseUrl }),
    };
    const caseFile = await createCase(
      db,
      ctx,
      CaseIdentitySchema.parse({ firstName: 'Yasmin', lastName: 'Geheimname' }),
    );
    if (!caseFile.ok) throw new Error('case');
    caseCode = caseFile.value.code;
    const referral = await createReferral(
      db,
      ctx,
      ReferralFormSchema.parse({
        caseId: caseFile.value.id,
        serviceId: target.id,
        purpose: 'language',
        message: 'Sucht einen Kursplatz.',
        contactMode: 'appointment',
        responseDueOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
        submissionKey: newId(),
      }),
    );
    if (!referral.ok) throw new Error('referral');
    referralId = referral.value.referral.id;
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
    await smtp?.stop();
  });

  async function waitForMail(predicate: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const mail = smtp.messages.find(predicate);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`Keine passende Mail (${smtp.messages.length} Mails)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const post = (path: string, body: Record<string, string>, cookie = '') =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
      body: new URLSearchParams(body),
    });
  const tokenIn = (mail: ReceivedMail) => /\/link\/([a-z2-7]{32})/.exec(mail.text)![1]!;

  it('mails to the partner name the sender, reply to the caseworker and carry no personal data or message text', async () => {
    const first = await waitForMail((m) => m.to.includes(organizationEmail));
    expect(first.raw).toMatch(/^Reply-To: .*fachkraft@partnernetz\.example/im);
    expect(first.subject).toMatch(/^Neue Vermittlung von .+ \(.+\) – bitte über den Link antworten$/);
    expect(first.text).toContain('Warum erhalten Sie diese E-Mail?');
    expect(first.text).toContain('JMD Partnernetz');

    // The partner opens the link and writes a message that names the young person.
    const opened = await post(`/link/${tokenIn(first)}`, {});
    expect(opened.status).toBe(303);
    const cookie = opened.headers
      .getSetCookie()
      .find((c) => c.startsWith('jmd_link='))!
      .split(';')[0]!;
    linkCookie = cookie;
    const written = await post('/extern/vermittlung', { action: 'message', body: SECRET }, cookie);
    expect(written.status).toBe(303);
    expect(written.headers.get('location')).toBe('/extern/vermittlung');

    // The caseworker answers, signed in.
    const session = await signInOverHttp(
      server,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
    const answered = await post(
      `/vermittlungen/${referralId}`,
      { action: 'message', body: `Antwort zu ${SECRET}` },
      session,
    );
    expect(answered.status).toBe(303);

    const toCaseworker = await waitForMail(
      (m) => m.to.includes('fachkraft@partnernetz.example') && /Neue Nachricht/.test(m.subject ?? ''),
    );
    const toPartner = await waitForMail(
      (m) => m.to.includes(organizationEmail) && /^Neue Nachricht von /.test(m.subject ?? ''),
    );
    expect(toPartner.raw).toMatch(/^Reply-To: .*fachkraft@partnernetz\.example/im);
    for (const mail of smtp.messages) {
      for (const secret of ['Yasmin', 'Geheimname', caseCode]) {
        expect(`${mail.subject}\n${mail.text}`).not.toContain(secret);
      }
    }
    expect(toCaseworker.text).toContain(`/vermittlungen/${referralId}`);
    // Nor does anything of it reach the server's log.
    expect(server.output()).not.toContain('Geheimname');
  });

  it('the same answer sent twice (a reload of the form, a second tab) is done, not a red conflict', async () => {
    const version = String(
      (
        await db
          .selectFrom('referral')
          .select('version')
          .where('id', '=', referralId)
          .executeTakeFirstOrThrow()
      ).version,
    );
    const first = await post('/extern/vermittlung', { action: 'accept', version }, linkCookie);
    const second = await post('/extern/vermittlung', { action: 'accept', version }, linkCookie);
    expect([first.status, second.status]).toEqual([303, 303]);
    const accepts = await db
      .selectFrom('referral_event')
      .select('id')
      .where('referral_id', '=', referralId)
      .where('kind', '=', 'accept')
      .execute();
    expect(accepts).toHaveLength(1);
  });

  it('asking for a fresh link answers the same for a real and a made-up link', async () => {
    const first = await waitForMail((m) => m.to.includes(organizationEmail));
    const real = await post(`/link/${tokenIn(first)}`, { action: 'renew' });
    const madeUp = await post(`/link/${'a'.repeat(32)}`, { action: 'renew' });
    expect(real.status).toBe(303);
    expect(madeUp.status).toBe(303);
    const flash = (response: Response) =>
      response.headers
        .getSetCookie()
        .find((c) => c.includes('flash'))
        ?.split(';')[0]
        ?.split('=')
        .slice(1)
        .join('=');
    expect(flash(real)).toBe(flash(madeUp));
    expect(real.headers.get('location')).toBe(`/link/${tokenIn(first)}`);
  });
});
