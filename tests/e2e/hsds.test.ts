import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
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

// The admin's key page in a real browser: create a key (shown once), an invalid form keeps the input; WCAG 2.1 AA.
describe.skipIf(!hasChromium)('API keys in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a key that is shown once, rejects a past expiry keeping the input, and stays accessible', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.url, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    await page.goto(`${server.url}/admin/api-schluessel`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(await wcagViolations(page)).toEqual([]);

    await page.getByLabel('Name').fill('Open-Data-Portal der Stadt');
    await page.getByLabel('Läuft ab am (freiwillig)').fill('2020-01-01');
    await followClick(page, page.getByRole('button', { name: 'Schlüssel anlegen' }));
    expect(await page.getByRole('alert').textContent()).toContain('Vergangenheit');
    expect(await page.getByLabel('Name').inputValue()).toBe('Open-Data-Portal der Stadt');
    expect(await wcagViolations(page)).toEqual([]);

    await page.getByLabel('Läuft ab am (freiwillig)').fill('');
    await page.getByLabel('Darf lesen').selectOption('all');
    await followClick(page, page.getByRole('button', { name: 'Schlüssel anlegen' }));
    expect(await page.locator('#schluessel').textContent()).toMatch(/^jmdp_[a-z2-7]{32}$/);
    await screenshot(page, 'admin-api-schluessel');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });
});
