import os from 'node:os';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import { newId } from '../db/ids';
import { deliverDueMails } from '../notify/outbox.service';
import { sendDueReminders } from '../referrals/referral.service';
import { recordJobRun, releaseLease, tryAcquireLease } from './lease';
import { importJob } from '../directory/import.job';

/** What a job gets to work with. */
export interface JobContext {
  db: Db;
  config: Config;
  now: Date;
}

/** A background job: runs to the end and returns a short summary (counts, never personal data). */
export interface Job {
  name: string;
  run(ctx: JobContext): Promise<string>;
}

/** Sends due mails from the outbox. */
export const mailJob: Job = {
  name: 'mail',
  async run({ db, config, now }) {
    if (!config.smtpUrl) return 'kein SMTP_URL: Mails bleiben im Postausgang';
    const report = await deliverDueMails(db, config, { now });
    return `${report.sent} gesendet, ${report.retried} später erneut, ${report.failed} fehlgeschlagen`;
  },
};

/** Reminds partners of overdue answers (first, then a second time) and flags them on the dashboard. */
export const remindersJob: Job = {
  name: 'reminders',
  async run({ db, config, now }) {
    const report = await sendDueReminders(db, {
      baseUrl: config.publicBaseUrl,
      repeatWorkingDays: config.reminderRepeatWorkingDays,
      now,
    });
    return `${report.first} erste, ${report.second} zweite Erinnerungen`;
  },
};

/** Every background job, in the order a run takes them: reminders first, so their mails go out in the same run. */
export const JOBS: Job[] = [remindersJob, mailJob, importJob];

/**
 * How long a job's lease lasts. It must outlast one run (a mail batch is bounded by the SMTP timeouts); the holder
 * renews it at every tick, and another instance takes over only after it expired.
 */
export const JOB_LEASE_MS = 10 * 60_000;

/** What happened to one job in a run. */
export interface JobRun {
  name: string;
  /** 'skipped': another instance holds the lease. */
  status: 'ran' | 'skipped' | 'failed';
  result: string | null;
}

/** A holder name unique to this process: host, pid and a random part (a restarted pid is someone else). */
export function newJobHolder(): string {
  return `${os.hostname()}:${process.pid}:${newId().slice(0, 6)}`;
}

// Only the error's kind: messages of drivers and SMTP servers can carry addresses or data.
const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

/**
 * Runs each job whose lease this holder gets, records its result, and never throws: a failing job is logged by
 * name and error kind and the next one runs. `release` gives the leases up afterwards (one-shot runs from cron);
 * a loop keeps and renews them, so one instance of many runs the jobs until it stops.
 */
export async function runJobsOnce(
  db: Db,
  config: Config,
  options: { holder: string; now?: Date; jobs?: Job[]; release?: boolean },
): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  for (const job of options.jobs ?? JOBS) {
    const now = options.now ?? new Date();
    let status: JobRun['status'];
    let result: string;
    try {
      if (!(await tryAcquireLease(db, job.name, options.holder, JOB_LEASE_MS, now))) {
        runs.push({ name: job.name, status: 'skipped', result: null });
        continue;
      }
      try {
        result = await job.run({ db, config, now });
        status = 'ran';
      } catch (error) {
        console.error(`[jobs] ${job.name} fehlgeschlagen: ${errorName(error)}`);
        result = `fehlgeschlagen: ${errorName(error)}`;
        status = 'failed';
      }
      await recordJobRun(db, job.name, result, now);
      if (options.release) await releaseLease(db, job.name, options.holder);
    } catch (error) {
      // The lease table itself failed (database down, not migrated): report and go on.
      console.error(`[jobs] ${job.name} fehlgeschlagen: ${errorName(error)}`);
      runs.push({ name: job.name, status: 'failed', result: `fehlgeschlagen: ${errorName(error)}` });
      continue;
    }
    runs.push({ name: job.name, status, result });
  }
  return runs;
}

/**
 * Runs the jobs every `intervalMs` inside this process (the timer does not keep the process alive); a tick is
 * skipped while the previous run is still going. Returns a function that stops the loop, waits for a running
 * tick and gives the leases up.
 */
export function startJobLoop(
  app: { db: Db; config: Config },
  intervalMs: number,
  options: { holder?: string; jobs?: Job[] } = {},
): () => Promise<void> {
  const holder = options.holder ?? newJobHolder();
  const jobs = options.jobs ?? JOBS;
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = runJobsOnce(app.db, app.config, { holder, jobs }).finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    for (const job of jobs) {
      await releaseLease(app.db, job.name, holder).catch(() => undefined);
    }
  };
}
