import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestUser } from '../helpers/factories';
import { closedPort, startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { createDb } from '../../src/lib/db/create-db';
import { generateToken } from '../../src/lib/auth/token';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import {
  countPendingMails,
  enqueueMail,
  findMailById,
  listFailedMails,
  listRecentMails,
  retryFailedMail,
} from '../../src/lib/notify/outbox.queries';
import { deliverDueMails, retryMail, type MailConfig } from '../../src/lib/notify/outbox.service';
import type { ActionContext } from '../../src/lib/action/context';
import type { Actor } from '../../src/lib/auth/policy';
import { loadConfig } from '../../src/lib/config/config';

const start = new Date('2026-12-01T09:00:00.000Z');
const seconds = (base: Date, n: number) => new Date(base.getTime() + n * 1000);
const mailConfig = (smtpUrl: string | null, overrides: Partial<MailConfig> = {}): MailConfig => ({
  smtpUrl,
  mailFrom: 'JMD Partnernetz <no-reply@partnernetz.example>',
  mailMaxAttempts: 8,
  mailRetryBaseSeconds: 60,
  ...overrides,
});
const draft = (subject: string, text = 'Es gibt eine neue Anfrage im Partnernetz.') => ({
  kind: 'test',
  to: 'partner@beispiel.example',
  subject,
  text,
});

describe.each(testDialects)('mail outbox on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    test = await createTestDb(dialect);
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp?.stop();
    await test?.drop();
  });
  beforeEach(async () => {
    // Each test starts with an empty outbox and mailbox, so counts speak only of its own mails.
    await test.db.deleteFrom('outbox').execute();
    smtp.messages.length = 0;
  });

  it('delivers a due mail through SMTP with its subject, sender and recipient', async () => {
    const id = await enqueueMail(test.db, draft('Neue Anfrage'), start);
    const report = await deliverDueMails(test.db, mailConfig(smtp.url), { now: start });
    expect(report).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({
      from: 'no-reply@partnernetz.example',
      to: ['partner@beispiel.example'],
      subject: 'Neue Anfrage',
    });
    const mail = await findMailById(test.db, id);
    expect(mail).toMatchObject({ status: 'sent', sentAt: start.toISOString(), attempts: 0 });
  });

  it('sends nothing without SMTP_URL: the mail waits in the outbox', async () => {
    const id = await enqueueMail(test.db, draft('Wartet'), start);
    expect(await deliverDueMails(test.db, mailConfig(null), { now: start })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });
    expect((await findMailById(test.db, id))?.status).toBe('pending');
    expect(await countPendingMails(test.db)).toBe(1);
  });

  it('keeps a committed mail while the server is down, backs off, and delivers it once when it is back', async () => {
    const port = await closedPort();
    const config = mailConfig(`smtp://127.0.0.1:${port}`);
    const id = await test.db.transaction().execute((trx) => enqueueMail(trx, draft('Erinnerung'), start));

    expect(await deliverDueMails(test.db, config, { now: start })).toEqual({
      sent: 0,
      retried: 1,
      failed: 0,
    });
    const first = (await findMailById(test.db, id))!;
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.nextAttemptAt).toBe(seconds(start, 60).toISOString());
    // The stored error names the kind of failure, never the recipient or the content.
    expect(first.lastError).toMatch(/^[A-Z0-9_ ]+$/);
    expect(first.lastError).not.toContain('beispiel');

    // Not due yet: nothing is tried.
    expect(await deliverDueMails(test.db, config, { now: seconds(start, 30) })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });
    const secondTry = seconds(start, 61);
    expect((await deliverDueMails(test.db, config, { now: secondTry })).retried).toBe(1);
    const second = (await findMailById(test.db, id))!;
    expect(second.attempts).toBe(2);
    expect(new Date(second.nextAttemptAt).getTime() - secondTry.getTime()).toBe(120_000);

    const back = await startTestSmtpServer(port);
    try {
      const thirdTry = seconds(secondTry, 121);
      expect(await deliverDueMails(test.db, config, { now: thirdTry })).toEqual({
        sent: 1,
        retried: 0,
        failed: 0,
      });
      expect(await deliverDueMails(test.db, config, { now: seconds(thirdTry, 3600) })).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
      });
      expect(back.messages.map((m) => m.subject)).toEqual(['Erinnerung']);
      expect((await findMailById(test.db, id))?.status).toBe('sent');
    } finally {
      await back.stop();
    }
  });

  it('sends each mail exactly once when two workers run at the same time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await enqueueMail(test.db, draft(`Mail ${i}`), start));
    // Two connections, as two instances of the app would have.
    const other = createDb({ databaseUrl: test.url });
    try {
      const [a, b] = await Promise.all([
        deliverDueMails(test.db, mailConfig(smtp.url), { now: start }),
        deliverDueMails(other, mailConfig(smtp.url), { now: start }),
      ]);
      expect(a.sent + b.sent).toBe(12);
    } finally {
      await other.destroy();
    }
    const subjects = smtp.messages.map((m) => m.subject).sort();
    expect(subjects).toEqual(Array.from({ length: 12 }, (_, i) => `Mail ${i}`).sort());
    for (const id of ids) expect((await findMailById(test.db, id))?.status).toBe('sent');
  });

  it('marks a mail failed after the configured number of attempts and tries it no more', async () => {
    const config = mailConfig(`smtp://127.0.0.1:${await closedPort()}`, { mailMaxAttempts: 3 });
    const id = await enqueueMail(test.db, draft('Geht nicht'), start);
    let now = start;
    const reports = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      reports.push(await deliverDueMails(test.db, config, { now }));
      now = seconds(now, 3600);
    }
    expect(reports.map((r) => [r.retried, r.failed])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(await findMailById(test.db, id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await deliverDueMails(test.db, config, { now: seconds(now, 86_400) })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });
    const failed = await listFailedMails(test.db);
    expect(failed.map((m) => m.id)).toEqual([id]);
    // The admin's list carries no body.
    expect(failed[0]).not.toHaveProperty('text');
    expect(await countPendingMails(test.db)).toBe(0);
  });

  it('puts a failed mail back in the queue on retry, which then delivers it', async () => {
    const config = mailConfig(`smtp://127.0.0.1:${await closedPort()}`, { mailMaxAttempts: 1 });
    const id = await enqueueMail(test.db, draft('Zweiter Anlauf'), start);
    expect((await deliverDueMails(test.db, config, { now: start })).failed).toBe(1);

    const later = seconds(start, 600);
    expect(await retryFailedMail(test.db, id, later)).toBe(true);
    expect(await findMailById(test.db, id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: later.toISOString(),
    });
    // Retrying twice changes nothing the second time.
    expect(await retryFailedMail(test.db, id, later)).toBe(false);

    expect(await deliverDueMails(test.db, mailConfig(smtp.url), { now: later })).toMatchObject({ sent: 1 });
    expect(smtp.messages.map((m) => m.subject)).toEqual(['Zweiter Anlauf']);
  });

  const userCtx = (user: Actor, requestId: string, now: Date): ActionContext => ({
    actor: { kind: 'user', user },
    requestId,
    now,
    config: loadConfig({}),
  });

  it('records who put a failed mail back in the queue, at the time of the request', async () => {
    const admin = await createTestUser(test.db, { role: 'admin' });
    const config = mailConfig(`smtp://127.0.0.1:${await closedPort()}`, { mailMaxAttempts: 1 });
    const id = await enqueueMail(test.db, draft('Mit Protokoll'), start);
    await deliverDueMails(test.db, config, { now: start });
    const retryAt = seconds(start, 600);
    expect(await retryMail(test.db, userCtx(admin, 'req-1', retryAt), { id })).toEqual({
      ok: true,
      value: { id },
    });
    expect(await findMailById(test.db, id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: retryAt.toISOString(),
    });
    expect(await retryMail(test.db, userCtx(admin, 'req-2', retryAt), { id })).toMatchObject({
      ok: false,
      kind: 'conflict',
    });
    const entries = await listAuditEntries(test.db, { action: 'mail.retry', objectId: id });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorUserId: admin.id,
      objectType: 'outbox',
      requestId: 'req-1',
      at: retryAt.toISOString(),
    });
  });

  it('does not let anyone but an admin retry a mail, and knows no unknown mail', async () => {
    const caseworker = await createTestUser(test.db, { role: 'caseworker' });
    const admin = await createTestUser(test.db, { role: 'admin' });
    const config = mailConfig(`smtp://127.0.0.1:${await closedPort()}`, { mailMaxAttempts: 1 });
    const id = await enqueueMail(test.db, draft('Nur für die Administration'), start);
    await deliverDueMails(test.db, config, { now: start });
    expect(await retryMail(test.db, userCtx(caseworker, 'req-3', start), { id })).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect((await findMailById(test.db, id))?.status).toBe('failed');
    expect(await retryMail(test.db, userCtx(admin, 'req-4', start), { id: 'gibt-es-nicht' })).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect(await listAuditEntries(test.db, { action: 'mail.retry', objectId: id })).toHaveLength(0);
  });

  it('keeps no usable link in the outbox once the mail is delivered', async () => {
    const token = generateToken();
    const link = `https://partnernetz.example/link/${token}`;
    const id = await enqueueMail(test.db, draft('Ihr Link', `Bitte öffnen Sie:\n${link}\n`), start);
    // Before delivery the link must stay intact: the dev mailbox shows it.
    expect((await findMailById(test.db, id))?.text).toContain(token);
    await deliverDueMails(test.db, mailConfig(smtp.url), { now: start });
    expect(smtp.messages[0]?.text).toContain(link);
    const stored = (await findMailById(test.db, id))!;
    expect(stored.text).not.toContain(token);
    expect(stored.text).toContain('https://partnernetz.example/link/[entfernt]');
  });

  it('leaves no mail behind when the transaction that enqueued it rolls back', async () => {
    await expect(
      test.db.transaction().execute(async (trx) => {
        await enqueueMail(trx, draft('Nie gesendet'), start);
        throw new Error('Änderung abgebrochen');
      }),
    ).rejects.toThrow('Änderung abgebrochen');
    expect(await listRecentMails(test.db)).toEqual([]);
    expect(await deliverDueMails(test.db, mailConfig(smtp.url), { now: start })).toMatchObject({ sent: 0 });
    expect(smtp.messages).toEqual([]);
  });

  it('lists recent mails newest first for the dev mailbox', async () => {
    await enqueueMail(test.db, draft('Erste'), start);
    await enqueueMail(test.db, draft('Zweite'), seconds(start, 1));
    await enqueueMail(test.db, draft('Dritte'), seconds(start, 2));
    expect((await listRecentMails(test.db)).map((m) => m.subject)).toEqual(['Dritte', 'Zweite', 'Erste']);
    expect((await listRecentMails(test.db, 2)).map((m) => m.subject)).toEqual(['Dritte', 'Zweite']);
  });
});
