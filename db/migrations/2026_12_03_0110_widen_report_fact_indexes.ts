import type { Kysely } from 'kysely';

// The network report narrowed to one office (a caseworker's report, the coordinator's office filter) or one
// partner reads that office's or partner's facts: the roll-ups have neither key (decision 0016). The narrow indexes
// (office_id, sent_on) and (recipient_id, sent_on) found the rows but then read each from the table; these carry
// every column the report reads, so both dialects answer from the index alone (docs/performance.md, Netzwerkbericht).

const COVERED = [
  'kind',
  'first_answer',
  'hours_to_answer',
  'category_id',
  'district',
  'reason_code',
  'outcome',
  'sent_week',
  'sent_month',
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_fact_office_idx').ifExists().execute();
  await db.schema
    .createIndex('referral_fact_office_idx')
    .on('referral_fact')
    .columns(['office_id', 'sent_on', ...COVERED, 'recipient_id'])
    .execute();
  await db.schema.dropIndex('referral_fact_recipient_idx').ifExists().execute();
  await db.schema
    .createIndex('referral_fact_recipient_idx')
    .on('referral_fact')
    .columns(['recipient_id', 'sent_on', ...COVERED, 'office_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('referral_fact_recipient_idx').execute();
  await db.schema
    .createIndex('referral_fact_recipient_idx')
    .on('referral_fact')
    .columns(['recipient_id', 'sent_on'])
    .execute();
  await db.schema.dropIndex('referral_fact_office_idx').execute();
  await db.schema
    .createIndex('referral_fact_office_idx')
    .on('referral_fact')
    .columns(['office_id', 'sent_on'])
    .execute();
}
