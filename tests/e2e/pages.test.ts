import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  followClick,
  hasChromium,
  launchBrowser,
  NAVIGATION_TIMEOUT_MS,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// Every page a role reaches from its navigation, checked with axe for WCAG 2.1 AA in a real browser.
describe.skipIf(!hasChromium)('pages of each role in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(role: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.url, email, DEMO_PASSWORDS[role]!);
    return { context, page };
  }

  async function expectAccessible(page: Page, path: string, name: string) {
    const response = await page.goto(`${server.url}${path}`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(response?.status(), path).toBe(200);
    await screenshot(page, name);
    expect(await wcagViolations(page), path).toEqual([]);
  }

  // One test per page, each with its own time bound: a page with its axe run takes seconds on a busy machine, and
  // eight of them in one test added up past the bound twice. The admin signs in once for all of them.
  describe('admin', () => {
    let admin: { context: BrowserContext; page: Page };
    beforeAll(async () => {
      admin = await signedIn('admin', 'admin@partnernetz.example');
    });
    afterAll(async () => admin?.context.close());

    it.each([
      ['/admin/benutzer', 'admin-benutzer'],
      ['/admin/benutzer/neu', 'admin-benutzer-neu'],
      ['/admin/organisationen', 'admin-organisationen'],
      ['/admin/organisationen/neu', 'admin-organisationen-neu'],
      ['/admin/protokoll', 'admin-protokoll'],
      ['/konto', 'konto'],
      ['/konto/sitzungen', 'konto-sitzungen'],
    ])('%s has no WCAG 2.1 AA violation', async (path, name) => {
      await expectAccessible(admin.page, path, name);
    });

    it("reaches an account's page from the user list, which has no WCAG 2.1 AA violation", async () => {
      const { page } = admin;
      await page.goto(`${server.url}/konto`, { timeout: NAVIGATION_TIMEOUT_MS });
      await followClick(page, page.getByRole('link', { name: 'Benutzer', exact: true }));
      await followClick(page, page.getByRole('link', { name: 'Fatma Fachkraft (Demo)' }));
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Fatma Fachkraft (Demo)');
      await screenshot(page, 'admin-benutzer-detail');
      expect(await wcagViolations(page)).toEqual([]);
    });
  });

  it('admin: a form with errors stays accessible and keeps the input', async () => {
    const { context, page } = await signedIn('admin', 'admin@partnernetz.example');
    await page.goto(`${server.url}/admin/benutzer/neu`, { timeout: NAVIGATION_TIMEOUT_MS });
    await page.getByLabel('Name').fill('Test Person');
    await page.getByLabel('E-Mail-Adresse (dienstlich)').fill('ohne-at');
    await followClick(page, page.getByRole('button', { name: 'Konto anlegen' }));
    expect(await page.getByRole('alert').textContent()).toContain('Das Konto wurde nicht angelegt');
    expect(await page.getByLabel('E-Mail-Adresse (dienstlich)').inputValue()).toBe('ohne-at');
    await screenshot(page, 'admin-benutzer-neu-fehler');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });

  it('coordinator: network overview and partner upkeep', async () => {
    const { context, page } = await signedIn('coordinator', 'koordination@partnernetz.example');
    await expectAccessible(page, '/admin/organisationen', 'koordination-organisationen');
    await followClick(page, page.getByRole('link', { name: /^IHK Lübeck/ }));
    await screenshot(page, 'koordination-organisation');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });

  it('partner: own institution', async () => {
    const { context, page } = await signedIn('partner', 'partner@partnernetz.example');
    await screenshot(page, 'partner-einrichtung');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });
});
