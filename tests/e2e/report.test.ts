import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSyntheticReportFacts } from '../../db/seed/synthetic-report';
import { findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { createDb } from '../../src/lib/db/create-db';
import { findOrganization } from '../../src/lib/directory/organization.queries';
import { listReportOrganizations } from '../../src/lib/report/report.queries';
import { todayInGermany } from '../../src/lib/time/time';
import {
  followClick,
  hasChromium,
  launchBrowser,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// The network report in a real browser, as coordinator, caseworker and partner: each sees its own scope, the
// coordinator filters and downloads a table as CSV, the partner's page names no other partner; axe checks every
// page for WCAG 2.1 AA. Facts of 4,000 synthetic referrals over two years fill the report.

describe.skipIf(!hasChromium)('network report in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let partnerName = '';
  let otherPartners: string[] = [];
  let officeName = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const db = createDb({ databaseUrl: server.databaseUrl });
    const today = todayInGermany(new Date());
    await seedSyntheticReportFacts(db, {
      referrals: 4000,
      from: `${Number(today.slice(0, 4)) - 1}-01-01`,
      to: today,
    });
    const partner = (await findUserRowByEmail(db, 'partner@partnernetz.example'))!;
    partnerName = (await findOrganization(db, partner.organization_id))!.name;
    otherPartners = (await listReportOrganizations(db, 'partner'))
      .filter((o) => o.id !== partner.organization_id)
      .map((o) => o.name);
    const caseworker = (await findUserRowByEmail(db, 'fachkraft@partnernetz.example'))!;
    officeName = (await findOrganization(db, caseworker.organization_id))!.name;
    await db.destroy();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const accessible = async (page: Page, name: string) => {
    expect(await wcagViolations(page), name).toEqual([]);
    await screenshot(page, name);
  };
  const signedIn = async (email: string, password: string) => {
    const context = await browser.newContext({ locale: 'de-DE', acceptDownloads: true });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, email, password);
    return page;
  };

  it(
    'shows the coordinator the network, filtered, with a CSV of every table and a print view',
    { timeout: 180_000 },
    async () => {
      const page = await signedIn('koordination@partnernetz.example', DEMO_PASSWORDS['coordinator']!);
      await page.goto(`${server.url}/`);
      await followClick(page, page.getByRole('link', { name: 'Bericht', exact: true }));
      expect(new URL(page.url()).pathname).toBe('/netzwerk/bericht');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Netzwerkbericht');
      expect(await page.locator('.lead').textContent()).toContain('Gesamtes Netzwerk');
      // Two charts, each drawn wide and narrow; the screen shows the wide drawings.
      expect(await page.locator('svg[role="img"]:visible').count()).toBe(2);
      await accessible(page, 'bericht-koordination');

      // Filter: a quarter and the first category.
      await page.locator('#field-zeitraum').selectOption('quartal');
      await page.locator('#field-quartal').selectOption('1');
      const category = await page.locator('#field-kategorie option').nth(1).getAttribute('value');
      await page.locator('#field-kategorie').selectOption(category!);
      await followClick(page, page.getByRole('button', { name: 'Bericht anzeigen' }));
      const url = new URL(page.url());
      expect(url.searchParams.get('zeitraum')).toBe('quartal');
      expect(url.searchParams.get('kategorie')).toBe(category);
      expect(await page.locator('.lead').textContent()).toContain('1. Quartal');
      await accessible(page, 'bericht-koordination-gefiltert');

      // The CSV of the key figures, as German Excel opens it.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: '„Vermittlungen im Zeitraum“ als CSV herunterladen' }).click(),
      ]);
      const bytes = fs.readFileSync((await download.path())!);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text).toContain('Kennzahl;Anzahl\r\n');
      expect(text).toMatch(/Gesendet;(< 5|\d{1,3}(\.\d{3})*)\r\n/);
      expect(download.suggestedFilename()).toBe('bericht-kennzahlen.csv');

      await followClick(page, page.getByRole('link', { name: 'Druckansicht „Jahresbericht“' }));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Jahresbericht');
      await page.emulateMedia({ media: 'print' });
      await accessible(page, 'bericht-jahresbericht');
      await page.context().close();
    },
  );

  it(
    'keeps chart labels legible on a 390 px phone and preselects the current quarter',
    { timeout: 120_000 },
    async () => {
      const page = await signedIn('koordination@partnernetz.example', DEMO_PASSWORDS['coordinator']!);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.url}/netzwerk/bericht?zeitraum=quartal`);
      // The rendered size of every label of the charts the phone shows: font-size in drawing units × scale.
      const sizes = await page.locator('svg[role="img"]:visible').evaluateAll((svgs) =>
        svgs.flatMap((svg) => {
          const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')].map((t) => Number(t.getAttribute('font-size')) * scale);
        }),
      );
      expect(sizes.length).toBeGreaterThan(0);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
      // Without a quarter in the address the report shows the current one, and the form says which.
      const quarter = String(Math.ceil((new Date().getUTCMonth() + 1) / 3));
      expect(await page.locator('#field-quartal').inputValue()).toBe(quarter);
      await accessible(page, 'bericht-telefon');
      await page.context().close();
    },
  );

  it('shows the caseworker only the own office', { timeout: 120_000 }, async () => {
    const page = await signedIn('fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
    await page.goto(`${server.url}/netzwerk/bericht?zeitraum=frei&von=2020-01-01`);
    expect(await page.locator('.lead').textContent()).toContain(officeName);
    expect(await page.locator('#field-stelle').count()).toBe(0);
    await page.locator('#field-raster').selectOption('monat');
    await followClick(page, page.getByRole('button', { name: 'Bericht anzeigen' }));
    expect(await page.getByRole('heading', { name: 'Verlauf nach Monat' }).count()).toBeGreaterThan(0);
    await accessible(page, 'bericht-fachkraft');
    await page.context().close();
  });

  it(
    'shows the partner its own figures beside the network median and names no other partner',
    { timeout: 120_000 },
    async () => {
      const page = await signedIn('partner@partnernetz.example', DEMO_PASSWORDS['partner']!);
      await page.goto(`${server.url}/netzwerk/bericht?zeitraum=frei&von=2020-01-01`);
      expect(await page.locator('.lead').textContent()).toContain(partnerName);
      expect(
        await page.getByRole('heading', { name: 'Ihre Einrichtung und der Median des Netzwerks' }).count(),
      ).toBe(1);
      expect(await page.locator('#field-partner').count()).toBe(0);
      const html = await page.content();
      for (const other of otherPartners) expect(html).not.toContain(other);
      await accessible(page, 'bericht-partner');
      // Someone else's scope cannot be asked for by hand: the CSV still holds only the partner's own row.
      const csv = await (
        await page.request.get(`${server.url}/netzwerk/bericht/antwortzeit-partner.csv?partner=x&stelle=y`)
      ).text();
      expect(csv).toContain('Ihre Einrichtung');
      for (const other of otherPartners) expect(csv).not.toContain(other);
      await page.context().close();
    },
  );
});
