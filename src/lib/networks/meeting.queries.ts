import { newId } from '../db/ids';
import type { Executor } from '../db/executor';
import type { AgendaItem, AgendaItemInput, Answer, Meeting } from './networks';
import type { NetworkAgendaItemRow, NetworkMeetingRow } from './networks.table';

/** Maps a meeting row to the domain object. */
export function rowToMeeting(row: NetworkMeetingRow): Meeting {
  return {
    id: row.id,
    groupId: row.group_id,
    title: row.title,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    placeKind: row.place_kind,
    locationId: row.location_id,
    address: row.address,
    onlineUrl: row.online_url,
    proposalDeadline: row.proposal_deadline,
    status: row.status,
    icsUid: row.ics_uid,
    icsSequence: row.ics_sequence,
    invitedAt: row.invited_at,
    version: row.version,
  };
}

/** Maps an agenda row to the domain object. */
export function rowToAgendaItem(row: NetworkAgendaItemRow): AgendaItem {
  return {
    id: row.id,
    meetingId: row.meeting_id,
    position: row.position,
    title: row.title,
    description: row.description,
    responsible: row.responsible,
    plannedMinutes: row.planned_minutes,
    status: row.status,
    proposedByMemberId: row.proposed_by_member_id,
  };
}

/** The fields of a meeting that a schedule form sets. */
export interface MeetingFields {
  title: string;
  startsAt: string;
  endsAt: string;
  placeKind: Meeting['placeKind'];
  locationId: string | null;
  address: string | null;
  onlineUrl: string | null;
  proposalDeadline: string | null;
}

/** A meeting by id, or null. */
export async function findMeeting(db: Executor, id: string): Promise<Meeting | null> {
  const row = await db.selectFrom('network_meeting').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToMeeting(row) : null;
}

/** The meetings of a group, newest first, at most `limit`. */
export async function listMeetings(
  db: Executor,
  groupId: string,
  options: { limit?: number } = {},
): Promise<Meeting[]> {
  let query = db
    .selectFrom('network_meeting')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('starts_at', 'desc');
  if (options.limit !== undefined) query = query.limit(options.limit);
  return (await query.execute()).map(rowToMeeting);
}

/** How many meetings a group has. */
export async function countMeetings(db: Executor, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('network_meeting')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Inserts a meeting; its calendar UID is fixed here for good. */
export async function insertMeeting(
  db: Executor,
  groupId: string,
  fields: MeetingFields,
  meta: { now: Date; uidDomain: string },
): Promise<Meeting> {
  const id = newId();
  const at = meta.now.toISOString();
  const row: NetworkMeetingRow = {
    id,
    group_id: groupId,
    title: fields.title,
    starts_at: fields.startsAt,
    ends_at: fields.endsAt,
    place_kind: fields.placeKind,
    location_id: fields.locationId,
    address: fields.address,
    online_url: fields.onlineUrl,
    proposal_deadline: fields.proposalDeadline,
    status: 'scheduled',
    ics_uid: `${id}@${meta.uidDomain}`,
    ics_sequence: 0,
    invited_at: null,
    reminded_at: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
  await db.insertInto('network_meeting').values(row).execute();
  return rowToMeeting(row);
}

/** Updates a meeting's fields, SEQUENCE and status if the version matches; null on a stale version. */
export async function updateMeeting(
  db: Executor,
  meeting: Meeting,
  change: Partial<MeetingFields> & { status?: Meeting['status']; icsSequence?: number; invitedAt?: string },
  now: Date,
): Promise<Meeting | null> {
  const result = await db
    .updateTable('network_meeting')
    .set({
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(change.startsAt !== undefined ? { starts_at: change.startsAt } : {}),
      ...(change.endsAt !== undefined ? { ends_at: change.endsAt } : {}),
      ...(change.placeKind !== undefined ? { place_kind: change.placeKind } : {}),
      ...(change.locationId !== undefined ? { location_id: change.locationId } : {}),
      ...(change.address !== undefined ? { address: change.address } : {}),
      ...(change.onlineUrl !== undefined ? { online_url: change.onlineUrl } : {}),
      ...(change.proposalDeadline !== undefined ? { proposal_deadline: change.proposalDeadline } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.icsSequence !== undefined ? { ics_sequence: change.icsSequence } : {}),
      ...(change.invitedAt !== undefined ? { invited_at: change.invitedAt } : {}),
      updated_at: now.toISOString(),
      version: meeting.version + 1,
    })
    .where('id', '=', meeting.id)
    .where('version', '=', meeting.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? findMeeting(db, meeting.id) : null;
}

/** The agenda of a meeting in order (proposals and declined items included; callers filter). */
export async function listAgenda(db: Executor, meetingId: string): Promise<AgendaItem[]> {
  const rows = await db
    .selectFrom('network_agenda_item')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  return rows.map(rowToAgendaItem);
}

/** Appends an agenda item (accepted or proposed) at the end. */
export async function insertAgendaItem(
  db: Executor,
  meetingId: string,
  input: AgendaItemInput,
  meta: { status: AgendaItem['status']; proposedByMemberId: string | null; now: Date },
): Promise<string> {
  const last = await db
    .selectFrom('network_agenda_item')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst();
  const id = newId();
  const at = meta.now.toISOString();
  await db
    .insertInto('network_agenda_item')
    .values({
      id,
      meeting_id: meetingId,
      position: Number(last?.max ?? 0) + 1,
      title: input.title,
      description: input.description,
      responsible: input.responsible,
      planned_minutes: input.plannedMinutes,
      status: meta.status,
      proposed_by_member_id: meta.proposedByMemberId,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/** Changes an accepted agenda item of a meeting: its text and place in the order. */
export async function updateAgendaItem(
  db: Executor,
  meetingId: string,
  item: {
    id: string;
    title: string;
    description: string | null;
    responsible: string | null;
    plannedMinutes: number | null;
    position: number;
  },
  now: Date,
): Promise<void> {
  await db
    .updateTable('network_agenda_item')
    .set({
      title: item.title,
      description: item.description,
      responsible: item.responsible,
      planned_minutes: item.plannedMinutes,
      position: item.position,
      updated_at: now.toISOString(),
    })
    .where('id', '=', item.id)
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'accepted')
    .execute();
}

/**
 * Takes accepted items off a meeting's agenda. They are marked declined rather than deleted: minutes entries and
 * action items may point at them.
 */
export async function removeAgendaItems(
  db: Executor,
  meetingId: string,
  ids: readonly string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('network_agenda_item')
    .set({ status: 'declined', updated_at: now.toISOString() })
    .where('meeting_id', '=', meetingId)
    .where('id', 'in', [...ids])
    .where('status', '=', 'accepted')
    .execute();
}

/** Sets a proposal's status (accepted or declined); false when it is no proposal of this meeting. */
export async function decideProposal(
  db: Executor,
  meetingId: string,
  itemId: string,
  status: 'accepted' | 'declined',
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('network_agenda_item')
    .set({ status, updated_at: now.toISOString() })
    .where('id', '=', itemId)
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'proposed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An invitation with its member's address, as the invitation mails need it. */
export interface InvitationRow {
  id: string;
  meetingId: string;
  memberId: string;
  answer: Answer | null;
  answeredAt: string | null;
  sentSequence: number | null;
}

/** The invitations of a meeting. */
export async function listInvitations(db: Executor, meetingId: string): Promise<InvitationRow[]> {
  const rows = await db
    .selectFrom('network_invitation')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    meetingId: r.meeting_id,
    memberId: r.member_id,
    answer: r.answer,
    answeredAt: r.answered_at,
    sentSequence: r.sent_sequence,
  }));
}

/** Creates the invitation of a member if missing and records which SEQUENCE was sent to them. */
export async function upsertInvitationSent(
  db: Executor,
  meetingId: string,
  memberId: string,
  sequence: number,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const existing = await db
    .selectFrom('network_invitation')
    .select('id')
    .where('meeting_id', '=', meetingId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('network_invitation')
      .set({ sent_sequence: sequence, sent_at: at })
      .where('id', '=', existing.id)
      .execute();
    return;
  }
  await db
    .insertInto('network_invitation')
    .values({
      id: newId(),
      meeting_id: meetingId,
      member_id: memberId,
      answer: null,
      answered_at: null,
      sent_sequence: sequence,
      sent_at: at,
      created_at: at,
    })
    .execute();
}

/** Records a member's answer (creating the invitation row when the member was added after the mails). */
export async function setAnswer(
  db: Executor,
  meetingId: string,
  memberId: string,
  answer: Answer,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const result = await db
    .updateTable('network_invitation')
    .set({ answer, answered_at: at })
    .where('meeting_id', '=', meetingId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return;
  await db
    .insertInto('network_invitation')
    .values({
      id: newId(),
      meeting_id: meetingId,
      member_id: memberId,
      answer,
      answered_at: at,
      sent_sequence: null,
      sent_at: null,
      created_at: at,
    })
    .execute();
}

/** An invitation the reminder before its meeting has not reached yet. */
export interface InvitationToRemind {
  id: string;
  meetingId: string;
  memberId: string;
  answer: Answer | null;
}

/**
 * Invitations of scheduled, invited meetings that start after `from` and no later than `until`, whose member has not
 * been reminded yet (each is reminded once), by meeting.
 */
export async function listInvitationsToRemind(
  db: Executor,
  window: { from: string; until: string },
  limit = 2000,
): Promise<InvitationToRemind[]> {
  const rows = await db
    .selectFrom('network_invitation as i')
    .innerJoin('network_meeting as m', 'm.id', 'i.meeting_id')
    .select(['i.id', 'i.meeting_id', 'i.member_id', 'i.answer'])
    .where('m.status', '=', 'scheduled')
    .where('m.starts_at', '>', window.from)
    .where('m.starts_at', '<=', window.until)
    .where('m.invited_at', 'is not', null)
    .where('i.sent_at', 'is not', null)
    .where('i.reminded_at', 'is', null)
    .orderBy('m.starts_at')
    .orderBy('i.meeting_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, meetingId: r.meeting_id, memberId: r.member_id, answer: r.answer }));
}

/** Notes that the reminder before the meeting went to these invitations (or was not needed), so it goes once. */
export async function markInvitationsReminded(
  db: Executor,
  ids: readonly string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('network_invitation')
    .set({ reminded_at: now.toISOString() })
    .where('id', 'in', [...ids])
    .where('reminded_at', 'is', null)
    .execute();
}

/** Locations from the directory to hold a meeting at, with their organisation's name. */
export async function listLocationChoices(db: Executor): Promise<{ id: string; label: string }[]> {
  const rows = await db
    .selectFrom('location as l')
    .innerJoin('organization as o', 'o.id', 'l.organization_id')
    .select(['l.id', 'l.name', 'l.street', 'l.postcode', 'l.city', 'o.name as org_name'])
    .where('o.active', '=', 1)
    .orderBy('o.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: [
      r.org_name,
      r.name,
      [r.street, [r.postcode, r.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
    ]
      .filter(Boolean)
      .join(' – '),
  }));
}

/** One location's label, or null when it does not exist. */
export async function findLocationLabel(db: Executor, id: string): Promise<string | null> {
  const choices = await db
    .selectFrom('location as l')
    .innerJoin('organization as o', 'o.id', 'l.organization_id')
    .select(['l.name', 'l.street', 'l.postcode', 'l.city', 'o.name as org_name'])
    .where('l.id', '=', id)
    .executeTakeFirst();
  if (!choices) return null;
  return [
    choices.org_name,
    choices.name,
    [choices.street, [choices.postcode, choices.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
  ]
    .filter(Boolean)
    .join(', ');
}
