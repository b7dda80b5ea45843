import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { loadConfig } from '../../src/lib/config/config';
import { createDb } from '../../src/lib/db/create-db';
import type { ActionContext } from '../../src/lib/action/context';
import { findJobState, releaseLease, tryAcquireLease } from '../../src/lib/jobs/job.queries';
import { JOBS, runJobsOnce, startJobLoop, type Job } from '../../src/lib/jobs/jobs';
import { enqueueMail, findMailById } from '../../src/lib/notify/outbox.queries';

const start = new Date('2026-12-01T09:00:00.000Z');
const seconds = (base: Date, n: number) => new Date(base.getTime() + n * 1000);
const minute = 60_000;
let names = 0;
const uniqueName = (label: string) => `${label}-${++names}`;

/** A job that counts its runs; `work` lets a test make it slow or fail. */
function countingJob(name: string, work: () => Promise<void> = async () => undefined) {
  const job = {
    name,
    runs: 0,
    async run() {
      job.runs++;
      await work();
      return `Lauf ${job.runs}`;
    },
  };
  return job;
}

describe.each(testDialects)('job leases on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('gives a lease to only one of two holders', async () => {
    const name = uniqueName('lease');
    expect(await tryAcquireLease(test.db, name, 'a', minute, start)).toBe(true);
    expect(await tryAcquireLease(test.db, name, 'b', minute, seconds(start, 1))).toBe(false);
    expect((await findJobState(test.db, name))?.holder).toBe('a');
  });

  it('gives a free lease to exactly one of two instances racing for it', async () => {
    const other = createDb({ databaseUrl: test.url });
    try {
      for (let round = 0; round < 5; round++) {
        const name = uniqueName('race');
        const results = await Promise.all([
          tryAcquireLease(test.db, name, 'a', minute, start),
          tryAcquireLease(other, name, 'b', minute, start),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      await other.destroy();
    }
  });

  it('lets another holder take over a lease once it expired', async () => {
    const name = uniqueName('expired');
    await tryAcquireLease(test.db, name, 'a', minute, start);
    expect(await tryAcquireLease(test.db, name, 'b', minute, seconds(start, 59))).toBe(false);
    expect(await tryAcquireLease(test.db, name, 'b', minute, seconds(start, 61))).toBe(true);
    // The old holder has lost it and cannot simply renew.
    expect(await tryAcquireLease(test.db, name, 'a', minute, seconds(start, 62))).toBe(false);
  });

  it('lets the holder renew its lease, which keeps others out for longer', async () => {
    const name = uniqueName('renew');
    await tryAcquireLease(test.db, name, 'a', minute, start);
    expect(await tryAcquireLease(test.db, name, 'a', minute, seconds(start, 50))).toBe(true);
    expect((await findJobState(test.db, name))?.expiresAt).toBe(seconds(start, 110).toISOString());
    expect(await tryAcquireLease(test.db, name, 'b', minute, seconds(start, 70))).toBe(false);
  });

  it('hands a released lease to the next holder at once, and only the holder can release it', async () => {
    const name = uniqueName('release');
    await tryAcquireLease(test.db, name, 'a', minute, start);
    await releaseLease(test.db, name, 'b');
    expect(await tryAcquireLease(test.db, name, 'b', minute, seconds(start, 1))).toBe(false);
    await releaseLease(test.db, name, 'a');
    expect(await tryAcquireLease(test.db, name, 'b', minute, seconds(start, 1))).toBe(true);
  });

  it('runs a job only under its lease and records when it ran and what it did', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    const job = countingJob(uniqueName('job'));
    const first = await runJobsOnce(test.db, config, { holder: 'a', now: start, jobs: [job] });
    expect(first).toEqual([{ name: job.name, status: 'ran', result: 'Lauf 1' }]);
    expect(await findJobState(test.db, job.name)).toMatchObject({
      holder: 'a',
      lastRunAt: start.toISOString(),
      lastResult: 'Lauf 1',
    });

    const skipped = await runJobsOnce(test.db, config, { holder: 'b', now: seconds(start, 20), jobs: [job] });
    expect(skipped).toEqual([{ name: job.name, status: 'skipped', result: null }]);
    expect(job.runs).toBe(1);
    expect((await findJobState(test.db, job.name))?.lastRunAt).toBe(start.toISOString());

    const takeover = seconds(start, config.jobLeaseMs / 1000 + 1);
    const later = await runJobsOnce(test.db, config, { holder: 'b', now: takeover, jobs: [job] });
    expect(later[0]?.status).toBe('ran');
    expect(await findJobState(test.db, job.name)).toMatchObject({
      holder: 'b',
      lastRunAt: takeover.toISOString(),
      lastResult: 'Lauf 2',
    });
  });

  it('gives the leases up after a one-shot run when asked to', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    const job = countingJob(uniqueName('once'));
    await runJobsOnce(test.db, config, { holder: 'cron-1', now: start, jobs: [job], release: true });
    const next = await runJobsOnce(test.db, config, {
      holder: 'cron-2',
      now: seconds(start, 60),
      jobs: [job],
      release: true,
    });
    expect(next[0]?.status).toBe('ran');
    expect(job.runs).toBe(2);
  });

  it('logs a failing job by name and error kind only, records it, and runs the next job', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    const failing: Job = {
      name: uniqueName('failing'),
      run: async () => {
        throw new TypeError('Inhalt mit nora@example.org');
      },
    };
    const next = countingJob(uniqueName('next'));
    const logged: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => void logged.push(String(line)));
    try {
      const runs = await runJobsOnce(test.db, config, { holder: 'a', now: start, jobs: [failing, next] });
      expect(runs.map((r) => r.status)).toEqual(['failed', 'ran']);
    } finally {
      spy.mockRestore();
    }
    expect(logged).toEqual([`[jobs] ${failing.name} fehlgeschlagen: TypeError`]);
    expect((await findJobState(test.db, failing.name))?.lastResult).toBe('fehlgeschlagen: TypeError');
    expect(next.runs).toBe(1);
  });

  it('has the mail job in the registry, which sends due mails', async () => {
    const smtp: TestSmtpServer = await startTestSmtpServer();
    try {
      const config = loadConfig({ DATABASE_URL: test.url, SMTP_URL: smtp.url });
      const id = await enqueueMail(
        test.db,
        { kind: 'test', to: 'a@b.example', subject: 'Job', text: 'x' },
        start,
      );
      expect(JOBS.map((job) => job.name)).toContain('mail');
      const runs = await runJobsOnce(test.db, config, { holder: 'a', now: start });
      expect(runs.find((r) => r.name === 'mail')).toEqual({
        name: 'mail',
        status: 'ran',
        result: '1 gesendet, 0 später erneut, 0 fehlgeschlagen',
      });
      expect(smtp.messages.map((m) => m.subject)).toEqual(['Job']);
      expect((await findMailById(test.db, id))?.status).toBe('sent');
    } finally {
      await smtp.stop();
    }
  });

  it('runs the jobs on an interval, never two runs at once, and stops cleanly', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    let active = 0;
    let most = 0;
    const job = countingJob(uniqueName('loop'), async () => {
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 60));
      active--;
    });
    const stop = startJobLoop({ db: test.db, config }, 10, { holder: 'loop', jobs: [job] });
    await vi.waitFor(() => expect(job.runs).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 20 });
    await stop();
    const runsAtStop = job.runs;
    expect(active).toBe(0);
    expect(most).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(job.runs).toBe(runsAtStop);
    expect((await findJobState(test.db, job.name))?.holder).toBeNull();
  });

  it('never runs a job on two workers at once: one loop holds it, the other takes over once that one stops', async () => {
    // Two cluster workers (or a worker and its replacement during a restart): two loops, two connections.
    const config = loadConfig({ DATABASE_URL: test.url });
    const otherConnection = createDb({ databaseUrl: test.url });
    const name = uniqueName('shared');
    let active = 0;
    let most = 0;
    const slowly = async () => {
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 30));
      active--;
    };
    const first = countingJob(name, slowly);
    const second = countingJob(name, slowly);
    const stopFirst = startJobLoop({ db: test.db, config }, 5, { holder: 'worker-1', jobs: [first] });
    const stopSecond = startJobLoop({ db: otherConnection, config }, 5, {
      holder: 'worker-2',
      jobs: [second],
    });
    try {
      await vi.waitFor(() => expect(first.runs + second.runs).toBeGreaterThanOrEqual(4), {
        timeout: 10_000,
        interval: 10,
      });
      // The loop that got the lease keeps it; the other one skips every tick.
      const [holding, waiting, stopHolding] =
        first.runs > 0 ? [first, second, stopFirst] : [second, first, stopSecond];
      expect(waiting.runs).toBe(0);
      await stopHolding();
      const heldBefore = holding.runs;
      await vi.waitFor(() => expect(waiting.runs).toBeGreaterThanOrEqual(2), {
        timeout: 10_000,
        interval: 10,
      });
      expect(holding.runs).toBe(heldBefore);
      expect(most).toBe(1);
    } finally {
      await stopFirst();
      await stopSecond();
      await otherConnection.destroy();
    }
  });

  it('keeps the lease of a long job alive with a heartbeat, so nobody takes it over mid-run', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    const leaseMs = 300;
    const name = uniqueName('long');
    const expiries: string[] = [];
    let takenOver: boolean | null = null;
    const job = countingJob(name, async () => {
      // Run for several leases: until the heartbeat has renewed the lease twice.
      await vi.waitFor(
        async () => {
          const state = await findJobState(test.db, name);
          if (state && !expiries.includes(state.expiresAt)) expiries.push(state.expiresAt);
          expect(expiries.length).toBeGreaterThanOrEqual(3);
        },
        { timeout: 10_000, interval: 20 },
      );
      // After the first lease would have ended, another instance still finds the job taken.
      takenOver = await tryAcquireLease(test.db, name, 'b', leaseMs, new Date(Date.parse(expiries[0]!) + 1));
    });
    await runJobsOnce(test.db, config, { holder: 'a', now: start, jobs: [job], leaseMs });
    expect(takenOver).toBe(false);
    expect(expiries[0]).toBe(new Date(start.getTime() + leaseMs).toISOString());
  });

  it('hands every job of a run the same instant in a system context', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    const seen: ActionContext[] = [];
    const job = (name: string): Job => ({
      name,
      run: async (_db, ctx) => {
        seen.push(ctx);
        return 'ok';
      },
    });
    await runJobsOnce(test.db, config, {
      holder: 'a',
      now: start,
      jobs: [job(uniqueName('first')), job(uniqueName('second'))],
    });
    expect(seen.map((ctx) => ctx.now.toISOString())).toEqual([start.toISOString(), start.toISOString()]);
    expect(seen.map((ctx) => ctx.actor.kind)).toEqual(['system', 'system']);
    expect(seen[0]?.requestId).toBeNull();
  });
});
