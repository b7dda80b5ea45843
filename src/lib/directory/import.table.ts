import type { Insertable, Selectable, Updateable } from 'kysely';

/** import_job: one uploaded CSV file on its way through check, import and done (see import.job.ts). */
export interface ImportJobTable {
  id: string;
  status: string;
  file_name: string;
  /** 1 while import_job_file holds the file. */
  has_file: number;
  rows_total: number;
  rows_done: number;
  report: string | null;
  preview: string | null;
  message: string | null;
  created_by: string | null;
  started_by: string | null;
  request_id: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

/** import_job_file: the uploaded file of a job as decoded text, deleted once the import is done or cannot run. */
export interface ImportJobFileTable {
  job_id: string;
  csv: string;
}

export type ImportJobRow = Selectable<ImportJobTable>;
export type NewImportJobRow = Insertable<ImportJobTable>;
export type ImportJobUpdate = Updateable<ImportJobTable>;
