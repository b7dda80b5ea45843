import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { loadConfig } from '../../src/lib/config/config';
import { createDb } from '../../src/lib/db/create-db';
import { findOrganization } from '../../src/lib/directory/organization.queries';
import { runJobsOnce } from '../../src/lib/jobs/jobs';
import { todayInGermany } from '../../src/lib/time/time';
import { hasChromium, launchBrowser, screenshot, signInInBrowser, wcagViolations } from '../helpers/browser';
import { mimeParts } from '../helpers/mime';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// Working groups in a real browser, with mail through a real SMTP server on loopback: a coordinator creates a
// group, adds two organisations and a contact without an account, schedules a meeting with an agenda and invites;
// the invitation reaches the contact with its calendar entry and the contact answers through the link; three days
// before the meeting (time moved) the reminder reaches them; the coordinator writes and releases minutes with a
// decision and an action item for the demo partner's organisation and finds the decision again through the search;
// when the item falls due (time moved) the partner gets the reminder, sees the item under "Meine Aufgaben" and marks
// it done. axe checks every page for WCAG 2.1 AA. Screenshots go to SCREENSHOT_DIR (docs/screenshots) when it is set.

interface Received {
  to: string;
  raw: string;
}

describe.skipIf(!hasChromium)('working groups in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let smtp: SMTPServer;
  const inbox: Received[] = [];
  const arrivals = new EventEmitter();
  let partnerOrganization = '';
  let officeName = '';
  let smtpUrl = '';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          const mail = { to: session.envelope.rcptTo.map((r) => r.address).join(','), raw };
          inbox.push(mail);
          arrivals.emit('mail', mail);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    smtpUrl = `smtp://127.0.0.1:${port}`;
    [server, browser] = await Promise.all([
      // No job loop in the server: the test runs the jobs as cron would (`npm run jobs`), at the time it chooses.
      startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}`, JOBS_INTERVAL_SECONDS: '0' }),
      launchBrowser(),
    ]);
    const db = createDb({ databaseUrl: server.databaseUrl });
    const partner = (await findUserRowByEmail(db, 'partner@partnernetz.example'))!;
    partnerOrganization = (await findOrganization(db, partner.organization_id))!.name;
    const caseworker = (await findUserRowByEmail(db, 'fachkraft@partnernetz.example'))!;
    officeName = (await findOrganization(db, caseworker.organization_id))!.name;
    await db.destroy();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  /** The first mail that matches, already here or the next to arrive that does (the test's timeout bounds it). */
  async function waitForMail(predicate: (mail: Received) => boolean): Promise<Received> {
    for (;;) {
      const found = inbox.find(predicate);
      if (found) return found;
      await once(arrivals, 'mail');
    }
  }
  const click = async (page: Page, role: 'button' | 'link', name: string | RegExp) => {
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole(role, { name, exact: true }).first().click(),
    ]);
  };
  const accessible = async (page: Page, name: string) => {
    expect(await wcagViolations(page), name).toEqual([]);
    await screenshot(page, name);
  };
  const bodyOf = (mail: Received) =>
    mimeParts(mail.raw)
      .filter((p) => /^text\/plain/i.test(p.contentType))
      .map((p) => p.body)
      .join('\n');
  const flash = async (page: Page) => (await page.getByRole('status').first().textContent()) ?? '';
  /**
   * Runs every background job once against the server's database, as `npm run jobs` from cron does — at `at`, so
   * the test moves time (reminders fall due) without touching the server's clock. Between browser steps, so no
   * request writes at the same moment.
   */
  const runJobsAt = async (at: Date) => {
    const db = createDb({ databaseUrl: server.databaseUrl });
    try {
      const config = loadConfig({
        DATABASE_URL: server.databaseUrl,
        PUBLIC_BASE_URL: server.url,
        SMTP_URL: smtpUrl,
      });
      const runs = await runJobsOnce(db, config, { holder: 'e2e-cron', now: at, release: true });
      expect(runs.filter((r) => r.status !== 'ran')).toEqual([]);
    } finally {
      await db.destroy();
    }
  };

  // One long loop through ten pages, four mails and two job runs: minutes on a busy, shared machine.
  it(
    'runs from a new group to a released protocol and a task marked done',
    { timeout: 300_000 },
    async () => {
      const coordinatorContext = await browser.newContext({ locale: 'de-DE' });
      const coordinator = await coordinatorContext.newPage();
      await signInInBrowser(
        coordinator,
        server.url,
        'koordination@partnernetz.example',
        DEMO_PASSWORDS['coordinator']!,
      );

      // The group.
      await coordinator.goto(`${server.url}/arbeitskreise`);
      await accessible(coordinator, 'arbeitskreise-liste');
      await click(coordinator, 'link', 'Arbeitskreis anlegen');
      await coordinator.locator('#field-name').fill('Arbeitskreis Übergang Schule–Beruf');
      await coordinator.locator('#field-kind').selectOption('arbeitskreis');
      await coordinator.locator('#field-district').fill('Innenstadt');
      await accessible(coordinator, 'arbeitskreise-neu');
      await click(coordinator, 'button', 'Anlegen');
      const groupUrl = coordinator.url();
      expect(new URL(groupUrl).pathname).toMatch(/^\/arbeitskreise\/[^/]+$/);
      // The list names kind and district as one line ("Arbeitskreis, Innenstadt", no space before the comma).
      await coordinator.goto(`${server.url}/arbeitskreise`);
      expect(await coordinator.locator('main').textContent()).toContain(
        'Arbeitskreis Übergang Schule–Beruf – Arbeitskreis, Innenstadt · 0 Mitglieder',
      );
      await coordinator.goto(groupUrl);

      // Two organisations and a contact without an account.
      for (const organization of [partnerOrganization, officeName]) {
        await coordinator.locator('#field-kind').selectOption('organization');
        await coordinator.locator('#field-organizationId').selectOption({ label: organization });
        await click(coordinator, 'button', 'Eintragen');
        expect(await flash(coordinator)).not.toBe('');
      }
      await coordinator.locator('#field-kind').selectOption('contact');
      await coordinator.locator('#field-contactName').fill('Kai Kontakt');
      await coordinator.locator('#field-contactEmail').fill('kai@kontakt.example');
      await coordinator.locator('#field-contactOrganization').fill('Stadtteilbüro');
      await coordinator.locator('#field-role').selectOption('guest');
      await click(coordinator, 'button', 'Eintragen');
      await expect
        .poll(() => coordinator.getByRole('heading', { name: 'Mitglieder', exact: true }).count())
        .toBe(1);
      expect(await coordinator.locator('main').textContent()).toContain('Kai Kontakt');
      await accessible(coordinator, 'arbeitskreise-gruppe');

      // The meeting with its agenda, then the invitations.
      await click(coordinator, 'link', 'Treffen planen');
      const meetingDate = todayInGermany(new Date(Date.now() + 14 * 86_400_000));
      await coordinator.locator('#field-title').fill('Auftakttreffen');
      await coordinator.locator('#field-date').fill(meetingDate);
      await coordinator.locator('#field-startTime').fill('10:00');
      await coordinator.locator('#field-endTime').fill('12:00');
      await coordinator.locator('#field-placeKind').selectOption('address');
      await coordinator.locator('#field-address').fill('Breite Straße 1, 23552 Lübeck');
      await accessible(coordinator, 'arbeitskreise-treffen-neu');
      await click(coordinator, 'button', 'Planen');
      const meetingUrl = coordinator.url();
      for (const title of ['Begrüßung', 'Praktikumsplätze im Herbst']) {
        await coordinator.locator('#field-title').fill(title);
        await coordinator.locator('#field-plannedMinutes').fill('20');
        await click(coordinator, 'button', 'Hinzufügen');
        expect(await flash(coordinator)).toContain('Tagesordnung');
      }
      await click(coordinator, 'button', 'Einladungen verschicken');
      expect(await flash(coordinator)).toContain('Einladungen sind verschickt');
      // A figure of the network report on an agenda item: shown live now, frozen into the minutes on release.
      await coordinator.locator('#field-agendaItemId').selectOption({ label: 'Praktikumsplätze im Herbst' });
      await coordinator.locator('#field-figure').selectOption('kennzahlen');
      await click(coordinator, 'button', 'Abbildung anfügen');
      expect(await flash(coordinator)).toContain('Abbildung steht');
      expect(await coordinator.locator('main').textContent()).toContain(
        'wird beim Freigeben des Protokolls festgehalten',
      );
      await runJobsAt(new Date());
      await accessible(coordinator, 'arbeitskreise-treffen');

      // The contact's invitation: a calendar part that an independent parser reads, and a single-use link.
      const invitation = await waitForMail(
        (m) => m.to === 'kai@kontakt.example' && bodyOf(m).includes('Auftakttreffen'),
      );
      const parts = mimeParts(invitation.raw);
      const calendar = parts.find((p) => /^text\/calendar/i.test(p.contentType))!;
      expect(calendar.contentType).toMatch(/method=REQUEST/i);
      const vevent = new ICAL.Component(ICAL.parse(calendar.body)).getFirstSubcomponent('vevent')!;
      expect(String(vevent.getFirstPropertyValue('summary'))).toContain('Auftakttreffen');
      const text = bodyOf(invitation);
      const link = /https?:\/\/\S+\/arbeitskreise\/link\/[a-z2-7]{32}/.exec(text)![0];

      const contactContext = await browser.newContext({ locale: 'de-DE' });
      const contact = await contactContext.newPage();
      await contact.goto(`${server.url}${new URL(link).pathname}`);
      await accessible(contact, 'arbeitskreise-link-antwort');
      await contact.getByLabel('nehme teil', { exact: true }).check();
      await click(contact, 'button', 'Antwort senden');
      expect(await contact.locator('main').textContent()).toMatch(/Antwort/);
      await accessible(contact, 'arbeitskreise-link-danke');
      await contactContext.close();

      // Three days before the meeting (time moved) the contact is reminded once, with their answer.
      await runJobsAt(new Date(Date.now() + 11 * 86_400_000));
      const meetingReminder = await waitForMail(
        (m) => m.to === 'kai@kontakt.example' && bodyOf(m).includes('wir erinnern an das Treffen'),
      );
      expect(bodyOf(meetingReminder)).toContain('Ihre Antwort: nehme teil.');

      // The chair moves the meeting by an hour: the contact gets the changed entry, same UID, higher SEQUENCE.
      await coordinator.goto(meetingUrl);
      await click(coordinator, 'link', 'Treffen ändern');
      await coordinator.locator('#field-startTime').fill('11:00');
      await coordinator.locator('#field-endTime').fill('13:00');
      await coordinator.locator('#agenda-position-0').fill('3');
      await accessible(coordinator, 'arbeitskreise-treffen-aendern');
      await click(coordinator, 'button', 'Änderungen speichern');
      expect(await flash(coordinator)).toContain('geänderten Kalendereintrag');
      await runJobsAt(new Date());
      const update = await waitForMail(
        (m) => m.to === 'kai@kontakt.example' && bodyOf(m).includes('hat sich geändert'),
      );
      const changed = new ICAL.Component(
        ICAL.parse(mimeParts(update.raw).find((p) => /^text\/calendar/i.test(p.contentType))!.body),
      ).getFirstSubcomponent('vevent')!;
      expect(changed.getFirstPropertyValue('uid')).toBe(vevent.getFirstPropertyValue('uid'));
      expect(Number(changed.getFirstPropertyValue('sequence'))).toBeGreaterThan(
        Number(vevent.getFirstPropertyValue('sequence') ?? 0),
      );
      expect(bodyOf(update)).toMatch(/1\. Praktikumsplätze im Herbst[^\n]*\n2\. Begrüßung/);

      // The minutes: notes, a decision, an action item for the partner's organisation due today; then release.
      await click(coordinator, 'link', 'Protokoll');
      // Attendance is prefilled from the answer the contact gave through the link.
      expect(await coordinator.getByLabel('Kai Kontakt (Stadtteilbüro)').inputValue()).toBe('present');
      await coordinator
        .locator('#entry-notes-0')
        .fill('Drei Betriebe bieten Praktikumsplätze an.\nWeitere folgen.');
      await coordinator
        .locator('#entry-decisions-0')
        .fill('Der Arbeitskreis sammelt die Plätze in einer gemeinsamen Liste.');
      await coordinator.locator('#action-title-0').fill('Liste der Praktikumsplätze anlegen');
      await coordinator.locator('#action-responsible-0').selectOption({ label: partnerOrganization });
      // Due a week after the meeting; the reminder comes when time is moved there.
      const dueAt = new Date(Date.now() + 21 * 86_400_000);
      await coordinator.locator('#action-due-0').fill(todayInGermany(dueAt));
      await accessible(coordinator, 'arbeitskreise-protokoll-entwurf');
      await click(coordinator, 'button', 'Entwurf speichern');
      expect(await flash(coordinator)).toContain('Entwurf ist gespeichert');
      await click(coordinator, 'button', 'Protokoll freigeben');
      expect(await flash(coordinator)).toContain('freigegeben');
      expect(await coordinator.locator('main').textContent()).toContain('gemeinsamen Liste');
      expect(
        await coordinator.getByRole('region', { name: 'Abbildungen aus dem Netzwerkbericht' }).textContent(),
      ).toContain('mit dem Protokoll festgehalten am');
      await accessible(coordinator, 'arbeitskreise-protokoll');
      const protocolUrl = coordinator.url();

      // Found again: the decision, folded ("gemeinsame" finds "gemeinsamen", "Praktikumsplatze" the umlaut).
      await coordinator.goto(`${server.url}/arbeitskreise`);
      await coordinator.getByLabel('In Protokollen und Beschlüssen suchen').fill('gemeinsame Liste');
      await click(coordinator, 'button', 'Suchen');
      const hits = coordinator.getByRole('region', { name: 'Treffer in Protokollen' });
      expect(await hits.textContent()).toContain('Beschluss: Der Arbeitskreis sammelt die Plätze');
      await accessible(coordinator, 'arbeitskreise-suche');
      await coordinator.goto(protocolUrl);

      // After release only a correction with a reason changes the text; the history shows it.
      await click(coordinator, 'link', 'Korrektur erfassen');
      await click(coordinator, 'button', 'Korrektur speichern');
      expect(await coordinator.locator('#field-reason-error').textContent()).toContain('begründen');
      await coordinator.locator('#field-reason').fill('Zahl der Betriebe berichtigt');
      await coordinator.locator('#entry-notes-0').fill('Vier Betriebe bieten Praktikumsplätze an.');
      await click(coordinator, 'button', 'Korrektur speichern');
      expect(await flash(coordinator)).toContain('Korrektur ist festgehalten');
      const history = coordinator.getByRole('region', { name: 'Korrekturen' });
      expect(await history.textContent()).toContain('Zahl der Betriebe berichtigt');
      expect(await coordinator.locator('main').textContent()).toContain('Vier Betriebe');
      await accessible(coordinator, 'arbeitskreise-protokoll-korrektur');
      await click(coordinator, 'link', 'Druckansicht');
      expect(await wcagViolations(coordinator), 'arbeitskreise-protokoll-druck').toEqual([]);
      await coordinator.emulateMedia({ media: 'print' });
      await screenshot(coordinator, 'arbeitskreise-protokoll-druck');
      await coordinatorContext.close();

      // The partner's organisation is reminded (the task is due today) and marks it done under "Meine Aufgaben".
      const partnerEmail = await (async () => {
        const db = createDb({ databaseUrl: server.databaseUrl });
        const partner = (await findUserRowByEmail(db, 'partner@partnernetz.example'))!;
        const email = (await findOrganization(db, partner.organization_id))!.email;
        await db.destroy();
        return email;
      })();
      // Nothing yet at the real time; on the due day (time moved) the reminder arrives.
      expect(
        inbox.some((m) => m.to === partnerEmail && bodyOf(m).includes('Liste der Praktikumsplätze')),
      ).toBe(false);
      await runJobsAt(dueAt);
      const reminder = await waitForMail(
        (m) =>
          m.to === partnerEmail &&
          bodyOf(m).includes('„Liste der Praktikumsplätze anlegen“') &&
          bodyOf(m).includes('heute fällig'),
      );
      expect(reminder).toBeDefined();

      const partnerContext = await browser.newContext({ locale: 'de-DE' });
      const partner = await partnerContext.newPage();
      await signInInBrowser(partner, server.url, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
      await partner.goto(`${server.url}/aufgaben`);
      const row = partner.getByRole('row').filter({ hasText: 'Liste der Praktikumsplätze anlegen' });
      expect(await row.textContent()).toContain('offen');
      await accessible(partner, 'arbeitskreise-aufgaben');
      await Promise.all([partner.waitForLoadState('load'), row.getByRole('button').click()]);
      expect(await flash(partner)).not.toBe('');
      expect(
        await partner.getByRole('row').filter({ hasText: 'Liste der Praktikumsplätze anlegen' }).count(),
      ).toBe(0);
      expect(await wcagViolations(partner), 'arbeitskreise-aufgaben nach erledigt').toEqual([]);
      await partnerContext.close();
    },
  );
});
