import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { factOf, isFactEvent } from './report-fact';
import {
  addFactsToRollups,
  addPartnerSummary,
  countRollupMonths,
  emptyPartnerSummary,
  monthsBetween,
  PARTNER_KIND_COLUMNS,
  partnerMonthsQuery,
  rollupCountQuery,
  summarizePartnerMonths,
  type PartnerSummary,
  type RollupDimension,
} from './report-rollup.queries';
import type { NewReferralFactRow, SearchCountTable } from './report.table';

/** The report's filter as the queries apply it: sending days from–to (inclusive) and optional narrowing. */
export interface FactFilter {
  from: string;
  to: string;
  officeId: string | null;
  recipientId: string | null;
  categoryId: string | null;
  district: string | null;
}

/** The columns a fact count can be grouped by. */
export type FactDimension =
  | 'recipient_id'
  | 'office_id'
  | 'category_id'
  | 'district'
  | 'sent_week'
  | 'sent_month'
  | 'reason_code'
  | 'outcome';

/** One group of facts: the kind, the grouping values, and how many facts. */
export interface FactCount {
  kind: string;
  keys: Partial<Record<FactDimension, string | null>>;
  n: number;
}

/** The root category of a term (the report groups by the top of the tree). */
async function rootCategoryOf(db: Executor, serviceId: string): Promise<string> {
  const first = await db
    .selectFrom('service_taxonomy')
    .select('term_id')
    .where('service_id', '=', serviceId)
    .orderBy('term_id')
    .limit(1)
    .executeTakeFirst();
  if (!first) return '';
  let current = first.term_id;
  for (let depth = 0; depth < 20; depth++) {
    const term = await db
      .selectFrom('taxonomy_term')
      .select('parent_id')
      .where('id', '=', current)
      .executeTakeFirst();
    if (!term?.parent_id) break;
    current = term.parent_id;
  }
  return current;
}

/** The district of a service's first location ('' if it has none). */
async function districtOf(db: Executor, serviceId: string): Promise<string> {
  const location = await db
    .selectFrom('service_at_location')
    .innerJoin('location', 'location.id', 'service_at_location.location_id')
    .select('location.district')
    .where('service_at_location.service_id', '=', serviceId)
    .orderBy('location.id')
    .limit(1)
    .executeTakeFirst();
  return location?.district ?? '';
}

/**
 * Writes the fact of one timeline entry, inside the caller's transaction (called where the entry is inserted).
 * Entries that are no status change (viewed, reminder, link sent) leave no fact.
 */
export async function recordReferralFact(
  db: Executor,
  event: {
    referral_id: string;
    at: string;
    kind: string;
    actor_kind: string;
    to_status?: string | null | undefined;
    reason?: string | null | undefined;
    outcome?: string | null | undefined;
  },
): Promise<void> {
  if (!isFactEvent(event)) return;
  const referral = await db
    .selectFrom('referral')
    .select(['sender_office_id', 'recipient_organization_id', 'service_id', 'sent_at', 'answered_at'])
    .where('id', '=', event.referral_id)
    .executeTakeFirst();
  if (!referral) return;
  const row = factOf({
    id: newId(),
    at: event.at,
    kind: event.kind,
    actorKind: event.actor_kind,
    toStatus: event.to_status ?? null,
    reason: event.reason ?? null,
    outcome: event.outcome ?? null,
    officeId: referral.sender_office_id,
    recipientId: referral.recipient_organization_id,
    serviceId: referral.service_id,
    sentAt: referral.sent_at,
    answeredAt: referral.answered_at,
    categoryId: await rootCategoryOf(db, referral.service_id),
    district: await districtOf(db, referral.service_id),
  });
  await db.insertInto('referral_fact').values(row).execute();
  await addFactsToRollups(db, [row]);
}

/**
 * Inserts fact rows in bulk (synthetic networks) and adds them to the roll-ups. `rollup: false` leaves the roll-ups
 * alone: the benchmark's bulk load rebuilds them once afterwards (`rebuildFactRollups`).
 */
export async function insertReferralFacts(
  db: Executor,
  rows: NewReferralFactRow[],
  options: { rollup?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('referral_fact').values(rows).execute();
  if (options.rollup ?? true) await addFactsToRollups(db, rows);
}

/**
 * The fact table's secondary indexes, as db/migrations/2026_12_02_0400_create_report_facts.ts creates them. Only the
 * benchmark drops them before a bulk load and builds them again afterwards: one sorted build is many times faster
 * than keeping three wide indexes up to date row by row (docs/performance.md).
 */
const COVERED_BY_SCOPE_INDEXES = [
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
const FACT_INDEXES: { name: string; columns: string[] }[] = [
  {
    name: 'referral_fact_sent_idx',
    columns: [
      'sent_on',
      'kind',
      'first_answer',
      'category_id',
      'district',
      'office_id',
      'recipient_id',
      'reason_code',
      'outcome',
      'hours_to_answer',
      'sent_week',
      'sent_month',
    ],
  },
  // Widened to cover the report's columns by db/migrations/2026_12_03_0110_widen_report_fact_indexes.ts.
  {
    name: 'referral_fact_office_idx',
    columns: ['office_id', 'sent_on', ...COVERED_BY_SCOPE_INDEXES, 'recipient_id'],
  },
  {
    name: 'referral_fact_recipient_idx',
    columns: ['recipient_id', 'sent_on', ...COVERED_BY_SCOPE_INDEXES, 'office_id'],
  },
  // db/migrations/2026_12_02_1000_create_report_rollup.ts
  {
    name: 'referral_fact_answer_idx',
    columns: [
      'first_answer',
      'sent_on',
      'hours_to_answer',
      'recipient_id',
      'category_id',
      'district',
      'office_id',
    ],
  },
];

/** Drops the fact table's secondary indexes (benchmark bulk load only; `createFactIndexes` builds them again). */
export async function dropFactIndexes(db: Executor): Promise<void> {
  for (const index of FACT_INDEXES) await db.schema.dropIndex(index.name).ifExists().execute();
}

/** Builds the fact table's secondary indexes after a bulk load. */
export async function createFactIndexes(db: Executor): Promise<void> {
  for (const index of FACT_INDEXES) {
    await db.schema
      .createIndex(index.name)
      .ifNotExists()
      .on('referral_fact')
      .columns(index.columns)
      .execute();
  }
}

/** Deletes every fact (the benchmark starts afresh; deleteAllRollups empties the roll-ups). */
export async function deleteAllReferralFacts(db: Executor): Promise<void> {
  await db.deleteFrom('referral_fact').execute();
}

/** How many facts there are. */
export async function countReferralFacts(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('referral_fact')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function factsIn(db: Executor, filter: FactFilter) {
  let query = db
    .selectFrom('referral_fact')
    .where('sent_on', '>=', filter.from)
    .where('sent_on', '<=', filter.to);
  if (filter.officeId) query = query.where('office_id', '=', filter.officeId);
  if (filter.recipientId) query = query.where('recipient_id', '=', filter.recipientId);
  if (filter.categoryId) query = query.where('category_id', '=', filter.categoryId);
  if (filter.district !== null) query = query.where('district', '=', filter.district);
  return query;
}

/** The dimensions the roll-ups hold. */
const ROLLUP_DIMENSIONS: readonly RollupDimension[] = [
  'category_id',
  'district',
  'reason_code',
  'outcome',
  'sent_week',
  'sent_month',
];

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The whole months (YYYY-MM, first and last) inside a period of days, and the days before and after them that
 * are not a whole month; null when no whole month lies inside.
 */
export function wholeMonthsOf(
  from: string,
  to: string,
): { first: string; last: string; head: [string, string] | null; tail: [string, string] | null } | null {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  const firstStart = fd === 1 ? Date.UTC(fy, fm - 1, 1) : Date.UTC(fy, fm, 1);
  const toEndOfMonth = Date.UTC(ty, tm, 0); // day 0 of the next month: the last day of `to`'s month
  const lastEnd = td === new Date(toEndOfMonth).getUTCDate() ? toEndOfMonth : Date.UTC(ty, tm - 1, 0);
  if (firstStart > lastEnd) return null;
  const first = dayOf(firstStart);
  const last = dayOf(lastEnd);
  return {
    first: first.slice(0, 7),
    last: last.slice(0, 7),
    head: from < first ? [from, dayOf(firstStart - 86_400_000)] : null,
    tail: to > last ? [dayOf(lastEnd + 86_400_000), to] : null,
  };
}

/** The period split into the whole months a roll-up answers and the edge days the facts answer. */
function splitPeriod(filter: FactFilter): { months: string[]; edges: FactFilter[] } {
  const whole = wholeMonthsOf(filter.from, filter.to);
  if (!whole) return { months: [], edges: [filter] };
  const edges = [whole.head, whole.tail]
    .filter((edge): edge is [string, string] => edge !== null)
    .map(([from, to]) => ({ ...filter, from, to }));
  return { months: monthsBetween(whole.first, whole.last), edges };
}

/**
 * Counts the facts of the filter by kind and the given columns. Network-wide counts (no office, no partner) by
 * the roll-ups' columns read whole months from a roll-up (countRollupMonths) and only the days at the edges of the
 * period from the facts; the figures are the same either way (tests/integration/report.test.ts). Office and
 * partner views read the facts through their covering indexes.
 */
export async function countFacts(
  db: Executor,
  filter: FactFilter,
  dimensions: readonly FactDimension[],
  only?: { kinds?: readonly string[] },
): Promise<FactCount[]> {
  if (
    filter.officeId !== null ||
    filter.recipientId !== null ||
    !dimensions.every((d) => (ROLLUP_DIMENSIONS as readonly string[]).includes(d))
  ) {
    return countFactRows(db, filter, dimensions, only);
  }
  const { months, edges } = splitPeriod(filter);
  const parts: FactCount[][] = await Promise.all([
    countRollupMonths(db, filter, months, dimensions as readonly RollupDimension[], only?.kinds),
    ...edges.map((edge) => countFactRows(db, edge, dimensions, only)),
  ]);
  if (parts.length === 1) return parts[0]!;
  const merged = new Map<string, FactCount>();
  for (const count of parts.flat()) {
    const id = JSON.stringify([count.kind, ...dimensions.map((d) => count.keys[d] ?? null)]);
    const existing = merged.get(id);
    if (existing) existing.n += count.n;
    else merged.set(id, { ...count, keys: { ...count.keys } });
  }
  return [...merged.values()];
}

/** Counts the facts themselves. */
async function countFactRows(
  db: Executor,
  filter: FactFilter,
  dimensions: readonly FactDimension[],
  only?: { kinds?: readonly string[] },
): Promise<FactCount[]> {
  let query = factsIn(db, filter)
    .select(['kind', ...dimensions])
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .groupBy(['kind', ...dimensions]);
  if (only?.kinds) query = query.where('kind', 'in', only.kinds);
  const rows = (await query.execute()) as unknown as Record<string, string | number | null>[];
  return rows.map((row) => {
    const keys: Partial<Record<FactDimension, string | null>> = {};
    for (const dimension of dimensions) keys[dimension] = (row[dimension] as string | null) ?? null;
    return { kind: String(row['kind']), keys, n: Number(row['n']) };
  });
}

/**
 * Per partner and category: referrals sent, accepted, declined, cancelled, completed, not completed, first answers
 * and the answers' exact histogram of whole hours. Without an office in the filter, whole months come from the
 * partner roll-up and the days at the edges from the facts; with an office, everything from the facts (the
 * roll-up has no office).
 */
export async function summarizePartners(db: Executor, filter: FactFilter): Promise<PartnerSummary[]> {
  const { months, edges } = filter.officeId === null ? splitPeriod(filter) : { months: [], edges: [filter] };
  const parts = await Promise.all([
    summarizePartnerMonths(db, filter, months),
    ...edges.map((edge) => summarizePartnerFacts(db, edge)),
  ]);
  if (parts.length === 1) return parts[0]!;
  const merged = new Map<string, PartnerSummary>();
  for (const summary of parts.flat()) {
    const id = `${summary.recipientId}\u0000${summary.categoryId}`;
    const existing = merged.get(id);
    if (existing) addPartnerSummary(existing, summary);
    else merged.set(id, summary);
  }
  return [...merged.values()];
}

/** `summarizePartners` from the facts themselves. */
async function summarizePartnerFacts(db: Executor, filter: FactFilter): Promise<PartnerSummary[]> {
  const [kinds, answers] = await Promise.all([
    factsIn(db, filter)
      .where('kind', 'in', Object.keys(PARTNER_KIND_COLUMNS))
      .select(['recipient_id', 'category_id', 'kind'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .groupBy(['recipient_id', 'category_id', 'kind'])
      .execute(),
    factsIn(db, filter)
      .where('first_answer', '=', 1)
      .select(['recipient_id', 'category_id', 'hours_to_answer'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      // Hours first: grouped by partner first, SQLite would walk the partner index over all time instead of the
      // period's range of the covering index (docs/performance.md).
      .groupBy(['hours_to_answer', 'recipient_id', 'category_id'])
      .execute(),
  ]);
  const summaries = new Map<string, PartnerSummary>();
  const summaryOf = (recipientId: string, categoryId: string) => {
    const id = `${recipientId}\u0000${categoryId}`;
    let summary = summaries.get(id);
    if (!summary) {
      summary = emptyPartnerSummary(recipientId, categoryId);
      summaries.set(id, summary);
    }
    return summary;
  };
  for (const row of kinds) {
    summaryOf(row.recipient_id, row.category_id)[
      PARTNER_KIND_COLUMNS[row.kind as keyof typeof PARTNER_KIND_COLUMNS]
    ] += Number(row.n);
  }
  for (const row of answers) {
    const summary = summaryOf(row.recipient_id, row.category_id);
    const hours = row.hours_to_answer ?? 0;
    summary.answered += Number(row.n);
    summary.hours[hours] = (summary.hours[hours] ?? 0) + Number(row.n);
  }
  return [...summaries.values()];
}

/** Rows per statement when counters are added (7 parameters each: far below either dialect's limit). */
const SEARCH_COUNT_CHUNK = 500;

/**
 * Adds searches to the days' counters of their folded query, filters and hit bucket (no user, session, address): one
 * upsert per chunk of keys, each row's `searches` added to what is stored. Keys must be distinct within a call.
 */
export async function addSearchCounts(db: Executor, rows: SearchCountTable[]): Promise<void> {
  for (let start = 0; start < rows.length; start += SEARCH_COUNT_CHUNK) {
    await db
      .insertInto('search_count')
      .values(rows.slice(start, start + SEARCH_COUNT_CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['day', 'query', 'category_id', 'district', 'filters', 'hits'])
          .doUpdateSet((eb) => ({ searches: eb('search_count.searches', '+', eb.ref('excluded.searches')) })),
      )
      .execute();
  }
}

/** Searches of a period by category, district and hit bucket. */
export async function countSearchesByPlace(
  db: Executor,
  from: string,
  to: string,
): Promise<{ categoryId: string; district: string; hits: string; searches: number }[]> {
  const rows = await db
    .selectFrom('search_count')
    .where('day', '>=', from)
    .where('day', '<=', to)
    .select(['category_id', 'district', 'hits'])
    .select((eb) => eb.fn.sum<string | number>('searches').as('searches'))
    .groupBy(['category_id', 'district', 'hits'])
    .execute();
  return rows.map((r) => ({
    categoryId: r.category_id,
    district: r.district,
    hits: r.hits,
    searches: Number(r.searches),
  }));
}

/** Query texts of a period that found few or no services, at least `minimum` times (rarer ones could identify). */
export async function listUnmetQueries(
  db: Executor,
  from: string,
  to: string,
  minimum: number,
  limit: number,
): Promise<{ query: string; searches: number; noHits: number }[]> {
  const rows = await db
    .selectFrom('search_count')
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('query', '!=', '')
    .select('query')
    .select((eb) => [
      eb.fn.sum<string | number>('searches').as('searches'),
      eb.fn
        .sum<string | number>(eb.case().when('hits', '=', '0').then(eb.ref('searches')).else(0).end())
        .as('no_hits'),
    ])
    .groupBy('query')
    .having((eb) => eb.fn.sum('searches'), '>=', minimum)
    .having(
      (eb) => eb.fn.sum(eb.case().when('hits', 'in', ['0', '1-4']).then(eb.ref('searches')).else(0).end()),
      '>',
      0,
    )
    .orderBy('no_hits', 'desc')
    .orderBy('query')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ query: r.query, searches: Number(r.searches), noHits: Number(r.no_hits) }));
}

/** Everything stored about searches (the privacy test reads it whole). */
export async function listSearchCounts(db: Executor): Promise<SearchCountTable[]> {
  return db.selectFrom('search_count').selectAll().orderBy('day').orderBy('query').execute();
}

/** Active services with their first category's id and first location's district (the matrix's supply side). */
export async function listActiveServicePlaces(
  db: Executor,
): Promise<{ serviceId: string; organizationId: string; termId: string | null; district: string | null }[]> {
  const rows = await db
    .selectFrom('service')
    .leftJoin('service_taxonomy', 'service_taxonomy.service_id', 'service.id')
    .leftJoin('service_at_location', 'service_at_location.service_id', 'service.id')
    .leftJoin('location', 'location.id', 'service_at_location.location_id')
    .where('service.status', '=', 'active')
    .where('service.archived_at', 'is', null)
    .select([
      'service.id as service_id',
      'service.organization_id as organization_id',
      'service_taxonomy.term_id as term_id',
      'location.id as location_id',
      'location.district as district',
    ])
    .orderBy('service.id')
    .orderBy('service_taxonomy.term_id')
    .orderBy('location.id')
    .execute();
  const seen = new Set<string>();
  const result = [];
  for (const row of rows) {
    if (seen.has(row.service_id)) continue;
    seen.add(row.service_id);
    result.push({
      serviceId: row.service_id,
      organizationId: row.organization_id,
      termId: row.term_id,
      district: row.district,
    });
  }
  return result;
}

/** The district of the directory location nearest to a point, within about 5 km; '' if none. */
export async function findNearestDistrict(db: Executor, lat: number, lon: number): Promise<string> {
  const box = 0.05;
  const row = await db
    .selectFrom('location')
    .select('district')
    .where('district', 'is not', null)
    .where('latitude', '>=', lat - box)
    .where('latitude', '<=', lat + box)
    .where('longitude', '>=', lon - box * 1.6)
    .where('longitude', '<=', lon + box * 1.6)
    .orderBy((eb) =>
      eb(
        eb(eb('latitude', '-', lat), '*', eb('latitude', '-', lat)),
        '+',
        eb(eb('longitude', '-', lon), '*', eb('longitude', '-', lon)),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return row?.district ?? '';
}

/** Directory health: services not confirmed since `before` and services with no free place, in a scope. */
export async function countDirectoryHealth(
  db: Executor,
  before: string,
  organizationId: string | null,
): Promise<{ active: number; unconfirmed: number; full: number }> {
  let query = db
    .selectFrom('service')
    .where('service.archived_at', 'is', null)
    .where('service.status', '=', 'active');
  if (organizationId) query = query.where('service.organization_id', '=', organizationId);
  const row = await query
    .select((eb) => [
      eb.fn.countAll<string | number>().as('active'),
      eb.fn
        .sum<string | number>(
          eb
            .case()
            .when(eb.or([eb('assured_date', 'is', null), eb('assured_date', '<', before)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('unconfirmed'),
      eb.fn.sum<string | number>(eb.case().when('free_places', '=', 0).then(1).else(0).end()).as('full'),
    ])
    .executeTakeFirstOrThrow();
  return {
    active: Number(row.active),
    unconfirmed: Number(row.unconfirmed ?? 0),
    full: Number(row.full ?? 0),
  };
}

/** Names of organizations by id (partners and offices the report names). */
export async function listOrganizationNames(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length === 0) continue;
    const rows = await db
      .selectFrom('organization')
      .select(['id', 'name'])
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}

/** Offices and partners for the filter selects. */
export async function listReportOrganizations(
  db: Executor,
  kind: 'jmd_office' | 'partner',
): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('organization')
    .select(['id', 'name'])
    .where('kind', '=', kind)
    .orderBy('name')
    .execute();
}

/** Districts the directory knows (for the filter select). */
export async function listDistricts(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('location')
    .select('district')
    .where('district', 'is not', null)
    .distinct()
    .orderBy('district')
    .execute();
  return rows.map((r) => r.district!).filter((d) => d !== '');
}

/**
 * Refreshes the planner's statistics after a bulk load. On PostgreSQL it also vacuums the fact table, so its
 * visibility map is current and the covering period index can be read without the table (index-only scan); in
 * operation autovacuum does that.
 */
export async function analyzeReportTables(db: Executor, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') {
    for (const table of [
      'referral_fact',
      'referral_fact_month',
      'referral_fact_place_period',
      'referral_fact_kind_period',
      'referral_fact_partner_period',
    ]) {
      await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
    }
  }
  await sql`ANALYZE`.execute(db);
}

/**
 * The query plans of the report's main queries for a filter (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN): the
 * place roll-up (totals and the gap matrix), the partner roll-up (answer times, network median), the facts of an
 * edge of the period, and the facts of one office through its index.
 */
export async function explainReportQueries(
  db: Executor,
  filter: FactFilter,
  dialect: 'sqlite' | 'postgres',
  officeId: string,
): Promise<Record<string, string[]>> {
  const { months } = splitPeriod(filter);
  const queries = {
    placeRollup: rollupCountQuery(db, filter, months, ['reason_code', 'outcome']).compile(),
    gapMatrix: rollupCountQuery(
      db,
      filter,
      months,
      ['category_id', 'district', 'reason_code', 'outcome'],
      ['decline', 'fail'],
    ).compile(),
    partnerRollup: partnerMonthsQuery(db, filter, months).compile(),
    edgeFacts: factsIn(db, { ...filter, from: filter.from, to: filter.from })
      .select(['kind', 'reason_code', 'outcome'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy(['kind', 'reason_code', 'outcome'])
      .compile(),
    officeFacts: factsIn(db, { ...filter, officeId })
      .select(['kind', 'reason_code', 'outcome'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy(['kind', 'reason_code', 'outcome'])
      .compile(),
    officeAnswers: factsIn(db, { ...filter, officeId })
      .where('first_answer', '=', 1)
      .select(['recipient_id', 'category_id', 'hours_to_answer'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy(['hours_to_answer', 'recipient_id', 'category_id'])
      .compile(),
  };
  const plans: Record<string, string[]> = {};
  for (const [name, compiled] of Object.entries(queries)) {
    const prefix = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
    const result = await db.executeQuery<Record<string, unknown>>({
      ...compiled,
      sql: prefix + compiled.sql,
    } as typeof compiled);
    plans[name] = result.rows.map((row) => String(row['detail'] ?? row['QUERY PLAN'] ?? JSON.stringify(row)));
  }
  return plans;
}
