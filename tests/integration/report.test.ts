import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';
import { seedSampleRegion } from '../../db/seed/seed';
import { seedSampleReferrals } from '../../db/seed/sample-referrals';
import { insertSyntheticReferrals } from '../../db/seed/synthetic-referrals';
import { createMigrator } from '../../src/lib/db/migrator';
import { loadConfig } from '../../src/lib/config/config';
import { loadReport, type ReportData } from '../../src/lib/report/report.service';
import { buildReportView } from '../../src/lib/report/report.view';
import { parseReportParams, percentileOf } from '../../src/lib/report/report';
import { listSearchCounts } from '../../src/lib/report/report.queries';
import { flushSearchDemand } from '../../src/lib/report/search-demand';
import { getSearchEngine } from '../../src/lib/search/engine';
import { todayInGermany } from '../../src/lib/time/time';

// Tuesday, 1 December 2026, 10:00 in Lübeck.
const NOW = new Date('2026-12-01T09:00:00.000Z');
const ALL_TIME = new URLSearchParams({ zeitraum: 'frei', von: '2020-01-01', bis: '2026-12-31' });

type Reference = {
  sent: number;
  answered: number;
  accepted: number;
  declined: number;
  completed: number;
  failed: number;
  cancelled: number;
  overdue: number;
  gotHelp: number;
  medianByPartner: Map<string, number | null>;
};

/** The report's figures computed straight from referrals and their timelines (what the facts must reproduce). */
async function referenceOf(test: TestDb): Promise<Reference> {
  const referrals = await test.db
    .selectFrom('referral')
    .select(['id', 'recipient_organization_id', 'sent_at', 'answered_at'])
    .execute();
  const events = await test.db
    .selectFrom('referral_event')
    .select(['referral_id', 'kind', 'outcome'])
    .execute();
  const sentIds = new Set(referrals.filter((r) => r.sent_at !== null).map((r) => r.id));
  const countKind = (kind: string) =>
    events.filter((e) => e.kind === kind && sentIds.has(e.referral_id)).length;
  const hours = new Map<string, { hours: number; n: number }[]>();
  let answered = 0;
  for (const r of referrals) {
    if (!r.sent_at || !r.answered_at) continue;
    answered++;
    const list = hours.get(r.recipient_organization_id) ?? [];
    list.push({ hours: Math.ceil((Date.parse(r.answered_at) - Date.parse(r.sent_at)) / 3_600_000), n: 1 });
    hours.set(r.recipient_organization_id, list);
  }
  return {
    sent: sentIds.size,
    answered,
    accepted: countKind('accept'),
    declined: countKind('decline'),
    completed: countKind('complete'),
    failed: countKind('fail'),
    cancelled: countKind('cancel'),
    overdue: countKind('overdue'),
    gotHelp: events.filter(
      (e) => e.kind === 'complete' && (e.outcome === 'got_help' || e.outcome === 'started'),
    ).length,
    medianByPartner: new Map([...hours].map(([id, h]) => [id, percentileOf(h, 0.5)])),
  };
}

async function userOf(test: TestDb, email: string) {
  const row = await test.db
    .selectFrom('app_user')
    .select(['id', 'role', 'organization_id'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return { id: row.id, role: row.role as 'coordinator', organizationId: row.organization_id };
}

async function reportAs(test: TestDb, email: string, search = ALL_TIME): Promise<ReportData> {
  const { params, errors } = parseReportParams(search);
  const report = await loadReport(test.db, await userOf(test, email), params, NOW, errors);
  if (!report) throw new Error(`no report for ${email}`);
  return report;
}

function expectMatches(report: ReportData, reference: Reference) {
  const { totals } = report;
  expect(totals).toEqual({
    sent: reference.sent,
    answered: reference.answered,
    accepted: reference.accepted,
    declined: reference.declined,
    completed: reference.completed,
    failed: reference.failed,
    cancelled: reference.cancelled,
    overdue: reference.overdue,
    gotHelp: reference.gotHelp,
  });
  for (const partner of report.byPartner) {
    expect(partner.median).toBe(reference.medianByPartner.get(partner.key));
  }
  expect(report.byPartner.length).toBe(reference.medianByPartner.size);
}

describe.each(testDialects)('network report on $name', (dialect) => {
  let test: TestDb;
  let officeId: string;
  let sampleEventKinds: string[];

  beforeAll(async () => {
    test = await createTestDb(dialect);
    await seedSampleRegion(test.db);
    await seedSampleReferrals(test.db, 'http://localhost:4321', NOW);
    sampleEventKinds = (await test.db.selectFrom('referral_event').select(['kind', 'to_status']).execute())
      .filter((e) => e.to_status !== null || e.kind === 'overdue')
      .map((e) => e.kind)
      .sort();
    const caseworker = await userOf(test, 'fachkraft@partnernetz.example');
    officeId = caseworker.organizationId;
    await insertSyntheticReferrals(test.db, {
      officeId,
      caseworkerId: caseworker.id,
      count: 300,
      now: NOW,
      seed: 7,
    });
  }, 120_000);
  afterAll(async () => test?.drop());

  it('writes a fact with every transition made through the app', async () => {
    // The sample referrals went through createReferral/transitionReferral; the synthetic ones were inserted raw.
    const facts = await test.db.selectFrom('referral_fact').selectAll().execute();
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.map((f) => f.kind).sort()).toEqual(sampleEventKinds);
    // No column of a fact can hold free text or point to a person, a case or a referral.
    expect(Object.keys(facts[0]!).sort()).toEqual(
      [
        'category_id',
        'day',
        'district',
        'first_answer',
        'hours_to_answer',
        'id',
        'kind',
        'office_id',
        'outcome',
        'reason_code',
        'recipient_id',
        'sent_month',
        'sent_on',
        'sent_week',
        'service_id',
        'to_status',
      ].sort(),
    );
  });

  it('keeps the monthly roll-up equal to the facts, written with each fact', async () => {
    const facts = await test.db.selectFrom('referral_fact').selectAll().execute();
    const expected = new Map<string, number>();
    for (const f of facts) {
      if (!f.sent_on) continue;
      const key = [
        f.sent_month,
        f.sent_week,
        f.category_id,
        f.district,
        f.kind,
        f.reason_code ?? '',
        f.outcome ?? '',
      ];
      expected.set(JSON.stringify(key), (expected.get(JSON.stringify(key)) ?? 0) + 1);
    }
    const rollup = await test.db.selectFrom('referral_fact_month').selectAll().execute();
    const actual = new Map(
      rollup.map((r) => [
        JSON.stringify([
          r.sent_month,
          r.sent_week,
          r.category_id,
          r.district,
          r.kind,
          r.reason_code,
          r.outcome,
        ]),
        Number(r.n),
      ]),
    );
    expect(expected.size).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('backfills facts from existing referrals that match a reference computed from the referrals', async () => {
    // Down to before the facts (2026_12_02_0400; migrations run in name order, so the later ones go too) and up
    // again: the facts are backfilled from the referrals and the roll-up (2026_12_02_1000) built from the facts.
    const migrator = createMigrator(test.db);
    const down = await migrator.migrateTo('2026_12_02_0310_add_minutes_search');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toContain('2026_12_02_0400_create_report_facts');
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect((await test.db.selectFrom('referral_fact_month').select('n').execute()).length).toBeGreaterThan(0);
    expectMatches(await reportAs(test, 'koordination@partnernetz.example'), await referenceOf(test));
  });

  it('counts a period with broken months from the roll-up and the facts at its edges alike', async () => {
    // Whole months from the roll-up, the days before and after them from the facts: the sum must be the facts'.
    const search = new URLSearchParams({ zeitraum: 'frei', von: '2026-03-17', bis: '2026-10-09' });
    const report = await reportAs(test, 'koordination@partnernetz.example', search);
    const facts = await test.db
      .selectFrom('referral_fact')
      .select(['kind'])
      .where('sent_on', '>=', '2026-03-17')
      .where('sent_on', '<=', '2026-10-09')
      .execute();
    const count = (kind: string) => facts.filter((f) => f.kind === kind).length;
    expect(count('send')).toBeGreaterThan(5);
    expect(report.totals.sent).toBe(count('send'));
    expect(report.totals.declined).toBe(count('decline'));
    expect(report.totals.completed).toBe(count('complete'));
    expect(report.totals.overdue).toBe(count('overdue'));
  });

  it('leaves the report unchanged when the cases and referrals are deleted', async () => {
    const coordinatorBefore = await reportAs(test, 'koordination@partnernetz.example');
    const officeBefore = await reportAs(test, 'fachkraft@partnernetz.example');
    expect(coordinatorBefore.totals.sent).toBeGreaterThan(100);
    await test.db.deleteFrom('referral_link').execute();
    await test.db.deleteFrom('referral_event').execute();
    await test.db.deleteFrom('referral').execute();
    await test.db.deleteFrom('consent').execute();
    await test.db.deleteFrom('case_file').execute();
    expect((await test.db.selectFrom('referral').select('id').execute()).length).toBe(0);
    expect(await reportAs(test, 'koordination@partnernetz.example')).toEqual(coordinatorBefore);
    expect(await reportAs(test, 'fachkraft@partnernetz.example')).toEqual(officeBefore);
  });

  it('shows no count under five anywhere in the view (hidden as "< 5", or as "x" beside one)', async () => {
    for (const email of ['koordination@partnernetz.example', 'partner@partnernetz.example']) {
      const view = buildReportView(await reportAs(test, email));
      for (const table of view.tables) {
        for (const row of table.rows) {
          row.forEach((cell, index) => {
            if (table.countColumns.includes(index)) {
              const hidden = cell === '< 5' || cell === 'x';
              expect(hidden || Number(cell.replace(/\./g, '')) >= 5, `${table.id}: ${cell}`).toBe(true);
            }
          });
        }
      }
    }
  });

  it('never leaves a single hidden count in a group whose total is shown (trend columns, reasons of a status)', async () => {
    const report = await reportAs(test, 'koordination@partnernetz.example');
    // A period where one month and one reason are small: 3 would be the total minus the others.
    report.trend = [
      { ...report.trend[0]!, key: '2026-01', sent: 20, accepted: 9, declined: 6, completed: 5 },
      { ...report.trend[0]!, key: '2026-02', sent: 3, accepted: 8, declined: 7, completed: 6 },
      { ...report.trend[0]!, key: '2026-03', sent: 17, accepted: 10, declined: 2, completed: 7 },
    ];
    report.reasons = [
      { ...report.reasons[0]!, status: 'declined', n: 12 },
      { ...report.reasons[0]!, status: 'declined', n: 3 },
      { ...report.reasons[0]!, status: 'declined', n: 9 },
    ];
    const view = buildReportView(report);
    const groups: string[][] = [];
    const trend = view.tables.find((t) => t.id === 'verlauf')!;
    for (const column of [1, 2, 3, 4]) groups.push(trend.rows.map((row) => row[column]!));
    const reasons = view.tables.find((t) => t.id === 'gruende')!;
    groups.push(reasons.rows.map((row) => row[2]!));
    expect(groups[0]).toEqual(['20', '< 5', 'x']);
    expect(groups[4]).toEqual(['12', '< 5', 'x']);
    for (const group of groups) {
      const small = group.filter((cell) => cell === '< 5').length;
      const shown = group.filter((cell) => cell !== '< 5' && cell !== 'x').length;
      // One "< 5" beside only shown numbers would be the total minus them.
      expect(small === 1 && shown === group.length - 1, group.join(' | ')).toBe(false);
    }
    // The chart leaves a gap where the table says "x" (charts never show more than tables).
    const chart = view.charts.find((c) => c.id === 'verlauf')!;
    expect(chart.series[0]!.data.map((d) => d.value === null)).toEqual([false, true, true]);
  });

  it("never names another partner in a partner's report", async () => {
    const partner = await userOf(test, 'partner@partnernetz.example');
    const others = await test.db
      .selectFrom('organization')
      .select(['id', 'name'])
      .where('kind', '=', 'partner')
      .where('id', '!=', partner.organizationId)
      .execute();
    const report = await reportAs(test, 'partner@partnernetz.example');
    const text = JSON.stringify(buildReportView(report)) + JSON.stringify(report);
    for (const other of others) {
      expect(text).not.toContain(other.name);
      expect(text).not.toContain(other.id);
    }
    expect(report.byPartner.every((p) => p.key === partner.organizationId)).toBe(true);
  });

  it('says so in German when the category filter names no category, and shows all categories', async () => {
    const search = new URLSearchParams({ ...Object.fromEntries(ALL_TIME), kategorie: 'gibt-es-nicht' });
    const { params, errors } = parseReportParams(search);
    const report = await loadReport(
      test.db,
      await userOf(test, 'koordination@partnernetz.example'),
      params,
      NOW,
      errors,
    );
    expect(errors['kategorie']).toMatch(/Kategorie: diese Kategorie gibt es nicht/);
    expect(report!.filter.categoryId).toBeNull();
    expect(report!.totals).toEqual((await reportAs(test, 'koordination@partnernetz.example')).totals);
  });

  it('caseworkers see only their own office; a stranger gets nothing', async () => {
    const office = await reportAs(
      test,
      'fachkraft@partnernetz.example',
      new URLSearchParams({ stelle: 'x' }),
    );
    expect(office.filter.officeId).toBe(officeId);
    expect(
      await loadReport(
        test.db,
        { role: 'admin', organizationId: officeId },
        parseReportParams(ALL_TIME).params,
        NOW,
      ),
    ).toBeNull();
  });

  it('counts searches without user, session or address, folded, and hides rare query texts', async () => {
    const config = loadConfig({ DATABASE_URL: test.url });
    // The app's engine counts by itself (getSearchEngine wraps it in countingEngine).
    const engine = await getSearchEngine({ db: test.db, config });
    for (let i = 0; i < 5; i++) await engine.search({ q: 'Ärztin Übersetzung', facets: true, now: NOW });
    await engine.search({ q: 'Seltene Frage von Frau Müller', facets: true, now: NOW });
    await engine.search({ q: 'nur seite zwei', facets: true, now: NOW, page: 2 });
    await engine.search({
      q: 'Kurs',
      facets: true,
      now: NOW,
      near: { lat: 53.8655, lon: 10.6866, radiusKm: 5 },
    });
    // Each process writes its counts in batches (decision 0028).
    await flushSearchDemand(test.db);
    const rows = await listSearchCounts(test.db);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['category_id', 'day', 'district', 'filters', 'hits', 'query', 'searches'].sort(),
    );
    const folded = rows.find((r) => r.query === 'arztin ubersetzung');
    expect(folded?.searches).toBe(5);
    expect(folded?.day).toBe(todayInGermany(NOW));
    expect(rows.some((r) => r.query.includes('zwei'))).toBe(false);
    const near = rows.find((r) => r.query === 'kurs')!;
    expect(JSON.stringify(near)).not.toMatch(/53\.8|10\.6/);
    const report = await reportAs(test, 'koordination@partnernetz.example');
    const shown = report.unmetQueries!.map((q) => q.query);
    expect(shown.join()).not.toContain('muller');
  });
});
