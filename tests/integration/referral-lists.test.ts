import { todayInGermany } from '../../src/lib/time/time';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestUser } from '../helpers/factories';
import { seedSampleRegion } from '../../db/seed/seed';
import { insertSyntheticReferrals } from '../../db/seed/synthetic-referrals';
import { CaseIdentitySchema } from '../../src/lib/cases/case';
import { createCase } from '../../src/lib/cases/case.service';
import type { ActionContext } from '../../src/lib/action/context';
import type { Actor } from '../../src/lib/auth/policy';
import { loadConfig } from '../../src/lib/config/config';
import { findUserById } from '../../src/lib/auth/auth.queries';
import { newId } from '../../src/lib/db/ids';
import { insertReferralMessage, markThreadSeen } from '../../src/lib/referrals/referral-message.queries';
import { ReferralFormSchema } from '../../src/lib/referrals/referral';
import {
  createReferral,
  proposeAppointment,
  transitionReferral,
} from '../../src/lib/referrals/referral.service';
import type { ReferralRow } from '../../src/lib/referrals/referral.table';
import {
  countReferralGroups,
  listAnswersSince,
  listLatestEvents,
  listReferralPages,
  listReferrals,
  listUnreadThreads,
  noteReferralMessage,
  type ReferralGroup,
  type ReferralScope,
} from '../../src/lib/referrals/referral.queries';

// The dashboard's lists pick their page of ids from an index before joining names; these tests hold them to the
// plain definition: filter by scope and group, sort, cut the page. The reference is computed here in JavaScript.
const NOW = new Date('2026-12-01T09:00:00.000Z');
const TODAY = todayInGermany(NOW);
const GROUPS: ReferralGroup[] = ['overdue', 'waiting', 'running', 'closed', 'draft', 'all'];
const RUNNING = ['accepted', 'in_progress', 'on_hold'];
const CLOSED = ['declined', 'cancelled', 'completed', 'failed', 'entered_in_error'];

function inGroup(row: ReferralRow, group: ReferralGroup): boolean {
  switch (group) {
    // A proposed appointment answers a referral: past its due date it waits, it is not overdue.
    case 'overdue':
      return row.status === 'sent' && row.response_due_on < TODAY && row.answered_at === null;
    case 'waiting':
      return row.status === 'sent' && (row.response_due_on >= TODAY || row.answered_at !== null);
    case 'running':
      return RUNNING.includes(row.status);
    case 'closed':
      return CLOSED.includes(row.status);
    case 'draft':
      return row.status === 'draft';
    case 'all':
      return true;
  }
}

function inScope(row: ReferralRow, scope: ReferralScope): boolean {
  switch (scope.kind) {
    case 'sender':
      return row.sender_office_id === scope.officeId && row.sender_user_id === scope.userId;
    case 'office':
      return row.sender_office_id === scope.officeId;
    case 'recipient':
      return row.recipient_organization_id === scope.organizationId && row.status !== 'draft';
    case 'case':
      return row.case_id === scope.caseId;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function expectedPage(
  rows: ReferralRow[],
  scope: ReferralScope,
  group: ReferralGroup,
  limit: number,
  offset: number,
): string[] {
  const newestFirst = group === 'closed' || group === 'all';
  return rows
    .filter((row) => inScope(row, scope) && inGroup(row, group))
    .sort((a, b) =>
      newestFirst
        ? compare(b.updated_at, a.updated_at) || compare(a.id, b.id)
        : compare(a.response_due_on, b.response_due_on) ||
          compare(a.created_at, b.created_at) ||
          compare(a.id, b.id),
    )
    .slice(offset, offset + limit)
    .map((row) => row.id);
}

describe.each(testDialects)('referral lists on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let rows: ReferralRow[];
  let scopes: [string, ReferralScope][];

  beforeAll(async () => {
    test = await createTestDb(dialect);
    const db = test.db;
    await seedSampleRegion(db);
    const caseworkers = await db
      .selectFrom('app_user')
      .select(['id', 'organization_id', 'email'])
      .where('role', '=', 'caseworker')
      .orderBy('email')
      .execute();
    const main = caseworkers.find((c) => c.email === 'fachkraft@partnernetz.example')!;
    const other = caseworkers.find((c) => c.email !== 'fachkraft@partnernetz.example')!;
    const colleague = await createTestUser(db, { organizationId: main.organization_id, password: null });
    await insertSyntheticReferrals(db, {
      officeId: main.organization_id,
      caseworkerId: main.id,
      colleagueIds: [colleague.id],
      count: 300,
      now: NOW,
    });
    // A second office sends to the same partners: no list of the first may show its referrals.
    await insertSyntheticReferrals(db, {
      officeId: other.organization_id,
      caseworkerId: other.id,
      count: 60,
      seed: 7,
      now: NOW,
    });
    // Some unanswered referrals past their due date got an appointment proposal: answered, so no longer overdue.
    const overdue = await db
      .selectFrom('referral')
      .select('id')
      .where('status', '=', 'sent')
      .where('response_due_on', '<', TODAY)
      .orderBy('id')
      .execute();
    expect(overdue.length).toBeGreaterThan(4);
    await db
      .updateTable('referral')
      .set({ answered_at: NOW.toISOString() })
      .where(
        'id',
        'in',
        overdue.filter((_, index) => index % 2 === 0).map((row) => row.id),
      )
      .execute();
    rows = await db.selectFrom('referral').selectAll().execute();
    const busiest = (key: (row: ReferralRow) => string) => {
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
      return [...counts].sort((x, y) => y[1] - x[1])[0]![0];
    };
    const busiestRecipient = busiest((row) => row.recipient_organization_id);
    const busiestCase = busiest((row) => row.case_id);
    scopes = [
      ['own', { kind: 'sender', userId: main.id, officeId: main.organization_id }],
      ['colleague', { kind: 'sender', userId: colleague.id, officeId: main.organization_id }],
      ['office', { kind: 'office', officeId: main.organization_id }],
      ['other office', { kind: 'office', officeId: other.organization_id }],
      ['recipient', { kind: 'recipient', organizationId: busiestRecipient }],
      ['case', { kind: 'case', caseId: busiestCase }],
    ];
  });
  afterAll(async () => test?.drop());

  it('returns the same pages as filtering, sorting and cutting all referrals, in every scope and group', async () => {
    for (const [name, scope] of scopes) {
      for (const group of GROUPS) {
        for (const [limit, offset] of [
          [25, 0],
          [10, 10],
          [200, 0],
        ] as const) {
          const listed = await listReferrals(test.db, scope, group, TODAY, { limit, offset });
          expect(
            listed.map((item) => item.id),
            `${name} ${group} ${limit}/${offset}`,
          ).toEqual(expectedPage(rows, scope, group, limit, offset));
        }
      }
    }
  });

  it('fills every list item with the referral and the names to show', async () => {
    const scope = scopes[0]![1];
    const [item] = await listReferrals(test.db, scope, 'all', TODAY, { limit: 1 });
    const row = rows.find((r) => r.id === item!.id)!;
    const names = await test.db
      .selectFrom('referral')
      .innerJoin('case_file', 'case_file.id', 'referral.case_id')
      .innerJoin('service', 'service.id', 'referral.service_id')
      .innerJoin('organization as recipient', 'recipient.id', 'referral.recipient_organization_id')
      .innerJoin('organization as office', 'office.id', 'referral.sender_office_id')
      .innerJoin('app_user as sender', 'sender.id', 'referral.sender_user_id')
      .select([
        'case_file.code',
        'service.name as service',
        'recipient.name as recipient',
        'office.name as office',
        'sender.display_name as sender',
      ])
      .where('referral.id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(item).toMatchObject({
      id: row.id,
      caseId: row.case_id,
      status: row.status,
      responseDueOn: row.response_due_on,
      updatedAt: row.updated_at,
      version: Number(row.version),
      caseCode: names.code,
      serviceName: names.service,
      recipientName: names.recipient,
      senderOfficeName: names.office,
      senderName: names.sender,
    });
  });

  it('lists several groups at once exactly as one list per group does', async () => {
    const pages = [
      { group: 'overdue', limit: 10 },
      { group: 'waiting', limit: 10, offset: 5 },
      { group: 'running', limit: 51 },
      { group: 'draft', limit: 0 },
      { group: 'closed', limit: 10, offset: 50 },
      { group: 'all', limit: 25 },
    ] as const;
    for (const [name, scope] of scopes) {
      const lists = await listReferralPages(test.db, scope, TODAY, pages);
      expect(lists.map((list) => list.map((item) => item.id))).toEqual(
        pages.map((page) =>
          expectedPage(rows, scope, page.group, page.limit, 'offset' in page ? page.offset : 0),
        ),
      );
      const one = await listReferrals(test.db, scope, 'running', TODAY, { limit: 51 });
      expect(lists[2], name).toEqual(one);
    }
  });

  it('finds the newest timeline entry of each referral, events of one instant in their causal order', async () => {
    const events = await test.db
      .selectFrom('referral_event')
      .select(['id', 'referral_id', 'kind', 'at'])
      .execute();
    const rank = (kind: string) => ['created', 'send', 'link_sent', 'overdue'].indexOf(kind) + 1 || 5;
    const ids = rows.slice(0, 150).map((row) => row.id);
    const expected = new Map<string, string>();
    for (const id of ids) {
      const newest = events
        .filter((e) => e.referral_id === id)
        .sort((a, b) => compare(b.at, a.at) || rank(b.kind) - rank(a.kind) || compare(b.id, a.id))[0];
      if (newest) expected.set(id, `${newest.at} ${newest.kind}`);
    }
    // Several entries of one referral at the same instant exist in the sample (created and sent together).
    expect(events.length).toBeGreaterThan(expected.size);
    const latest = await listLatestEvents(test.db, ids);
    expect(new Map([...latest].map(([id, e]) => [id, `${e.at} ${e.kind}`]))).toEqual(expected);
  });

  it('lists the threads with unread messages of a scope exactly as the messages and read marks say', async () => {
    const db = test.db;
    const users = await db.selectFrom('app_user').select(['id']).orderBy('id').execute();
    const sent = rows.filter((row) => row.status !== 'draft');
    // Messages on every seventh referral, from both sides, some by the users who read; read marks before, between
    // and after them. Written as the message service writes them: the message and the thread's newest time.
    const messages: { referral_id: string; at: string; author_user_id: string | null }[] = [];
    for (const [index, row] of sent.entries()) {
      if (index % 7 !== 0) continue;
      for (let k = 0; k < (index % 3) + 1; k++) {
        const at = new Date(NOW.getTime() - (index * 13 + k * 61) * 60_000).toISOString();
        const author = k % 2 === 0 ? null : users[index % users.length]!.id;
        await insertReferralMessage(db, {
          id: newId(),
          referral_id: row.id,
          at,
          author_kind: author ? 'caseworker' : 'partner',
          author_user_id: author,
          author_organization_id: author ? null : row.recipient_organization_id,
          body: 'Nachricht',
        });
        await noteReferralMessage(db, row.id, at);
        messages.push({ referral_id: row.id, at, author_user_id: author });
      }
    }
    const reads = new Map<string, string>();
    for (const [index, message] of messages.entries()) {
      if (index % 4 === 0) continue;
      const user = users[index % users.length]!.id;
      const seen = new Date(Date.parse(message.at) + ((index % 3) - 1) * 30 * 60_000).toISOString();
      await markThreadSeen(db, message.referral_id, user, seen);
      reads.set(`${message.referral_id} ${user}`, seen);
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const user of users) {
      for (const [name, scope] of scopes) {
        const expected = new Map<string, { n: number; last: string }>();
        for (const m of messages) {
          const seen = reads.get(`${m.referral_id} ${user.id}`);
          const row = byId.get(m.referral_id)!;
          if (!inScope(row, scope) || row.status === 'draft' || m.author_user_id === user.id) continue;
          if (seen !== undefined && m.at <= seen) continue;
          const entry = expected.get(m.referral_id) ?? { n: 0, last: '' };
          expected.set(m.referral_id, { n: entry.n + 1, last: m.at > entry.last ? m.at : entry.last });
        }
        const listed = await listUnreadThreads(db, scope, user.id, 1000);
        expect(listed.total, `${name} ${user.id}`).toBe(expected.size);
        expect(
          new Map(listed.items.map((t) => [t.id, { n: t.unread, last: t.lastMessageAt }])),
          `${name} ${user.id}`,
        ).toEqual(expected);
      }
    }
    expect(messages.length).toBeGreaterThan(40);
  });

  it('counts each group as the lists define it', async () => {
    for (const [name, scope] of scopes) {
      const counts = await countReferralGroups(test.db, scope, TODAY);
      const expected = Object.fromEntries(
        (['overdue', 'waiting', 'running', 'closed', 'draft'] as const).map((group) => [
          group,
          rows.filter((row) => inScope(row, scope) && inGroup(row, group)).length,
        ]),
      );
      expect(counts, name).toEqual(expected);
      // The dashboard skips counting the closed history; the open groups stay exact.
      expect(await countReferralGroups(test.db, scope, TODAY, { closed: false }), name).toEqual({
        ...expected,
        closed: 0,
      });
    }
  });

  it('lists the newest partner answers of the scope since a time, without views', async () => {
    const events = await test.db
      .selectFrom('referral_event')
      .select(['referral_id', 'at', 'kind', 'actor_kind'])
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const sinceDays of [3, 30, 400]) {
      const since = new Date(NOW.getTime() - sinceDays * 86_400_000).toISOString();
      for (const [name, scope] of scopes) {
        const answers = await listAnswersSince(test.db, scope, since, 10);
        const expected = events
          .filter(
            (e) =>
              (e.actor_kind === 'partner' || e.actor_kind === 'partner_link') &&
              e.kind !== 'viewed' &&
              e.at > since &&
              inScope(byId.get(e.referral_id)!, scope),
          )
          .sort((a, b) => compare(b.at, a.at))
          .slice(0, 10);
        // Answers at the same instant come in any order.
        expect(
          answers
            .map((a) => `${a.answerAt} ${a.id} ${a.answerKind}`)
            .sort()
            .reverse(),
          `${name} seit ${sinceDays} Tagen`,
        ).toEqual(
          expected
            .map((e) => `${e.at} ${e.referral_id} ${e.kind}`)
            .sort()
            .reverse(),
        );
      }
    }
  });

  it('finds the answers the services write: an appointment and a status change, each from its moment on', async () => {
    const db = test.db;
    const caseworker = (await findUserById(
      db,
      (
        await db
          .selectFrom('app_user')
          .select('id')
          .where('email', '=', 'fachkraft@partnernetz.example')
          .executeTakeFirstOrThrow()
      ).id,
    ))!;
    const partner = (await findUserById(
      db,
      (
        await db
          .selectFrom('app_user')
          .select('id')
          .where('email', '=', 'partner@partnernetz.example')
          .executeTakeFirstOrThrow()
      ).id,
    ))!;
    const service = await db
      .selectFrom('service')
      .select('id')
      .where('organization_id', '=', partner.organizationId)
      .executeTakeFirstOrThrow();
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://partnernetz.test' });
    const ctx = (user: Actor, minutes: number): ActionContext => ({
      actor: { kind: 'user', user },
      requestId: null,
      now: at(minutes),
      config,
    });
    const actor = { ...caseworker, active: true };
    const opened = await createCase(db, ctx(actor, 1), CaseIdentitySchema.parse({}));
    if (!opened.ok) throw new Error(JSON.stringify(opened));
    const caseFile = opened.value;
    const created = await createReferral(
      db,
      ctx(actor, 2),
      ReferralFormSchema.parse({
        caseId: caseFile.id,
        serviceId: service.id,
        purpose: 'language',
        message: 'Sucht einen Platz im Sprachkurs, vormittags.',
        contactMode: 'appointment',
        responseDueOn: '2026-12-08',
        submissionKey: newId(),
      }),
    );
    if (!created.ok) throw new Error(JSON.stringify(created));
    const partnerSide = { ...partner, active: true };
    const proposed = await proposeAppointment(db, ctx(partnerSide, 3), {
      id: created.value.referral.id,
      version: created.value.referral.version,
      action: 'appointment',
      appointmentAt: '2026-12-10T09:00:00.000Z',
      appointmentNote: null,
    });
    if (!proposed.ok) throw new Error(JSON.stringify(proposed));
    const scope: ReferralScope = {
      kind: 'sender',
      userId: caseworker.id,
      officeId: caseworker.organizationId,
    };
    const answersSince = async (minutes: number) =>
      (await listAnswersSince(db, scope, at(minutes).toISOString(), 10)).map((a) => [a.id, a.answerKind]);
    const id = created.value.referral.id;
    // The appointment alone answers: it must be found before anything else changes the referral.
    expect(await answersSince(2.5)).toEqual([[id, 'appointment']]);
    const accepted = await transitionReferral(db, ctx(partnerSide, 4), {
      id: created.value.referral.id,
      version: proposed.value.version,
      action: 'accept',
      reason: null,
      outcome: null,
    });
    if (!accepted.ok) throw new Error(JSON.stringify(accepted));
    expect(await answersSince(2.5)).toEqual([
      [id, 'accept'],
      [id, 'appointment'],
    ]);
    expect(await answersSince(3.5)).toEqual([[id, 'accept']]);
    expect(await answersSince(4.5)).toEqual([]);
  });
});
