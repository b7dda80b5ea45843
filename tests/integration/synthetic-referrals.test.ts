import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestUser } from '../helpers/factories';
import { seedSampleRegion } from '../../db/seed/seed';
import {
  insertSyntheticReferrals,
  SYNTHETIC_REFERRAL_KINDS,
  type SyntheticReferralSummary,
} from '../../db/seed/synthetic-referrals';
import { todayInGermany } from '../../src/lib/time/time';
import { countReferralGroups } from '../../src/lib/referrals/referral.queries';
import { REFERRAL_STATUSES } from '../../src/lib/referrals/referral';

// Tuesday, 1 December 2026, 10:00 in Lübeck.
const NOW = new Date('2026-12-01T09:00:00.000Z');
const COUNT = 200;

describe.each(testDialects)('synthetic referrals on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let officeId: string;
  let caseworkerId: string;
  let colleagueId: string;
  let summary: SyntheticReferralSummary;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    test = await createTestDb(dialect);
    await seedSampleRegion(test.db);
    const caseworker = await test.db
      .selectFrom('app_user')
      .select(['id', 'organization_id'])
      .where('email', '=', 'fachkraft@partnernetz.example')
      .executeTakeFirstOrThrow();
    caseworkerId = caseworker.id;
    officeId = caseworker.organization_id;
    colleagueId = (await createTestUser(test.db, { organizationId: officeId, password: null })).id;
    summary = await insertSyntheticReferrals(test.db, {
      officeId,
      caseworkerId,
      colleagueIds: [colleagueId],
      count: COUNT,
      now: NOW,
      batchSize: 60,
      onProgress: (done, total) => progress.push([done, total]),
    });
  });
  afterAll(async () => test?.drop());

  const count = async (query: { execute: () => Promise<{ n: number | string | bigint }[]> }) =>
    Number((await query.execute())[0]!.n);

  it('inserts as many cases as referrals in batches and reports its progress to the end', async () => {
    const db = test.db;
    expect(summary.referrals).toBe(COUNT);
    expect(summary.cases).toBe(COUNT);
    expect(await count(db.selectFrom('referral').select((eb) => eb.fn.countAll().as('n')))).toBe(COUNT);
    expect(
      await count(
        db
          .selectFrom('case_file')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('office_id', '=', officeId),
      ),
    ).toBe(COUNT);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    // Some cases have several referrals, some none yet.
    const perCase = await db
      .selectFrom('case_file')
      .leftJoin('referral', 'referral.case_id', 'case_file.id')
      .select(['case_file.id', (eb) => eb.fn.count('referral.id').as('n')])
      .groupBy('case_file.id')
      .execute();
    expect(perCase.some((row) => Number(row.n) === 0)).toBe(true);
    expect(perCase.some((row) => Number(row.n) > 1)).toBe(true);
  });

  it('spreads the referrals over the statuses about as planned, with overdue and waiting ones', async () => {
    const rows = await test.db
      .selectFrom('referral')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
    expect(byStatus).toEqual(summary.byStatus);
    for (const status of new Set(SYNTHETIC_REFERRAL_KINDS.map((kind) => kind.status))) {
      const share = SYNTHETIC_REFERRAL_KINDS.filter((kind) => kind.status === status).reduce(
        (sum, kind) => sum + kind.share,
        0,
      );
      const expected = share * COUNT;
      // Generous bounds (about four standard deviations): plausible, not a replay of the random stream.
      expect(byStatus[status] ?? 0, status).toBeGreaterThanOrEqual(
        Math.max(1, expected - 4 * Math.sqrt(expected)),
      );
      expect(byStatus[status] ?? 0, status).toBeLessThanOrEqual(expected + 4 * Math.sqrt(expected) + 1);
    }
    expect(
      Object.keys(byStatus).every((status) => (REFERRAL_STATUSES as readonly string[]).includes(status)),
    ).toBe(true);
    const groups = await countReferralGroups(test.db, { kind: 'office', officeId }, todayInGermany(NOW));
    expect(groups.overdue).toBeGreaterThan(0);
    expect(groups.waiting).toBeGreaterThan(0);
    expect(Object.values(groups).reduce((a, b) => a + b, 0)).toBe(COUNT);
    const own = await count(
      test.db
        .selectFrom('referral')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('sender_user_id', '=', caseworkerId),
    );
    expect(own).toBeGreaterThan(COUNT * 0.65);
    expect(own).toBeLessThan(COUNT);
  });

  it('points every foreign key at a matching row', async () => {
    const db = test.db;
    const orphans = await db
      .selectFrom('referral')
      .leftJoin('case_file', 'case_file.id', 'referral.case_id')
      .leftJoin('service', 'service.id', 'referral.service_id')
      .leftJoin('organization as recipient', 'recipient.id', 'referral.recipient_organization_id')
      .leftJoin('app_user as sender', 'sender.id', 'referral.sender_user_id')
      .select([
        'referral.id',
        'case_file.office_id as case_office',
        'case_file.owner_user_id as case_owner',
        'service.organization_id as service_organization',
        'recipient.kind as recipient_kind',
        'recipient.is_sample as recipient_is_sample',
        'sender.organization_id as sender_organization',
        'referral.sender_user_id',
        'referral.recipient_organization_id',
      ])
      .execute();
    for (const row of orphans) {
      expect(row.case_office).toBe(officeId);
      expect(row.case_owner).toBe(row.sender_user_id);
      expect(row.service_organization).toBe(row.recipient_organization_id);
      expect(row.recipient_kind).toBe('partner');
      expect(Number(row.recipient_is_sample)).toBe(1);
      expect(row.sender_organization).toBe(officeId);
    }
    const consents = await db
      .selectFrom('referral')
      .innerJoin('consent', 'consent.id', 'referral.consent_id')
      .select([
        'referral.case_id',
        'referral.recipient_organization_id',
        'referral.shared_categories',
        'referral.sent_at',
        'consent.case_id as consent_case',
        'consent.recipient_organization_id as consent_recipient',
        'consent.categories',
        'consent.given_on',
        'consent.valid_until',
      ])
      .execute();
    expect(consents.length).toBeGreaterThan(0);
    for (const row of consents) {
      expect(row.consent_case).toBe(row.case_id);
      expect(row.consent_recipient).toBe(row.recipient_organization_id);
      expect(row.shared_categories.split(',').every((c) => row.categories.split(',').includes(c))).toBe(true);
      expect(row.given_on <= todayInGermany(new Date(row.sent_at!))).toBe(true);
      expect(row.valid_until > row.given_on).toBe(true);
    }
    const anonymousWithData = await count(
      db
        .selectFrom('referral')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('consent_id', 'is', null)
        .where('shared_categories', '!=', ''),
    );
    expect(anonymousWithData).toBe(0);
    const eventOrphans = await count(
      db
        .selectFrom('referral_event')
        .leftJoin('referral', 'referral.id', 'referral_event.referral_id')
        .leftJoin('app_user', 'app_user.id', 'referral_event.actor_user_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where((eb) =>
          eb.or([
            eb('referral.id', 'is', null),
            eb.and([eb('referral_event.actor_user_id', 'is not', null), eb('app_user.id', 'is', null)]),
          ]),
        ),
    );
    expect(eventOrphans).toBe(0);
  });

  it('gives every case a unique code and every referral a unique submission key', async () => {
    const db = test.db;
    const codes = await db.selectFrom('case_file').select('code').execute();
    expect(new Set(codes.map((row) => row.code)).size).toBe(codes.length);
    expect(codes.every((row) => /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/.test(row.code))).toBe(true);
    const keys = await db.selectFrom('referral').select('submission_key').execute();
    expect(new Set(keys.map((row) => row.submission_key)).size).toBe(COUNT);
  });

  it('writes a timeline that matches each referral: created, sent, the partner answer, the final status', async () => {
    const db = test.db;
    const referrals = await db.selectFrom('referral').selectAll().execute();
    const events = await db.selectFrom('referral_event').selectAll().orderBy('at').orderBy('id').execute();
    expect(summary.events).toBe(events.length);
    const byReferral = new Map<string, typeof events>();
    for (const event of events)
      byReferral.set(event.referral_id, [...(byReferral.get(event.referral_id) ?? []), event]);
    const now = NOW.toISOString();
    for (const referral of referrals) {
      const timeline = byReferral.get(referral.id) ?? [];
      const kinds = timeline.map((event) => event.kind);
      expect(kinds[0]).toBe('created');
      expect(kinds.includes('send')).toBe(referral.status !== 'draft');
      expect(referral.sent_at === null).toBe(referral.status === 'draft');
      const lastChange = timeline.filter((event) => event.to_status !== null).at(-1)!;
      expect(lastChange.to_status).toBe(referral.status);
      expect(timeline.every((event) => event.at >= referral.created_at && event.at < now)).toBe(true);
      if (referral.answered_at !== null) {
        expect(
          timeline.some(
            (event) =>
              event.at === referral.answered_at &&
              (event.actor_kind === 'partner' || event.actor_kind === 'partner_link'),
          ),
        ).toBe(true);
      }
      if (
        ['accepted', 'in_progress', 'on_hold', 'completed', 'failed', 'declined'].includes(referral.status)
      ) {
        expect(referral.answered_at).not.toBeNull();
      }
      if (referral.status === 'sent' && referral.response_due_on < todayInGermany(NOW)) {
        expect(kinds).toContain('reminder');
        expect(Number(referral.reminder_count)).toBeGreaterThan(0);
      }
    }
    // Created over two years: the oldest more than a year ago, none older than two years and a few days.
    const created = referrals.map((referral) => referral.created_at).sort();
    const daysAgo = (iso: string) => (NOW.getTime() - Date.parse(iso)) / 86_400_000;
    expect(daysAgo(created[0]!)).toBeGreaterThan(365);
    expect(daysAgo(created[0]!)).toBeLessThan(731 + 14);
    const answers = await db
      .selectFrom('referral_event')
      .select(sql<number>`count(*)`.as('n'))
      .where('actor_kind', 'in', ['partner', 'partner_link'])
      .where('kind', '!=', 'viewed')
      .executeTakeFirstOrThrow();
    expect(Number(answers.n)).toBeGreaterThan(COUNT / 2);
  });
});
