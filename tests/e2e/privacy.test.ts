import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb } from '../../src/lib/db/create-db';
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

// The data subject's rights in a real browser: a caseworker opens the access export (Art. 15) of a case, restricts
// the case (Art. 18: no new referral goes out) and lifts the restriction, then erases another case after the
// confirmation step (Art. 17). axe checks every page for WCAG 2.1 AA.
describe.skipIf(!hasChromium)('privacy operations in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let serviceId = '';
  let sampleCaseId = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({}, { sampleReferrals: true }), launchBrowser()]);
    const db = createDb({ databaseUrl: server.databaseUrl });
    serviceId = (
      await db
        .selectFrom('service')
        .select('id')
        .where('archived_at', 'is', null)
        .where('status', '=', 'active')
        .orderBy('name')
        .executeTakeFirstOrThrow()
    ).id;
    // A sample case of the demo caseworker's office with the most referrals: the access export with timelines.
    sampleCaseId = (
      await db
        .selectFrom('referral')
        .innerJoin('app_user', 'app_user.organization_id', 'referral.sender_office_id')
        .select('referral.case_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('app_user.email', '=', 'fachkraft@partnernetz.example')
        .groupBy('referral.case_id')
        .orderBy('n', 'desc')
        .orderBy('referral.case_id')
        .executeTakeFirstOrThrow()
    ).case_id;
    await db.destroy();
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
  const statusText = async (page: Page) => (await page.getByRole('status').first().textContent()) ?? '';

  async function openCase(page: Page, firstName: string, lastName: string): Promise<string> {
    await page.goto(`${server.url}/faelle/neu`, { timeout: NAVIGATION_TIMEOUT_MS });
    await page.getByLabel('Vorname').fill(firstName);
    await page.getByLabel('Nachname').fill(lastName);
    await click(page, 'button', 'Fall anlegen');
    expect(await statusText(page)).toMatch(/ist angelegt/);
    return new URL(page.url()).pathname.split('/')[2]!;
  }

  it('opens the access export, restricts and lifts a case, and erases another after confirmation', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);

    // --- Access export (Art. 15) ---
    const caseId = await openCase(page, 'Selma', 'Auskunftstest');
    await page.getByLabel('Neuer Schritt').fill('Deutschkurs beginnen');
    await click(page, 'button', 'Schritt hinzufügen');
    await click(page, 'link', 'Datenschutz');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Datenschutz: Fall /);
    await accessible(page, 'datenschutz-fall');
    await click(page, 'link', 'Auskunft ansehen und drucken');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Auskunft über Ihre gespeicherten Daten',
    );
    const article = page.locator('article.auskunft');
    expect(await article.textContent()).toContain('Auskunftstest');
    expect(await article.textContent()).toContain('Deutschkurs beginnen');
    // The log names its own creation and the case's history.
    const log = (await page.locator('table.auskunft-log').textContent()) ?? '';
    expect(log).toContain('Fall angelegt');
    expect(log).toContain('Auskunft erstellt (Art. 15 DSGVO)');
    await accessible(page, 'datenschutz-auskunft');
    // Printed, the navigation is gone.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    await screenshot(page, 'datenschutz-auskunft-druck');
    await page.emulateMedia({ media: 'screen' });
    const json = await page.request.get(`${server.url}/faelle/${caseId}/auskunft.json`);
    expect(json.status()).toBe(200);
    expect(json.headers()['cache-control']).toBe('no-store');
    const data = (await json.json()) as { case: { id: string }; identity: { lastName: string } };
    expect(data.case.id).toBe(caseId);
    expect(data.identity.lastName).toBe('Auskunftstest');

    // A sample case with referrals: each one with its timeline, and the partner's reads in the log.
    await page.goto(`${server.url}/faelle/${sampleCaseId}/auskunft`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(await page.locator('.auskunft-timeline li').count()).toBeGreaterThan(0);
    await accessible(page, 'datenschutz-auskunft-vermittlungen');

    // --- Restriction (Art. 18) ---
    await page.goto(`${server.url}/faelle/${caseId}/datenschutz`, { timeout: NAVIGATION_TIMEOUT_MS });
    await click(page, 'button', 'Verarbeitung einschränken');
    expect(await statusText(page)).toContain('Der Fall ist eingeschränkt');
    await accessible(page, 'datenschutz-eingeschraenkt');
    await page.goto(`${server.url}/faelle/${caseId}`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(await page.getByRole('link', { name: 'Neue Vermittlung' }).count()).toBe(0);
    expect(await page.locator('.alert--warning').textContent()).toContain('eingeschränkt');
    // Even by the referral form's address no referral goes out.
    await page.goto(`${server.url}/vermittlungen/neu?fall=${caseId}&angebot=${serviceId}`, {
      timeout: NAVIGATION_TIMEOUT_MS,
    });
    await page.getByLabel('Anlass').selectOption({ index: 1 });
    await page.getByLabel('Nachricht an die Einrichtung').fill('Bitte um einen Platz.');
    await page.getByLabel('Wie kommt der Kontakt zustande?').selectOption({ index: 1 });
    await click(page, 'button', 'Weiter');
    expect(new URL(page.url()).pathname).toBe('/vermittlungen/neu');
    expect(await page.locator('main').textContent()).toContain('Dieser Fall ist eingeschränkt');
    await screenshot(page, 'datenschutz-vermitteln-gesperrt');
    // Lifted, referring works again.
    await page.goto(`${server.url}/faelle/${caseId}/datenschutz`, { timeout: NAVIGATION_TIMEOUT_MS });
    await click(page, 'button', 'Einschränkung aufheben');
    expect(await statusText(page)).toContain('Die Einschränkung ist aufgehoben');
    await page.goto(`${server.url}/faelle/${caseId}`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(await page.getByRole('link', { name: 'Neue Vermittlung' }).count()).toBe(1);

    // --- Erasure (Art. 17) of another case, with confirmation ---
    const otherId = await openCase(page, 'Bruno', 'Löschtest');
    const code = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Fall ', '');
    await click(page, 'link', 'Datenschutz');
    await click(page, 'link', 'Fall löschen …');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Fall ${code} löschen`);
    expect(await page.locator('main').textContent()).toContain('Angaben zur Person: 1');
    await accessible(page, 'datenschutz-loeschen');
    await page.getByLabel('Fallnummer zur Bestätigung').fill('FALSCH');
    await click(page, 'button', 'Fall endgültig löschen');
    expect(await page.getByRole('alert').first().textContent()).toContain(`Fallnummer ${code}`);
    await accessible(page, 'datenschutz-loeschen-fehler');
    await page.getByLabel('Fallnummer zur Bestätigung').fill(code);
    await click(page, 'button', 'Fall endgültig löschen');
    expect(new URL(page.url()).pathname).toBe('/faelle');
    expect(await statusText(page)).toContain(`Der Fall ${code} ist gelöscht`);
    await screenshot(page, 'datenschutz-geloescht');
    const gone = await page.goto(`${server.url}/faelle/${otherId}`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(gone?.status()).toBe(404);
    // The first case is still there.
    const kept = await page.goto(`${server.url}/faelle/${caseId}`, { timeout: NAVIGATION_TIMEOUT_MS });
    expect(kept?.status()).toBe(200);
    await context.close();
  });
});
