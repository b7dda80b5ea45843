import { sql, type Kysely } from 'kysely';

// Two more roll-ups of the network report's facts (issue #13, decision 0016, second addendum), kept exact in the
// transaction that writes a fact (src/lib/report/report-rollup.queries.ts) and built here from what exists. Both
// count every fact in its calendar month ('2025-03'), quarter ('2025-Q1') and year ('2025'), so a report reads the
// fewest whole periods that make up its months:
// - referral_fact_place_period: referral_fact_month without the week, per period; from referral_fact_month;
// - referral_fact_kind_period: the place roll-up without category and district, for the whole network;
// - referral_fact_partner_period: per period, partner, root category and district the referrals sent, accepted,
//   declined, cancelled, completed and not completed, the first answers, and the answers' whole hours as an exact
//   histogram (JSON array of hour, count pairs: [3,2,40,1]), built month by month from the facts, quarters and years from the months.
// The build is a frozen copy of rebuildFactRollups in report-rollup.queries.ts (migrations never import from src/).

const KIND_COLUMNS = {
  send: 'sent',
  accept: 'accepted',
  decline: 'declined',
  cancel: 'cancelled',
  complete: 'completed',
  fail: 'failed',
} as const;
const COUNT_COLUMNS = [
  'sent',
  'accepted',
  'declined',
  'cancelled',
  'completed',
  'failed',
  'answered',
] as const;

interface Draft {
  period: string;
  recipient_id: string;
  category_id: string;
  district: string;
  counts: Record<(typeof COUNT_COLUMNS)[number], number>;
  hours: Map<number, number>;
}

function draftOf(period: string, r: { recipient_id: string; category_id: string; district: string }): Draft {
  return {
    period,
    recipient_id: r.recipient_id,
    category_id: r.category_id,
    district: r.district,
    counts: { sent: 0, accepted: 0, declined: 0, cancelled: 0, completed: 0, failed: 0, answered: 0 },
    hours: new Map(),
  };
}

async function insertDrafts(db: Kysely<any>, drafts: readonly Draft[]): Promise<void> {
  const values = drafts.map((d) => ({
    period: d.period,
    recipient_id: d.recipient_id,
    category_id: d.category_id,
    district: d.district,
    ...d.counts,
    hours: JSON.stringify([...d.hours].sort((a, b) => a[0] - b[0]).flat()),
  }));
  for (let i = 0; i < values.length; i += 500) {
    await db
      .insertInto('referral_fact_partner_period')
      .values(values.slice(i, i + 500))
      .execute();
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_fact_place_period')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_fact_place_period_pk', [
      'period',
      'kind',
      'category_id',
      'district',
      'reason_code',
      'outcome',
    ])
    .execute();
  const quarter = sql`substr(sent_month, 1, 4) || CASE
    WHEN substr(sent_month, 6, 2) <= '03' THEN '-Q1'
    WHEN substr(sent_month, 6, 2) <= '06' THEN '-Q2'
    WHEN substr(sent_month, 6, 2) <= '09' THEN '-Q3'
    ELSE '-Q4' END`;
  for (const period of [sql`sent_month`, quarter, sql`substr(sent_month, 1, 4)`]) {
    await sql`
      INSERT INTO referral_fact_place_period (period, kind, category_id, district, reason_code, outcome, n)
      SELECT ${period}, kind, category_id, district, reason_code, outcome, SUM(n)
      FROM referral_fact_month
      GROUP BY ${period}, kind, category_id, district, reason_code, outcome
    `.execute(db);
  }

  await db.schema
    .createTable('referral_fact_kind_period')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_fact_kind_period_pk', ['period', 'kind', 'reason_code', 'outcome'])
    .execute();
  await sql`
    INSERT INTO referral_fact_kind_period (period, kind, reason_code, outcome, n)
    SELECT period, kind, reason_code, outcome, SUM(n)
    FROM referral_fact_place_period
    GROUP BY period, kind, reason_code, outcome
  `.execute(db);

  await db.schema
    .createTable('referral_fact_partner_period')
    .addColumn('period', 'text', (c) => c.notNull())
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
    .addPrimaryKeyConstraint('referral_fact_partner_period_pk', [
      'period',
      'recipient_id',
      'category_id',
      'district',
    ])
    .execute();
  const months = (
    (await db
      .selectFrom('referral_fact_month')
      .select('sent_month')
      .distinct()
      .orderBy('sent_month')
      .execute()) as { sent_month: string }[]
  ).map((m) => m.sent_month);
  let longer = new Map<string, Draft>();
  for (const [i, month] of months.entries()) {
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
    const drafts = new Map<string, Draft>();
    const draftFor = (r: { recipient_id: string; category_id: string; district: string }) => {
      const id = JSON.stringify([r.recipient_id, r.category_id, r.district]);
      let draft = drafts.get(id);
      if (!draft) {
        draft = draftOf(month, r);
        drafts.set(id, draft);
      }
      return draft;
    };
    for (const r of kinds)
      draftFor(r).counts[KIND_COLUMNS[r.kind as keyof typeof KIND_COLUMNS]] += Number(r.n);
    for (const r of answers) {
      const draft = draftFor(r);
      const hours = r.hours_to_answer ?? 0;
      draft.counts.answered += Number(r.n);
      draft.hours.set(hours, (draft.hours.get(hours) ?? 0) + Number(r.n));
    }
    await insertDrafts(db, [...drafts.values()]);
    // Quarters and years: the sums of their months, written when the year is complete.
    const year = month.slice(0, 4);
    const periods = [`${year}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`, year];
    for (const draft of drafts.values()) {
      for (const period of periods) {
        const id = JSON.stringify([period, draft.recipient_id, draft.category_id, draft.district]);
        let sum = longer.get(id);
        if (!sum) {
          sum = draftOf(period, draft);
          longer.set(id, sum);
        }
        for (const column of COUNT_COLUMNS) sum.counts[column] += draft.counts[column];
        for (const [hours, n] of draft.hours) sum.hours.set(hours, (sum.hours.get(hours) ?? 0) + n);
      }
    }
    if (months[i + 1]?.slice(0, 4) !== year) {
      await insertDrafts(db, [...longer.values()]);
      longer = new Map();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('referral_fact_partner_period').execute();
  await db.schema.dropTable('referral_fact_kind_period').execute();
  await db.schema.dropTable('referral_fact_place_period').execute();
}
