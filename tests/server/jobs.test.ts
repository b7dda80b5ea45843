import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmptyTestDb } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { findJobState } from '../../src/lib/jobs/job.queries';
import { enqueueMail } from '../../src/lib/notify/outbox.queries';

/** The process id inside a lease holder name ("host:pid:random"). */
const pidOf = (holder: string | null | undefined) => Number(holder?.split(':').at(-2));

/** Waits until some process holds the lease of `job` and returns its pid. */
async function leaseHolderPid(db: Db, job: string, timeout: number): Promise<number> {
  let pid = NaN;
  await vi.waitFor(
    async () => {
      pid = pidOf((await findJobState(db, job))?.holder);
      expect(pid).toBeGreaterThan(0);
    },
    { timeout, interval: 100 },
  );
  return pid;
}

describe('background jobs of a server that stops', () => {
  let server: TestServer;
  let db: Db;
  beforeAll(async () => {
    server = await startTestServer({ JOBS_INTERVAL_SECONDS: '1' });
    db = createDb({ databaseUrl: server.databaseUrl });
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it('gives its job leases up on SIGTERM, so another instance can take over at once', async () => {
    expect(await leaseHolderPid(db, 'mail', 30_000)).toBe(server.pid);
    await server.kill('SIGTERM');
    expect(await findJobState(db, 'mail')).toMatchObject({ holder: null });
    expect(await findJobState(db, 'reminders')).toMatchObject({ holder: null });
  });
});

const postgresUrl = process.env['TEST_DATABASE_URL'];

// Two app servers behind a load balancer share one PostgreSQL; one of them runs the jobs under a lease.
describe.skipIf(!postgresUrl)('background jobs of two servers on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createEmptyTestDb>>;
  let smtp: TestSmtpServer;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    database = await createEmptyTestDb({ name: 'postgres' });
    smtp = await startTestSmtpServer();
    const env = { SMTP_URL: smtp.url, JOBS_INTERVAL_SECONDS: '1' };
    servers.push(await startTestServer(env, { databaseUrl: database.url }));
    servers.push(await startTestServer(env, { databaseUrl: database.url }));
  }, 180_000);
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await smtp?.stop();
    await database?.drop();
  });

  it('sends waiting mail from the other server soon after the lease holder was killed', async () => {
    const holder = await leaseHolderPid(database.db, 'mail', 30_000);
    const victim = servers.find((server) => server.pid === holder);
    const survivor = servers.find((server) => server.pid !== holder)!;
    expect(victim).toBeDefined();
    await victim!.kill('SIGKILL');

    await enqueueMail(
      database.db,
      { kind: 'test', to: 'stelle@beispiel.example', subject: 'Nach dem Absturz', text: 'x' },
      new Date(),
    );
    // Not ten minutes (the old lease): the crashed holder's lease lapses after JOB_LEASE_SECONDS (30 s).
    await vi.waitFor(() => expect(smtp.messages.map((m) => m.subject)).toContain('Nach dem Absturz'), {
      timeout: 90_000,
      interval: 200,
    });
    expect(pidOf((await findJobState(database.db, 'mail'))?.holder)).toBe(survivor.pid);
  }, 120_000);
});
