import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';

// A lease row that nobody holds: expired since the epoch, so the first taker's conditional UPDATE matches.
const NEVER = new Date(0).toISOString();

/**
 * Takes or renews the lease on a job until `now + ttlMs`; true iff this holder now has it. Portable: the row is
 * created if missing (ON CONFLICT DO NOTHING), then one conditional UPDATE takes it only when it expired or is
 * already ours. Of several instances racing, the database lets exactly one UPDATE match (row lock in PostgreSQL,
 * one writer in SQLite), so a job never runs twice at once.
 */
export async function tryAcquireLease(
  db: Executor,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  await db
    .insertInto('job_lease')
    .values({ name, holder: null, expires_at: NEVER, last_run_at: null, last_result: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const at = nowIso(now);
  const result = await db
    .updateTable('job_lease')
    .set({ holder, expires_at: nowIso(new Date(now.getTime() + ttlMs)) })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('expires_at', '<', at), eb('holder', '=', holder)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives a lease up at once (only the holder can), so another instance may take the job right away. */
export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db
    .updateTable('job_lease')
    .set({ holder: null, expires_at: NEVER })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

/** Notes when a job last ran and its short summary (no personal data: counts and error names only). */
export async function recordJobRun(db: Executor, name: string, result: string, now: Date): Promise<void> {
  await db
    .updateTable('job_lease')
    .set({ last_run_at: nowIso(now), last_result: result.slice(0, 200) })
    .where('name', '=', name)
    .execute();
}

/** The state of one job as the lease table holds it. */
export interface JobState {
  name: string;
  holder: string | null;
  expiresAt: string;
  lastRunAt: string | null;
  lastResult: string | null;
}

/** Finds the lease row of a job, or null before its first run. */
export async function findJobState(db: Executor, name: string): Promise<JobState | null> {
  const row = await db.selectFrom('job_lease').selectAll().where('name', '=', name).executeTakeFirst();
  return row
    ? {
        name: row.name,
        holder: row.holder,
        expiresAt: row.expires_at,
        lastRunAt: row.last_run_at,
        lastResult: row.last_result,
      }
    : null;
}

/** Whether the lease table exists (false before `npm run db:migrate`). */
export async function hasJobLeaseTable(db: Executor): Promise<boolean> {
  try {
    await db.selectFrom('job_lease').select('name').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}
