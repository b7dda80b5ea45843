import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { loadConfig } from '../../src/lib/config/config';
import { newId } from '../../src/lib/db/ids';
import { findUserById } from '../../src/lib/auth/auth.queries';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { createCase } from '../../src/lib/cases/case.service';
import { ReferralFormSchema } from '../../src/lib/referrals/referral';
import { createReferral } from '../../src/lib/referrals/referral.service';
import type { ActionContext } from '../../src/lib/action/context';
import {
  followClick,
  hasChromium,
  launchBrowser,
  NAVIGATION_TIMEOUT_MS,
  screenshot,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp';

// The referral loop without dead ends (issue #11) in a real browser, on a phone (390 px) and a desktop (1280 px):
// a partner without an account answers by link and writes a message; the caseworker answers it; the link expires
// (the app's clock is moved through TEST_CLOCK_FILE); the partner asks for a fresh link on the expired page, the link
// arrives at the loopback SMTP server, and three weeks later — asked for it by the follow-up job — the partner
// reports the outcome; the caseworker sees it. A reload after every POST re-submits nothing; axe checks every page.
const WIDTHS = [390, 1280] as const;
const DAY = 86_400_000;

describe.skipIf(!hasChromium)('the referral loop without dead ends, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let smtp: TestSmtpServer;
  let db: Db;
  let clockFile: string;
  let offsetMs = 0;
  let serviceId = '';
  let organizationEmail = '';

  /** Moves the running app's clock (and this test's idea of it) forward. */
  function moveClock(ms: number) {
    offsetMs += ms;
    fs.writeFileSync(clockFile, String(offsetMs));
  }
  const appNow = () => new Date(Date.now() + offsetMs);

  beforeAll(async () => {
    clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-clock-')), 'offset');
    fs.writeFileSync(clockFile, '0');
    smtp = await startTestSmtpServer();
    [server, browser] = await Promise.all([
      startTestServer({ SMTP_URL: smtp.url, JOBS_INTERVAL_SECONDS: '1', TEST_CLOCK_FILE: clockFile }),
      launchBrowser(),
    ]);
    db = createDb({ databaseUrl: server.databaseUrl });
    // A partner institution without accounts, with a mail address and a phone: it answers through links.
    const target = await db
      .selectFrom('service')
      .innerJoin('organization', 'organization.id', 'service.organization_id')
      .leftJoin('app_user', 'app_user.organization_id', 'organization.id')
      .select(['service.id as id', 'organization.email as email'])
      .where('app_user.id', 'is', null)
      .where('organization.kind', '=', 'partner')
      .where('organization.email', 'is not', null)
      .where('service.archived_at', 'is', null)
      .where('service.status', '=', 'active')
      .orderBy('service.name')
      .executeTakeFirstOrThrow();
    serviceId = target.id;
    organizationEmail = target.email!;
  }, 180_000);
  afterAll(async () => {
    await db?.destroy();
    await browser?.close();
    await server?.stop();
    await smtp?.stop();
  });

  const click = (page: Page, role: 'button' | 'link', name: string | RegExp) =>
    followClick(page, page.getByRole(role, { name, exact: true }).first());
  async function accessible(page: Page, name: string) {
    expect(await wcagViolations(page), name).toEqual([]);
    await screenshot(page, name);
  }
  async function waitForMail(
    predicate: (mail: ReceivedMail) => boolean,
    after: number,
  ): Promise<ReceivedMail> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const mail = smtp.messages.slice(after).find(predicate);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`Keine passende Mail (${smtp.messages.length} Mails)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const linkIn = (mail: ReceivedMail) => /http:\/\/[^\s]+\/link\/[a-z2-7]{32}/.exec(mail.text)![0];
  /** Reloads the page after a POST: it must be a GET of the page redirected to, changing nothing. */
  async function reloadChangesNothing(page: Page, count: () => Promise<number>, status = 200) {
    const before = await count();
    const response = await page.reload({ timeout: NAVIGATION_TIMEOUT_MS });
    expect(response?.request().method()).toBe('GET');
    expect(response?.status()).toBe(status);
    expect(await count()).toBe(before);
  }
  const countOf =
    (table: 'referral_event' | 'referral_message' | 'referral_link', referralId: string) => () =>
      db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('referral_id', '=', referralId)
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.n));
  async function signInHere(page: Page) {
    await page.getByLabel('E-Mail-Adresse').fill('fachkraft@partnernetz.example');
    await page.getByLabel('Passwort', { exact: true }).fill(DEMO_PASSWORDS['caseworker']!);
    await click(page, 'button', 'Anmelden');
  }

  /** The caseworker refers a young person to the institution (through the services, like the form does). */
  async function sendReferral(): Promise<string> {
    const caseworkerRow = await db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'fachkraft@partnernetz.example')
      .executeTakeFirstOrThrow();
    const caseworker = (await findUserById(db, caseworkerRow.id))!;
    const ctx: ActionContext = {
      actor: { kind: 'user', user: caseworker },
      requestId: null,
      now: appNow(),
      config: loadConfig({ PUBLIC_BASE_URL: server.url, DATABASE_URL: server.databaseUrl }),
    };
    const caseFile = await createCase(db, ctx, CaseIdentitySchema.parse({ firstName: 'Samira' }));
    if (!caseFile.ok) throw new Error(JSON.stringify(caseFile));
    const referral = await createReferral(
      db,
      ctx,
      ReferralFormSchema.parse({
        caseId: caseFile.value.id,
        serviceId,
        purpose: 'language',
        message: 'Sucht einen Kursplatz ab Januar, vormittags.',
        contactMode: 'appointment',
        responseDueOn: new Date(appNow().getTime() + 7 * DAY).toISOString().slice(0, 10),
        submissionKey: newId(),
      }),
    );
    if (!referral.ok) throw new Error(JSON.stringify(referral));
    return referral.value.referral.id;
  }

  for (const width of WIDTHS) {
    it(`runs at ${width} px: answer and message by link, a fresh link after expiry, the outcome three weeks later`, async () => {
      const viewport = { width, height: width < 600 ? 844 : 900 };
      const contexts: BrowserContext[] = [];
      const newPage = async () => {
        const context = await browser.newContext({ locale: 'de-DE', viewport });
        contexts.push(context);
        return context.newPage();
      };
      const shot = (name: string) => `vermittlung-${name}-${width}`;
      try {
        const mailsBefore = smtp.messages.length;
        const referralId = await sendReferral();
        const events = countOf('referral_event', referralId);
        const messages = countOf('referral_message', referralId);
        const links = countOf('referral_link', referralId);

        // The mail names the office and the caseworker, replies go to the caseworker, nothing about the young person.
        const first = await waitForMail(
          (m) => m.to.includes(organizationEmail) && /^Neue Vermittlung von /.test(m.subject ?? ''),
          mailsBefore,
        );
        expect(first.raw).toMatch(/^Reply-To: .*fachkraft@partnernetz\.example/im);
        expect(first.text).toContain('Warum erhalten Sie diese E-Mail?');
        expect(first.text).not.toContain('Samira');

        // The partner opens the link, sees whom to call, and accepts.
        const partner = await newPage();
        await partner.goto(linkIn(first), { timeout: NAVIGATION_TIMEOUT_MS });
        await accessible(partner, shot('link'));
        await click(partner, 'button', 'Vermittlung jetzt öffnen');
        expect(new URL(partner.url()).pathname).toBe('/extern/vermittlung');
        const contact = partner.getByRole('region', {
          name: 'Ihre Ansprechperson beim Jugendmigrationsdienst',
        });
        expect(await contact.textContent()).toContain('fachkraft@partnernetz.example');
        await accessible(partner, shot('partner'));
        await click(partner, 'button', 'Annehmen');
        expect(await partner.getByRole('status').first().textContent()).toContain('Angenommen');
        await reloadChangesNothing(partner, events);

        // … and writes a message.
        await partner.getByLabel('Neue Nachricht').fill('Wir melden uns nächste Woche bei Samira.');
        await click(partner, 'button', 'Nachricht senden');
        expect(await partner.getByRole('status').first().textContent()).toContain(
          'Ihre Nachricht ist gesendet',
        );
        await reloadChangesNothing(partner, messages);
        expect(await messages()).toBe(1);
        await accessible(partner, shot('partner-nachricht'));

        // The caseworker is told without the content, opens the referral (sign-in leads back to it) and answers.
        const notice = await waitForMail(
          (m) =>
            m.to.includes('fachkraft@partnernetz.example') &&
            m.subject === 'Neue Nachricht zu einer Vermittlung',
          mailsBefore,
        );
        expect(notice.text).not.toContain('Samira');
        const caseworker = await newPage();
        await caseworker.goto(`${server.url}/vermittlungen/${referralId}`, {
          timeout: NAVIGATION_TIMEOUT_MS,
        });
        await signInHere(caseworker);
        expect(new URL(caseworker.url()).pathname).toBe(`/vermittlungen/${referralId}`);
        expect(await caseworker.getByRole('region', { name: 'Nachrichten' }).textContent()).toContain(
          'Wir melden uns nächste Woche',
        );
        await accessible(caseworker, shot('fachkraft'));
        const linksBeforeAnswer = await links();
        await caseworker.getByLabel('Neue Nachricht').fill('Danke! Sie hat vormittags Zeit.');
        await click(caseworker, 'button', 'Nachricht senden');
        await reloadChangesNothing(caseworker, messages);
        expect(await messages()).toBe(2);
        await accessible(caseworker, shot('fachkraft-nachricht'));
        // The partner has no account: the notice brings a fresh link.
        expect(await links()).toBe(linksBeforeAnswer + 1);
        const answerNotice = await waitForMail(
          (m) => m.to.includes(organizationEmail) && /^Neue Nachricht von /.test(m.subject ?? ''),
          mailsBefore,
        );
        expect(answerNotice.text).not.toContain('vormittags Zeit');
        await partner.reload({ timeout: NAVIGATION_TIMEOUT_MS });
        expect(await partner.getByRole('region', { name: 'Nachrichten' }).textContent()).toContain(
          'Sie hat vormittags Zeit',
        );

        // Eight days later the notice's link has expired; on another device the partner asks for a fresh one.
        moveClock(8 * DAY);
        const device = await newPage();
        const expired = await device.goto(linkIn(answerNotice), { timeout: NAVIGATION_TIMEOUT_MS });
        expect(expired?.status()).toBe(410);
        expect(await device.getByRole('heading', { level: 1 }).textContent()).toContain(
          'Dieser Link funktioniert nicht mehr',
        );
        expect(await device.locator('main').textContent()).toContain('fachkraft@partnernetz.example');
        await accessible(device, shot('link-abgelaufen'));
        const mailsBeforeRenewal = smtp.messages.length;
        await click(device, 'button', 'Neuen Link an die Einrichtung senden');
        expect(await device.getByRole('status').first().textContent()).toContain('schicken wir');
        await accessible(device, shot('link-angefordert'));
        // The expired link's page again (410), without sending anything twice.
        await reloadChangesNothing(device, links, 410);
        const fresh = await waitForMail(
          (m) => m.to.includes(organizationEmail) && /^Neuer Link zu einer Vermittlung/.test(m.subject ?? ''),
          mailsBeforeRenewal,
        );
        await device.goto(linkIn(fresh), { timeout: NAVIGATION_TIMEOUT_MS });
        await click(device, 'button', 'Vermittlung jetzt öffnen');
        expect(new URL(device.url()).pathname).toBe('/extern/vermittlung');

        // Three weeks later: the follow-up job asks for the outcome; the dashboard says "Ergebnis fehlt".
        const mailsBeforeFollowup = smtp.messages.length;
        moveClock(21 * DAY);
        const question = await waitForMail(
          (m) => m.to.includes(organizationEmail) && /Wie ist es ausgegangen\?/.test(m.subject ?? ''),
          mailsBeforeFollowup,
        );
        expect(question.text).not.toContain('Samira');
        await caseworker.goto(`${server.url}/vermittlungen`, { timeout: NAVIGATION_TIMEOUT_MS });
        if (new URL(caseworker.url()).pathname === '/anmelden') await signInHere(caseworker);
        expect(await caseworker.getByRole('region', { name: /Ergebnis fehlt/ }).textContent()).toContain(
          'Ergebnis fehlt',
        );
        await accessible(caseworker, shot('ergebnis-fehlt'));

        // The partner's browser still opens the referral (access lasts until the close) and reports the outcome.
        await device.goto(`${server.url}/extern/vermittlung`, { timeout: NAVIGATION_TIMEOUT_MS });
        await device.getByText('Abschließen …').click();
        await device.getByLabel('Ergebnis').selectOption('got_help');
        await click(device, 'button', 'Abschließen');
        expect(await device.locator('main').textContent()).toContain('Vielen Dank');
        await reloadChangesNothing(device, events);
        await accessible(device, shot('partner-danke'));

        // The caseworker sees the outcome.
        await caseworker.goto(`${server.url}/vermittlungen/${referralId}`, {
          timeout: NAVIGATION_TIMEOUT_MS,
        });
        expect(await caseworker.locator('main').textContent()).toContain('Hilfe erhalten');
        await accessible(caseworker, shot('ergebnis'));
      } finally {
        for (const context of contexts) await context.close();
      }
    }, 300_000);
  }
});
