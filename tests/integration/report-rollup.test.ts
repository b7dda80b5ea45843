import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';
import { seedSampleRegion } from '../../db/seed/seed';
import { insertSyntheticNetwork, syntheticFacts } from '../../db/seed/synthetic-report';
import { loadReport, type ReportData } from '../../src/lib/report/report.service';
import { medianOf, MIN_CELL, parseReportParams, percentileOf } from '../../src/lib/report/report';
import { insertReferralFacts, type FactFilter } from '../../src/lib/report/report.queries';
import { rebuildFactRollups } from '../../src/lib/report/report-rollup.queries';
import type { ReferralFactRow } from '../../src/lib/report/report.table';

// The network report reads whole months from roll-ups (referral_fact_place_period, referral_fact_partner_period,
// referral_fact_month) and only the days at a period's edges, offices and partners from the facts. On a synthetic
// network these tests compute every figure straight from the facts and ask the report for the same.

const NOW = new Date('2026-12-01T09:00:00.000Z');

/** A stored histogram ([hour, count, hour, count, …], hours ascending) as an object hour → count. */
function pairsToObject(pairs: number[]): Record<string, number> {
  const hours: Record<string, number> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    expect(i === 0 || pairs[i]! > pairs[i - 2]!).toBe(true);
    hours[String(pairs[i])] = pairs[i + 1]!;
  }
  return hours;
}

type Coordinator = { role: 'coordinator' | 'caseworker' | 'partner'; organizationId: string };

/** What the report must show, computed from the facts alone. */
function referenceOf(facts: readonly ReferralFactRow[], filter: FactFilter, grain: 'woche' | 'monat') {
  const matches = (f: ReferralFactRow, recipient: string | null) =>
    f.sent_on !== null &&
    f.sent_on >= filter.from &&
    f.sent_on <= filter.to &&
    (filter.officeId === null || f.office_id === filter.officeId) &&
    (recipient === null || f.recipient_id === recipient) &&
    (filter.categoryId === null || f.category_id === filter.categoryId) &&
    (filter.district === null || f.district === filter.district);
  const inScope = facts.filter((f) => matches(f, filter.recipientId));
  const count = (kind: string) => inScope.filter((f) => f.kind === kind).length;
  const answers = inScope.filter((f) => f.first_answer === 1);
  const timesBy = (keyOf: (f: ReferralFactRow) => string, rows: readonly ReferralFactRow[]) => {
    const groups = new Map<string, number[]>();
    for (const f of rows) groups.set(keyOf(f), [...(groups.get(keyOf(f)) ?? []), f.hours_to_answer ?? 0]);
    return new Map(
      [...groups].map(([key, hours]) => {
        const histogram = hours.map((h) => ({ hours: h, n: 1 }));
        return [
          key,
          { answered: hours.length, median: percentileOf(histogram, 0.5), p90: percentileOf(histogram, 0.9) },
        ];
      }),
    );
  };
  const capacity = new Map<string, number>();
  for (const f of inScope) {
    if (
      (f.kind === 'decline' || f.kind === 'fail') &&
      (f.reason_code === 'no_capacity' || f.outcome === 'no_capacity')
    ) {
      const key = `${f.category_id}|${f.district}`;
      capacity.set(key, (capacity.get(key) ?? 0) + 1);
    }
  }
  const trend = new Map<string, { sent: number; accepted: number; declined: number; completed: number }>();
  for (const f of inScope) {
    const field = { send: 'sent', accept: 'accepted', decline: 'declined', complete: 'completed' }[f.kind] as
      'sent' | 'accepted' | 'declined' | 'completed' | undefined;
    if (!field) continue;
    const key = (grain === 'woche' ? f.sent_week : f.sent_month)!;
    const point = trend.get(key) ?? { sent: 0, accepted: 0, declined: 0, completed: 0 };
    point[field] += 1;
    trend.set(key, point);
  }
  // The network beside a partner: every partner under the same filter without the partner.
  const network = facts.filter((f) => matches(f, null));
  const partners = new Map<string, ReferralFactRow[]>();
  for (const f of network) partners.set(f.recipient_id, [...(partners.get(f.recipient_id) ?? []), f]);
  const eligible = [...partners.values()].filter(
    (rows) => rows.filter((f) => f.kind === 'send').length >= MIN_CELL,
  );
  const of = (rows: ReferralFactRow[], ...kinds: string[]) =>
    rows.filter((f) => kinds.includes(f.kind)).length;
  const medians = eligible
    .map((rows) =>
      rows.filter((f) => f.first_answer === 1).map((f) => ({ hours: f.hours_to_answer ?? 0, n: 1 })),
    )
    .filter((histogram) => histogram.length > 0)
    .map((histogram) => percentileOf(histogram, 0.5)!);
  return {
    totals: {
      sent: count('send'),
      answered: answers.length,
      accepted: count('accept'),
      declined: count('decline'),
      completed: count('complete'),
      failed: count('fail'),
      cancelled: count('cancel'),
      overdue: count('overdue'),
      gotHelp: inScope.filter(
        (f) => f.kind === 'complete' && (f.outcome === 'got_help' || f.outcome === 'started'),
      ).length,
    },
    byPartner: timesBy((f) => f.recipient_id, answers),
    byCategory: timesBy((f) => f.category_id, answers),
    capacity,
    trend,
    comparison: {
      partners: eligible.length,
      acceptRate: medianOf(eligible.map((rows) => of(rows, 'accept') / of(rows, 'send'))),
      closedLoopRate: medianOf(
        eligible.map((rows) => of(rows, 'decline', 'cancel', 'complete', 'fail') / of(rows, 'send')),
      ),
      medianHours: medianOf(medians),
    },
  };
}

function expectReportMatches(report: ReportData, facts: readonly ReferralFactRow[]) {
  const reference = referenceOf(facts, report.filter, report.grain);
  expect(report.totals).toEqual(reference.totals);
  const times = (list: ReportData['byPartner']) =>
    new Map(list.map((a) => [a.key, { answered: a.answered, median: a.median, p90: a.p90 }]));
  expect(times(report.byPartner)).toEqual(reference.byPartner);
  expect(times(report.byCategory)).toEqual(reference.byCategory);
  const capacity = new Map<string, number>();
  for (const [category, row] of Object.entries(report.matrix.cells)) {
    for (const [district, cell] of Object.entries(row)) {
      if (cell.capacityDeclines > 0) capacity.set(`${category}|${district}`, cell.capacityDeclines);
    }
  }
  expect(capacity).toEqual(reference.capacity);
  expect(new Map(report.trend.map(({ key, ...point }) => [key, point]))).toEqual(reference.trend);
  if (report.scope.kind === 'partner') expect(report.comparison).toEqual(reference.comparison);
  else expect(report.comparison).toBeNull();
}

describe.each(testDialects)('report roll-ups on $name', (dialect) => {
  let test: TestDb;
  let facts: ReferralFactRow[];
  let network: Awaited<ReturnType<typeof insertSyntheticNetwork>>;

  beforeAll(async () => {
    test = await createTestDb(dialect);
    await seedSampleRegion(test.db);
    network = await insertSyntheticNetwork(test.db, { offices: 3, partners: 12, districts: 4, now: NOW });
    // Facts written in many small batches with the roll-ups in step, as the app writes them one transition at a
    // time: most batches add to roll-up rows (and histograms) that earlier batches created.
    for (const rows of syntheticFacts(
      { referrals: 2500, from: '2025-01-01', to: '2026-11-30', seed: 3, ...network },
      50,
    )) {
      await test.db.transaction().execute(async (trx) => insertReferralFacts(trx, rows));
    }
    facts = await test.db.selectFrom('referral_fact').selectAll().execute();
  }, 300_000);
  afterAll(async () => test?.drop());

  it('holds in the partner roll-up exactly the answers and their hours of each partner and month', async () => {
    const expected = new Map<string, { answered: number; hours: Record<string, number>; sent: number }>();
    for (const f of facts) {
      if (!f.sent_on || !f.sent_month) continue;
      // Each fact counts in its month, quarter and year.
      const quarter = `${f.sent_month.slice(0, 4)}-Q${Math.ceil(Number(f.sent_month.slice(5, 7)) / 3)}`;
      for (const period of [f.sent_month, quarter, f.sent_month.slice(0, 4)]) {
        const key = JSON.stringify([period, f.recipient_id, f.category_id, f.district]);
        const row = expected.get(key) ?? { answered: 0, hours: {}, sent: 0 };
        if (f.kind === 'send') row.sent += 1;
        if (f.first_answer === 1) {
          row.answered += 1;
          row.hours[String(f.hours_to_answer)] = (row.hours[String(f.hours_to_answer)] ?? 0) + 1;
        }
        expected.set(key, row);
      }
    }
    const rows = await test.db.selectFrom('referral_fact_partner_period').selectAll().execute();
    const actual = new Map(
      rows.map((r) => [
        JSON.stringify([r.period, r.recipient_id, r.category_id, r.district]),
        {
          answered: Number(r.answered),
          hours: pairsToObject(JSON.parse(r.hours) as number[]),
          sent: Number(r.sent),
        },
      ]),
    );
    // Every synthetic referral is sent, so every partner and period with facts has a row.
    expect([...actual.keys()].some((key) => key.includes('-Q'))).toBe(true);
    expect(actual).toEqual(expected);
  });

  it('shows the same figures as the facts for every scope, period and filter', async () => {
    const office = network.officeIds[0]!;
    const partner = network.targets[0]!;
    const coordinator: Coordinator = { role: 'coordinator', organizationId: office };
    const cases: [Coordinator, Record<string, string>][] = [
      [coordinator, { zeitraum: 'jahr', jahr: '2025' }],
      [coordinator, { zeitraum: 'frei', von: '2025-01-01', bis: '2026-11-30' }],
      // Broken months at both ends: whole months from the roll-ups, the edges from the facts.
      [coordinator, { zeitraum: 'frei', von: '2025-02-17', bis: '2026-04-09' }],
      [coordinator, { zeitraum: 'frei', von: '2025-03-03', bis: '2025-03-20' }],
      [coordinator, { zeitraum: 'quartal', jahr: '2026', quartal: '2' }],
      [coordinator, { zeitraum: 'monat', jahr: '2026', monat: '3', kategorie: partner.categoryId }],
      [coordinator, { zeitraum: 'jahr', jahr: '2025', bezirk: partner.district }],
      [coordinator, { zeitraum: 'jahr', jahr: '2025', stelle: office }],
      [coordinator, { zeitraum: 'jahr', jahr: '2025', partner: partner.organizationId }],
      [coordinator, { zeitraum: 'jahr', jahr: '2025', raster: 'woche', kategorie: partner.categoryId }],
      [
        { role: 'caseworker', organizationId: office },
        { zeitraum: 'jahr', jahr: '2025' },
      ],
      [
        { role: 'partner', organizationId: partner.organizationId },
        { zeitraum: 'jahr', jahr: '2025' },
      ],
      [
        { role: 'partner', organizationId: partner.organizationId },
        { zeitraum: 'frei', von: '2025-02-17', bis: '2026-04-09', bezirk: partner.district },
      ],
    ];
    for (const [user, query] of cases) {
      const { params, errors } = parseReportParams(new URLSearchParams(query));
      expect(errors).toEqual({});
      const report = (await loadReport(test.db, user, params, NOW))!;
      expect(report.totals.sent, JSON.stringify(query)).toBeGreaterThan(0);
      expectReportMatches(report, facts);
    }
  });

  it('keeps every roll-up equal to a rebuild from the facts, written with each batch of facts (runs last: it rebuilds)', async () => {
    const snapshot = async () => ({
      week: await test.db
        .selectFrom('referral_fact_month')
        .selectAll()
        .orderBy('sent_month')
        .orderBy('sent_week')
        .orderBy('category_id')
        .orderBy('district')
        .orderBy('kind')
        .orderBy('reason_code')
        .orderBy('outcome')
        .execute(),
      place: await test.db
        .selectFrom('referral_fact_place_period')
        .selectAll()
        .orderBy('period')
        .orderBy('kind')
        .orderBy('category_id')
        .orderBy('district')
        .orderBy('reason_code')
        .orderBy('outcome')
        .execute(),
      kind: await test.db
        .selectFrom('referral_fact_kind_period')
        .selectAll()
        .orderBy('period')
        .orderBy('kind')
        .orderBy('reason_code')
        .orderBy('outcome')
        .execute(),
      partner: await test.db
        .selectFrom('referral_fact_partner_period')
        .selectAll()
        .orderBy('period')
        .orderBy('recipient_id')
        .orderBy('category_id')
        .orderBy('district')
        .execute(),
    });
    const written = await snapshot();
    expect(written.partner.length).toBeGreaterThan(100);
    await rebuildFactRollups(test.db);
    expect(await snapshot()).toEqual(written);
  });
});
