import fs from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/** Debian's Chromium; `npx playwright install` cannot work here (no downloads at run time). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Whether a browser is available; browser tests skip with a notice when it is not. */
export const hasChromium = fs.existsSync(CHROMIUM_PATH);

if (!hasChromium) {
  console.info(
    `Hinweis: Kein Chromium unter ${CHROMIUM_PATH} – Browsertests werden übersprungen (apt-get install -y chromium).`,
  );
}

/** Launches headless Chromium with the flags our closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Runs axe-core for WCAG 2.1 A and AA and returns the violations as readable lines. */
export async function wcagViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * How long to wait for a page the server renders after a click. The wait ends on the event (the new document has
 * loaded), so the bound only matters when the server really is slow: a busy 2-core machine running axe in parallel.
 */
export const NAVIGATION_TIMEOUT_MS = 45_000;

/**
 * Clicks something that loads a new document (a link, a form's submit button) and returns when that document has
 * loaded. `waitForLoadState` alone would return at once (the old page is loaded already) and race the server; this
 * waits for the main frame's navigation, which a redirect to the same URL (Post/Redirect/Get) or a form shown again
 * with errors (422) fires too.
 */
export async function followClick(page: Page, target: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: NAVIGATION_TIMEOUT_MS,
  });
  // If the click fails, its error is the one to report, not the wait's when the page closes afterwards.
  navigated.catch(() => undefined);
  await target.click();
  await navigated;
  await page.waitForLoadState('load', { timeout: NAVIGATION_TIMEOUT_MS });
}

/** Signs in through the real form and returns once the page after it (start page or form with error) has loaded. */
export async function signInInBrowser(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/anmelden`, { timeout: NAVIGATION_TIMEOUT_MS });
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await followClick(page, page.getByRole('button', { name: 'Anmelden' }));
}

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set (to look at pages as users see them); does nothing
 * otherwise, so test runs leave no files behind.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['SCREENSHOT_DIR'];
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}
