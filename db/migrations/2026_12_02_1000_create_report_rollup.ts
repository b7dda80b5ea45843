import { sql, type Kysely } from 'kysely';

// The network report's monthly roll-up (issue #13, decision 0016): how many facts of a kind, reason and outcome
// were sent in a month and week, per root category and district. Network-wide figures of whole months are read
// from here instead of from every fact; src/lib/report/report.queries.ts keeps it up to date in the transaction
// that writes a fact. Facts without a sending day never count in the report and are left out. Null reasons and
// outcomes are stored as '' (part of the key). Built here from the facts that exist.
// A second index serves the hours to the first answer: it leads with first_answer, so the period's answers are
// read without the three quarters of facts that are no answer.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_fact_month')
    .addColumn('sent_month', 'text', (c) => c.notNull())
    .addColumn('sent_week', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_fact_month_pk', [
      'sent_month',
      'sent_week',
      'category_id',
      'district',
      'kind',
      'reason_code',
      'outcome',
    ])
    .execute();
  await sql`
    INSERT INTO referral_fact_month (sent_month, sent_week, category_id, district, kind, reason_code, outcome, n)
    SELECT sent_month, sent_week, category_id, district, kind, COALESCE(reason_code, ''), COALESCE(outcome, ''),
      COUNT(*)
    FROM referral_fact
    WHERE sent_on IS NOT NULL
    GROUP BY sent_month, sent_week, category_id, district, kind, COALESCE(reason_code, ''), COALESCE(outcome, '')
  `.execute(db);
  await db.schema
    .createIndex('referral_fact_answer_idx')
    .on('referral_fact')
    .columns([
      'first_answer',
      'sent_on',
      'hours_to_answer',
      'recipient_id',
      'category_id',
      'district',
      'office_id',
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_fact_answer_idx').execute();
  await db.schema.dropTable('referral_fact_month').execute();
}
