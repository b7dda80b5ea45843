import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemContext, type ActionContext } from '../action/context';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import { newId } from '../db/ids';
import { hasOutboxTable } from '../notify/outbox.queries';
import { deliverDueMails } from '../notify/outbox.service';
import { sendDueReminders } from '../referrals/referral.service';
import { systemClock, type Clock } from '../time/clock';
import { hasJobLeaseTable, recordJobRun, releaseLease, tryAcquireLease } from './job.queries';
import { networkRemindersJob } from '../networks/networks.job';
import { importJob } from '../directory/import.job';
import { retentionJob } from '../privacy/retention.job';
import { outcomeFollowupJob } from '../referrals/referral-followup.job';
import { confirmationRequestsJob } from '../directory/upkeep-request.job';

/**
 * A background job: runs to the end and returns a short summary (counts, never personal data). `ctx` is a system
 * context whose `now` is the one instant of this run: every job of a run decides and stamps with it.
 */
export interface Job {
  name: string;
  run(db: Db, ctx: ActionContext): Promise<string>;
}

/** Sends due mails from the outbox. */
export const mailJob: Job = {
  name: 'mail',
  async run(db, ctx) {
    if (!ctx.config.smtpUrl) return 'kein SMTP_URL: Mails bleiben im Postausgang';
    const report = await deliverDueMails(db, ctx.config, { now: ctx.now });
    return `${report.sent} gesendet, ${report.retried} später erneut, ${report.failed} fehlgeschlagen`;
  },
};

/** Reminds partners of overdue answers (first, then a second time) and flags them on the dashboard. */
export const remindersJob: Job = {
  name: 'reminders',
  async run(db, ctx) {
    const report = await sendDueReminders(db, ctx);
    return `${report.first} erste, ${report.second} zweite Erinnerungen`;
  },
};

/** Every background job, in the order a run takes them: reminders first, so their mails go out in the same run. */
export const JOBS: Job[] = [
  remindersJob,
  networkRemindersJob,
  outcomeFollowupJob,
  confirmationRequestsJob,
  mailJob,
  importJob,
  retentionJob,
];

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

/** Whether the tables the jobs need exist (false before `npm run db:migrate`). */
export async function hasJobTables(db: Db): Promise<boolean> {
  return (await hasJobLeaseTable(db)) && (await hasOutboxTable(db));
}

// Only the error's kind: messages of drivers and SMTP servers can carry addresses or data.
const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

/**
 * Keeps a lease alive while its job runs: renews it every third of `leaseMs`, so it never lapses under a long run
 * but lapses `leaseMs` after the process died. Lease times are the run's `now` plus the time elapsed since (a
 * monotonic clock), so the run keeps its one `now` and a wall-clock jump does not break the lease. `stop` waits for
 * a renewal in flight, so nothing renews a lease after it was given up.
 */
function startHeartbeat(db: Db, name: string, holder: string, leaseMs: number, now: Date) {
  const started = performance.now();
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      const at = new Date(now.getTime() + (performance.now() - started));
      inFlight = tryAcquireLease(db, name, holder, leaseMs, at)
        .then((held) => {
          if (!held) console.error(`[jobs] ${name}: Lease verloren, eine andere Instanz hat übernommen`);
        })
        .catch((error: unknown) =>
          console.error(`[jobs] ${name}: Lease nicht erneuert: ${errorName(error)}`),
        );
    },
    Math.max(Math.floor(leaseMs / 3), 1),
  );
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

/** How runJobsOnce runs: who holds the leases, the one `now` of the run, and for how long a lease lasts. */
export interface RunOptions {
  holder: string;
  /** The one instant of this run; read once from the clock by the caller. */
  now: Date;
  jobs?: Job[];
  /** Give the leases up afterwards (one-shot runs from cron). */
  release?: boolean;
  /** Lease length; default JOB_LEASE_SECONDS from the config. */
  leaseMs?: number;
}

/**
 * Runs each job whose lease this holder gets, records its result, and never throws: a failing job is logged by
 * name and error kind and the next one runs. While a job runs, a heartbeat renews its lease. `release` gives the
 * leases up afterwards (one-shot runs from cron); a loop keeps and renews them at every tick.
 */
export async function runJobsOnce(db: Db, config: Config, options: RunOptions): Promise<JobRun[]> {
  const { holder, now } = options;
  const leaseMs = options.leaseMs ?? config.jobLeaseMs;
  const runs: JobRun[] = [];
  for (const job of options.jobs ?? JOBS) {
    let status: JobRun['status'];
    let result: string;
    try {
      if (!(await tryAcquireLease(db, job.name, holder, leaseMs, now))) {
        runs.push({ name: job.name, status: 'skipped', result: null });
        continue;
      }
      const stopHeartbeat = startHeartbeat(db, job.name, holder, leaseMs, now);
      try {
        result = await job.run(db, systemContext(config, job.name, now));
        status = 'ran';
      } catch (error) {
        console.error(`[jobs] ${job.name} fehlgeschlagen: ${errorName(error)}`);
        result = `fehlgeschlagen: ${errorName(error)}`;
        status = 'failed';
      } finally {
        await stopHeartbeat();
      }
      await recordJobRun(db, job.name, result, now);
      if (options.release) await releaseLease(db, job.name, holder);
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

/** How long stopping waits for a running tick before it gives up (the lease then lapses on its own). */
export const STOP_GRACE_MS = 10_000;

/** Options of the in-process job loop. */
export interface JobLoopOptions {
  holder?: string;
  jobs?: Job[];
  leaseMs?: number;
  /** On SIGTERM/SIGINT: stop, give the leases up, then let the signal end the process (the server). */
  stopOnSignals?: boolean;
}

/**
 * Runs the jobs every `intervalMs` inside this process (the timer does not keep the process alive), reading the
 * clock once per tick; a tick is skipped while the previous run is still going. Returns a function that stops the
 * loop, waits for a running tick (at most STOP_GRACE_MS) and gives the leases up.
 */
export function startJobLoop(
  app: { db: Db; config: Config; clock?: Clock },
  intervalMs: number,
  options: JobLoopOptions = {},
): () => Promise<void> {
  const holder = options.holder ?? newJobHolder();
  const jobs = options.jobs ?? JOBS;
  const clock = app.clock ?? systemClock;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = runJobsOnce(app.db, app.config, {
      holder,
      now: clock.now(),
      jobs,
      leaseMs: options.leaseMs,
    }).finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      stopped = true;
      clearInterval(timer);
      const finished = await settlesWithin(running, STOP_GRACE_MS);
      // A run that is still going keeps its lease until it lapses: releasing it would let a second run start.
      if (!finished) return;
      for (const job of jobs) {
        await releaseLease(app.db, job.name, holder).catch(() => undefined);
      }
    })());
  if (options.stopOnSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void stop().finally(() => {
        // Our handler replaced the default "end the process"; with it gone, the same signal ends it as usual.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return stop;
}

/** Whether a promise (or nothing) settles within `ms`. */
async function settlesWithin(promise: Promise<unknown> | null, ms: number): Promise<boolean> {
  if (!promise) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
