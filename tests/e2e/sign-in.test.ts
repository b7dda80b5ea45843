import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchBrowser, signInInBrowser, wcagViolations } from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

const ROLES = [
  {
    role: 'caseworker',
    email: 'fachkraft@partnernetz.example',
    start: '/vermittlungen',
    heading: 'Vermittlungen',
  },
  {
    role: 'partner',
    email: 'partner@partnernetz.example',
    start: '/eingang',
    heading: 'Eingang: Vermittlungen an Ihre Einrichtung',
  },
  {
    role: 'coordinator',
    email: 'koordination@partnernetz.example',
    start: '/netzwerk',
    heading: 'Netzwerk im Überblick',
  },
  { role: 'admin', email: 'admin@partnernetz.example', start: '/admin', heading: 'Verwaltung' },
] as const;

describe.skipIf(!hasChromium)('sign-in in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows an accessible sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/anmelden`);
    expect(await page.title()).toContain('Anmelden');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });

  it('keeps the typed e-mail and shows an accessible error after a wrong password', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.url, 'fachkraft@partnernetz.example', 'falsches-passwort');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Die Anmeldung ist fehlgeschlagen');
    expect(await page.getByLabel('E-Mail-Adresse').inputValue()).toBe('fachkraft@partnernetz.example');
    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });

  for (const { role, email, start, heading } of ROLES) {
    it(`lands the ${role} on ${start}, which has no WCAG 2.1 AA violation`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInInBrowser(page, server.url, email, DEMO_PASSWORDS[role]!);
      expect(new URL(page.url()).pathname).toBe(start);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
      expect(await wcagViolations(page)).toEqual([]);
      await context.close();
    });
  }

  it('signs out from the header and returns to the sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.url, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(/\/anmelden/);
    expect(await page.getByRole('status').textContent()).toContain('Sie sind abgemeldet');
    await page.goto(`${server.url}/verzeichnis`);
    expect(new URL(page.url()).pathname).toBe('/anmelden');
    await context.close();
  });

  it('opens the page from a mail link after sign-in, not the start page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/faelle`);
    expect(new URL(page.url()).pathname).toBe('/anmelden');
    await page.getByLabel('E-Mail-Adresse').fill('fachkraft@partnernetz.example');
    await page.getByLabel('Passwort', { exact: true }).fill(DEMO_PASSWORDS['caseworker']!);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/faelle'),
      page.getByRole('button', { name: 'Anmelden' }).click(),
    ]);
    expect(new URL(page.url()).pathname).toBe('/faelle');
    await context.close();
  });
});
