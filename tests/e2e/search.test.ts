import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchBrowser, screenshot, signInInBrowser, wcagViolations } from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// The search page as a caseworker uses it: form and filters, suggestions as you type, the result list and the map
// (markers without tiles: the test server runs with TILE_URL ''), checked by axe and for CSP violations.
describe.skipIf(!hasChromium)('search in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A signed-in caseworker's page that records CSP violations and script errors. */
  async function caseworkerPage(
    options: { javaScriptEnabled?: boolean } = {},
  ): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'de-DE', ...options });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await signInInBrowser(page, server.url, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
    return { context, page, problems };
  }

  /**
   * Unfolds the filters where they are folded (behind "Filter" below 40em, issue 11) – a native details element, no
   * script; on a wide screen they are shown without a toggle.
   */
  const openFilters = async (page: Page) => {
    const filters = page.locator('details.search-filters-toggle');
    const summary = filters.locator('summary');
    if (!(await filters.evaluate((d) => (d as HTMLDetailsElement).open)) && (await summary.isVisible()))
      await summary.click();
    expect(await page.getByLabel('Kategorie').isVisible()).toBe(true);
  };

  const submit = async (page: Page, name: string) => {
    await Promise.all([
      page.waitForURL(/\/suche\?/),
      page.getByRole('button', { name, exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
  };

  it('caseworker searches, filters by language and moves between list and map', async () => {
    const { context, page, problems } = await caseworkerPage();
    await page
      .getByRole('navigation', { name: 'Hauptnavigation' })
      .getByRole('link', { name: 'Suche' })
      .click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Angebote suchen');

    // Filters first: the suggestions typing opens would lie over the "Filter" button.
    await openFilters(page);
    await page.getByLabel('Suchbegriff').fill('Beratung');
    await page.getByLabel('Sprache').selectOption('fa');
    await submit(page, 'Suchen');
    const url = new URL(page.url());
    expect(url.searchParams.get('q')).toBe('Beratung');
    expect(url.searchParams.get('sprache')).toBe('fa');
    // Untouched fields stay out of the address.
    expect(url.searchParams.has('kategorie')).toBe(false);

    const hits = page.locator('#suchergebnisse > li');
    expect(await hits.count()).toBeGreaterThan(1);
    for (const text of await hits.locator('.hit__facts').allTextContents())
      expect(text).toContain('Persisch');
    expect((await page.getByLabel('Sprache').locator('option:checked').textContent())?.trim()).toMatch(
      /^Persisch \(\d+\)$/,
    );

    const markers = page.locator('.search-map .leaflet-marker-icon');
    await markers.first().waitFor();
    expect(await markers.count()).toBeGreaterThan(0);
    expect(await page.getByText('Kartenhintergrund ausgeschaltet').isVisible()).toBe(true);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);

    // Hovering a list item marks its marker (or the cluster holding it).
    await hits.first().hover();
    await expect.poll(() => page.locator('.leaflet-marker-icon.is-highlighted').count()).toBe(1);
    await page.getByRole('heading', { level: 1 }).hover();
    await expect.poll(() => page.locator('.leaflet-marker-icon.is-highlighted').count()).toBe(0);

    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'suche');
    // Small screens: list first, map below it.
    await page.setViewportSize({ width: 390, height: 844 });
    const listBox = await page.locator('#suchergebnisse').boundingBox();
    const mapBox = await page.locator('.search-map__canvas').boundingBox();
    expect(mapBox!.y).toBeGreaterThan(listBox!.y + listBox!.height);
    await screenshot(page, 'suche-mobil');
    await page.setViewportSize({ width: 1280, height: 720 });

    // Open clusters until single markers show, then click one: its list item lights up, its popup links the entry.
    const single = page.locator('.search-map .leaflet-marker-icon:not(.marker-cluster)');
    for (let i = 0; i < 6 && (await single.count()) === 0; i++) {
      await page.locator('.search-map .marker-cluster').first().click();
      await page.waitForTimeout(600);
    }
    await single.first().click();
    const link = page.locator('.leaflet-popup-content a');
    await link.waitFor();
    const name = await link.textContent();
    await expect.poll(() => page.locator('#suchergebnisse > li.is-highlighted').count()).toBe(1);
    expect(await page.locator('#suchergebnisse > li.is-highlighted .hit__title').textContent()).toContain(
      name,
    );
    await Promise.all([page.waitForURL(/\/verzeichnis\/[^/?]+$/), link.click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('suggests entries as you type and opens one with the keyboard', async () => {
    const { context, page, problems } = await caseworkerPage();
    await page.goto(`${server.url}/suche`);
    const input = page.getByRole('combobox', { name: 'Suchbegriff' });
    await input.pressSequentially('Auslaenderbeh', { delay: 30 });
    const options = page.getByRole('option');
    await options.first().waitFor();
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    expect(await options.first().textContent()).toContain('Ausländerbehörde');
    await input.press('Escape');
    expect(await input.getAttribute('aria-expanded')).toBe('false');
    await input.press('Space');
    await input.press('Backspace');
    await options.first().waitFor();
    await input.press('ArrowDown');
    expect(await input.getAttribute('aria-activedescendant')).toBe('q-vorschlag-0');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await Promise.all([page.waitForURL(/\/verzeichnis\/[^/?]+$/), input.press('Enter')]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Aufenthaltstitel und Beschäftigungserlaubnis (Beispiel)',
    );
    expect(problems).toEqual([]);
    await context.close();
  });

  it('searches the visible map section, and says so for an unknown postcode', async () => {
    const { context, page, problems } = await caseworkerPage();
    await page.goto(`${server.url}/suche?q=Kurs`);
    await page.locator('.search-map .leaflet-marker-icon').first().waitFor();
    await Promise.all([
      page.waitForURL(/bbox=/),
      page.getByRole('button', { name: 'In diesem Kartenausschnitt suchen' }).click(),
    ]);
    const bbox = new URL(page.url()).searchParams.get('bbox')!.split(',').map(Number);
    expect(bbox).toHaveLength(4);
    expect(await page.getByText('Die Suche ist auf einen Kartenausschnitt begrenzt.').isVisible()).toBe(true);

    await openFilters(page);
    await page.getByLabel('Postleitzahl').fill('12345');
    await submit(page, 'Suchen');
    expect(await page.getByRole('alert').textContent()).toContain('Die Postleitzahl 12345 ist unbekannt');
    expect(await page.getByLabel('Postleitzahl').getAttribute('aria-invalid')).toBe('true');
    expect(await wcagViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works without JavaScript: the list and the form, with a note in place of the map', async () => {
    const { context, page } = await caseworkerPage({ javaScriptEnabled: false });
    await page.goto(`${server.url}/suche`);
    await openFilters(page);
    await page.getByLabel('Suchbegriff').fill('Sprachcafe');
    await page.getByLabel('Kostenlos').check();
    await submit(page, 'Suchen');
    expect(new URL(page.url()).searchParams.get('kostenlos')).toBe('ja');
    expect(await page.locator('#suchergebnisse > li').first().textContent()).toContain('Sprachcafé');
    expect(await page.getByText('Die Karte braucht JavaScript.').isVisible()).toBe(true);
    await context.close();
  });
});
