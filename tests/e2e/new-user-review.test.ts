import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
// - a past meeting asks no more "Nehmen Sie teil?" and takes no agenda items, a coming one does.

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
});
