import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchBrowser, screenshot, signInInBrowser, wcagViolations } from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// Issue 14 in a real browser: a caseworker reports an error on an offer, the coordinator forwards it, the partner
// fixes it through the quick update on "Meine Einrichtung", and the caseworker sees it resolved. axe on each page.
describe.skipIf(!hasChromium)('directory upkeep in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(role: string, email: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'de-DE' });
    contexts.push(context);
    const page = await context.newPage();
    await signInInBrowser(page, server.url, email, DEMO_PASSWORDS[role]!);
    return page;
  }

  const submit = async (page: Page, name: string | RegExp) => {
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).first().click()]);
  };

  it('a reported error goes through the coordinator to the partner and back to the caseworker', async () => {
    const partner = await signedIn('partner', 'partner@partnernetz.example');
    await partner.goto(`${server.url}/einrichtung`);
    const offer = partner.locator('table a[href^="/verzeichnis/"]').first();
    const href = (await offer.getAttribute('href'))!;
    const name = (await offer.textContent())!.trim();

    const caseworker = await signedIn('caseworker', 'fachkraft@partnernetz.example');
    await caseworker.goto(`${server.url}${href}`);
    await caseworker.getByText('Stimmt etwas an diesem Eintrag nicht?').click();
    await caseworker.getByLabel('Telefonnummer stimmt nicht').check();
    await caseworker.getByLabel(/Kurzer Hinweis/).fill('Unter der Nummer meldet sich niemand.');
    expect(await wcagViolations(caseworker)).toEqual([]);
    await submit(caseworker, 'Fehler melden');
    expect(await caseworker.getByRole('status').first().textContent()).toContain('Danke für Ihre Meldung');
    expect(await caseworker.locator('.error-report__own').textContent()).toContain(
      'wartet auf die Netzwerkkoordination',
    );

    const coordinator = await signedIn('coordinator', 'koordination@partnernetz.example');
    await coordinator.goto(`${server.url}/pflege?ansicht=meldungen`);
    expect(await coordinator.getByRole('link', { name: /Fehlermeldungen \(1\)/ }).count()).toBe(1);
    expect(await wcagViolations(coordinator)).toEqual([]);
    await screenshot(coordinator, 'pflege-meldungen');
    await submit(coordinator, /An die Einrichtung weitergeben/);
    expect(await coordinator.getByRole('status').first().textContent()).toContain('weitergegeben');

    await partner.goto(`${server.url}/einrichtung`);
    const form = partner.locator('form.quick-update', { has: partner.getByRole('heading', { name }) });
    expect(await form.getByRole('note').textContent()).toContain('Telefonnummer stimmt nicht');
    expect(await wcagViolations(partner)).toEqual([]);
    await screenshot(partner, 'pflege-einrichtung-kurz');
    await form.getByLabel('Freie Plätze').fill('abc');
    await Promise.all([partner.waitForLoadState('load'), form.getByRole('button').click()]);
    expect(await partner.getByRole('alert').first().textContent()).toContain('ganze Zahl');
    const again = partner.locator('form.quick-update', { has: partner.getByRole('heading', { name }) });
    await again.getByLabel('Freie Plätze').fill('3');
    await Promise.all([partner.waitForLoadState('load'), again.getByRole('button').click()]);
    expect(await partner.getByRole('status').first().textContent()).toContain(
      'ist aktualisiert und bestätigt',
    );

    await caseworker.goto(`${server.url}${href}`);
    expect(await caseworker.locator('.error-report__own').textContent()).toContain('behoben am');
    expect(await wcagViolations(caseworker)).toEqual([]);
    await screenshot(caseworker, 'pflege-fehler-behoben');

    await coordinator.goto(`${server.url}/pflege?ansicht=anfragen`);
    expect(await wcagViolations(coordinator)).toEqual([]);
    await screenshot(coordinator, 'pflege-anfragen');
    await coordinator.goto(`${server.url}/pflege?ansicht=veraltet`);
    expect(await wcagViolations(coordinator)).toEqual([]);
    await screenshot(coordinator, 'pflege-bestaetigen');
  }, 300_000);
});
