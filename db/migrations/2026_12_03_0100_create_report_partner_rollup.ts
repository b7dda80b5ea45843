import { sql, type Kysely } from 'kysely';

// Two more roll-ups of the network report's facts (issue #13, decision 0016, second addendum), kept exact in the
// transaction that writes a fact (src/lib/report/report-rollup.queries.ts) and built here from what exists:
// - referral_fact_place_month: referral_fact_month without the week (a third of its rows), from referral_fact_month;
// - referral_fact_partner_month: per sending month, partner, root category and district the referrals sent,
//   accepted, declined, cancelled, completed and not completed, the first answers, and the answers' whole hours as
//   an exact histogram (JSON object hour → count), built month by month from the facts.
// The month-by-month build is a frozen copy of partnerRowsOfMonth in report-rollup.queries.ts (migrations never
// import from src/).

const KIND_COLUMNS = {
  send: 'sent',
  accept: 'accepted',
  decline: 'declined',
  cancel: 'cancelled',
  complete: 'completed',
  fail: 'failed',
} as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_fact_place_month')
    .addColumn('sent_month', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_fact_place_month_pk', [
      'sent_month',
      'kind',
      'category_id',
      'district',
      'reason_code',
      'outcome',
    ])
    .execute();
  await sql`
    INSERT INTO referral_fact_place_month (sent_month, kind, category_id, district, reason_code, outcome, n)
    SELECT sent_month, kind, category_id, district, reason_code, outcome, SUM(n)
    FROM referral_fact_month
    GROUP BY sent_month, kind, category_id, district, reason_code, outcome
  `.execute(db);

  await db.schema
    .createTable('referral_fact_partner_month')
    .addColumn('sent_month', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addColumn('declined', 'integer', (c) => c.notNull())
    .addColumn('cancelled', 'integer', (c) => c.notNull())
    .addColumn('completed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('hours', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_fact_partner_month_pk', [
      'sent_month',
      'recipient_id',
      'category_id',
      'district',
    ])
    .execute();
  const months = await db
    .selectFrom('referral_fact_month')
    .select('sent_month')
    .distinct()
    .orderBy('sent_month')
    .execute();
  for (const { sent_month: month } of months as { sent_month: string }[]) {
    const inMonth = () =>
      db
        .selectFrom('referral_fact')
        .where('sent_on', '>=', `${month}-01`)
        .where('sent_on', '<=', `${month}-31`);
    const kinds = (await inMonth()
      .where('kind', 'in', Object.keys(KIND_COLUMNS))
      .select(['recipient_id', 'category_id', 'district', 'kind'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy(['recipient_id', 'category_id', 'district', 'kind'])
      .execute()) as {
      recipient_id: string;
      category_id: string;
      district: string;
      kind: string;
      n: unknown;
    }[];
    const answers = (await inMonth()
      .where('first_answer', '=', 1)
      .select(['recipient_id', 'category_id', 'district', 'hours_to_answer'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy(['recipient_id', 'category_id', 'district', 'hours_to_answer'])
      .execute()) as {
      recipient_id: string;
      category_id: string;
      district: string;
      hours_to_answer: number | null;
      n: unknown;
    }[];
    const rows = new Map<
      string,
      Record<string, unknown> & { counts: Record<string, number>; hours: Map<number, number> }
    >();
    const rowOf = (r: { recipient_id: string; category_id: string; district: string }) => {
      const id = JSON.stringify([r.recipient_id, r.category_id, r.district]);
      let row = rows.get(id);
      if (!row) {
        row = {
          recipient_id: r.recipient_id,
          category_id: r.category_id,
          district: r.district,
          counts: { sent: 0, accepted: 0, declined: 0, cancelled: 0, completed: 0, failed: 0, answered: 0 },
          hours: new Map(),
        };
        rows.set(id, row);
      }
      return row;
    };
    for (const r of kinds) rowOf(r).counts[KIND_COLUMNS[r.kind as keyof typeof KIND_COLUMNS]]! += Number(r.n);
    for (const r of answers) {
      const row = rowOf(r);
      const hours = r.hours_to_answer ?? 0;
      row.counts['answered']! += Number(r.n);
      row.hours.set(hours, (row.hours.get(hours) ?? 0) + Number(r.n));
    }
    const values = [...rows.values()].map((row) => ({
      sent_month: month,
      recipient_id: row['recipient_id'],
      category_id: row['category_id'],
      district: row['district'],
      ...row.counts,
      hours: JSON.stringify(
        Object.fromEntries([...row.hours].sort((a, b) => a[0] - b[0]).map(([h, n]) => [String(h), n])),
      ),
    }));
    for (let i = 0; i < values.length; i += 500) {
      await db
        .insertInto('referral_fact_partner_month')
        .values(values.slice(i, i + 500))
        .execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('referral_fact_partner_month').execute();
  await db.schema.dropTable('referral_fact_place_month').execute();
}
