import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../db/create-db';
import type { Database } from '../db/database';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { parseCategories } from '../cases/case';
import { recordReferralFact } from '../report/report.queries';
import { threadSeenSinceNewestMessage, unreadMessagesOf } from './referral-message.queries';
import type { ReferralEventRow, ReferralEventTable, ReferralRow, ReferralTable } from './referral.table';
import {
  HIDDEN_FROM_PARTNER,
  OPEN_STATUSES,
  type ContactMode,
  type Outcome,
  type Purpose,
  type Referral,
  type ReferralEvent,
  type ReferralStatus,
} from './referral';

/** Maps a referral row to the domain object. */
export function rowToReferral(row: ReferralRow): Referral {
  return {
    id: row.id,
    caseId: row.case_id,
    senderUserId: row.sender_user_id,
    senderOfficeId: row.sender_office_id,
    recipientOrganizationId: row.recipient_organization_id,
    serviceId: row.service_id,
    purpose: row.purpose as Purpose,
    message: row.message,
    sharedCategories: parseCategories(row.shared_categories),
    consentId: row.consent_id,
    contactMode: row.contact_mode as ContactMode,
    planStepId: row.plan_step_id,
    status: row.status as ReferralStatus,
    statusReason: row.status_reason,
    outcome: row.outcome as Outcome | null,
    appointmentAt: row.appointment_at,
    appointmentNote: row.appointment_note,
    responseDueOn: row.response_due_on,
    sentAt: row.sent_at,
    answeredAt: row.answered_at,
    overdueSince: row.overdue_since,
    reminderCount: Number(row.reminder_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** Maps a timeline row to the domain object. */
export function rowToEvent(row: ReferralEventRow): ReferralEvent {
  return {
    id: row.id,
    referralId: row.referral_id,
    at: row.at,
    actorUserId: row.actor_user_id,
    actorOrganizationId: row.actor_organization_id,
    actorKind: row.actor_kind,
    kind: row.kind,
    fromStatus: row.from_status as ReferralStatus | null,
    toStatus: row.to_status as ReferralStatus | null,
    reason: row.reason,
    outcome: row.outcome as Outcome | null,
    note: row.note,
  };
}

/** Finds a referral by id. */
export async function findReferral(db: Executor, id: string): Promise<Referral | null> {
  const row = await db.selectFrom('referral').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToReferral(row) : null;
}

/** Finds the referral a form submission created (double submits land here). */
export async function findReferralBySubmissionKey(db: Executor, key: string): Promise<Referral | null> {
  const row = await db
    .selectFrom('referral')
    .selectAll()
    .where('submission_key', '=', key)
    .executeTakeFirst();
  return row ? rowToReferral(row) : null;
}

/** Inserts a referral row. */
export async function insertReferral(db: Executor, row: ReferralTable): Promise<void> {
  await db.insertInto('referral').values(row).execute();
}

/** Applies a change if the version is still current and bumps it; false when someone else was first. */
export async function updateReferralIfCurrent(
  db: Executor,
  id: string,
  version: number,
  changes: Partial<Omit<ReferralTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('referral')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records that a message was added to the referral's thread at `at` (never moves the time back). */
export async function noteReferralMessage(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('referral')
    .set({ last_message_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_message_at', 'is', null), eb('last_message_at', '<', at)]))
    .execute();
}

/** Moves a referral's retention date (any activity keeps it for the retention period from then). */
export async function setReferralDeleteAfter(db: Executor, id: string, deleteAfter: string): Promise<void> {
  await db.updateTable('referral').set({ delete_after: deleteAfter }).where('id', '=', id).execute();
}

/** The newest status change of a referral: which action, by which user or link (to tell a double click). */
export async function findLastStatusEvent(
  db: Executor,
  referralId: string,
): Promise<{ kind: string; actorUserId: string | null; actorKind: ReferralEvent['actorKind'] } | null> {
  const row = await db
    .selectFrom('referral_event')
    .select(['kind', 'actor_user_id', 'actor_kind'])
    .where('referral_id', '=', referralId)
    .where('to_status', 'is not', null)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { kind: row.kind, actorUserId: row.actor_user_id, actorKind: row.actor_kind } : null;
}

/** The referrals that shared data under a consent. */
export async function listReferralIdsByConsent(db: Executor, consentId: string): Promise<string[]> {
  const rows = await db.selectFrom('referral').select('id').where('consent_id', '=', consentId).execute();
  return rows.map((row) => row.id);
}

/**
 * Unanswered referrals past their due date that got `reminderCount` reminders so far (the last one before
 * `remindedBefore`, when given), oldest first, at most 500.
 */
export async function listDueForReminder(
  db: Executor,
  today: string,
  reminderCount: number,
  remindedBefore: string | null,
): Promise<(Referral & { lastRemindedAt: string | null })[]> {
  let query = db
    .selectFrom('referral')
    .selectAll()
    .where('status', '=', 'sent')
    .where('response_due_on', '<', today)
    // A partner who proposed an appointment has answered, even before accepting: no reminder for that.
    .where('answered_at', 'is', null)
    .where('reminder_count', '=', reminderCount);
  query = remindedBefore
    ? query.where('last_reminded_at', '<', remindedBefore).orderBy('last_reminded_at')
    : query.orderBy('response_due_on');
  return (await query.limit(500).execute()).map((row) =>
    Object.assign(rowToReferral(row), { lastRemindedAt: row.last_reminded_at }),
  );
}

/**
 * Counts one more reminder if the referral is still unanswered with `reminderCount` reminders — guarded by that
 * count, not by the version, so a reminder never turns the partner's answer into a conflict. False when taken.
 */
export async function claimReminder(
  db: Executor,
  id: string,
  reminderCount: number,
  at: string,
  overdueSince: string,
): Promise<boolean> {
  const claimed = await db
    .updateTable('referral')
    .set({ reminder_count: reminderCount + 1, last_reminded_at: at, overdue_since: overdueSince })
    .where('id', '=', id)
    .where('status', '=', 'sent')
    .where('answered_at', 'is', null)
    .where('reminder_count', '=', reminderCount)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** Appends a timeline entry. */
export async function insertReferralEvent(
  db: Executor,
  event: Omit<ReferralEventTable, 'id' | 'from_status' | 'to_status' | 'reason' | 'outcome' | 'note'> &
    Partial<Pick<ReferralEventTable, 'from_status' | 'to_status' | 'reason' | 'outcome' | 'note'>>,
): Promise<void> {
  await db
    .insertInto('referral_event')
    .values({
      id: newId(),
      from_status: null,
      to_status: null,
      reason: null,
      outcome: null,
      note: null,
      ...event,
    })
    .execute();
  // The network report's content-free fact, in the same transaction (issue #13).
  await recordReferralFact(db, event);
}

/** Events written in one transaction share their time; their causal order is fixed by kind. */
function causalRank(eb: ExpressionBuilder<Database, 'referral_event'>) {
  return eb
    .case('referral_event.kind')
    .when('created')
    .then(0)
    .when('send')
    .then(1)
    .when('link_sent')
    .then(2)
    .when('overdue')
    .then(3)
    .else(4)
    .end();
}

/** A referral's timeline, oldest first, with the actor's display name where a user acted. */
export async function listReferralEvents(
  db: Executor,
  referralId: string,
): Promise<(ReferralEvent & { actorName: string | null })[]> {
  const rows = await db
    .selectFrom('referral_event')
    .leftJoin('app_user', 'app_user.id', 'referral_event.actor_user_id')
    .selectAll('referral_event')
    .select('app_user.display_name as actor_name')
    .where('referral_id', '=', referralId)
    .orderBy('at')
    .orderBy(causalRank)
    .orderBy('referral_event.id')
    .execute();
  return rows.map((row) => ({ ...rowToEvent(row), actorName: row.actor_name }));
}

/** Whether an event of this kind by this actor exists since `since`. */
export async function hasRecentEvent(
  db: Executor,
  referralId: string,
  kind: string,
  actorKey: { userId: string | null; organizationId: string | null },
  since: string,
): Promise<boolean> {
  let query = db
    .selectFrom('referral_event')
    .select('id')
    .where('referral_id', '=', referralId)
    .where('kind', '=', kind)
    .where('at', '>=', since);
  query =
    actorKey.userId === null
      ? query.where('actor_user_id', 'is', null)
      : query.where('actor_user_id', '=', actorKey.userId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** A referral in a list: names to show, never case identity data. */
export interface ReferralListItem extends Referral {
  caseCode: string;
  serviceName: string;
  recipientName: string;
  senderName: string;
  senderOfficeName: string;
}

type ListRow = ReferralRow & {
  case_code: string;
  service_name: string;
  recipient_name: string;
  sender_name: string;
  sender_office_name: string;
};

function listQuery(db: Executor) {
  return db
    .selectFrom('referral')
    .innerJoin('case_file', 'case_file.id', 'referral.case_id')
    .innerJoin('service', 'service.id', 'referral.service_id')
    .innerJoin('organization as recipient', 'recipient.id', 'referral.recipient_organization_id')
    .innerJoin('organization as office', 'office.id', 'referral.sender_office_id')
    .innerJoin('app_user as sender', 'sender.id', 'referral.sender_user_id')
    .selectAll('referral')
    .select([
      'case_file.code as case_code',
      'service.name as service_name',
      'recipient.name as recipient_name',
      'sender.display_name as sender_name',
      'office.name as sender_office_name',
    ]);
}

function rowToListItem(row: ListRow): ReferralListItem {
  // Not `{ ...rowToReferral(row), caseCode, … }`: V8 builds that 30-field object on a slow path, 14 µs a row
  // (1.8 ms for the dashboard's 125 rows) against 1.5 µs for Object.assign.
  return Object.assign(rowToReferral(row), {
    caseCode: row.case_code,
    serviceName: row.service_name,
    recipientName: row.recipient_name,
    senderName: row.sender_name,
    senderOfficeName: row.sender_office_name,
  });
}

/** Whose referrals a list shows: one caseworker's, a whole office's, or a partner organization's. */
export type ReferralScope =
  | { kind: 'sender'; userId: string; officeId: string }
  | { kind: 'office'; officeId: string }
  | { kind: 'recipient'; organizationId: string }
  | { kind: 'case'; caseId: string };

/** Groups of a dashboard or inbox. */
export type ReferralGroup = 'overdue' | 'waiting' | 'running' | 'closed' | 'draft' | 'all';

/** The condition that limits a query on `referral` to a scope. */
export function inScope(scope: ReferralScope) {
  return (eb: ExpressionBuilder<Database, 'referral'>) => {
    switch (scope.kind) {
      case 'sender':
        return eb.and([
          eb('referral.sender_office_id', '=', scope.officeId),
          eb('referral.sender_user_id', '=', scope.userId),
        ]);
      case 'office':
        return eb('referral.sender_office_id', '=', scope.officeId);
      case 'recipient':
        // partnerSeesReferral in SQL: addressed to the organisation, in no status hidden from partners.
        return eb.and([
          eb('referral.recipient_organization_id', '=', scope.organizationId),
          eb('referral.status', 'not in', [...HIDDEN_FROM_PARTNER]),
        ]);
      case 'case':
        return eb('referral.case_id', '=', scope.caseId);
    }
  };
}

/** Which page of a list: how many rows, from which position. */
export interface ListPage {
  limit?: number;
  offset?: number;
}

/**
 * The ids of one page of a scope's list, in the list's order: overdue and due-soon first, newest change first for
 * closed ones and for all. Read from the scope's indexes alone (migration 2026_12_01_0400).
 */
async function listPageIds(
  db: Executor,
  scope: ReferralScope,
  group: ReferralGroup,
  today: string,
  page: ListPage,
): Promise<string[]> {
  let query = db.selectFrom('referral').select('referral.id').where(inScope(scope));
  switch (group) {
    // Overdue as isOverdue() says: unanswered past the due date (a proposed appointment is an answer).
    case 'overdue':
      query = query
        .where('referral.status', '=', 'sent')
        .where('referral.response_due_on', '<', today)
        .where('referral.answered_at', 'is', null);
      break;
    case 'waiting':
      query = query
        .where('referral.status', '=', 'sent')
        .where((eb) =>
          eb.or([eb('referral.response_due_on', '>=', today), eb('referral.answered_at', 'is not', null)]),
        );
      break;
    case 'running':
      query = query.where('referral.status', 'in', ['accepted', 'in_progress', 'on_hold']);
      break;
    case 'closed':
      query = query.where('referral.status', 'in', [
        'declined',
        'cancelled',
        'completed',
        'failed',
        'entered_in_error',
      ]);
      break;
    case 'draft':
      query = query.where('referral.status', '=', 'draft');
      break;
    case 'all':
      break;
  }
  query =
    group === 'closed' || group === 'all'
      ? query.orderBy('referral.updated_at', 'desc')
      : query.orderBy('referral.response_due_on').orderBy('referral.created_at');
  const rows = await query
    .orderBy('referral.id')
    .limit(page.limit ?? 25)
    .offset(page.offset ?? 0)
    .execute();
  return rows.map((row) => row.id);
}

/** The list items of these referrals with their names, by id (one query for all of them). */
async function listItemsById(db: Executor, ids: readonly string[]): Promise<Map<string, ReferralListItem>> {
  if (ids.length === 0) return new Map();
  const rows = (await listQuery(db)
    .where('referral.id', 'in', [...ids])
    .execute()) as ListRow[];
  return new Map(rows.map((row) => [row.id, rowToListItem(row)]));
}

/** Lists referrals of a scope and group; overdue and due-soon first, newest answers first for closed ones. */
export async function listReferrals(
  db: Executor,
  scope: ReferralScope,
  group: ReferralGroup,
  today: string,
  options: ListPage = {},
): Promise<ReferralListItem[]> {
  // The page of ids comes from an index alone (migration 2026_12_01_0400); only its rows get their names joined,
  // in a second query: as a subquery of the six-table list query it costs PostgreSQL more planning than it saves.
  const ids = await listPageIds(db, scope, group, today, options);
  const items = await listItemsById(db, ids);
  return ids.flatMap((id) => items.get(id) ?? []);
}

/**
 * Several lists of one scope at once, each as `listReferrals` would return it (the dashboard's groups): a page of ids
 * per list, then the names of all of them in one query instead of one per list. A page with limit 0 is empty.
 */
export async function listReferralPages(
  db: Executor,
  scope: ReferralScope,
  today: string,
  pages: readonly (ListPage & { group: ReferralGroup })[],
): Promise<ReferralListItem[][]> {
  const idsPerPage: string[][] = [];
  for (const page of pages) {
    idsPerPage.push(page.limit === 0 ? [] : await listPageIds(db, scope, page.group, today, page));
  }
  const items = await listItemsById(db, idsPerPage.flat());
  return idsPerPage.map((ids) => ids.flatMap((id) => items.get(id) ?? []));
}

/** Counts of a scope's referrals per group. */
export async function countReferralGroups(
  db: Executor,
  scope: ReferralScope,
  today: string,
  options: { closed?: boolean } = {},
): Promise<Record<Exclude<ReferralGroup, 'all'>, number>> {
  let query = db
    .selectFrom('referral')
    .select(['referral.status as status'])
    .select((eb) => [
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(
              eb.and([eb('referral.response_due_on', '<', today), eb('referral.answered_at', 'is', null)]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('overdue'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where(inScope(scope))
    .groupBy('referral.status');
  // Closed referrals are most of an office's history: `closed: false` skips counting them (closed is then 0).
  if (options.closed === false) query = query.where('referral.status', 'in', [...OPEN_STATUSES]);
  const rows = await query.execute();
  const counts = { overdue: 0, waiting: 0, running: 0, closed: 0, draft: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    switch (row.status) {
      case 'sent':
        counts.overdue += Number(row.overdue ?? 0);
        counts.waiting += n - Number(row.overdue ?? 0);
        break;
      case 'accepted':
      case 'in_progress':
      case 'on_hold':
        counts.running += n;
        break;
      case 'draft':
        counts.draft += n;
        break;
      default:
        counts.closed += n;
    }
  }
  return counts;
}

/** Partner answers (status changes, appointments) in a scope since a time, newest first. */
export async function listAnswersSince(
  db: Executor,
  scope: ReferralScope,
  since: string,
  limit = 20,
): Promise<
  (ReferralListItem & { answerKind: string; answerAt: string; answerStatus: ReferralStatus | null })[]
> {
  // Every partner answer (a status change or an appointment) sets its referral's updated_at, so only referrals
  // of the scope changed since `since` can hold one: the scope's updated_at index (migration 2026_12_01_0400)
  // keeps this to recent activity, where the plain join walked every referral of the scope (36 ms for 8,000).
  // The names come in a second query: joined to the six-table list query, the events cost PostgreSQL more
  // planning than both queries take.
  const answers = await db
    .selectFrom('referral_event')
    .innerJoin('referral', 'referral.id', 'referral_event.referral_id')
    .select([
      'referral_event.referral_id',
      'referral_event.kind',
      'referral_event.at',
      'referral_event.to_status',
    ])
    .where(inScope(scope))
    .where('referral.updated_at', '>', since)
    .where('referral_event.actor_kind', 'in', ['partner', 'partner_link'])
    .where('referral_event.kind', '!=', 'viewed')
    .where('referral_event.at', '>', since)
    .orderBy('referral_event.at', 'desc')
    .limit(limit)
    .execute();
  if (answers.length === 0) return [];
  const rows = (await listQuery(db)
    .where('referral.id', 'in', [...new Set(answers.map((answer) => answer.referral_id))])
    .execute()) as ListRow[];
  const items = new Map(rows.map((row) => [row.id, rowToListItem(row)]));
  return answers.flatMap((answer) => {
    const item = items.get(answer.referral_id);
    return item
      ? [
          {
            ...item,
            answerKind: answer.kind,
            answerAt: answer.at,
            answerStatus: answer.to_status as ReferralStatus | null,
          },
        ]
      : [];
  });
}

/** A referral with messages the user has not seen yet: how many, and when the newest came. */
export type UnreadThread = ReferralListItem & { unread: number; lastMessageAt: string };

/**
 * The referrals of a scope whose thread holds messages the user has not seen, newest message first (up to `limit`),
 * and how many referrals that is in all (for the dashboard's and the inbox's "Neue Nachrichten").
 */
export async function listUnreadThreads(
  db: Executor,
  scope: ReferralScope,
  userId: string,
  limit = 10,
): Promise<{ total: number; items: UnreadThread[] }> {
  // Only referrals with a message newer than the user's read mark (or never opened by the user) can hold an unread
  // one: last_message_at, the scope's message index (migration 2026_12_03_1010) and the read mark decide that per
  // referral before any message is read. Grouping the messages of every referral of the scope cost 0.5 ms without
  // any message and 6 ms with 4,800 messages on 8,000 referrals of the benchmark caseworker.
  const threads = await unreadMessagesOf(db, userId)
    .innerJoin('referral', 'referral.id', 'referral_message.referral_id')
    .where(inScope(scope))
    .where('referral.status', '!=', 'draft')
    .where('referral.last_message_at', 'is not', null)
    .where((eb) => eb.not(threadSeenSinceNewestMessage(eb, userId)))
    .select((eb) => [
      'referral_message.referral_id as referral_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('referral_message.at').as('last_at'),
    ])
    .groupBy('referral_message.referral_id')
    .execute();
  threads.sort((a, b) => (a.last_at < b.last_at ? 1 : a.last_at > b.last_at ? -1 : 0));
  const page = threads.slice(0, limit);
  if (page.length === 0) return { total: threads.length, items: [] };
  const rows = (await listQuery(db)
    .where(
      'referral.id',
      'in',
      page.map((thread) => thread.referral_id),
    )
    .execute()) as ListRow[];
  const items = new Map(rows.map((row) => [row.id, rowToListItem(row)]));
  return {
    total: threads.length,
    items: page.flatMap((thread) => {
      const item = items.get(thread.referral_id);
      return item
        ? [Object.assign(item, { unread: Number(thread.n), lastMessageAt: String(thread.last_at) })]
        : [];
    }),
  };
}

/** What a list shows of a referral's newest timeline entry. */
export type LatestEvent = Pick<
  ReferralEvent,
  'kind' | 'toStatus' | 'note' | 'at' | 'actorKind' | 'reason' | 'outcome'
>;

/** The newest timeline entry of each of these referrals (for the "Zuletzt" column of lists). */
export async function listLatestEvents(
  db: Executor,
  referralIds: string[],
): Promise<Map<string, LatestEvent>> {
  const latest = new Map<string, LatestEvent>();
  if (referralIds.length === 0) return latest;
  // Only the newest entry of each referral, looked up per referral through referral_event_referral_idx and joined by
  // its id: reading every entry of the page's referrals and keeping the first of each (620 rows for 95 referrals)
  // took four times as long on SQLite and twice as long on PostgreSQL; an `id in (subquery)` form made PostgreSQL
  // run the lookup twice per referral.
  const rows = await db
    .selectFrom('referral')
    .innerJoin('referral_event as latest', (join) =>
      join.on((eb) =>
        eb(
          'latest.id',
          '=',
          eb
            .selectFrom('referral_event')
            .select('referral_event.id')
            .whereRef('referral_event.referral_id', '=', 'referral.id')
            .orderBy('referral_event.at', 'desc')
            .orderBy(causalRank, 'desc')
            .orderBy('referral_event.id', 'desc')
            .limit(1),
        ),
      ),
    )
    .select([
      'latest.referral_id',
      'latest.kind',
      'latest.to_status',
      'latest.note',
      'latest.at',
      'latest.actor_kind',
      'latest.reason',
      'latest.outcome',
    ])
    .where('referral.id', 'in', referralIds)
    .execute();
  for (const row of rows) {
    if (!latest.has(row.referral_id)) {
      latest.set(row.referral_id, {
        kind: row.kind,
        toStatus: row.to_status as ReferralStatus | null,
        note: row.note,
        at: row.at,
        actorKind: row.actor_kind,
        reason: row.reason,
        outcome: row.outcome as Outcome | null,
      });
    }
  }
  return latest;
}

/** Finds one referral with its list names. */
export async function findReferralListItem(db: Executor, id: string): Promise<ReferralListItem | null> {
  const row = (await listQuery(db).where('referral.id', '=', id).executeTakeFirst()) as ListRow | undefined;
  return row ? rowToListItem(row) : null;
}

/** Records a dashboard visit and returns the previous one (for "since your last visit"). */
export async function touchDashboardVisit(db: Db, userId: string, now: string): Promise<string | null> {
  // Most views come within ten minutes of the last one and change nothing: they read without a transaction, which on
  // SQLite begins by taking the write lock (create-db.ts) and so made every dashboard view wait for writers.
  const recent = await db
    .selectFrom('dashboard_visit')
    .select(['visited_at', 'previous_visited_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (recent && Date.parse(now) - Date.parse(recent.visited_at) < 10 * 60_000)
    return recent.previous_visited_at;
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('dashboard_visit')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!current) {
      // Two first visits at once (two tabs): the second insert does nothing instead of failing on the key.
      await trx
        .insertInto('dashboard_visit')
        .values({ user_id: userId, visited_at: now, previous_visited_at: null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      return null;
    }
    // Visits within ten minutes count as one, so reloading does not hide fresh answers.
    if (Date.parse(now) - Date.parse(current.visited_at) < 10 * 60_000) return current.previous_visited_at;
    await trx
      .updateTable('dashboard_visit')
      .set({ visited_at: now, previous_visited_at: current.visited_at })
      .where('user_id', '=', userId)
      .execute();
    return current.visited_at;
  });
}

/** How many referrals a caseworker has sent or drafted (benchmarks report it beside their figures). */
export async function countReferralsSentBy(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('referral')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('sender_user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Deletes a draft at the version the caseworker saw (its timeline goes with it); false when it changed or went out. */
export async function deleteDraftReferral(db: Executor, id: string, version: number): Promise<boolean> {
  const result = await db
    .deleteFrom('referral')
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
