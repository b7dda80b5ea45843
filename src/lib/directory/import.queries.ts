/**
 * The import_job table: uploaded CSV files, their check reports and their progress. Every write of a runner names
 * the runner (`claimed_by`), so one that lost its claim (it stalled and another took over) changes nothing.
 * @module
 */
import type { Executor } from '../db/executor';
import {
  IMPORT_JOB_STATUSES,
  type ImportJob,
  type ImportJobStatus,
  type ImportPreviewRow,
  type ImportReport,
} from './import';
import type { ImportJobRow } from './import.table';

type JobColumns = ImportJobRow;

const JOB_COLUMNS = [
  'id',
  'status',
  'file_name',
  'has_file',
  'rows_total',
  'rows_done',
  'report',
  'preview',
  'message',
  'created_by',
  'started_by',
  'request_id',
  'claimed_by',
  'claimed_until',
  'created_at',
  'updated_at',
] as const;

/** A stored report with the mapping lists (reports stored before they existed lack them). */
function withMappingLists(report: Partial<ImportReport>): ImportReport {
  return { ...report, mappings: report.mappings ?? [], unresolved: report.unresolved ?? [] } as ImportReport;
}

/** Maps a job row to the domain object. */
function rowToImportJob(row: JobColumns): ImportJob {
  const status = (IMPORT_JOB_STATUSES as readonly string[]).includes(row.status)
    ? (row.status as ImportJobStatus)
    : 'failed';
  return {
    id: row.id,
    status,
    fileName: row.file_name,
    rowsTotal: Number(row.rows_total),
    rowsDone: Number(row.rows_done),
    // Reports stored before mappings existed lack the two lists.
    report: row.report ? withMappingLists(JSON.parse(row.report) as Partial<ImportReport>) : null,
    preview: row.preview ? (JSON.parse(row.preview) as ImportPreviewRow[]) : [],
    message: row.message,
    hasFile: Number(row.has_file) === 1,
    createdBy: row.created_by,
    startedBy: row.started_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Stores a new job with its file, waiting to be checked. */
export async function insertImportJob(
  db: Executor,
  job: { id: string; fileName: string; csv: string; createdBy: string | null; requestId: string | null },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('import_job')
    .values({
      id: job.id,
      status: 'checking',
      file_name: job.fileName,
      has_file: 1,
      rows_total: 0,
      rows_done: 0,
      report: null,
      preview: null,
      message: null,
      created_by: job.createdBy,
      started_by: null,
      request_id: job.requestId,
      claimed_by: null,
      claimed_until: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db.insertInto('import_job_file').values({ job_id: job.id, csv: job.csv }).execute();
}

/** Finds a job without its file's text, or null. */
export async function findImportJob(db: Executor, id: string): Promise<ImportJob | null> {
  const row = await db.selectFrom('import_job').select(JOB_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? rowToImportJob(row) : null;
}

/** The file's text of a job ('' once it was dropped), or null for an unknown job. */
export async function findImportJobCsv(db: Executor, id: string): Promise<string | null> {
  const job = await db.selectFrom('import_job').select('id').where('id', '=', id).executeTakeFirst();
  if (!job) return null;
  const file = await db
    .selectFrom('import_job_file')
    .select('csv')
    .where('job_id', '=', id)
    .executeTakeFirst();
  return file?.csv ?? '';
}

/** The latest jobs, newest first (the import page lists them). */
export async function listImportJobs(db: Executor, limit: number): Promise<ImportJob[]> {
  const rows = await db
    .selectFrom('import_job')
    .select(JOB_COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToImportJob);
}

/** The oldest job a runner should work on now: to be checked, started, or running under an expired claim. */
export async function findClaimableImportJobId(db: Executor, now: Date): Promise<string | null> {
  const at = now.toISOString();
  const row = await db
    .selectFrom('import_job')
    .select('id')
    .where('status', 'in', ['checking', 'queued', 'running'])
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Takes (or renews) the claim on a job until `until`; true iff this holder has it now. One conditional UPDATE: of
 * several runners, the database lets exactly one match (as the job leases do).
 */
export async function claimImportJob(
  db: Executor,
  id: string,
  holder: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('import_job')
    .set({ claimed_by: holder, claimed_until: until.toISOString() })
    .where('id', '=', id)
    .where('status', 'in', ['checking', 'queued', 'running'])
    .where((eb) =>
      eb.or([
        eb('claimed_until', 'is', null),
        eb('claimed_until', '<', now.toISOString()),
        eb('claimed_by', '=', holder),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What a runner writes about a job's progress or end. */
export interface ImportJobProgress {
  status?: ImportJobStatus;
  rowsTotal?: number;
  rowsDone?: number;
  report?: ImportReport | null;
  preview?: ImportPreviewRow[];
  message?: string | null;
  /** Drops the stored file (done, or it can never run). */
  dropFile?: boolean;
  /** Renews the claim until then; null gives it up. */
  claimedUntil?: Date | null;
}

/** Records progress as the claim's holder; false when the holder lost the claim (then nothing changed). */
export async function updateImportJobAsHolder(
  db: Executor,
  id: string,
  holder: string,
  change: ImportJobProgress,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('import_job')
    .set({
      updated_at: now.toISOString(),
      ...(change.status !== undefined && { status: change.status }),
      ...(change.rowsTotal !== undefined && { rows_total: change.rowsTotal }),
      ...(change.rowsDone !== undefined && { rows_done: change.rowsDone }),
      ...(change.report !== undefined && { report: change.report && JSON.stringify(change.report) }),
      ...(change.preview !== undefined && { preview: JSON.stringify(change.preview) }),
      ...(change.message !== undefined && { message: change.message }),
      ...(change.dropFile && { has_file: 0 }),
      ...(change.claimedUntil !== undefined && {
        claimed_until: change.claimedUntil?.toISOString() ?? null,
        ...(change.claimedUntil === null && { claimed_by: null }),
      }),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', holder)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  if (change.dropFile) await db.deleteFrom('import_job_file').where('job_id', '=', id).execute();
  return true;
}

/**
 * Queues a job for the runner if it is still in one of `from` (a user started or resumed it); false when someone
 * else changed its state first.
 */
export async function queueImportJob(
  db: Executor,
  id: string,
  from: ImportJobStatus[],
  startedBy: string | null,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('import_job')
    .set({
      status: 'queued',
      started_by: startedBy,
      message: null,
      rows_done: 0,
      claimed_by: null,
      claimed_until: null,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes jobs last touched before `before` that no runner works on (old files are not kept). */
export async function deleteImportJobsBefore(db: Executor, before: Date): Promise<number> {
  await db
    .deleteFrom('import_job_file')
    .where('job_id', 'in', (eb) =>
      eb
        .selectFrom('import_job')
        .select('id')
        .where('updated_at', '<', before.toISOString())
        .where('status', 'not in', ['queued', 'running']),
    )
    .execute();
  const result = await db
    .deleteFrom('import_job')
    .where('updated_at', '<', before.toISOString())
    .where('status', 'not in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes one job (a dry run from the command line leaves nothing behind). */
export async function deleteImportJob(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('import_job_file').where('job_id', '=', id).execute();
  await db.deleteFrom('import_job').where('id', '=', id).execute();
}

/** Sends a checked job back to be checked again (after mappings were chosen); false when it is no longer checked. */
export async function recheckImportJob(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('import_job')
    .set({
      status: 'checking',
      report: null,
      rows_done: 0,
      claimed_by: null,
      claimed_until: null,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('status', '=', 'checked')
    .where('has_file', '=', 1)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
