/**
 * The CSV import's domain types and pure rules (docs/import.md): the report a check produces, the job that carries an
 * uploaded file through check → import → done, and what the import page shows of it.
 * @module
 */
import { z } from 'zod';
import { MATCH_HOW_LABELS, type MatchHow } from './category-resolver';

/** One reason a row (or the whole file) cannot be imported. */
export interface ImportProblem {
  /** Physical line of the file where the row starts (the header line for file-level problems). */
  line: number;
  externalId: string | null;
  /** The column at fault, or null when it concerns the row or file as a whole. */
  field: string | null;
  /** German, complete: „Zeile 7, Spalte „plz“: …“. */
  message: string;
}

/** The kinds of cell the import reads by meaning (category-resolver.ts). */
export type MappingKind = 'category' | 'language';

/** A cell the check understood although it is not an exact key or name: „IHK“ → Industrie- und Handelskammer (IHK). */
export interface ImportMapping {
  kind: MappingKind;
  cell: string;
  target: string;
  label: string;
  /** How it was understood (MATCH_HOW_LABELS). */
  how: MatchHow;
}

/** A cell with no or several candidates: listed once, with its rows, for the coordinator to pick a target. */
export interface ImportUnresolved {
  kind: MappingKind;
  cell: string;
  /** The first lines it occurs on (at most 20) and how many rows have it. */
  lines: number[];
  rowCount: number;
  candidates: { target: string; label: string }[];
}

/** What an import does (or would do). */
export interface ImportReport {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  newOrganizations: string[];
  problems: ImportProblem[];
  warnings: string[];
  mappings: ImportMapping[];
  unresolved: ImportUnresolved[];
}

/** The columns the preview shows of the file's first rows. */
export const IMPORT_PREVIEW_COLUMNS = [
  'externe_id',
  'organisation',
  'name',
  'kategorie',
  'plz',
  'ort',
] as const;

/** How many of the file's first rows the preview shows. */
export const IMPORT_PREVIEW_ROWS = 15;

/** One row of the preview: its line in the file and the preview columns' cells. */
export interface ImportPreviewRow {
  line: number;
  cells: Record<string, string>;
}

/** An empty report (nothing checked yet). */
export function emptyImportReport(): ImportReport {
  return {
    rows: 0,
    create: 0,
    update: 0,
    unchanged: 0,
    newOrganizations: [],
    problems: [],
    warnings: [],
    mappings: [],
    unresolved: [],
  };
}

/**
 * Where an import job stands: `checking` (uploaded, the runner checks it) → `checked` (report ready) → `queued`
 * (started) → `running` (batches being written) → `done`; or `failed` (the message says why; a failed import that
 * still has its file can be resumed).
 */
export const IMPORT_JOB_STATUSES = ['checking', 'checked', 'queued', 'running', 'done', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

/** An import job as the page and the runner see it (without the file's text). */
export interface ImportJob {
  id: string;
  status: ImportJobStatus;
  fileName: string;
  rowsTotal: number;
  rowsDone: number;
  report: ImportReport | null;
  preview: ImportPreviewRow[];
  message: string | null;
  /** Whether the file is still stored (it is dropped when the import is done or can never run). */
  hasFile: boolean;
  createdBy: string | null;
  startedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The largest file the import accepts: about 100,000 rows of a typical partner list. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** The upload form: a file name and its decoded text (the page reads the bytes; see decodeCsvBytes). */
export const ImportUploadSchema = z.object({
  fileName: z.string().trim().max(200).default(''),
  csv: z
    .string()
    .min(1, { message: 'Die Datei ist leer. Die erste Zeile muss die Spaltennamen enthalten.' })
    .max(MAX_IMPORT_BYTES, { message: 'Die Datei ist größer als 50 MB. Bitte teilen Sie sie auf.' }),
});
export type ImportUpload = z.infer<typeof ImportUploadSchema>;

/** The upload form of the import page: one file (its size is checked before the body is read). */
export const ImportUploadFormSchema = z.object({
  intent: z.string().optional(),
  datei: z
    .instanceof(File, { message: 'Bitte wählen Sie eine CSV-Datei aus.' })
    .refine((file) => file.size > 0, { message: 'Bitte wählen Sie eine CSV-Datei aus.' })
    .refine((file) => file.size <= MAX_IMPORT_BYTES, {
      message: 'Die Datei ist größer als 50 MB. Bitte teilen Sie sie auf.',
    }),
});

/** Starting (or resuming) a checked import. */
export const ImportStartSchema = z.object({
  intent: z.literal('starten').optional(),
  auftrag: z.string().regex(/^[a-z0-9]{1,40}$/, { message: 'Unbekannter Import.' }),
});
export type ImportStart = z.infer<typeof ImportStartSchema>;

/** Whether the runner still has work on the job (the page then refreshes itself). */
export function isImportJobActive(job: Pick<ImportJob, 'status'>): boolean {
  return job.status === 'checking' || job.status === 'queued' || job.status === 'running';
}

/** Whether a user may start the job now: checked without problems, or failed part-way with its file kept. */
export function canStartImportJob(job: Pick<ImportJob, 'status' | 'report' | 'hasFile'>): boolean {
  if (!job.hasFile || !job.report || job.report.problems.length > 0) return false;
  if (job.status === 'failed') return true;
  return job.status === 'checked' && job.report.create + job.report.update > 0;
}

/** Progress as German text and a whole percentage: „1.234 von 100.000 Zeilen (1 %)“. */
export function importProgress(job: Pick<ImportJob, 'rowsDone' | 'rowsTotal'>): {
  percent: number;
  text: string;
} {
  const total = Math.max(0, job.rowsTotal);
  const done = Math.min(Math.max(0, job.rowsDone), total);
  const percent = total === 0 ? 0 : Math.floor((done / total) * 100);
  const n = (value: number) => value.toLocaleString('de-DE');
  return { percent, text: `${n(done)} von ${n(total)} Zeilen (${percent} %)` };
}

/** The German headline of a job's state for the import page. */
export function importJobHeadline(job: Pick<ImportJob, 'status' | 'report'>): string {
  switch (job.status) {
    case 'checking':
      return 'Die Datei wird geprüft …';
    case 'checked':
      return job.report && job.report.problems.length > 0 ? 'Die Datei hat Fehler' : 'Vorschau';
    case 'queued':
      return 'Der Import wartet auf den Start …';
    case 'running':
      return 'Der Import läuft …';
    case 'done':
      return 'Import abgeschlossen';
    case 'failed':
      return 'Der Import wurde abgebrochen';
  }
}

/** The problems of a report as field errors for a Result (`_form` summarises; one entry per line and column). */
export function importProblemErrors(report: ImportReport): Record<string, string> {
  const count = report.problems.length;
  const errors: Record<string, string> = {
    _form: `${count === 1 ? '1 Fehler' : `${count} Fehler`} – so wird nichts importiert. Bitte korrigieren Sie die Datei.`,
  };
  for (const problem of report.problems) {
    errors[`zeile-${problem.line}${problem.field ? `.${problem.field}` : ''}`] = problem.message;
  }
  return errors;
}

/** A mapping as the dry run lists it: „IHK“ → Industrie- und Handelskammer (IHK) (Abkürzung). */
export function mappingText(mapping: Pick<ImportMapping, 'kind' | 'cell' | 'label' | 'how'>): string {
  const what = mapping.kind === 'language' ? 'Sprache ' : '';
  return `${what}„${mapping.cell}“ → ${mapping.label} (${MATCH_HOW_LABELS[mapping.how]})`;
}

/** The lines of an open cell as text: „Zeilen 4, 9, 12 und 3 weitere“. */
export function unresolvedLinesText(item: Pick<ImportUnresolved, 'lines' | 'rowCount'>): string {
  const more = item.rowCount - item.lines.length;
  const list = item.lines.join(', ');
  return `${item.lines.length === 1 && more === 0 ? 'Zeile' : 'Zeilen'} ${list}${more > 0 ? ` und ${more} weitere` : ''}`;
}

/** Choosing targets for a job's open cells: parallel lists of kind, cell and target (empty: not chosen). */
export const ImportMappingFormSchema = z.object({
  intent: z.literal('zuordnen'),
  auftrag: z.string().regex(/^[a-z0-9]{1,40}$/, { message: 'Unbekannter Import.' }),
  art: z.array(z.enum(['category', 'language'], { message: 'Unbekannte Art der Zuordnung.' })).default([]),
  zelle: z.array(z.string().max(200, { message: 'Die Zelle ist zu lang.' })).default([]),
  ziel: z.array(z.string().max(200, { message: 'Bitte wählen Sie aus der Liste.' })).default([]),
});
export type ImportMappingForm = z.infer<typeof ImportMappingFormSchema>;

/** A chosen target for a cell; `new:<parent>` (categories only) makes a new category of that name under the parent. */
export interface MappingChoice {
  kind: MappingKind;
  cell: string;
  target: string;
}

/** A mapping file of the command line (JSON): { "kategorie": { "IHK": "arbeit.ihk" }, "sprache": { "Arabic": "ar" } }. */
export const MappingFileSchema = z
  .object({
    kategorie: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).default({}),
    sprache: z.record(z.string().min(1).max(200), z.string().min(1).max(20)).default({}),
  })
  .strict();

/** The choices a mapping file names. */
export function mappingFileChoices(file: z.infer<typeof MappingFileSchema>): MappingChoice[] {
  return [
    ...Object.entries(file.kategorie).map(([cell, target]) => ({ kind: 'category' as const, cell, target })),
    ...Object.entries(file.sprache).map(([cell, target]) => ({ kind: 'language' as const, cell, target })),
  ];
}
