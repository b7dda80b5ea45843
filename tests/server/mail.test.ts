import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, signInOverHttp, startTestServer, type TestServer } from '../helpers/server';
import { closedPort } from '../helpers/smtp';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { generateToken } from '../../src/lib/auth/token';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { enqueueMail, findMailById } from '../../src/lib/notify/outbox.queries';
import { deliverDueMails } from '../../src/lib/notify/outbox.service';

// The dev mailbox and the admin's outbox page over HTTP.
describe('mail pages over HTTP', () => {
  let server: TestServer;
  let db: Db;
  let admin: string;
  let caseworker: string;
  beforeAll(async () => {
    server = await startTestServer();
    // A second connection to the server's SQLite file (WAL lets both work), as a job would have.
    db = createDb({ databaseUrl: server.databaseUrl });
    admin = await signInOverHttp(server, 'admin@partnernetz.example', DEMO_PASSWORDS['admin']!);
    caseworker = await signInOverHttp(server, 'fachkraft@partnernetz.example', DEMO_PASSWORDS['caseworker']!);
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  const get = (path: string, cookie: string | null) =>
    fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const post = (path: string, cookie: string, body: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
      body: new URLSearchParams(body),
    });
  /** A mail that failed for good: one attempt allowed, the mail server down. */
  const failedMail = async (subject: string) => {
    const id = await enqueueMail(
      db,
      {
        kind: 'test',
        to: 'stelle@beispiel.example',
        subject,
        text: 'Geheim-Inhalt',
      },
      new Date(),
    );
    const config = {
      smtpUrl: `smtp://127.0.0.1:${await closedPort()}`,
      mailFrom: 'no-reply@partnernetz.example',
      mailMaxAttempts: 1,
      mailRetryBaseSeconds: 60,
    };
    // A run stops at the first connection error, so mails of earlier tests may go first: run until ours failed.
    for (let run = 0; run < 10 && (await findMailById(db, id))?.status !== 'failed'; run++) {
      await deliverDueMails(db, config, { now: new Date() });
    }
    expect((await findMailById(db, id))?.status).toBe('failed');
    return id;
  };

  it('shows the outbox newest first with clickable links in the dev mailbox, without sign-in', async () => {
    const token = generateToken();
    const link = `${server.url}/link/${token}`;
    const now = new Date();
    await enqueueMail(
      db,
      { kind: 'test', to: 'aeltere@beispiel.example', subject: 'Ältere Mail', text: 'a' },
      now,
    );
    await enqueueMail(
      db,
      {
        kind: 'test',
        to: 'stelle@beispiel.example',
        subject: 'Neue Anfrage für Ihre Einrichtung',
        text: `Guten Tag,\nbitte öffnen Sie:\n${link}\n`,
      },
      new Date(now.getTime() + 1000),
    );
    const response = await get('/dev/postfach', null);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Nur in der Entwicklung sichtbar');
    expect(html).toContain('stelle@beispiel.example');
    expect(html).toContain(`<a href="${link}">${link}</a>`);
    expect(html.indexOf('Neue Anfrage für Ihre Einrichtung')).toBeLessThan(html.indexOf('Ältere Mail'));
  });

  it('answers 404 to a caseworker on the admin outbox', async () => {
    expect((await get('/admin/postausgang', caseworker)).status).toBe(404);
    expect((await post('/admin/postausgang', caseworker, { id: 'x' })).status).toBe(404);
  });

  it('lists a failed mail for the admin, without its content', async () => {
    await failedMail('Fehlgeschlagene Erinnerung');
    const response = await get('/admin/postausgang', admin);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Fehlgeschlagene Erinnerung');
    expect(html).toContain('stelle@beispiel.example');
    expect(html).toContain('Erneut versuchen');
    expect(html).not.toContain('Geheim-Inhalt');
    expect(html).toContain('href="/admin/postausgang"');
  });

  it('puts a failed mail back in the queue on "Erneut versuchen", records it and redirects (PRG)', async () => {
    const id = await failedMail('Noch einmal bitte');
    const response = await post('/admin/postausgang', admin, { id });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/postausgang');
    const flash = response.headers.getSetCookie().find((c) => c.startsWith('jmd_flash='));
    expect(flash).toBeDefined();
    const next = await get('/admin/postausgang', `${admin}; ${flash!.split(';')[0]}`);
    const html = await next.text();
    expect(html).toContain('wird beim nächsten Lauf erneut versendet');
    expect(html).not.toContain('Noch einmal bitte');
    expect(await findMailById(db, id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await listAuditEntries(db, { action: 'mail.retry', objectId: id })).toHaveLength(1);

    const again = await post('/admin/postausgang', admin, { id });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Diese Mail ist nicht (mehr) fehlgeschlagen');
  });

  it('answers a retry of a mail that does not exist with 404', async () => {
    expect((await post('/admin/postausgang', admin, { id: 'gibt-es-nicht' })).status).toBe(404);
  });
});

describe('dev mailbox in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(async () => server?.stop());

  it('does not exist', async () => {
    const response = await fetch(`${server.url}/dev/postfach`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Postfach');
  });
});
