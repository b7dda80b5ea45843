import { newId } from '../db/ids';
import type { Executor } from '../db/executor';
import type { ActionItem, ActionStatus, Attendance, Minutes, MinutesEntry } from './networks';
import type { NetworkActionItemRow } from './networks.table';

/** Maps an action item row to the domain object. */
export function rowToActionItem(row: NetworkActionItemRow): ActionItem {
  return {
    id: row.id,
    groupId: row.group_id,
    meetingId: row.meeting_id,
    title: row.title,
    responsibleMemberId: row.responsible_member_id,
    dueOn: row.due_on,
    status: row.status,
    doneAt: row.done_at,
    version: row.version,
  };
}

/** The minutes of a meeting with their entries, or null when none were written yet. */
export async function findMinutes(db: Executor, meetingId: string): Promise<Minutes | null> {
  const row = await db
    .selectFrom('network_minutes')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst();
  if (!row) return null;
  const entries = await db
    .selectFrom('network_minutes_entry')
    .select(['agenda_item_id', 'position', 'notes', 'decisions'])
    .where('minutes_id', '=', row.id)
    .orderBy('position')
    .execute();
  return {
    id: row.id,
    meetingId: row.meeting_id,
    status: row.status,
    releasedAt: row.released_at,
    version: row.version,
    entries: entries.map((e) => ({
      agendaItemId: e.agenda_item_id,
      position: e.position,
      notes: e.notes,
      decisions: e.decisions,
    })),
  };
}

/** Creates empty draft minutes for a meeting (version 1) and returns their id. */
export async function insertMinutes(db: Executor, meetingId: string, now: Date): Promise<string> {
  const id = newId();
  const at = now.toISOString();
  await db
    .insertInto('network_minutes')
    .values({
      id,
      meeting_id: meetingId,
      status: 'draft',
      released_at: null,
      released_by: null,
      created_at: at,
      updated_at: at,
      version: 1,
    })
    .execute();
  return id;
}

/**
 * Replaces the entries of minutes (with their folded search text) and raises their version if it matches; false on
 * a stale version.
 */
export async function replaceMinutesEntries(
  db: Executor,
  minutesId: string,
  version: number,
  entries: (MinutesEntry & { searchText: string })[],
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('network_minutes')
    .set({ updated_at: now.toISOString(), version: version + 1 })
    .where('id', '=', minutesId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await db.deleteFrom('network_minutes_entry').where('minutes_id', '=', minutesId).execute();
  if (entries.length > 0) {
    await db
      .insertInto('network_minutes_entry')
      .values(
        entries.map((e) => ({
          id: newId(),
          minutes_id: minutesId,
          agenda_item_id: e.agendaItemId,
          position: e.position,
          notes: e.notes,
          decisions: e.decisions,
          search_text: e.searchText,
        })),
      )
      .execute();
  }
  return true;
}

/** Releases draft minutes if the version matches; false when stale or already released. */
export async function markMinutesReleased(
  db: Executor,
  minutesId: string,
  version: number,
  by: string | null,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('network_minutes')
    .set({ status: 'released', released_at: at, released_by: by, updated_at: at, version: version + 1 })
    .where('id', '=', minutesId)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a correction of released minutes: who, when, why, and the entries before it. */
export async function insertCorrection(
  db: Executor,
  minutesId: string,
  correction: { by: string | null; reason: string; previous: MinutesEntry[]; now: Date },
): Promise<void> {
  await db
    .insertInto('network_minutes_correction')
    .values({
      id: newId(),
      minutes_id: minutesId,
      at: correction.now.toISOString(),
      by_user_id: correction.by,
      reason: correction.reason,
      previous: JSON.stringify(correction.previous),
    })
    .execute();
}

/** The corrections of minutes, oldest first, with the corrector's name. */
export async function listCorrections(
  db: Executor,
  minutesId: string,
): Promise<{ at: string; byName: string | null; reason: string; previous: MinutesEntry[] }[]> {
  const rows = await db
    .selectFrom('network_minutes_correction as c')
    .leftJoin('app_user as u', 'u.id', 'c.by_user_id')
    .select(['c.at', 'c.reason', 'c.previous', 'u.display_name'])
    .where('c.minutes_id', '=', minutesId)
    .orderBy('c.at')
    .execute();
  return rows.map((r) => ({
    at: r.at,
    byName: r.display_name,
    reason: r.reason,
    previous: JSON.parse(r.previous) as MinutesEntry[],
  }));
}

/** The attendance of a meeting, member id → status. */
export async function listAttendance(db: Executor, meetingId: string): Promise<Map<string, Attendance>> {
  const rows = await db
    .selectFrom('network_attendance')
    .select(['member_id', 'status'])
    .where('meeting_id', '=', meetingId)
    .execute();
  return new Map(rows.map((r) => [r.member_id, r.status]));
}

/** Replaces the attendance of a meeting. */
export async function replaceAttendance(
  db: Executor,
  meetingId: string,
  attendance: { memberId: string; status: Attendance }[],
): Promise<void> {
  await db.deleteFrom('network_attendance').where('meeting_id', '=', meetingId).execute();
  if (attendance.length > 0) {
    await db
      .insertInto('network_attendance')
      .values(attendance.map((a) => ({ meeting_id: meetingId, member_id: a.memberId, status: a.status })))
      .execute();
  }
}

/** Inserts an open action item and returns it. */
export async function insertActionItem(
  db: Executor,
  item: {
    groupId: string;
    meetingId: string | null;
    agendaItemId: string | null;
    title: string;
    responsibleMemberId: string | null;
    dueOn: string | null;
  },
  now: Date,
): Promise<ActionItem> {
  const at = now.toISOString();
  const row: NetworkActionItemRow = {
    id: newId(),
    group_id: item.groupId,
    meeting_id: item.meetingId,
    agenda_item_id: item.agendaItemId,
    title: item.title,
    responsible_member_id: item.responsibleMemberId,
    due_on: item.dueOn,
    status: 'open',
    done_at: null,
    reminded_due_at: null,
    reminded_overdue_at: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
  await db.insertInto('network_action_item').values(row).execute();
  return rowToActionItem(row);
}

/** An action item by id, or null. */
export async function findActionItem(db: Executor, id: string): Promise<ActionItem | null> {
  const row = await db.selectFrom('network_action_item').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToActionItem(row) : null;
}

/** The action items of a group (open first, by due date), optionally only open ones, at most `limit`. */
export async function listActionItems(
  db: Executor,
  groupId: string,
  options: { openOnly?: boolean; meetingId?: string; limit?: number } = {},
): Promise<ActionItem[]> {
  let query = db.selectFrom('network_action_item').selectAll().where('group_id', '=', groupId);
  if (options.openOnly) query = query.where('status', '=', 'open');
  if (options.meetingId) query = query.where('meeting_id', '=', options.meetingId);
  query = query.orderBy('status', 'desc').orderBy('due_on').orderBy('created_at');
  if (options.limit !== undefined) query = query.limit(options.limit);
  return (await query.execute()).map(rowToActionItem);
}

/** How many open action items a group has. */
export async function countOpenActionItems(db: Executor, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('network_action_item')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Sets an action item's status if the version matches; false on a stale version. */
export async function setActionStatus(
  db: Executor,
  item: Pick<ActionItem, 'id' | 'version'>,
  status: ActionStatus,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('network_action_item')
    .set({ status, done_at: status === 'done' ? at : null, updated_at: at, version: item.version + 1 })
    .where('id', '=', item.id)
    .where('version', '=', item.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An open action item of "Meine Aufgaben" with its group's name. */
export interface MyActionItem extends ActionItem {
  groupName: string;
}

/**
 * The action items a user answers for, in person or through their organisation, in groups not archived. The member
 * rows are looked up first, so the items are read through their (responsible_member_id, status) index.
 */
function actionItemsOfQuery(db: Executor, actor: { id: string; organizationId: string }, open: boolean) {
  return db
    .selectFrom('network_action_item as a')
    .innerJoin('network_group as g', 'g.id', 'a.group_id')
    .where('g.archived_at', 'is', null)
    .where('a.responsible_member_id', 'in', (eb) =>
      eb
        .selectFrom('network_member as m')
        .select('m.id')
        .where((w) =>
          w.or([
            w.and([w('m.kind', '=', 'user'), w('m.user_id', '=', actor.id)]),
            w.and([w('m.kind', '=', 'organization'), w('m.organization_id', '=', actor.organizationId)]),
          ]),
        ),
    )
    .where('a.status', open ? '=' : '!=', 'open');
}

/**
 * The action items a user answers for, in person or through their organisation: open ones by due date, closed ones
 * newest first; a page of `limit` from `offset`.
 */
export async function listActionItemsOf(
  db: Executor,
  actor: { id: string; organizationId: string },
  options: { open: boolean; limit: number; offset?: number },
): Promise<MyActionItem[]> {
  let query = actionItemsOfQuery(db, actor, options.open).selectAll('a').select('g.name as group_name');
  query = options.open
    ? query.orderBy('a.due_on').orderBy('a.created_at').orderBy('a.id')
    : query.orderBy('a.updated_at', 'desc').orderBy('a.id');
  const rows = await query
    .limit(options.limit)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map((r) => ({ ...rowToActionItem(r), groupName: r.group_name }));
}

/** How many open (or closed) action items a user answers for. */
export async function countActionItemsOf(
  db: Executor,
  actor: { id: string; organizationId: string },
  options: { open: boolean },
): Promise<number> {
  const row = await actionItemsOfQuery(db, actor, options.open)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Open action items with a due date on or before `today` that still lack the reminder they need. */
export async function listActionItemsToRemind(
  db: Executor,
  today: string,
  limit = 500,
): Promise<
  (ActionItem & { remindedDueAt: string | null; remindedOverdueAt: string | null; groupName: string })[]
> {
  const rows = await db
    .selectFrom('network_action_item as a')
    .innerJoin('network_group as g', 'g.id', 'a.group_id')
    .selectAll('a')
    .select('g.name as group_name')
    .where('a.status', '=', 'open')
    .where('a.responsible_member_id', 'is not', null)
    .where('a.due_on', '<=', today)
    .where((eb) => eb.or([eb('a.reminded_due_at', 'is', null), eb('a.reminded_overdue_at', 'is', null)]))
    .orderBy('a.due_on')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...rowToActionItem(r),
    remindedDueAt: r.reminded_due_at,
    remindedOverdueAt: r.reminded_overdue_at,
    groupName: r.group_name,
  }));
}

/** Notes that a reminder went out, so the next run does not send it again. */
export async function markActionReminded(
  db: Executor,
  id: string,
  kind: 'due' | 'overdue',
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .updateTable('network_action_item')
    // An overdue reminder also settles the due one (an item first seen after its day gets one mail, not two).
    .set((eb) =>
      kind === 'due'
        ? { reminded_due_at: at }
        : { reminded_overdue_at: at, reminded_due_at: eb.fn.coalesce('reminded_due_at', eb.val(at)) },
    )
    .where('id', '=', id)
    .execute();
}

/** One entry of released minutes that matched a search. */
export interface MinutesHit {
  groupId: string;
  groupName: string;
  meetingId: string;
  meetingTitle: string;
  startsAt: string;
  agendaTitle: string | null;
  notes: string | null;
  decisions: string | null;
}

/**
 * Entries of released minutes of the given groups whose folded text holds every folded word (a portable LIKE on
 * both dialects; the words carry no wildcards), newest meeting first. The caller names the groups the actor may see.
 */
export async function searchReleasedMinutes(
  db: Executor,
  groupIds: readonly string[],
  words: readonly string[],
  limit = 50,
): Promise<MinutesHit[]> {
  if (groupIds.length === 0 || words.length === 0) return [];
  let query = db
    .selectFrom('network_minutes_entry as e')
    .innerJoin('network_minutes as mi', 'mi.id', 'e.minutes_id')
    .innerJoin('network_meeting as mt', 'mt.id', 'mi.meeting_id')
    .innerJoin('network_group as g', 'g.id', 'mt.group_id')
    .leftJoin('network_agenda_item as a', 'a.id', 'e.agenda_item_id')
    .select([
      'g.id as group_id',
      'g.name as group_name',
      'mt.id as meeting_id',
      'mt.title as meeting_title',
      'mt.starts_at',
      'a.title as agenda_title',
      'e.notes',
      'e.decisions',
    ])
    .where('mi.status', '=', 'released')
    .where('mt.group_id', 'in', [...groupIds]);
  for (const word of words) query = query.where('e.search_text', 'like', `%${word}%`);
  const rows = await query.orderBy('mt.starts_at', 'desc').orderBy('e.position').limit(limit).execute();
  return rows.map((r) => ({
    groupId: r.group_id,
    groupName: r.group_name,
    meetingId: r.meeting_id,
    meetingTitle: r.meeting_title,
    startsAt: r.starts_at,
    agendaTitle: r.agenda_title,
    notes: r.notes,
    decisions: r.decisions,
  }));
}
