import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type ActionContext } from '../../src/lib/action/context';
import type { Actor } from '../../src/lib/auth/policy';
import { loadConfig } from '../../src/lib/config/config';
import { commitImport } from '../../src/lib/directory/import.service';
import { findService, findServiceIdByExternalId } from '../../src/lib/directory/service.queries';
import { openUpkeepLink } from '../../src/lib/directory/upkeep-link';
import {
  confirmAllEntries,
  confirmEntryWithSource,
  runConfirmationRequests,
} from '../../src/lib/directory/upkeep-request.service';
import { listEscalatedServiceIds, listUpkeepRequests } from '../../src/lib/directory/upkeep-request.queries';
import { deliverDueMails } from '../../src/lib/notify/outbox.service';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const DAY = 24 * 60 * 60_000;
const IMPORTED = new Date('2026-01-05T09:00:00Z');
const at = (base: Date, days: number) => new Date(base.getTime() + days * DAY);

describe.each(testDialects)('confirmation requests on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let smtp: TestSmtpServer;
  let coordinator: Actor;
  let partnerEmail: string;
  const config = () => loadConfig({ DATABASE_URL: 'sqlite::memory:', SMTP_URL: smtp.url });
  const system = (now: Date): ActionContext => systemContext(config(), 'test', now);
  const deliver = (now: Date) =>
    deliverDueMails(
      test.db,
      {
        smtpUrl: smtp.url,
        mailFrom: 'JMD <no-reply@test.example>',
        mailMaxAttempts: 3,
        mailRetryBaseSeconds: 60,
      },
      { now },
    );
  const service = async (externalId: string) =>
    (await findService(test.db, (await findServiceIdByExternalId(test.db, externalId))!))!;

  beforeAll(async () => {
    test = await createTestDb(dialect);
    smtp = await startTestSmtpServer();
    // One organisation without accounts (reached by link), one with a partner account.
    await createTestOrganization(test.db, {
      name: 'Sprachschule Link (Test)',
      email: 'kontakt@link.example',
    });
    const withAccount = await createTestOrganization(test.db, { name: 'Beratung Konto (Test)' });
    const partner = await createTestUser(test.db, { role: 'partner', organizationId: withAccount.id });
    partnerEmail = partner.email;
    const user = await createTestUser(test.db, { role: 'coordinator' });
    coordinator = { id: user.id, organizationId: user.organizationId, role: 'coordinator', active: true };
    const csv = [
      'externe_id;organisation;name;kategorie',
      'U-1;Sprachschule Link (Test);Integrationskurs am Morgen;sprache.integrationskurs',
      'U-2;Sprachschule Link (Test);Alphabetisierungskurs;Alphabetisierung',
      'U-3;Beratung Konto (Test);Migrationsberatung;MBE',
    ].join('\n');
    const imported = await commitImport(test.db, system(IMPORTED), csv);
    expect(imported.ok).toBe(true);
  });
  afterAll(async () => {
    await smtp?.stop();
    await test?.drop();
  });

  it('imported entries carry the import date and are not due before the interval', async () => {
    expect((await service('U-1')).importedAt).toBe(IMPORTED.toISOString());
    expect(await runConfirmationRequests(test.db, system(at(IMPORTED, 150)))).toEqual({
      sent: 0,
      reminded: 0,
      escalated: 0,
    });
  });

  const due = at(IMPORTED, 185);

  it('a due organisation gets one request listing its entries, once', async () => {
    expect(await runConfirmationRequests(test.db, system(due))).toMatchObject({ sent: 2 });
    expect(await runConfirmationRequests(test.db, system(at(due, 1)))).toMatchObject({ sent: 0 });
    await deliver(due);
    const toLink = smtp.messages.filter((m) => m.to.includes('kontakt@link.example'));
    const toAccount = smtp.messages.filter((m) => m.to.includes(partnerEmail));
    expect(toLink).toHaveLength(1);
    expect(toAccount).toHaveLength(1);
    expect(toLink[0]!.subject).toBe('Sind Ihre Angaben im Verzeichnis noch aktuell?');
    expect(toLink[0]!.text).toContain('- Integrationskurs am Morgen');
    expect(toLink[0]!.text).toContain('- Alphabetisierungskurs');
    expect(toLink[0]!.text).toMatch(/\/einrichtung\/link\/[A-Za-z0-9_-]+/);
    expect(toAccount[0]!.text).toContain('/einrichtung');
    expect(toAccount[0]!.text).not.toContain('/einrichtung/link/');
  });

  it('confirming through the link sets the date, who and the source; the link works once', async () => {
    const mail = smtp.messages.find((m) => m.to.includes('kontakt@link.example'))!;
    const token = /\/einrichtung\/link\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const now = at(due, 2);
    const ctx: ActionContext = { actor: { kind: 'anonymous' }, requestId: 'r1', now, config: config() };
    const opened = await openUpkeepLink(test.db, ctx, { token });
    if (!opened.ok) throw new Error('link refused');
    expect(await openUpkeepLink(test.db, ctx, { token })).toMatchObject({ ok: false, kind: 'refused' });
    const confirmed = await confirmAllEntries(test.db, ctx, { kind: 'link', link: opened.value });
    expect(confirmed).toEqual({ ok: true, value: { confirmed: 2 } });
    for (const id of ['U-1', 'U-2']) {
      expect(await service(id)).toMatchObject({
        assuredDate: now.toISOString(),
        assuredSource: 'partner_link',
        assurerUserId: null,
      });
    }
    const [answered] = await listUpkeepRequests(test.db, { statuses: ['answered'] });
    expect(answered).toMatchObject({
      organizationName: 'Sprachschule Link (Test)',
      answered: 2,
      services: 2,
    });
  });

  it('no answer leads to a reminder and then to the coordinator, who confirms with a source', async () => {
    const before = smtp.messages.length;
    expect(await runConfirmationRequests(test.db, system(at(due, 13)))).toMatchObject({ reminded: 0 });
    expect(await runConfirmationRequests(test.db, system(at(due, 14)))).toMatchObject({ reminded: 1 });
    await deliver(at(due, 14));
    const reminders = smtp.messages.slice(before);
    expect(reminders.map((m) => [m.to, m.subject])).toEqual([
      [[partnerEmail], 'Erinnerung: Sind Ihre Angaben im Verzeichnis noch aktuell?'],
    ]);
    expect(await listEscalatedServiceIds(test.db)).toEqual([]);
    expect(await runConfirmationRequests(test.db, system(at(due, 28)))).toMatchObject({ escalated: 1 });
    const mbe = await service('U-3');
    expect(await listEscalatedServiceIds(test.db)).toEqual([mbe.id]);

    const ctx: ActionContext = {
      actor: { kind: 'user', user: coordinator },
      requestId: 'r2',
      now: at(due, 29),
      config: config(),
    };
    const done = await confirmEntryWithSource(test.db, ctx, {
      intent: 'bestaetigen',
      id: mbe.id,
      version: mbe.version,
      quelle: 'phone',
    });
    expect(done).toMatchObject({
      ok: true,
      value: { assuredSource: 'phone', assurerUserId: coordinator.id },
    });
    expect(await listEscalatedServiceIds(test.db)).toEqual([]);
    // Confirmed now: not due again before the next interval.
    expect(await runConfirmationRequests(test.db, system(at(due, 60)))).toMatchObject({ sent: 0 });
  });
});
