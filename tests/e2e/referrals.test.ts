import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Browser, Page } from 'playwright-core';
import { createDb } from '../../src/lib/db/create-db';
import {
  followClick,
  hasChromium,
  launchBrowser,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// The whole loop in a real browser, with mail through a real SMTP server on loopback: a caseworker finds a partner,
// opens a case, records consent and sends a referral; the partner, who has no account, gets the mail, opens the
// single-use link, accepts and later completes; the caseworker sees the answer and ticks the plan step.
// axe checks every page of the loop for WCAG 2.1 AA.
describe.skipIf(!hasChromium)('referral loop in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let smtp: SMTPServer;
  const inbox: { to: string; text: string }[] = [];
  let serviceName = '';
  let organizationName = '';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(',');
          // Quoted-printable soft line breaks and escapes, so links can be read back whole.
          const text = raw
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
          inbox.push({ to, text });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    [server, browser] = await Promise.all([
      startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}`, JOBS_INTERVAL_SECONDS: '1' }),
      launchBrowser(),
    ]);
    // A partner institution without accounts: it answers through the mailed single-use link.
    const db = createDb({ databaseUrl: server.databaseUrl });
    const target = await db
      .selectFrom('service')
      .innerJoin('organization', 'organization.id', 'service.organization_id')
      .leftJoin('app_user', 'app_user.organization_id', 'organization.id')
      .select(['service.name as service', 'organization.name as organization'])
      .where('app_user.id', 'is', null)
      .where('organization.kind', '=', 'partner')
      .where('organization.email', 'is not', null)
      .where('service.archived_at', 'is', null)
      .where('service.status', '=', 'active')
      .orderBy('service.name')
      .executeTakeFirstOrThrow();
    serviceName = target.service;
    organizationName = target.organization;
    await db.destroy();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const click = (page: Page, role: 'button' | 'link', name: string | RegExp) =>
    followClick(page, page.getByRole(role, { name, exact: true }).first());
  const accessible = async (page: Page, name: string) => {
    expect(await wcagViolations(page), name).toEqual([]);
    await screenshot(page, name);
  };
  async function waitForMail(predicate: (mail: { to: string; text: string }) => boolean) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mail = inbox.find(predicate);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`Keine passende Mail angekommen (${inbox.length} Mails)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('runs from search to a ticked plan step', async () => {
    const caseworkerContext = await browser.newContext({ locale: 'de-DE' });
    const caseworker = await caseworkerContext.newPage();
    await signInInBrowser(
      caseworker,
      server.url,
      'fachkraft@partnernetz.example',
      DEMO_PASSWORDS['caseworker']!,
    );
    expect(new URL(caseworker.url()).pathname).toBe('/vermittlungen');
    await accessible(caseworker, 'vermittlungen-leer');

    // Open a case with a plan step.
    await click(caseworker, 'link', 'Fälle');
    await click(caseworker, 'link', 'Neuen Fall anlegen');
    await caseworker.getByLabel('Vorname').fill('Amira');
    await caseworker.getByLabel('Sprachstand Deutsch').fill('B1');
    await accessible(caseworker, 'fall-neu');
    await click(caseworker, 'button', 'Fall anlegen');
    expect(await caseworker.getByRole('status').first().textContent()).toMatch(
      /Der Fall [A-Z0-9]{4}-[A-Z0-9]{4} ist angelegt/,
    );
    const caseCode = (await caseworker.getByRole('heading', { level: 1 }).textContent())!.replace(
      'Fall ',
      '',
    );
    await caseworker.getByLabel('Neuer Schritt').fill('Deutschkurs beginnen');
    await click(caseworker, 'button', 'Schritt hinzufügen');
    expect(await caseworker.getByRole('status').first().textContent()).toContain(
      'Der Schritt ist im Förderplan',
    );
    // The step's buttons are readable: dark text on the light page (they once were white on white).
    const done = caseworker.getByRole('button', { name: /^Erledigt\b.*Deutschkurs beginnen/ });
    expect(await done.evaluate((el) => getComputedStyle(el).color)).not.toBe('rgb(255, 255, 255)');
    await accessible(caseworker, 'fall');

    // Record the consent for the partner institution (name and language level only).
    await click(caseworker, 'link', 'Einwilligung erfassen');
    await caseworker.getByLabel('Einrichtung').selectOption({ label: organizationName });
    await caseworker.getByLabel('Name', { exact: true }).check();
    await caseworker.getByLabel('Sprachstand und bevorzugte Sprache').check();
    await caseworker.getByLabel('Zweck').fill('Anmeldung zum Kurs');
    await caseworker.getByLabel('Alter des jungen Menschen bei der Einwilligung').selectOption('16plus');
    await accessible(caseworker, 'einwilligung');
    await click(caseworker, 'button', 'Einwilligung speichern');
    expect(await caseworker.getByRole('status').first().textContent()).toContain(
      'Die Einwilligung ist erfasst',
    );

    // Find the partner in the search, and refer from there.
    await click(caseworker, 'link', 'Neue Vermittlung');
    await caseworker.getByLabel('Angebot suchen').fill(serviceName.replace(' (Beispiel)', ''));
    await click(caseworker, 'button', 'Suchen');
    await click(caseworker, 'link', serviceName);
    await caseworker.getByLabel('Anlass').selectOption('language');
    await caseworker
      .getByLabel('Nachricht an die Einrichtung')
      .fill('Sucht einen Kursplatz ab Januar, vormittags.');
    await caseworker.getByLabel('Name', { exact: true }).check();
    await caseworker.getByLabel('Wie kommt der Kontakt zustande?').selectOption('appointment');
    await caseworker
      .getByLabel('Dient dem Förderplan-Schritt (freiwillig)')
      .selectOption({ label: 'Deutschkurs beginnen' });
    await accessible(caseworker, 'vermittlung-neu');
    // The demo data mailed the same institution a link of its own: only mails from here on are this referral's.
    const mailsBefore = inbox.length;
    // Check your answers first (issue 11): the referral as the partner will read it, then send.
    await click(caseworker, 'button', 'Weiter');
    expect(await caseworker.locator('main').textContent()).toContain('Sucht einen Kursplatz ab Januar');
    await click(caseworker, 'button', 'Vermittlung senden');
    expect(await caseworker.getByRole('status').first().textContent()).toContain(
      'Die Vermittlung ist gesendet',
    );
    await accessible(caseworker, 'vermittlung-gesendet');
    const referralUrl = caseworker.url().split('?')[0]!;

    // The partner's mail arrives at the loopback SMTP server: neutral text and the single-use link.
    const mail = await waitForMail(
      (m) => inbox.indexOf(m) >= mailsBefore && m.text.includes('eine neue Vermittlung geschickt'),
    );
    expect(mail.text).not.toContain('Amira');
    expect(mail.text).not.toContain(caseCode);
    const link = /http:\/\/[^\s]+\/link\/[a-z2-7]{32}/.exec(mail.text)![0];

    const partnerContext = await browser.newContext({ locale: 'de-DE' });
    const partner = await partnerContext.newPage();
    await partner.goto(link);
    await accessible(partner, 'link-oeffnen');
    await click(partner, 'button', 'Vermittlung jetzt öffnen');
    expect(new URL(partner.url()).pathname).toBe('/extern/vermittlung');
    expect(await partner.locator('main').textContent()).toContain('Amira');
    await accessible(partner, 'partner-vermittlung');
    await click(partner, 'button', 'Annehmen');
    expect(await partner.getByRole('status').first().textContent()).toContain('Neuer Stand: Angenommen');
    await accessible(partner, 'partner-angenommen');

    // Later: the course has started.
    await partner.goto(`${server.url}/extern/vermittlung`);
    await partner.getByText('Abschließen …').click();
    await click(partner, 'button', 'Abschließen');
    expect(await partner.getByRole('alert').first().textContent()).toContain('Bitte wählen Sie ein Ergebnis');
    await accessible(partner, 'partner-abschluss-fehler');
    await partner.getByLabel('Ergebnis').selectOption('started');
    await click(partner, 'button', 'Abschließen');
    expect(await partner.locator('main').textContent()).toContain('Vielen Dank');
    await accessible(partner, 'partner-abgeschlossen');

    // The caseworker sees the answer and ticks the plan step off.
    await caseworker.goto(`${server.url}/vermittlungen`);
    const answers = caseworker.getByRole('region', { name: /Neue Rückmeldungen/ });
    expect(await answers.textContent()).toContain('Ergebnis: Kurs / Maßnahme begonnen');
    await accessible(caseworker, 'vermittlungen');
    await caseworker.goto(referralUrl);
    expect(await caseworker.locator('main').textContent()).toContain('Kurs / Maßnahme begonnen');
    await click(caseworker, 'button', 'Schritt abhaken');
    expect(await caseworker.getByRole('status').first().textContent()).toContain(
      'Der Förderplan-Schritt ist abgehakt',
    );
    await accessible(caseworker, 'vermittlung-abgeschlossen');
    await click(caseworker, 'link', 'Wegweiser für den jungen Menschen drucken');
    expect(await caseworker.locator('main').textContent()).not.toContain('Amira');
    await accessible(caseworker, 'vermittlung-wegweiser');

    // The caseworker was told too — by a mail without personal data.
    const answerMail = await waitForMail((m) => m.to === 'fachkraft@partnernetz.example');
    expect(answerMail.text).not.toContain('Amira');
    await caseworkerContext.close();
    await partnerContext.close();
  });
});
