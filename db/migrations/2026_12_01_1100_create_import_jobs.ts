import type { Kysely } from 'kysely';

// A CSV import is a job: the upload stores the file (import_job_file), the jobs runner checks it and writes it in batches, and
// the import page shows the progress. `claimed_by`/`claimed_until` let exactly one runner work on a job at a time;
// a runner that died leaves an expired claim that another one takes over (the import resumes, see docs/import.md).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_job')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('has_file', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text')
    // The first rows of the file (a few columns) for the preview, so the page never reads the whole file.
    .addColumn('preview', 'text')
    .addColumn('message', 'text')
    .addColumn('created_by', 'text')
    .addColumn('started_by', 'text')
    .addColumn('request_id', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('import_job_status_idx')
    .on('import_job')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema.createIndex('import_job_created_idx').on('import_job').columns(['created_at']).execute();
  // The file apart from the job's progress: SQLite rewrites a whole row on update, and progress is written after
  // every batch — with the file in the same row, a 100,000-row import wrote its 13 MB file thousands of times.
  await db.schema
    .createTable('import_job_file')
    .addColumn('job_id', 'text', (c) => c.primaryKey().references('import_job.id').onDelete('cascade'))
    .addColumn('csv', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_job_file').execute();
  await db.schema.dropTable('import_job').execute();
}
