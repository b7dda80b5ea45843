import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  followClick,
  hasChromium,
  launchBrowser,
  NAVIGATION_TIMEOUT_MS,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { createDb } from '../../src/lib/db/create-db';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// Findings of a new-user review, checked as a user meets them in a real browser:
// - no sideways scroll on a phone: "Meine Aufgaben", a working group with its members, the minutes (being written
//   and released) and the handout's opening hours fit into 390 px, as they do into 1280 px;
// - a past meeting asks no more "Nehmen Sie teil?" and takes no agenda items, a coming one does;
// - an anonymous referral cannot ask the partner to get in touch; the form says why and keeps the input;
// - a new message on a referral is flagged on the other side's list and dashboard until they open it.

describe.skipIf(!hasChromium)('findings of the new-user review in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({}, { sampleReferrals: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(
    role: string,
    email: string,
    width: number,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, email, DEMO_PASSWORDS[role]!);
    return { context, page };
  }

  /** The page's links whose path matches, in document order, without repeats. */
  async function hrefs(page: Page, pattern: RegExp): Promise<string[]> {
    const all = await page
      .locator('main a[href]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    return [...new Set(all.filter((href) => pattern.test(href) && !href.endsWith('/neu')))];
  }

  async function expectFits(page: Page, path: string, width: number) {
    const response = await page.goto(`${server.url}${path}`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(response?.status(), path).toBe(200);
    await screenshot(page, `schmal-${width}${path.replaceAll('/', '-')}`);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, `${path} at ${width} px`).toBeLessThanOrEqual(width);
    // Rows shown as cards keep their table for screen readers: still no WCAG 2.1 AA violation.
    expect(await wcagViolations(page), path).toEqual([]);
  }

  it.each([390, 1280])('working group, members and minutes fit into %i px', async (width) => {
    const { context, page } = await signedIn('coordinator', 'koordination@partnernetz.example', width);
    await page.goto(`${server.url}/arbeitskreise`, { timeout: NAVIGATION_TIMEOUT_MS });
    const groups = await hrefs(page, /^\/arbeitskreise\/[a-z2-7]+$/);
    expect(groups.length).toBeGreaterThan(0);
    const group = groups[0]!;
    await expectFits(page, group, width);
    // The group page lists its open tasks and members in tables: both are on the page checked above.
    expect(await page.getByRole('heading', { name: 'Mitglieder', exact: true }).count()).toBe(1);
    const meetings = await hrefs(page, /^\/arbeitskreise\/[a-z2-7]+\/treffen\/[a-z2-7]+$/);
    expect(meetings.length).toBeGreaterThan(1);
    await expectFits(page, `${group}/mitglieder`, width);
    // The sample group has a past meeting with released minutes and one whose minutes are being written.
    let tables = 0;
    for (const meeting of meetings) {
      await expectFits(page, meeting, width);
      await expectFits(page, `${meeting}/protokoll`, width);
      tables += await page.locator('main table').count();
    }
    expect(tables).toBeGreaterThan(0);
    await context.close();
  });

  it.each([390, 1280])(
    '"Meine Aufgaben" and the handout with its opening hours fit into %i px',
    async (width) => {
      const { context, page } = await signedIn('caseworker', 'fachkraft@partnernetz.example', width);
      await expectFits(page, '/aufgaben', width);
      expect(await page.locator('main table').count()).toBe(1);
      await page.goto(`${server.url}/vermittlungen`, { timeout: NAVIGATION_TIMEOUT_MS });
      const referrals = await hrefs(page, /^\/vermittlungen\/[a-z2-7]{16}$/);
      expect(referrals.length).toBeGreaterThan(0);
      for (const referral of referrals.slice(0, 3)) {
        await expectFits(page, `${referral}/wegweiser`, width);
        expect(await page.locator('table.hours').count()).toBeGreaterThan(0);
      }
      await context.close();
    },
  );

  it('a past meeting shows no answer form and no agenda form; a coming one shows both', async () => {
    const db = createDb({ databaseUrl: server.databaseUrl });
    const now = new Date().toISOString();
    const meetings = await db
      .selectFrom('network_meeting')
      .select(['id', 'group_id', 'ends_at'])
      .where('status', '=', 'scheduled')
      .execute();
    await db.destroy();
    const past = meetings.find((m) => m.ends_at < now);
    const coming = meetings.find((m) => m.ends_at > now && m.group_id === past?.group_id);
    expect(past && coming).toBeTruthy();
    const { context, page } = await signedIn('coordinator', 'koordination@partnernetz.example', 1280);
    const forms = async (meeting: { id: string; group_id: string }) => {
      await page.goto(`${server.url}/arbeitskreise/${meeting.group_id}/treffen/${meeting.id}`, {
        timeout: NAVIGATION_TIMEOUT_MS,
      });
      return {
        answer: await page.getByRole('group', { name: 'Nehmen Sie teil?' }).count(),
        agenda: await page.getByRole('heading', { name: /^Punkt zur Tagesordnung/ }).count(),
        over: await page.getByText('Das Treffen ist vorbei').count(),
      };
    };
    expect(await forms(coming!)).toEqual({ answer: 1, agenda: 1, over: 0 });
    expect(await forms(past!)).toEqual({ answer: 0, agenda: 0, over: 1 });
    await screenshot(page, 'treffen-vorbei');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });

  it('the import page offers the template as a download: BOM, semicolons, header and one example line', async () => {
    const { context, page } = await signedIn('coordinator', 'koordination@partnernetz.example', 390);
    await expectFits(page, '/pflege/import', 390);
    expect(await page.getByText('docs/import.md').count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Vorlage herunterladen/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('import-vorlage.csv');
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]!.split(';').slice(0, 4)).toEqual(['externe_id', 'organisation', 'name', 'kategorie']);
    expect(lines.filter(Boolean)).toHaveLength(2);
    await context.close();
  });

  it.each([390, 1280])(
    'at %i px an anonymous referral asking the partner to get in touch is refused in German, the input kept',
    async (width) => {
      const db = createDb({ databaseUrl: server.databaseUrl });
      const caseworkerId = (
        await db
          .selectFrom('app_user')
          .select('id')
          .where('email', '=', 'fachkraft@partnernetz.example')
          .executeTakeFirstOrThrow()
      ).id;
      const { case_id: caseId, service_id: serviceId } = await db
        .selectFrom('referral')
        .select(['case_id', 'service_id'])
        .where('sender_user_id', '=', caseworkerId)
        .executeTakeFirstOrThrow();
      await db.destroy();
      const { context, page } = await signedIn('caseworker', 'fachkraft@partnernetz.example', width);
      await page.goto(`${server.url}/vermittlungen/neu?fall=${caseId}&angebot=${serviceId}`, {
        timeout: NAVIGATION_TIMEOUT_MS,
      });
      await page.getByLabel('Anlass').selectOption('language');
      await page
        .getByLabel('Nachricht an die Einrichtung')
        .fill('Sucht einen Kursplatz ab Januar, vormittags.');
      await page.getByLabel('Wie kommt der Kontakt zustande?').selectOption('partner_calls');
      await followClick(page, page.getByRole('button', { name: 'Weiter', exact: true }));
      expect(await page.getByRole('alert').first().textContent()).toContain('„Die Einrichtung meldet sich“');
      expect(await page.getByLabel('Wie kommt der Kontakt zustande?').inputValue()).toBe('partner_calls');
      expect(await page.getByLabel('Nachricht an die Einrichtung').inputValue()).toBe(
        'Sucht einen Kursplatz ab Januar, vormittags.',
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `kontaktweg-fehler-${width}`);
      expect(await wcagViolations(page)).toEqual([]);
      await context.close();
    },
  );

  it("a new message is flagged on the caseworker's list and dashboard, and in the partner's inbox, until opened", async () => {
    const db = createDb({ databaseUrl: server.databaseUrl });
    const partnerOrg = (
      await db
        .selectFrom('app_user')
        .select('organization_id')
        .where('email', '=', 'partner@partnernetz.example')
        .executeTakeFirstOrThrow()
    ).organization_id;
    const referral = await db
      .selectFrom('referral')
      .select('id')
      .where('recipient_organization_id', '=', partnerOrg)
      .where('status', 'in', ['sent', 'accepted', 'in_progress'])
      .executeTakeFirstOrThrow();
    await db.destroy();
    const caseworker = await signedIn('caseworker', 'fachkraft@partnernetz.example', 390);
    const partner = await signedIn('partner', 'partner@partnernetz.example', 1280);
    const unreadOnDashboard = async () => {
      await caseworker.page.goto(`${server.url}/vermittlungen`, { timeout: NAVIGATION_TIMEOUT_MS });
      const count = await caseworker.page.getByRole('link', { name: /^Neue Nachrichten: \d+/ }).textContent();
      return {
        count: Number(/\d+/.exec(count ?? '')![0]),
        // On a phone the rows are cards: the marker stands beside the offer's link.
        marked: await caseworker.page
          .locator('.referral-card', {
            has: caseworker.page.locator(`a[href="/vermittlungen/${referral.id}"]`),
          })
          .getByText('Neue Nachricht')
          .count(),
      };
    };
    const before = await unreadOnDashboard();
    expect(before.marked).toBe(0);

    // The partner writes.
    await partner.page.goto(`${server.url}/vermittlungen/${referral.id}`, { timeout: NAVIGATION_TIMEOUT_MS });
    await partner.page.getByLabel('Neue Nachricht').fill('Hat sie am Dienstag Zeit für den Einstufungstest?');
    await followClick(partner.page, partner.page.getByRole('button', { name: 'Nachricht senden' }));

    const flagged = await unreadOnDashboard();
    expect(flagged).toEqual({ count: before.count + 1, marked: 1 });
    expect(await caseworker.page.getByRole('heading', { name: /^Neue Nachrichten \(/ }).textContent()).toBe(
      `Neue Nachrichten (${before.count + 1})`,
    );
    expect(await caseworker.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(caseworker.page, 'neue-nachricht-dashboard-390');
    expect(await wcagViolations(caseworker.page)).toEqual([]);

    // The caseworker opens the referral and answers: their marker goes, the partner's comes.
    await caseworker.page.goto(`${server.url}/vermittlungen/${referral.id}`, {
      timeout: NAVIGATION_TIMEOUT_MS,
    });
    await caseworker.page.getByLabel('Neue Nachricht').fill('Ja, Dienstag passt.');
    await followClick(caseworker.page, caseworker.page.getByRole('button', { name: 'Nachricht senden' }));
    expect(await unreadOnDashboard()).toEqual({ count: before.count, marked: 0 });

    await partner.page.goto(`${server.url}/eingang`, { timeout: NAVIGATION_TIMEOUT_MS });
    const row = partner.page.locator('.referral-table tr', {
      has: partner.page.locator(`a[href="/vermittlungen/${referral.id}"]`),
    });
    expect(await row.getByText('Neue Nachricht').count()).toBe(1);
    expect(await partner.page.getByRole('heading', { name: /^Neue Nachrichten \(\d+\)$/ }).count()).toBe(1);
    await screenshot(partner.page, 'neue-nachricht-eingang-1280');
    expect(await wcagViolations(partner.page)).toEqual([]);
    await partner.page.goto(`${server.url}/vermittlungen/${referral.id}`, { timeout: NAVIGATION_TIMEOUT_MS });
    await partner.page.goto(`${server.url}/eingang`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(await row.getByText('Neue Nachricht').count()).toBe(0);
    await caseworker.context.close();
    await partner.context.close();
  });
});
