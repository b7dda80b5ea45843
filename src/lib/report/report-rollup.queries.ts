import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type {
  NewReferralFactRow,
  ReferralFactMonthTable,
  ReferralFactKindPeriodTable,
  ReferralFactPartnerPeriodTable,
  ReferralFactPlacePeriodTable,
} from './report.table';

/**
 * The network report's roll-ups of referral_fact (decision 0016 and its addenda), written in the transaction that
 * writes the facts and rebuilt from the facts by the migrations and the benchmark. All are exact:
 * - referral_fact_month: month × week × category × district × kind × reason × outcome (the weekly trend);
 * - referral_fact_place_period: the same without the week, per calendar period (totals, reasons, gap matrix,
 *   monthly trend);
 * - referral_fact_kind_period: the place roll-up without category and district (the whole network's totals and
 *   trend, a few dozen rows a month);
 * - referral_fact_partner_period: calendar period × partner × category × district with the counts the network
 *   comparison needs and an exact histogram of the whole hours to the first answer.
 * A calendar period is a month ('2025-03'), a quarter ('2025-Q1') or a year ('2025'); every fact is added to the
 * month, quarter and year it was sent in, and a report reads the fewest whole periods that make up its months
 * (`calendarPeriodsOf`): a year is one row per partner instead of twelve.
 * @module
 */

/** The dimensions a count from a roll-up can be grouped by. */
export type RollupDimension =
  'category_id' | 'district' | 'reason_code' | 'outcome' | 'sent_week' | 'sent_month';

/** Counting columns of referral_fact_partner_period by fact kind. */
export const PARTNER_KIND_COLUMNS = {
  send: 'sent',
  accept: 'accepted',
  decline: 'declined',
  cancel: 'cancelled',
  complete: 'completed',
  fail: 'failed',
} as const;
type PartnerCountColumn = (typeof PARTNER_KIND_COLUMNS)[keyof typeof PARTNER_KIND_COLUMNS] | 'answered';
const PARTNER_COUNT_COLUMNS: readonly PartnerCountColumn[] = [
  'sent',
  'accepted',
  'declined',
  'cancelled',
  'completed',
  'failed',
  'answered',
];

/** One partner's (and category's) figures over a set of months: counts by kind and the answers' hours. */
export interface PartnerSummary {
  recipientId: string;
  categoryId: string;
  sent: number;
  accepted: number;
  declined: number;
  cancelled: number;
  completed: number;
  failed: number;
  answered: number;
  /** Whole hours to the first answer → number of answers (a plain object: its integer keys iterate ascending). */
  hours: Record<number, number>;
}

/** An empty summary of a partner and category. */
export function emptyPartnerSummary(recipientId: string, categoryId: string): PartnerSummary {
  return {
    recipientId,
    categoryId,
    sent: 0,
    accepted: 0,
    declined: 0,
    cancelled: 0,
    completed: 0,
    failed: 0,
    answered: 0,
    hours: {},
  };
}

/** Adds `from` into `into` (counts and histogram). */
export function addPartnerSummary(into: PartnerSummary, from: PartnerSummary): void {
  for (const column of PARTNER_COUNT_COLUMNS) into[column] += from[column];
  for (const hours in from.hours) into.hours[hours] = (into.hours[hours] ?? 0) + from.hours[hours]!;
}

/**
 * The histogram as stored: a JSON array of hour and count pairs, hours ascending ([3,2,40,1]: two answers after
 * three hours, one after forty). Flat numbers parse faster than an object with string keys (a year of 2,000
 * partners is 150,000 pairs).
 */
export function histogramText(hours: ReadonlyMap<number, number>): string {
  const pairs = [...hours].filter(([, n]) => n !== 0).sort((a, b) => a[0] - b[0]);
  return JSON.stringify(pairs.flat());
}

/** Adds a stored histogram to a map. */
function addHistogramText(into: Map<number, number>, text: string): void {
  const pairs = JSON.parse(text) as number[];
  for (let i = 0; i < pairs.length; i += 2) into.set(pairs[i]!, (into.get(pairs[i]!) ?? 0) + pairs[i + 1]!);
}

/** Adds a stored histogram to a summary's histogram. */
function addHistogramTextTo(into: Record<number, number>, text: string): void {
  const pairs = JSON.parse(text) as number[];
  for (let i = 0; i < pairs.length; i += 2) into[pairs[i]!] = (into[pairs[i]!] ?? 0) + pairs[i + 1]!;
}

type WeekKey = Omit<ReferralFactMonthTable, 'n'>;
type PlaceKey = Omit<ReferralFactPlacePeriodTable, 'n'>;
type KindKey = Omit<ReferralFactKindPeriodTable, 'n'>;

/** The calendar periods a sending month belongs to: the month, its quarter and its year. */
export function periodsOfMonth(month: string): [string, string, string] {
  const year = month.slice(0, 4);
  return [month, `${year}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`, year];
}

/**
 * The fewest calendar periods that make up the whole months first–last (YYYY-MM): whole years, then whole quarters,
 * then months (2023-12 … 2026-11: 2023-12, 2024, 2025, 2026-Q1, 2026-Q2, 2026-Q3, 2026-10, 2026-11).
 */
export function calendarPeriodsOf(first: string, last: string): string[] {
  const months = monthsBetween(first, last);
  const periods: string[] = [];
  for (let i = 0; i < months.length;) {
    const month = months[i]!;
    const [, quarter, year] = periodsOfMonth(month);
    const m = Number(month.slice(5, 7));
    if (m === 1 && i + 11 < months.length) {
      periods.push(year);
      i += 12;
    } else if (m % 3 === 1 && i + 2 < months.length) {
      periods.push(quarter);
      i += 3;
    } else {
      periods.push(month);
      i += 1;
    }
  }
  return periods;
}

/** Counts rows by a key into a map of key → row with n. */
function tally<K extends object>(groups: Map<string, K & { n: number }>, key: K): void {
  const id = JSON.stringify(key);
  const group = groups.get(id);
  if (group) group.n += 1;
  else groups.set(id, { ...key, n: 1 });
}

/** A partner roll-up row being built, with its histogram as a map. */
type PartnerDraft = Omit<ReferralFactPartnerPeriodTable, 'hours'> & { answerHours: Map<number, number> };

/** An empty partner row of a period. */
function partnerDraft(key: {
  period: string;
  recipient_id: string;
  category_id: string;
  district: string;
}): PartnerDraft {
  return {
    ...key,
    sent: 0,
    accepted: 0,
    declined: 0,
    cancelled: 0,
    completed: 0,
    failed: 0,
    answered: 0,
    answerHours: new Map(),
  };
}

/** The row of `source`'s period, partner, category and district in `drafts` (keyed by their JSON), made if new. */
function partnerDraftIn(
  drafts: Map<string, PartnerDraft>,
  source: { period: string; recipient_id: string; category_id: string; district: string },
): PartnerDraft {
  const key = {
    period: source.period,
    recipient_id: source.recipient_id,
    category_id: source.category_id,
    district: source.district,
  };
  const id = JSON.stringify(key);
  let draft = drafts.get(id);
  if (!draft) {
    draft = partnerDraft(key);
    drafts.set(id, draft);
  }
  return draft;
}

/** The partner rows of facts (one per period, partner, category and district), keyed by their JSON key. */
function partnerDraftsOf(rows: readonly NewReferralFactRow[]): Map<string, PartnerDraft> {
  const partners = new Map<string, PartnerDraft>();
  for (const row of rows) {
    if (!row.sent_on || !row.sent_month) continue;
    const column = PARTNER_KIND_COLUMNS[row.kind as keyof typeof PARTNER_KIND_COLUMNS];
    const answer = row.first_answer === 1;
    if (!column && !answer) continue;
    for (const period of periodsOfMonth(row.sent_month)) {
      const partner = partnerDraftIn(partners, { ...row, period });
      if (column) partner[column] += 1;
      if (answer) {
        partner.answered += 1;
        const hours = row.hours_to_answer ?? 0;
        partner.answerHours.set(hours, (partner.answerHours.get(hours) ?? 0) + 1);
      }
    }
  }
  return partners;
}

/**
 * Adds facts to every roll-up, in the caller's transaction (called wherever facts are written). Counts are added by
 * upsert (`n = n + excluded.n`). The histogram of a partner's period is read, merged and written back after the
 * upsert of its counts: on PostgreSQL that upsert locks the row until the transaction ends, so two transitions of
 * the same partner in the same period cannot lose one another's answer; SQLite writes one transaction at a time.
 */
export async function addFactsToRollups(db: Executor, rows: readonly NewReferralFactRow[]): Promise<void> {
  const weeks = new Map<string, WeekKey & { n: number }>();
  const places = new Map<string, PlaceKey & { n: number }>();
  const kinds = new Map<string, KindKey & { n: number }>();
  for (const row of rows) {
    // Facts without a sending day (drafts) never count in the report and are in no roll-up.
    if (!row.sent_on || !row.sent_month || !row.sent_week) continue;
    const reason = row.reason_code ?? '';
    const outcome = row.outcome ?? '';
    for (const period of periodsOfMonth(row.sent_month)) {
      tally(places, {
        period,
        kind: row.kind,
        category_id: row.category_id,
        district: row.district,
        reason_code: reason,
        outcome,
      });
      tally(kinds, { period, kind: row.kind, reason_code: reason, outcome });
    }
    tally(weeks, {
      sent_month: row.sent_month,
      sent_week: row.sent_week,
      category_id: row.category_id,
      district: row.district,
      kind: row.kind,
      reason_code: reason,
      outcome,
    });
  }
  const weekRows = [...weeks.values()];
  for (let i = 0; i < weekRows.length; i += 500) {
    await db
      .insertInto('referral_fact_month')
      .values(weekRows.slice(i, i + 500))
      .onConflict((oc) =>
        oc
          .columns(['sent_month', 'sent_week', 'category_id', 'district', 'kind', 'reason_code', 'outcome'])
          .doUpdateSet((eb) => ({ n: eb('referral_fact_month.n', '+', eb.ref('excluded.n')) })),
      )
      .execute();
  }
  const placeRows = [...places.values()];
  for (let i = 0; i < placeRows.length; i += 500) {
    await db
      .insertInto('referral_fact_place_period')
      .values(placeRows.slice(i, i + 500))
      .onConflict((oc) =>
        oc
          .columns(['period', 'kind', 'category_id', 'district', 'reason_code', 'outcome'])
          .doUpdateSet((eb) => ({ n: eb('referral_fact_place_period.n', '+', eb.ref('excluded.n')) })),
      )
      .execute();
  }
  const kindRows = [...kinds.values()];
  for (let i = 0; i < kindRows.length; i += 500) {
    await db
      .insertInto('referral_fact_kind_period')
      .values(kindRows.slice(i, i + 500))
      .onConflict((oc) =>
        oc
          .columns(['period', 'kind', 'reason_code', 'outcome'])
          .doUpdateSet((eb) => ({ n: eb('referral_fact_kind_period.n', '+', eb.ref('excluded.n')) })),
      )
      .execute();
  }
  // Sorted keys: concurrent transactions lock the rows in the same order and cannot deadlock on them.
  const partnerRows = [...partnerDraftsOf(rows).entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([, row]) => row);
  for (let i = 0; i < partnerRows.length; i += 500) {
    await db
      .insertInto('referral_fact_partner_period')
      // New rows start with an empty histogram ([]); the answers are merged in below like those of existing rows.
      .values(
        partnerRows.slice(i, i + 500).map(({ answerHours: _answers, ...row }) => ({ ...row, hours: '[]' })),
      )
      .onConflict((oc) =>
        oc.columns(['period', 'recipient_id', 'category_id', 'district']).doUpdateSet((eb) => ({
          sent: eb('referral_fact_partner_period.sent', '+', eb.ref('excluded.sent')),
          accepted: eb('referral_fact_partner_period.accepted', '+', eb.ref('excluded.accepted')),
          declined: eb('referral_fact_partner_period.declined', '+', eb.ref('excluded.declined')),
          cancelled: eb('referral_fact_partner_period.cancelled', '+', eb.ref('excluded.cancelled')),
          completed: eb('referral_fact_partner_period.completed', '+', eb.ref('excluded.completed')),
          failed: eb('referral_fact_partner_period.failed', '+', eb.ref('excluded.failed')),
          answered: eb('referral_fact_partner_period.answered', '+', eb.ref('excluded.answered')),
        })),
      )
      .execute();
  }
  // The histograms: read, merge and write back (the rows are locked now).
  for (const row of partnerRows) {
    if (row.answerHours.size === 0) continue;
    const stored = await db
      .selectFrom('referral_fact_partner_period')
      .select('hours')
      .where('period', '=', row.period)
      .where('recipient_id', '=', row.recipient_id)
      .where('category_id', '=', row.category_id)
      .where('district', '=', row.district)
      .executeTakeFirstOrThrow();
    const merged = new Map(row.answerHours);
    addHistogramText(merged, stored.hours);
    await db
      .updateTable('referral_fact_partner_period')
      .set({ hours: histogramText(merged) })
      .where('period', '=', row.period)
      .where('recipient_id', '=', row.recipient_id)
      .where('category_id', '=', row.category_id)
      .where('district', '=', row.district)
      .execute();
  }
}

/** The months (YYYY-MM) from first to last, inclusive. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) break;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** The partner rows of one month, built from its facts (`rebuildFactRollups` and the migration alike). */
async function partnerDraftsOfMonth(db: Executor, month: string): Promise<PartnerDraft[]> {
  // The period index covers both queries; sent_month equals the first seven characters of sent_on.
  const inMonth = () =>
    db
      .selectFrom('referral_fact')
      .where('sent_on', '>=', `${month}-01`)
      .where('sent_on', '<=', `${month}-31`);
  const [kinds, answers] = await Promise.all([
    inMonth()
      .where('kind', 'in', Object.keys(PARTNER_KIND_COLUMNS))
      .select(['recipient_id', 'category_id', 'district', 'kind'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .groupBy(['recipient_id', 'category_id', 'district', 'kind'])
      .execute(),
    inMonth()
      .where('first_answer', '=', 1)
      .select(['recipient_id', 'category_id', 'district', 'hours_to_answer'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .groupBy(['recipient_id', 'category_id', 'district', 'hours_to_answer'])
      .execute(),
  ]);
  const rows = new Map<string, PartnerDraft>();
  const rowOf = (r: { recipient_id: string; category_id: string; district: string }) => {
    const id = JSON.stringify([r.recipient_id, r.category_id, r.district]);
    let row = rows.get(id);
    if (!row) {
      row = partnerDraft({
        period: month,
        recipient_id: r.recipient_id,
        category_id: r.category_id,
        district: r.district,
      });
      rows.set(id, row);
    }
    return row;
  };
  for (const r of kinds)
    rowOf(r)[PARTNER_KIND_COLUMNS[r.kind as keyof typeof PARTNER_KIND_COLUMNS]] += Number(r.n);
  for (const r of answers) {
    const row = rowOf(r);
    const hours = r.hours_to_answer ?? 0;
    row.answered += Number(r.n);
    row.answerHours.set(hours, (row.answerHours.get(hours) ?? 0) + Number(r.n));
  }
  return [...rows.values()];
}

/** Inserts partner rows (fresh ones: the rebuild). */
async function insertPartnerDrafts(db: Executor, drafts: readonly PartnerDraft[]): Promise<void> {
  const values = drafts.map(({ answerHours, ...row }) => ({ ...row, hours: histogramText(answerHours) }));
  for (let i = 0; i < values.length; i += 500) {
    await db
      .insertInto('referral_fact_partner_period')
      .values(values.slice(i, i + 500))
      .execute();
  }
}

/** The quarter (YYYY-Qn) of a sending month, in SQL, for the place roll-up's rebuild. */
const QUARTER_OF_MONTH = sql<string>`substr(sent_month, 1, 4) || CASE
  WHEN substr(sent_month, 6, 2) <= '03' THEN '-Q1'
  WHEN substr(sent_month, 6, 2) <= '06' THEN '-Q2'
  WHEN substr(sent_month, 6, 2) <= '09' THEN '-Q3'
  ELSE '-Q4' END`;

/**
 * Builds every roll-up afresh from the facts (the benchmark after its bulk load and when it reuses a database;
 * the migrations do the same). The week roll-up comes from the facts; the place roll-up from the week roll-up (the
 * same counts without the week) for months, quarters and years; the partner roll-up month by month from the facts,
 * its quarters and years from its months.
 */
export async function rebuildFactRollups(db: Executor): Promise<void> {
  await db.deleteFrom('referral_fact_month').execute();
  await sql`
    INSERT INTO referral_fact_month (sent_month, sent_week, category_id, district, kind, reason_code, outcome, n)
    SELECT sent_month, sent_week, category_id, district, kind, COALESCE(reason_code, ''), COALESCE(outcome, ''),
      COUNT(*)
    FROM referral_fact
    WHERE sent_on IS NOT NULL
    GROUP BY sent_month, sent_week, category_id, district, kind, COALESCE(reason_code, ''), COALESCE(outcome, '')
  `.execute(db);
  await db.deleteFrom('referral_fact_place_period').execute();
  for (const period of [sql<string>`sent_month`, QUARTER_OF_MONTH, sql<string>`substr(sent_month, 1, 4)`]) {
    await sql`
      INSERT INTO referral_fact_place_period (period, kind, category_id, district, reason_code, outcome, n)
      SELECT ${period}, kind, category_id, district, reason_code, outcome, SUM(n)
      FROM referral_fact_month
      GROUP BY ${period}, kind, category_id, district, reason_code, outcome
    `.execute(db);
  }
  await db.deleteFrom('referral_fact_kind_period').execute();
  await sql`
    INSERT INTO referral_fact_kind_period (period, kind, reason_code, outcome, n)
    SELECT period, kind, reason_code, outcome, SUM(n)
    FROM referral_fact_place_period
    GROUP BY period, kind, reason_code, outcome
  `.execute(db);
  await db.deleteFrom('referral_fact_partner_period').execute();
  const months = (
    await db.selectFrom('referral_fact_month').select('sent_month').distinct().orderBy('sent_month').execute()
  ).map((m) => m.sent_month);
  // Quarters and years are summed from the months and written when their year is complete.
  let longer = new Map<string, PartnerDraft>();
  for (const [i, month] of months.entries()) {
    const drafts = await partnerDraftsOfMonth(db, month);
    await insertPartnerDrafts(db, drafts);
    for (const draft of drafts) {
      for (const period of periodsOfMonth(month).slice(1)) {
        const sum = partnerDraftIn(longer, { ...draft, period });
        for (const column of PARTNER_COUNT_COLUMNS) sum[column] += draft[column];
        for (const [hours, n] of draft.answerHours)
          sum.answerHours.set(hours, (sum.answerHours.get(hours) ?? 0) + n);
      }
    }
    if (months[i + 1]?.slice(0, 4) !== month.slice(0, 4)) {
      await insertPartnerDrafts(db, [...longer.values()]);
      longer = new Map();
    }
  }
}

/** Deletes every roll-up row (the benchmark starts afresh). */
export async function deleteAllRollups(db: Executor): Promise<void> {
  await db.deleteFrom('referral_fact_month').execute();
  await db.deleteFrom('referral_fact_place_period').execute();
  await db.deleteFrom('referral_fact_kind_period').execute();
  await db.deleteFrom('referral_fact_partner_period').execute();
}

/** How many rows each roll-up holds (the benchmark reports it). */
export async function countRollupRows(db: Executor): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'referral_fact_month',
    'referral_fact_place_period',
    'referral_fact_kind_period',
    'referral_fact_partner_period',
  ] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** One group of a roll-up count: the kind, the grouping values ('' reason and outcome as null) and the number. */
export interface RollupCount {
  kind: string;
  keys: Partial<Record<RollupDimension, string | null>>;
  n: number;
}

/**
 * Counts from a roll-up for the given whole months, narrowed by category and district: the place roll-up (the
 * fewest calendar periods that make up the months, or the months themselves for a monthly grouping), or the week
 * roll-up when the grouping names the week. Periods and kinds are given as lists, so both dialects read only the
 * index ranges of those periods (and kinds).
 */
export async function countRollupMonths(
  db: Executor,
  filter: { categoryId: string | null; district: string | null },
  months: readonly string[],
  dimensions: readonly RollupDimension[],
  kinds?: readonly string[],
): Promise<RollupCount[]> {
  if (months.length === 0) return [];
  const rows = (await rollupCountQuery(db, filter, months, dimensions, kinds).execute()) as unknown as Record<
    string,
    string | number | null
  >[];
  return rows.map((row) => {
    const keys: Partial<Record<RollupDimension, string | null>> = {};
    for (const dimension of dimensions) {
      const value = (row[dimension] as string | null) ?? null;
      // The roll-ups store a missing reason or outcome as ''.
      keys[dimension] =
        (dimension === 'reason_code' || dimension === 'outcome') && value === '' ? null : value;
    }
    return { kind: String(row['kind']), keys, n: Number(row['n']) };
  });
}

/** The query of countRollupMonths (also explained by the benchmark). */
export function rollupCountQuery(
  db: Executor,
  filter: { categoryId: string | null; district: string | null },
  months: readonly string[],
  dimensions: readonly RollupDimension[],
  kinds?: readonly string[],
) {
  const columns = dimensions.filter((d) => d !== 'sent_month' && d !== 'sent_week') as (
    'category_id' | 'district' | 'reason_code' | 'outcome'
  )[];
  if (dimensions.includes('sent_week')) {
    let query = db.selectFrom('referral_fact_month').where('sent_month', 'in', months);
    if (kinds) query = query.where('kind', 'in', kinds);
    if (filter.categoryId) query = query.where('category_id', '=', filter.categoryId);
    if (filter.district !== null) query = query.where('district', '=', filter.district);
    return query
      .select(['kind', 'sent_week', ...columns])
      .select((eb) => eb.fn.sum<string | number>('n').as('n'))
      .groupBy(['kind', 'sent_week', ...columns]);
  }
  const monthly = dimensions.includes('sent_month');
  const periods = monthly ? months : calendarPeriodsOf(months[0]!, months[months.length - 1]!);
  if (
    !filter.categoryId &&
    filter.district === null &&
    columns.every((c) => c === 'reason_code' || c === 'outcome')
  ) {
    // The whole network by kind, reason and outcome: the small kind roll-up.
    let query = db.selectFrom('referral_fact_kind_period').where('period', 'in', periods);
    if (kinds) query = query.where('kind', 'in', kinds);
    return query
      .select(['kind', ...(columns as ('reason_code' | 'outcome')[])])
      .$if(monthly, (q) => q.select('period as sent_month').groupBy('period'))
      .select((eb) => eb.fn.sum<string | number>('n').as('n'))
      .groupBy(['kind', ...(columns as ('reason_code' | 'outcome')[])]);
  }
  let query = db.selectFrom('referral_fact_place_period').where('period', 'in', periods);
  if (kinds) query = query.where('kind', 'in', kinds);
  if (filter.categoryId) query = query.where('category_id', '=', filter.categoryId);
  if (filter.district !== null) query = query.where('district', '=', filter.district);
  return query
    .select(['kind', ...columns])
    .$if(monthly, (q) => q.select('period as sent_month').groupBy('period'))
    .select((eb) => eb.fn.sum<string | number>('n').as('n'))
    .groupBy(['kind', ...columns]);
}

/**
 * The partner roll-up of the given whole months (read as the fewest calendar periods that make them up), summed per
 * partner and category (the periods' histograms merged), narrowed by category, district and partner.
 */
export async function summarizePartnerMonths(
  db: Executor,
  filter: { categoryId: string | null; district: string | null; recipientId: string | null },
  months: readonly string[],
): Promise<PartnerSummary[]> {
  if (months.length === 0) return [];
  const summaries = new Map<string, PartnerSummary>();
  for (const row of await partnerMonthsQuery(db, filter, months).execute()) {
    const id = `${row.recipient_id}\u0000${row.category_id}`;
    let summary = summaries.get(id);
    if (!summary) {
      summary = emptyPartnerSummary(row.recipient_id, row.category_id);
      summaries.set(id, summary);
    }
    for (const column of PARTNER_COUNT_COLUMNS) summary[column] += Number(row[column]);
    if (row.answered) addHistogramTextTo(summary.hours, row.hours);
  }
  return [...summaries.values()];
}

/** The query of summarizePartnerMonths (also explained by the benchmark). */
export function partnerMonthsQuery(
  db: Executor,
  filter: { categoryId: string | null; district: string | null; recipientId: string | null },
  months: readonly string[],
) {
  let query = db
    .selectFrom('referral_fact_partner_period')
    .where('period', 'in', calendarPeriodsOf(months[0]!, months[months.length - 1]!))
    .select([
      'recipient_id',
      'category_id',
      'sent',
      'accepted',
      'declined',
      'cancelled',
      'completed',
      'failed',
      'answered',
      'hours',
    ]);
  if (filter.recipientId) query = query.where('recipient_id', '=', filter.recipientId);
  if (filter.categoryId) query = query.where('category_id', '=', filter.categoryId);
  if (filter.district !== null) query = query.where('district', '=', filter.district);
  return query;
}
