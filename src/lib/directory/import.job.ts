/**
 * The import runner: works through uploaded import jobs (import_job) — checks a file, or writes a started one in
 * batches (import.service.ts) — and records progress after every batch, in the batch's own transaction. It runs in the
 * jobs runner (`importJob` in JOBS) and, right after an upload or a start, in the server that took the request
 * (`kickImportRunner`), so nobody waits for the next tick. A claim per job with an expiry makes sure one runner
 * works on a job at a time; a runner that died leaves an expired claim, and the next one resumes the import.
 * @module
 */
import os from 'node:os';
import { systemContext } from '../action/context';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import type { Job } from '../jobs/jobs';
import type { Clock } from '../time/clock';
import {
  claimImportJob,
  deleteImportJobsBefore,
  findClaimableImportJobId,
  findImportJob,
  findImportJobCsv,
  updateImportJobAsHolder,
  type ImportJobProgress,
} from './import.queries';
import { ImportConflictError, planImport, writeImportPlan } from './import.service';

/** How long a claim lasts without renewal; every batch renews it, so only a stalled or dead runner loses it. */
export const IMPORT_CLAIM_MS = 2 * 60_000;

/** Finished and abandoned jobs (and any file still stored with them) are deleted after this long. */
export const IMPORT_JOB_RETENTION_MS = 30 * 24 * 60 * 60_000;

// Progress of a check is written at most this often (rows), so a check does not turn into thousands of writes.
const CHECK_PROGRESS_EVERY_ROWS = 2_000;

/** A runner lost its claim (it stalled and another runner took the job over): its batch rolls back. */
class LostClaimError extends Error {
  constructor() {
    super('import claim lost');
    this.name = 'LostClaimError';
  }
}

/** What one run did to a job. */
export type ImportRunOutcome = 'checked' | 'done' | 'failed' | 'skipped' | 'lost';

/** A runner name unique to this process (host, pid, random part). */
export function newImportRunner(): string {
  return `${os.hostname()}:${process.pid}:${newId().slice(0, 6)}`;
}

// Only the error's kind: driver messages can carry data from the file.
const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

/**
 * Runs one job as far as it goes: a `checking` job is checked (report stored), a `queued` or `running` job is
 * planned anew and written in batches. Never throws for a failing import: the job records why it stopped.
 */
export async function runImportJob(
  db: Db,
  config: Config,
  clock: Clock,
  id: string,
  holder: string,
  options: {
    onProgress?: (phase: 'check' | 'write', done: number, total: number) => void | Promise<void>;
    /** A fixed batch size (tests); by default batches are sized by time. */
    batchRows?: number;
  } = {},
): Promise<ImportRunOutcome> {
  const started = clock.now();
  if (!(await claimImportJob(db, id, holder, started, new Date(started.getTime() + IMPORT_CLAIM_MS)))) {
    return 'skipped';
  }
  const update = async (change: ImportJobProgress, on: Executor = db) => {
    const now = clock.now();
    if (!(await updateImportJobAsHolder(on, id, holder, change, now))) throw new LostClaimError();
  };
  const renewal = () => new Date(clock.now().getTime() + IMPORT_CLAIM_MS);
  const job = await findImportJob(db, id);
  const csv = await findImportJobCsv(db, id);
  if (!job || csv === null) return 'skipped';
  try {
    if (!csv) {
      await update({
        status: 'failed',
        message: 'Die Datei ist nicht mehr gespeichert. Bitte laden Sie sie neu hoch.',
        claimedUntil: null,
      });
      return 'failed';
    }
    if (job.status === 'checking') {
      let reported = 0;
      const plan = await planImport(db, csv, {
        onProgress: async (done, total) => {
          options.onProgress?.('check', done, total);
          if (done - reported < CHECK_PROGRESS_EVERY_ROWS && done < total) return;
          reported = done;
          await update({ rowsDone: done, rowsTotal: total, claimedUntil: renewal() });
        },
      });
      const invalid = plan.report.problems.length > 0;
      await update({
        status: 'checked',
        report: plan.report,
        preview: plan.preview,
        rowsTotal: plan.report.rows,
        rowsDone: 0,
        // A file with problems can never be imported: it is not kept — unless the coordinator can still choose what
        // its open category or language cells mean (then it is checked again).
        dropFile: invalid && plan.report.unresolved.length === 0,
        claimedUntil: null,
      });
      return 'checked';
    }

    // Written as the system, at the time the run started; the history names who started the import.
    const ctx = systemContext(config, 'import', started);
    await update({ status: 'running', claimedUntil: renewal() });
    // Planned anew: the directory may have changed since the check, and a resumed import finds its earlier
    // batches as unchanged rows.
    const plan = await planImport(db, csv, {
      onProgress: (done, total) => options.onProgress?.('check', done, total),
    });
    if (plan.report.problems.length > 0) {
      await update({
        status: 'failed',
        report: plan.report,
        message:
          'Die Datei passt nicht mehr zum Verzeichnis (siehe Fehler). Bitte korrigieren Sie sie und laden Sie sie neu hoch.',
        dropFile: true,
        claimedUntil: null,
      });
      return 'failed';
    }
    await update({ rowsTotal: plan.report.rows, rowsDone: 0, report: plan.report, claimedUntil: renewal() });
    await writeImportPlan(
      db,
      ctx,
      plan,
      { userId: job.startedBy, requestId: null, importId: job.id },
      {
        batchRows: options.batchRows,
        onBatch: async (trx, done, total) => {
          await update({ rowsDone: done, claimedUntil: renewal() }, trx);
          // Not awaited: it runs after this batch commits (a hook that used the database here would wait for it).
          void Promise.resolve(options.onProgress?.('write', done, total)).catch(() => undefined);
        },
      },
    );
    await update({ status: 'done', rowsDone: plan.report.rows, dropFile: true, claimedUntil: null });
    return 'done';
  } catch (error) {
    if (error instanceof LostClaimError) return 'lost';
    const message =
      error instanceof ImportConflictError
        ? error.message
        : `Der Import wurde durch einen unerwarteten Fehler (${errorName(error)}) unterbrochen. Bereits ` +
          'importierte Zeilen bleiben; „Fortsetzen“ importiert den Rest.';
    if (!(error instanceof ImportConflictError))
      console.error(`[import] ${id} fehlgeschlagen: ${errorName(error)}`);
    try {
      await update({ status: 'failed', message, claimedUntil: null });
    } catch {
      // The claim is gone or the database is down: the claim expires, and the next runner tries again.
    }
    return 'failed';
  }
}

/**
 * Runs every job that waits (oldest first) until none is left, and deletes jobs older than the retention.
 * Returns a short summary (counts only).
 */
export async function runPendingImports(
  db: Db,
  config: Config,
  clock: Clock,
  holder: string,
): Promise<string> {
  const counts: Record<ImportRunOutcome, number> = { checked: 0, done: 0, failed: 0, skipped: 0, lost: 0 };
  for (let runs = 0; runs < 100; runs++) {
    const id = await findClaimableImportJobId(db, clock.now());
    if (!id) break;
    const outcome = await runImportJob(db, config, clock, id, holder);
    counts[outcome]++;
    if (outcome === 'skipped' || outcome === 'lost') break;
  }
  const deleted = await deleteImportJobsBefore(db, new Date(clock.now().getTime() - IMPORT_JOB_RETENTION_MS));
  return `${counts.checked} geprüft, ${counts.done} importiert, ${counts.failed} abgebrochen, ${deleted} alte gelöscht`;
}

/** A clock that starts at `start` and advances with the process's monotonic time (a job's `now`, moving on). */
function clockFrom(start: Date): Clock {
  const origin = performance.now();
  return { now: () => new Date(start.getTime() + (performance.now() - origin)) };
}

/** The import as a background job of the jobs runner (JOBS in src/lib/jobs/jobs.ts). */
export const importJob: Job = {
  name: 'import',
  run: (db, ctx) => runPendingImports(db, ctx.config, clockFrom(ctx.now), newImportRunner()),
};

const running = new WeakMap<object, { again: boolean }>();

/**
 * Starts the runner in this process without waiting for it (after an upload or a start, so small files are done by
 * the time the page reloads). At most one runner per process and database; a kick while it runs makes it look once
 * more. Failures are logged by kind only; the jobs runner picks up whatever is left.
 */
export function kickImportRunner(app: { db: Db; config: Config; clock: Clock }): void {
  const active = running.get(app.db);
  if (active) {
    active.again = true;
    return;
  }
  const state = { again: false };
  running.set(app.db, state);
  const holder = newImportRunner();
  void (async () => {
    try {
      do {
        state.again = false;
        await runPendingImports(app.db, app.config, app.clock, holder);
      } while (state.again);
    } catch (error) {
      console.error(`[import] Lauf fehlgeschlagen: ${errorName(error)}`);
    } finally {
      running.delete(app.db);
    }
  })();
}
