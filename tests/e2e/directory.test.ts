import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchBrowser, screenshot, signInInBrowser, wcagViolations } from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// The directory as its users work with it: a coordinator creates, edits and confirms an entry; a caseworker finds
// it, opens it and prints a Wegweiser. axe checks each page for WCAG 2.1 AA.
describe.skipIf(!hasChromium)('directory in a real browser', () => {
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
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, email, DEMO_PASSWORDS[role]!);
    return { context, page };
  }

  const submit = async (page: Page, name: string | RegExp) => {
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name, exact: true }).click(),
    ]);
  };

  it('coordinator creates an entry, fixes a wrong opening time, edits and confirms it', async () => {
    const { context, page } = await signedIn('coordinator', 'koordination@partnernetz.example');
    await page.goto(`${server.url}/pflege`);
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'pflege');
    await page
      .getByLabel('Neues Angebot für')
      .selectOption({ label: 'Sprachcafé in der Stadtbibliothek (Beispiel)' });
    await submit(page, 'Neues Angebot anlegen');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Neues Angebot');

    await page.getByLabel('Name des Angebots').fill('Lerntreff Deutsch am Abend');
    await page.getByLabel('Sprachcafé und Sprachpartnerschaft').check();
    await page.getByLabel('Alter von').fill('16');
    await page.getByLabel('Öffnungszeiten').fill('Mo-Do 18:00-20:00; Fx 10:00-12:00');
    await page.getByLabel('Bitte mitbringen').fill('Heft und Stift');
    await submit(page, 'Angebot anlegen');
    expect(await page.getByRole('alert').first().textContent()).toContain('Das Angebot wurde nicht angelegt');
    expect(await page.locator('#field-openingHours-error').textContent()).toContain('„Fx“');
    // The error summary links each problem to its field (GOV.UK pattern).
    const summaryLinks = page.getByRole('alert').first().getByRole('link');
    expect(await summaryLinks.count()).toBeGreaterThan(0);
    for (const link of await summaryLinks.all()) {
      const target = (await link.getAttribute('href'))!;
      expect(await page.locator(target).count(), target).toBe(1);
    }
    expect(
      await page.getByRole('alert').first().getByRole('link', { name: /„Fx“/ }).getAttribute('href'),
    ).toBe('#field-openingHours');
    expect(await page.getByLabel('Name des Angebots').inputValue()).toBe('Lerntreff Deutsch am Abend');
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'pflege-angebot-fehler');

    await page.getByLabel('Öffnungszeiten').fill('Mo-Do 18:00-20:00; Fr 10:00-12:00; Feiertage geschlossen');
    await submit(page, 'Angebot anlegen');
    expect(await page.getByRole('status').first().textContent()).toContain('Das Angebot ist angelegt.');

    await page.getByLabel('Freie Plätze').fill('4');
    await submit(page, 'Speichern');
    expect(await page.getByRole('status').first().textContent()).toContain(
      'Die Änderungen sind gespeichert.',
    );
    await submit(page, 'Daten bestätigen');
    expect(await page.getByRole('status').first().textContent()).toContain('Die Daten sind bestätigt');
    expect(await wcagViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Änderungsverlauf' }).click();
    await page.waitForLoadState('load');
    const history = await page.locator('table.history').textContent();
    expect(history).toContain('Freie Plätze');
    expect(history).toContain('Kim Koordination (Demo)');
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'pflege-verlauf');
    await context.close();
  });

  it('caseworker finds an entry, sees its details and prints a Wegweiser', async () => {
    const { context, page } = await signedIn('caseworker', 'fachkraft@partnernetz.example');
    await page
      .getByRole('navigation', { name: 'Hauptnavigation' })
      .getByRole('link', { name: 'Partnerverzeichnis' })
      .click();
    await page.waitForLoadState('load');
    await page.getByLabel('Angebot, Einrichtung oder Stichwort').fill('Volkshochschule');
    await submit(page, 'Filtern');
    expect(new URL(page.url()).searchParams.get('q')).toBe('Volkshochschule');
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'verzeichnis');

    await page.getByRole('link', { name: 'Integrationskurs (Beispiel)', exact: true }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Integrationskurs (Beispiel)');
    expect(await page.getByRole('link', { name: 'Vermitteln' }).count()).toBe(1);
    expect(await page.locator('table.hours').count()).toBe(1);
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'verzeichnis-angebot');

    await page.goto(`${server.url}/verzeichnis?q=Volkshochschule`);
    for (const box of await page.getByRole('checkbox').all()) await box.check();
    await submit(page, 'Wegweiser für ausgewählte Angebote');
    expect(new URL(page.url()).pathname).toBe('/verzeichnis/wegweiser');
    await page
      .getByLabel('Persönlicher Hinweis für den Ausdruck (freiwillig)')
      .fill('Termin: Dienstag, 10 Uhr');
    await submit(page, 'Hinweis übernehmen');
    // The note travels by POST only: it is on the page, never in the address.
    expect(page.url()).not.toContain('Termin');
    expect(await page.locator('.wegweiser-note').textContent()).toBe('Termin: Dienstag, 10 Uhr');
    expect(await page.locator('.wegweiser-entry').count()).toBe(2);
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'wegweiser');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    if (process.env['SCREENSHOT_DIR'])
      fs.writeFileSync(`${process.env['SCREENSHOT_DIR']}/wegweiser.pdf`, pdf);
    // What the printer gets: no navigation, no form, only the guide.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.wegweiser-form').isVisible()).toBe(false);
    await page.setViewportSize({ width: 794, height: 1123 });
    await screenshot(page, 'wegweiser-druck');
    await context.close();
  });

  it('partner edits their own entry, which then waits for review; another organization’s entry is not found', async () => {
    const { context, page } = await signedIn('partner', 'partner@partnernetz.example');
    await page
      .getByRole('navigation', { name: 'Hauptnavigation' })
      .getByRole('link', { name: 'Meine Einrichtung' })
      .click();
    await page.waitForLoadState('load');
    await page
      .getByRole('link', { name: /^Bearbeiten oder bestätigen/ })
      .first()
      .click();
    await page.waitForLoadState('load');
    await page.getByLabel('Freie Plätze').fill('2');
    await submit(page, 'Speichern');
    expect(await page.getByRole('status').first().textContent()).toContain(
      'Die Netzwerkkoordination sieht sie sich an',
    );
    expect(await wcagViolations(page)).toEqual([]);
    await page.goto(`${server.url}/einrichtung`);
    expect(await page.getByText('wird geprüft').count()).toBeGreaterThan(0);
    await page.goto(`${server.url}/verzeichnis?q=Ausl%C3%A4nderbeh%C3%B6rde`);
    const foreign = await page.locator('table.directory tbody a').first().getAttribute('href');
    const response = await page.goto(
      `${server.url}${foreign!.replace('/verzeichnis/', '/pflege/angebote/')}`,
    );
    expect(response?.status()).toBe(404);
    await context.close();
  });
});
