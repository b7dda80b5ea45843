import { generateTOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { encodeTotpSecret, generateTotpSecret } from '../../src/lib/auth/mfa';
import { confirmMfa, upsertPendingMfa } from '../../src/lib/auth/mfa.queries';
import { createDb } from '../../src/lib/db/create-db';
import {
  followClick,
  hasChromium,
  launchBrowser,
  screenshot,
  signInInBrowser,
  wcagViolations,
} from '../helpers/browser';
import { DEMO_PASSWORDS, startTestServer, type TestServer } from '../helpers/server';

// The second factor in a real browser: a coordinator is sent to enrolment and sets it up with the QR page; the admin
// (enrolled beforehand) signs in with a code this test computes like an authenticator app.
describe.skipIf(!hasChromium)('second factor in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  const adminSecret = encodeTotpSecret(generateTotpSecret());
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ MFA_REQUIRED_ROLES: 'admin,coordinator' }),
      launchBrowser(),
    ]);
    const db = createDb({ databaseUrl: server.databaseUrl });
    try {
      const admin = (await findUserRowByEmail(db, 'admin@partnernetz.example'))!;
      await upsertPendingMfa(db, admin.id, adminSecret, '2026-12-01T00:00:00.000Z');
      await confirmMfa(db, admin.id, 0, '2026-12-01T00:00:00.000Z');
    } finally {
      await db.destroy();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends a coordinator to enrolment, shows the QR code and the recovery codes once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(
      page,
      server.url,
      'koordination@partnernetz.example',
      DEMO_PASSWORDS['coordinator']!,
    );
    expect(new URL(page.url()).pathname).toBe('/konto/zwei-faktor');
    expect(await page.getByText('Ihre Rolle braucht eine Zwei-Faktor-Anmeldung').count()).toBe(1);
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'mfa-pflicht');

    await page.getByLabel('Ihr Passwort').fill(DEMO_PASSWORDS['coordinator']!);
    await followClick(page, page.getByRole('button', { name: 'Einrichtung beginnen' }));
    const qr = page.getByRole('img', { name: /QR-Code/ });
    expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'mfa-einrichten');

    await page.getByLabel('Code aus der App').fill(generateTOTP(decodeBase32IgnorePadding(secret), 30, 6));
    await followClick(page, page.getByRole('button', { name: 'Bestätigen' }));
    const codes = page.getByRole('list', { name: 'Wiederherstellungscodes' }).getByRole('listitem');
    expect(await codes.count()).toBe(10);
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'mfa-wiederherstellungscodes');

    await followClick(page, page.getByRole('link', { name: 'Fertig – weiter zu Mein Konto' }));
    expect(new URL(page.url()).pathname).toBe('/konto');
    await context.close();
  });

  it('signs the admin in with the password and a code computed in the test', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.url, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    expect(new URL(page.url()).pathname).toBe('/anmelden/code');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Code eingeben');
    expect(await wcagViolations(page)).toEqual([]);

    await page.getByLabel('Code', { exact: true }).fill('000000');
    await followClick(page, page.getByRole('button', { name: 'Anmelden' }));
    expect(await page.getByRole('alert').textContent()).toContain('Der Code stimmt nicht');
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'mfa-code');

    await page
      .getByLabel('Code', { exact: true })
      .fill(generateTOTP(decodeBase32IgnorePadding(adminSecret), 30, 6));
    await followClick(page, page.getByRole('button', { name: 'Anmelden' }));
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Verwaltung');
    await context.close();
  });
});
