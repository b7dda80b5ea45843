import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  followClick,
  hasChromium,
  launchBrowser,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// Issue 16: the coordinator adds a term group on /pflege/suchbegriffe (found from the Pflege page), sees the preview,
// and the search finds an offer through the new word — on a phone and on a desktop width. axe on every state.
describe.skipIf(!hasChromium)('the search vocabulary in a real browser', () => {
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

  async function signedIn(role: string, email: string, width: number): Promise<Page> {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await signInInBrowser(page, server.url, email, DEMO_PASSWORDS[role]!);
    return page;
  }

  const hitNames = async (page: Page) =>
    (await page.locator('#suchergebnisse .hit__title').allTextContents()).map((t) => t.trim());

  for (const { width, word, finds, offer } of [
    {
      width: 1280,
      word: 'Sprachstandsfeststellung',
      finds: 'Einstufungstest',
      offer: 'Einstufungstest und Kursberatung (Beispiel)',
    },
    {
      width: 390,
      word: 'Berufsfindung',
      finds: 'Berufsorientierung',
      offer: 'Berufsorientierung für Neuzugewanderte (Beispiel)',
    },
  ]) {
    it(`a coordinator adds „${word}“ at ${width} px and the search finds the offer through it`, async () => {
      const page = await signedIn('coordinator', 'koordination@partnernetz.example', width);
      await page.goto(`${server.url}/suche?q=${encodeURIComponent(word)}`);
      expect(await hitNames(page)).not.toContain(offer);

      await page.goto(`${server.url}/pflege`);
      await followClick(page, page.getByRole('link', { name: 'Suchbegriffe', exact: true }));
      expect(page.url()).toContain('/pflege/suchbegriffe');
      expect(await page.getByRole('heading', { name: 'Eingebaute Liste' }).count()).toBe(1);
      expect(await wcagViolations(page)).toEqual([]);

      // Without "Findet auch" nothing is saved; the German message names the field and the word stays.
      await page.locator('#field-begriffe').fill(word);
      await followClick(page, page.getByRole('button', { name: 'Eintrag speichern' }));
      expect(await page.getByRole('alert').first().textContent()).toContain('zusätzlich finden');
      expect(await page.locator('#field-begriffe').inputValue()).toBe(word);
      expect(await wcagViolations(page)).toEqual([]);

      await page.locator('#field-findet_auch').fill(finds);
      await followClick(page, page.getByRole('button', { name: 'Eintrag speichern' }));
      expect(await page.getByRole('status').first().textContent()).toContain(`Gespeichert: „${word}“`);
      expect(await page.locator('table', { hasText: word }).count()).toBe(1);

      await page.getByLabel('Suchtext ausprobieren').fill(word);
      await followClick(page, page.getByRole('button', { name: 'Vorschau zeigen' }));
      expect(await page.locator('.vocabulary-preview').textContent()).toContain(`sucht auch nach: ${finds}`);
      expect(await wcagViolations(page)).toEqual([]);
      await screenshot(page, `pflege-suchbegriffe-${width}`);

      await followClick(page, page.getByRole('link', { name: `„${word}“ in der Suche öffnen` }));
      expect(await hitNames(page)).toContain(offer);
      expect(await wcagViolations(page)).toEqual([]);
      await screenshot(page, `suche-suchbegriff-${width}`);
    });
  }

  it('a caseworker may not change the vocabulary (the 404 of every denied page)', async () => {
    const page = await signedIn('caseworker', 'fachkraft@partnernetz.example', 1280);
    const response = await page.goto(`${server.url}/pflege/suchbegriffe`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('button', { name: 'Eintrag speichern' }).count()).toBe(0);
    expect(await wcagViolations(page)).toEqual([]);
  });
});
