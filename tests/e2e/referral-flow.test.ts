import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  followClick,
  hasChromium,
  launchBrowser,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// Issue 11, items 5–7, at a phone's and a desk's width: a caseworker starts a search from a case, refers from a hit
// ("Vermitteln"), saves a draft with few fields, completes it, checks it as the partner will see it and sends it.
// On the phone no list scrolls sideways and the search filters are folded away; axe checks every page.
describe.skipIf(!hasChromium)('referral flow from a case, on a phone and on a desk', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // The demo's sample referrals fill the dashboard and the partner's inbox (overdue, new, answered).
    [server, browser] = await Promise.all([startTestServer({}, { sampleReferrals: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const click = (page: Page, role: 'button' | 'link', name: string | RegExp) =>
    followClick(page, page.getByRole(role, { name, exact: true }).first());
  const accessible = async (page: Page, name: string) => {
    expect(await wcagViolations(page), name).toEqual([]);
    await screenshot(page, name);
  };
  /** Whether the page fits its width (document.scrollingElement does not scroll sideways). */
  const fitsWidth = (page: Page) =>
    page.evaluate(() => {
      const root = document.scrollingElement!;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
  const expectNoSidewaysScroll = async (page: Page, where: string) => {
    const { scrollWidth, clientWidth } = await fitsWidth(page);
    expect(scrollWidth, `${where}: ${scrollWidth} px Inhalt auf ${clientWidth} px`).toBeLessThanOrEqual(
      clientWidth,
    );
  };
  const status = async (page: Page) => (await page.getByRole('status').first().textContent()) ?? '';

  for (const width of [390, 1280]) {
    it(`at ${width} px: search from a case, Vermitteln, a short draft, edit, check, send`, async () => {
      const phone = width < 640;
      const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signInInBrowser(page, server.url, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
      expect(new URL(page.url()).pathname).toBe('/vermittlungen');
      if (phone) await expectNoSidewaysScroll(page, 'Vermittlungen');
      await accessible(page, `flow-dashboard-${width}`);

      // A new case, then "Angebot suchen" from it.
      await click(page, 'link', 'Fälle');
      await click(page, 'link', 'Neuen Fall anlegen');
      await page.getByLabel('Vorname').fill('Samira');
      await click(page, 'button', 'Fall anlegen');
      const caseCode = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Fall ', '');
      await click(page, 'link', 'Angebot suchen');
      expect(new URL(page.url()).pathname).toBe('/suche');
      // Only the case's random id travels, never its code or the name.
      expect(page.url()).not.toContain(caseCode);
      expect(page.url()).not.toContain('Samira');
      const banner = page.locator('.case-banner');
      expect(await banner.textContent()).toContain(caseCode);

      // On the phone the filters are folded away behind one button, the query stays in view; on a wide screen they
      // are shown without a toggle.
      const filters = page.locator('details.search-filters-toggle');
      const summary = filters.locator('summary');
      expect(await filters.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      if (phone) {
        expect(await page.getByLabel('Kategorie').isVisible()).toBe(false);
        expect((await summary.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        await summary.click();
        expect(await page.getByLabel('Kategorie').isVisible()).toBe(true);
        await summary.click();
      } else {
        expect(await summary.isVisible()).toBe(false);
        expect(await page.getByLabel('Kategorie').isVisible()).toBe(true);
      }

      await page.getByLabel('Suchbegriff').fill('Integrationskurs');
      await click(page, 'button', 'Suchen');
      // The case is still there after the search (hidden field of the form).
      expect(await page.locator('.case-banner').textContent()).toContain(caseCode);
      const refer = page.getByRole('link', { name: /^Vermitteln/ }).first();
      expect(await refer.isVisible()).toBe(true);
      if (phone) {
        expect((await refer.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        await expectNoSidewaysScroll(page, 'Suche');
      }
      await accessible(page, `flow-suche-${width}`);

      // "Vermitteln" opens the referral form with the case already chosen.
      await followClick(page, refer);
      expect(new URL(page.url()).pathname).toBe('/vermittlungen/neu');
      expect(await page.locator('main').textContent()).toContain(caseCode);
      await page.getByLabel('Anlass').selectOption('language');
      await accessible(page, `flow-neu-${width}`);
      await click(page, 'button', 'Als Entwurf speichern');
      expect(await status(page)).toContain('Der Entwurf ist gespeichert');
      const draftPath = new URL(page.url()).pathname;
      expect(draftPath).toMatch(/^\/vermittlungen\/entwurf\/[a-z2-7]+$/);
      expect(await page.getByLabel('Anlass').inputValue()).toBe('language');

      // "Weiter" with the message missing: the summary links to the field, nothing is lost.
      await click(page, 'button', 'Weiter');
      const alert = page.getByRole('alert').first();
      expect(await alert.textContent()).toContain('Nachricht');
      await accessible(page, `flow-entwurf-fehler-${width}`);
      await page.getByLabel('Nachricht an die Einrichtung').fill('Sucht einen Kursplatz ab Januar.');
      await page.getByLabel('Wie kommt der Kontakt zustande?').selectOption('appointment');
      await click(page, 'button', 'Weiter');

      // Check your answers: what the partner will read, each with "Ändern".
      expect(new URL(page.url()).pathname).toBe(`${draftPath}/pruefen`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
        'Prüfen Sie Ihre Angaben',
      );
      expect(await page.locator('main').textContent()).toContain('Sucht einen Kursplatz ab Januar.');
      if (phone) await expectNoSidewaysScroll(page, 'Prüfen');
      await accessible(page, `flow-pruefen-${width}`);
      await click(page, 'link', 'Ändern – die Nachricht');
      expect(new URL(page.url()).pathname).toBe(draftPath);
      await page
        .getByLabel('Nachricht an die Einrichtung')
        .fill('Sucht einen Kursplatz ab Januar, vormittags.');
      await click(page, 'button', 'Weiter');
      expect(await page.locator('main').textContent()).toContain('ab Januar, vormittags.');

      await click(page, 'button', 'Vermittlung senden');
      expect(await status(page)).toContain('Die Vermittlung ist gesendet');
      const referralPath = new URL(page.url()).pathname;
      expect(referralPath).toBe(draftPath.replace('/entwurf', ''));
      // The timeline says what happened, in words.
      expect(await page.locator('main').textContent()).toContain('Vermittlung an die Einrichtung gesendet');
      // A reload of the check page after sending re-submits nothing: it leads to the sent referral.
      await page.goto(`${server.url}${draftPath}/pruefen`);
      expect(new URL(page.url()).pathname).toBe(referralPath);

      // A second draft, deleted after the confirmation.
      await page.goto(`${server.url}/vermittlungen`);
      await click(page, 'link', 'Fälle');
      await click(page, 'link', caseCode);
      await click(page, 'link', 'Angebot suchen');
      await page.getByLabel('Suchbegriff').fill('Integrationskurs');
      await click(page, 'button', 'Suchen');
      await followClick(page, page.getByRole('link', { name: /^Vermitteln/ }).first());
      await click(page, 'button', 'Als Entwurf speichern');
      await click(page, 'link', 'Entwurf löschen');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Entwurf wirklich löschen?');
      await accessible(page, `flow-loeschen-${width}`);
      await click(page, 'button', 'Ja, Entwurf löschen');
      expect(await status(page)).toContain('Der Entwurf ist gelöscht');

      // The dashboard: on a phone the lists are cards with status and answer date first.
      await page.goto(`${server.url}/vermittlungen`);
      if (phone) {
        await expectNoSidewaysScroll(page, 'Vermittlungen');
        const card = page.locator('.referral-cards').first().locator('.referral-card').first();
        expect(await card.isVisible()).toBe(true);
        expect(await page.locator('.referral-table').first().isVisible()).toBe(false);
        const first = await card.locator('p').first().textContent();
        expect(first).toContain('Antwort bis');
      } else {
        expect(await page.locator('.referral-table').first().isVisible()).toBe(true);
      }
      await accessible(page, `flow-vermittlungen-${width}`);
      await context.close();
    });

    it(`at ${width} px: the partner's inbox fits the screen`, async () => {
      const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signInInBrowser(page, server.url, 'partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
      expect(new URL(page.url()).pathname).toBe('/eingang');
      if (width < 640) {
        await expectNoSidewaysScroll(page, 'Eingang');
        const card = page.locator('.referral-card').first();
        expect(await card.isVisible()).toBe(true);
        expect(await card.locator('p').first().textContent()).toContain('Antwort bis');
      } else {
        expect(await page.locator('.referral-table').first().isVisible()).toBe(true);
      }
      await accessible(page, `flow-eingang-${width}`);
      await context.close();
    });
  }
});
