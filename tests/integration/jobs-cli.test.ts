import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createDb } from '../../src/lib/db/create-db';
import { migrateToLatest } from '../../src/lib/db/migrator';
import { findJobState } from '../../src/lib/jobs/job.queries';
import { enqueueMail } from '../../src/lib/notify/outbox.queries';
import { startTestSmtpServer } from '../helpers/smtp';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-jobs-cli-'));
const databaseUrl = `sqlite:${path.join(dir, 'jobs.sqlite')}`;
const cli = (env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/jobs.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl, ...env },
  });

describe('npm run jobs', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses to run on a database without the job tables and says to migrate', async () => {
    await expect(cli()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('npm run db:migrate'),
    });
  }, 60_000);

  it('runs the jobs once and prints what each did', async () => {
    const db = createDb({ databaseUrl });
    await migrateToLatest(db);
    await enqueueMail(
      db,
      {
        kind: 'test',
        to: 'cron@beispiel.example',
        subject: 'Aus dem Cronjob',
        text: 'x',
      },
      new Date(),
    );
    await db.destroy();
    const smtp = await startTestSmtpServer();
    try {
      const { stdout } = await cli({ SMTP_URL: smtp.url });
      expect(stdout).toContain('mail: 1 gesendet, 0 später erneut, 0 fehlgeschlagen');
      expect(smtp.messages.map((m) => m.subject)).toEqual(['Aus dem Cronjob']);
      // The lease was given up: the next cron run works at once.
      expect((await cli({ SMTP_URL: smtp.url })).stdout).toContain('mail: 0 gesendet');
    } finally {
      await smtp.stop();
    }
  }, 60_000);

  it('gives its leases up at once on SIGTERM in --loop mode, even with a long interval', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/jobs.ts', '--loop'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl, JOBS_INTERVAL_SECONDS: '3600' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const db = createDb({ databaseUrl });
    try {
      await vi.waitFor(
        async () => expect((await findJobState(db, 'mail'))?.holder).toContain(`:${child.pid}:`),
        { timeout: 30_000, interval: 50 },
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('Hintergrundaufgaben beendet.');
      expect(await findJobState(db, 'mail')).toMatchObject({ holder: null });
      expect(await findJobState(db, 'reminders')).toMatchObject({ holder: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.destroy();
    }
  }, 60_000);
});
