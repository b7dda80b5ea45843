import type { ActionContext, GroupLinkActor } from '../action/context';
import { userOf } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import { todayInGermany } from '../time/time';
import { hashToken, isWellFormedToken } from '../auth/token';
import type { Executor } from '../db/executor';
import { issueLink } from '../links/link';
import { findUsableGroupLink, markLinkUsed, revokeLinks } from '../links/link.queries';
import { enqueueMail, insertOutboxAttachment } from '../notify/outbox.queries';
import { loadGroupFor, type GroupAccess } from './group.service';
import { findGroup, findMember, findMemberGroup, listMembers } from './group.queries';
import { icsContentType, meetingIcs } from './ics';
import {
  decideProposal as decideProposalRow,
  findLocationLabel,
  findMeeting,
  insertAgendaItem,
  insertMeeting,
  listAgenda,
  listInvitationsToRemind,
  markInvitationsReminded,
  removeAgendaItems,
  setAnswer,
  updateAgendaItem,
  updateMeeting as updateMeetingRow,
  upsertInvitationSent,
  type MeetingFields,
} from './meeting.queries';
import { findActionItem, setActionStatus } from './minutes.queries';
import {
  berlinInstant,
  editedAgenda,
  isAgendaChange,
  isCalendarChange,
  isMeetingOver,
  isProposalOpen,
  meetingTimes,
  type AgendaEdit,
  type AgendaItemInput,
  type Answer,
  type Group,
  type Meeting,
  type MeetingInput,
  type MeetingUpdateInput,
  type Member,
} from './networks';
import { cancellationMail, invitationMail, meetingReminderMail } from './networks-mail';

/** A meeting with its group as one actor sees it. */
export interface MeetingAccess extends GroupAccess {
  meeting: Meeting;
}

/** Loads a meeting for an actor who may see its group (null for unknown or foreign meetings). */
export async function loadMeetingFor(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
): Promise<MeetingAccess | null> {
  const meeting = await findMeeting(db, meetingId);
  if (!meeting) return null;
  const access = await loadGroupFor(db, userOf(ctx), meeting.groupId);
  return access ? { ...access, meeting } : null;
}

/**
 * Issues a member's single-use answer link to one meeting (older unused ones for it stop working), in the caller's
 * transaction; the token to mail.
 */
function issueAnswerLink(trx: Executor, memberId: string, meeting: Meeting, now: Date): Promise<string> {
  return issueLink(
    trx,
    'network',
    { purpose: 'answer', member_id: memberId, meeting_id: meeting.id, action_item_id: null },
    {
      now,
      expiresAt: answerLinkExpiry(meeting, now),
      replaces: {
        scope: { member_id: memberId, purpose: 'answer', meeting_id: meeting.id },
        unusedOnly: true,
      },
    },
  );
}

/** How long a single-use answer link lives: until the meeting ends (an answer later is no answer). */
function answerLinkExpiry(meeting: Meeting, now: Date): Date {
  const end = new Date(meeting.endsAt);
  return end > now ? end : new Date(now.getTime() + 24 * 60 * 60_000);
}

/** The meeting's fields from a schedule form, after checking a directory location exists. */
async function fieldsOf(
  db: Executor,
  input: MeetingInput,
): Promise<MeetingFields | { locationError: string }> {
  if (input.placeKind === 'location' && !(await findLocationLabel(db, input.locationId!))) {
    return {
      locationError: 'Diesen Ort gibt es im Verzeichnis nicht (mehr). Bitte wählen Sie einen aus der Liste.',
    };
  }
  return {
    title: input.title,
    ...meetingTimes(input),
    placeKind: input.placeKind,
    locationId: input.placeKind === 'location' ? input.locationId : null,
    address: input.placeKind === 'address' ? input.address : null,
    onlineUrl: input.placeKind === 'online' ? input.onlineUrl : null,
  };
}

/** The host name calendar UIDs are made unique with. */
function uidDomain(ctx: ActionContext): string {
  try {
    return new URL(ctx.config.publicBaseUrl).hostname || 'partnernetz';
  } catch {
    return 'partnernetz';
  }
}

/** Schedules a meeting of a group: chairs and coordinators only. Invitations go out with `sendInvitations`. */
export async function scheduleMeeting(
  db: Executor,
  ctx: ActionContext,
  groupId: string,
  input: MeetingInput,
): Promise<Result<Meeting>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadGroupFor(trx, userOf(ctx), groupId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Treffen planen Vorsitz, Stellvertretung und Netzwerkkoordination.');
    }
    const fields = await fieldsOf(trx, input);
    if ('locationError' in fields) return invalid({ locationId: fields.locationError });
    const meeting = await insertMeeting(trx, groupId, fields, { now: ctx.now, uidDomain: uidDomain(ctx) });
    await recordAudit(trx, ctx, {
      action: 'network.meeting.create',
      objectType: 'network_meeting',
      objectId: meeting.id,
    });
    return ok(meeting);
  });
}

/**
 * Writes one calendar mail per member with an address: the invitation (or change) with METHOD:REQUEST and the
 * meeting's SEQUENCE, or the cancellation. Members without an account get a fresh single-use answer link.
 */
async function mailMembers(
  trx: Executor,
  ctx: ActionContext,
  access: GroupAccess,
  meeting: Meeting,
  mode: 'invite' | 'update' | 'cancel',
): Promise<number> {
  const agenda = await listAgenda(trx, meeting.id);
  const placeLabel = meeting.locationId ? await findLocationLabel(trx, meeting.locationId) : meeting.address;
  const pageUrl = `${ctx.config.publicBaseUrl}/arbeitskreise/${access.group.id}/treffen/${meeting.id}`;
  let sent = 0;
  for (const member of access.members) {
    if (!member.email) continue;
    let mail;
    if (mode === 'cancel') {
      mail = cancellationMail(member.email, access.group, meeting);
    } else {
      let linkUrl: string | null = null;
      if (member.kind !== 'user') {
        const token = await issueAnswerLink(trx, member.id, meeting, ctx.now);
        linkUrl = `${ctx.config.publicBaseUrl}/arbeitskreise/link/${token}`;
      }
      mail = invitationMail(
        member.email,
        access.group,
        meeting,
        agenda,
        placeLabel,
        { linkUrl, pageUrl },
        mode === 'update',
      );
    }
    const method = mode === 'cancel' ? 'CANCEL' : 'REQUEST';
    const outboxId = await enqueueMail(trx, mail, ctx.now);
    await insertOutboxAttachment(trx, outboxId, {
      filename: mode === 'cancel' ? 'absage.ics' : 'einladung.ics',
      contentType: icsContentType(method),
      content: meetingIcs({
        uid: meeting.icsUid,
        sequence: meeting.icsSequence,
        method,
        title: `${meeting.title} (${access.group.name})`,
        description: mode === 'cancel' ? 'Das Treffen ist abgesagt.' : `Tagesordnung und Antwort: ${pageUrl}`,
        location: meeting.placeKind === 'online' ? meeting.onlineUrl : placeLabel,
        url: meeting.placeKind === 'online' ? meeting.onlineUrl : null,
        startsAt: meeting.startsAt,
        endsAt: meeting.endsAt,
        organizer: { name: access.group.name, email: ctx.config.mailFrom.replace(/^.*<([^>]+)>.*$/, '$1') },
        attendee: { name: member.name, email: member.email },
        stamp: ctx.now,
      }),
    });
    if (mode !== 'cancel')
      await upsertInvitationSent(trx, meeting.id, member.id, meeting.icsSequence, ctx.now);
    sent += 1;
  }
  return sent;
}

/** Sends the invitations of a meeting to every current member with an address: chairs and coordinators only. */
export async function sendInvitations(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: { version: number },
): Promise<Result<{ sent: number }, Meeting>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Einladungen verschicken Vorsitz, Stellvertretung oder Netzwerkkoordination.');
    }
    if (access.meeting.status !== 'scheduled') return refused('Das Treffen ist abgesagt.');
    if (access.meeting.version !== input.version) {
      return conflict(
        'Das Treffen wurde inzwischen geändert. Bitte prüfen Sie es noch einmal.',
        access.meeting,
      );
    }
    const saved = await updateMeetingRow(trx, access.meeting, { invitedAt: ctx.now.toISOString() }, ctx.now);
    if (!saved) return conflict('Das Treffen wurde inzwischen geändert.', access.meeting);
    const sent = await mailMembers(trx, ctx, access, saved, access.meeting.invitedAt ? 'update' : 'invite');
    await recordAudit(trx, ctx, {
      action: 'network.meeting.invite',
      objectType: 'network_meeting',
      objectId: meetingId,
    });
    return ok({ sent });
  });
}

/**
 * Changes a meeting and, when `agenda` is given, its accepted agenda items (text, order, removal). When time,
 * place, title or agenda change, SEQUENCE rises; after invitations went out every member gets the updated calendar
 * entry (same UID) with the new agenda, so calendars move the entry instead of adding a second one.
 */
export async function updateMeeting(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: MeetingUpdateInput & { agenda?: AgendaEdit[] },
): Promise<Result<Meeting, Meeting>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Treffen ändern Vorsitz, Stellvertretung und Netzwerkkoordination.');
    }
    if (access.meeting.status !== 'scheduled')
      return refused('Ein abgesagtes Treffen lässt sich nicht mehr ändern.');
    if (access.meeting.version !== input.version) {
      return conflict(
        'Jemand hat das Treffen inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        access.meeting,
      );
    }
    const fields = await fieldsOf(trx, input);
    if ('locationError' in fields) return invalid({ locationId: fields.locationError });
    const agenda = await listAgenda(trx, meetingId);
    const edits = input.agenda ?? [];
    const accepted = new Set(agenda.filter((a) => a.status === 'accepted').map((a) => a.id));
    if (edits.some((e) => !accepted.has(e.id))) {
      return invalid({
        _form: 'Die Tagesordnung hat sich inzwischen geändert. Bitte laden Sie die Seite neu.',
      });
    }
    const agendaChanged = isAgendaChange(agenda, edits);
    if (agendaChanged) {
      const { kept, removed } = editedAgenda(agenda, edits);
      for (const item of kept) await updateAgendaItem(trx, meetingId, item, ctx.now);
      await removeAgendaItems(trx, meetingId, removed, ctx.now);
    }
    const changed = isCalendarChange(access.meeting, fields) || agendaChanged;
    const notify = changed && access.meeting.invitedAt !== null;
    const saved = await updateMeetingRow(
      trx,
      access.meeting,
      { ...fields, ...(changed ? { icsSequence: access.meeting.icsSequence + 1 } : {}) },
      ctx.now,
    );
    if (!saved) return conflict('Jemand hat das Treffen inzwischen geändert.', access.meeting);
    if (notify) await mailMembers(trx, ctx, access, saved, 'update');
    await recordAudit(trx, ctx, {
      action: 'network.meeting.update',
      objectType: 'network_meeting',
      objectId: meetingId,
    });
    return ok(saved);
  });
}

/** Cancels a meeting: METHOD:CANCEL with a raised SEQUENCE to everyone invited; answer links stop working. */
export async function cancelMeeting(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: { version: number },
): Promise<Result<Meeting, Meeting>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Treffen sagen Vorsitz, Stellvertretung oder Netzwerkkoordination ab.');
    }
    if (access.meeting.status === 'cancelled') return refused('Das Treffen ist schon abgesagt.');
    if (access.meeting.version !== input.version) {
      return conflict(
        'Jemand hat das Treffen inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        access.meeting,
      );
    }
    const saved = await updateMeetingRow(
      trx,
      access.meeting,
      { status: 'cancelled', icsSequence: access.meeting.icsSequence + 1 },
      ctx.now,
    );
    if (!saved) return conflict('Jemand hat das Treffen inzwischen geändert.', access.meeting);
    // Answer links stop working (a cancelled meeting takes no more answers).
    await revokeLinks(trx, 'network', { meeting_id: meetingId }, ctx.now.toISOString(), { unusedOnly: true });
    if (access.meeting.invitedAt) await mailMembers(trx, ctx, access, saved, 'cancel');
    await recordAudit(trx, ctx, {
      action: 'network.meeting.cancel',
      objectType: 'network_meeting',
      objectId: meetingId,
    });
    return ok(saved);
  });
}

/** Why a past meeting takes no agenda items (what was said belongs in its minutes). */
export const MEETING_OVER_AGENDA =
  'Das Treffen ist schon vorbei: Tagesordnungspunkte lassen sich nicht mehr hinzufügen. Halten Sie Ergänzungen im Protokoll fest.';

/**
 * Adds an agenda item. The chair's items are on the agenda at once; a member's is a proposal the chair accepts or
 * declines, possible until the proposal deadline.
 */
export async function addAgendaItem(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: AgendaItemInput,
): Promise<Result<{ itemId: string; proposed: boolean }>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    const actor = userOf(ctx);
    const runs = can(actor, 'network.group.manage', access.resource);
    if (!runs && !can(actor, 'network.agenda.propose', access.resource)) {
      return refused('Tagesordnungspunkte schlagen Mitglieder der Gruppe vor.');
    }
    if (access.meeting.status !== 'scheduled') return refused('Das Treffen ist abgesagt.');
    if (isMeetingOver(access.meeting, ctx.now)) return refused(MEETING_OVER_AGENDA);
    if (!runs && !isProposalOpen(access.meeting, ctx.now)) {
      return refused('Die Frist für Vorschläge ist abgelaufen. Bitte wenden Sie sich an den Vorsitz.');
    }
    const proposer = runs ? null : ownMemberRow(access.members, actor!);
    const itemId = await insertAgendaItem(trx, meetingId, input, {
      status: runs ? 'accepted' : 'proposed',
      proposedByMemberId: proposer?.id ?? null,
      now: ctx.now,
    });
    await recordAudit(trx, ctx, {
      action: runs ? 'network.agenda.add' : 'network.agenda.propose',
      objectType: 'network_agenda_item',
      objectId: itemId,
    });
    return ok({ itemId, proposed: !runs });
  });
}

/** The member row through which a user belongs to a group: their own, else their organisation's. */
function ownMemberRow(members: Member[], actor: { id: string; organizationId: string }): Member | null {
  return (
    members.find((m) => m.kind === 'user' && m.userId === actor.id) ??
    members.find((m) => m.kind === 'organization' && m.organizationId === actor.organizationId) ??
    null
  );
}

/** The chair accepts or declines a proposed agenda item. */
export async function decideProposal(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: { itemId: string; decision: 'accept' | 'decline' },
): Promise<Result<{ itemId: string }>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    if (!can(userOf(ctx), 'network.group.manage', access.resource)) {
      return refused('Über Vorschläge entscheiden Vorsitz und Stellvertretung.');
    }
    const done = await decideProposalRow(
      trx,
      meetingId,
      input.itemId,
      input.decision === 'accept' ? 'accepted' : 'declined',
      ctx.now,
    );
    if (!done) return conflict('Über diesen Vorschlag wurde schon entschieden.');
    await recordAudit(trx, ctx, {
      action: `network.agenda.${input.decision}`,
      objectType: 'network_agenda_item',
      objectId: input.itemId,
    });
    return ok({ itemId: input.itemId });
  });
}

/** A signed-in member answers an invitation (for themselves, or for their organisation). */
export async function answerMeeting(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: { answer: Answer },
): Promise<Result<{ answer: Answer }>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    const actor = userOf(ctx)!;
    if (!can(actor, 'network.meeting.answer', access.resource)) {
      return refused('Nur Mitglieder der Gruppe antworten auf Einladungen.');
    }
    if (access.meeting.status !== 'scheduled') return refused('Das Treffen ist abgesagt.');
    if (isMeetingOver(access.meeting, ctx.now)) return refused('Das Treffen ist schon vorbei.');
    const member = ownMemberRow(access.members, actor)!;
    await setAnswer(trx, meetingId, member.id, input.answer, ctx.now);
    await recordAudit(trx, ctx, {
      action: 'network.meeting.answer',
      objectType: 'network_meeting',
      objectId: meetingId,
    });
    return ok({ answer: input.answer });
  });
}

/**
 * Where the reminder window ends at `now`: the end of the German day `days` days from today, so a meeting on
 * Thursday is reminded from Monday morning with 3 days (one run of the job a day suffices).
 */
export function reminderWindowEnd(now: Date, days: number): Date {
  const [y, m, d] = todayInGermany(now).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d + days + 1)).toISOString().slice(0, 10);
  return berlinInstant(day, '00:00');
}

/**
 * The reminder job's part for meetings: MEETING_REMINDER_DAYS before a scheduled, invited meeting every invited
 * current member with an address gets one mail (the agenda, their answer or the request to answer; members without
 * an account a fresh single-use answer link). Members who declined are left alone. Once per member and meeting:
 * the invitation records it, also when no mail was due. Time only from `ctx.now`.
 */
export async function sendMeetingReminders(db: Executor, ctx: ActionContext): Promise<{ sent: number }> {
  const days = ctx.config.meetingReminderDays;
  if (days <= 0) return { sent: 0 };
  const due = await listInvitationsToRemind(db, {
    from: ctx.now.toISOString(),
    until: reminderWindowEnd(ctx.now, days).toISOString(),
  });
  const byMeeting = new Map<string, typeof due>();
  for (const row of due) byMeeting.set(row.meetingId, [...(byMeeting.get(row.meetingId) ?? []), row]);
  let sent = 0;
  for (const [meetingId, invitations] of byMeeting) {
    sent += await db.transaction().execute(async (trx) => {
      const meeting = await findMeeting(trx, meetingId);
      const group = meeting ? await findGroup(trx, meeting.groupId) : null;
      let mailed = 0;
      if (meeting && group && !group.archivedAt) {
        const members = new Map((await listMembers(trx, group.id)).map((m) => [m.id, m]));
        const agenda = await listAgenda(trx, meeting.id);
        const placeLabel = meeting.locationId
          ? await findLocationLabel(trx, meeting.locationId)
          : meeting.address;
        const pageUrl = `${ctx.config.publicBaseUrl}/arbeitskreise/${group.id}/treffen/${meeting.id}`;
        for (const invitation of invitations) {
          const member = members.get(invitation.memberId);
          if (!member?.email || invitation.answer === 'not_attending') continue;
          let linkUrl: string | null = null;
          if (member.kind !== 'user') {
            const token = await issueAnswerLink(trx, member.id, meeting, ctx.now);
            linkUrl = `${ctx.config.publicBaseUrl}/arbeitskreise/link/${token}`;
          }
          await enqueueMail(
            trx,
            meetingReminderMail(
              member.email,
              group,
              meeting,
              agenda,
              placeLabel,
              { linkUrl, pageUrl },
              invitation.answer,
            ),
            ctx.now,
          );
          mailed += 1;
        }
        if (mailed > 0) {
          await recordAudit(trx, ctx, {
            action: 'network.meeting.remind',
            objectType: 'network_meeting',
            objectId: meeting.id,
          });
        }
      }
      await markInvitationsReminded(
        trx,
        invitations.map((i) => i.id),
        ctx.now,
      );
      return mailed;
    });
  }
  return { sent };
}

/** What a single-use link shows before it is used (GET shows a button; only the POST redeems it). */
export type LinkView =
  | { purpose: 'answer'; group: Group; meeting: Meeting; memberName: string }
  | { purpose: 'action_done'; groupName: string; title: string; dueOn: string | null; memberName: string };

/** Reads what a link opens, without using it; null for junk, used, revoked or expired links. */
export async function viewLink(db: Executor, token: string, now: Date): Promise<LinkView | null> {
  if (!isWellFormedToken(token)) return null;
  const link = await findUsableGroupLink(db, hashToken(token), now.toISOString());
  if (!link) return null;
  if (link.purpose === 'answer' && link.meetingId) {
    const meeting = await findMeeting(db, link.meetingId);
    if (!meeting || meeting.status !== 'scheduled') return null;
    const members = await listMembers(db, meeting.groupId);
    const member = members.find((m) => m.id === link.memberId);
    const group = await findGroup(db, meeting.groupId);
    if (!member || !group) return null;
    return { purpose: 'answer', group, meeting, memberName: member.name };
  }
  if (link.purpose === 'action_done' && link.actionItemId) {
    const item = await findActionItem(db, link.actionItemId);
    if (!item || item.status !== 'open') return null;
    const group = await findGroup(db, item.groupId);
    const member = group ? await findMember(db, group.id, link.memberId) : null;
    if (!group || !member) return null;
    return {
      purpose: 'action_done',
      groupName: group.name,
      title: item.title,
      dueOn: item.dueOn,
      memberName: member.name,
    };
  }
  return null;
}

/**
 * The actor a single-use link stands for — the member it was mailed to, with their group and organisation — or
 * null for junk, used, revoked or expired links. The page acts as this actor, so the audit names the link.
 */
export async function findLinkActor(db: Executor, token: string, now: Date): Promise<GroupLinkActor | null> {
  if (!isWellFormedToken(token)) return null;
  const link = await findUsableGroupLink(db, hashToken(token), now.toISOString());
  const member = link ? await findMemberGroup(db, link.memberId) : null;
  return link && member
    ? {
        kind: 'group_link',
        linkId: link.id,
        memberId: link.memberId,
        groupId: member.groupId,
        organizationId: member.organizationId,
      }
    : null;
}

const INVALID_LINK =
  'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte melden Sie sich beim Vorsitz der Gruppe.';

/**
 * Redeems the actor's single-use link once: an answer to its one invitation, or "done" for its one action item.
 * The link names the member; it opens nothing else (no group page, no other meeting). A second use is refused.
 * Two audit entries: what was done (to the meeting or the action item) and the link that did it.
 */
export async function redeemLink(
  db: Executor,
  ctx: ActionContext,
  input: { answer?: Answer },
): Promise<Result<{ purpose: 'answer' | 'action_done' }>> {
  const actor = ctx.actor;
  if (actor.kind !== 'group_link') return refused(INVALID_LINK);
  return db.transaction().execute(async (trx) => {
    const link = await findUsableGroupLink(trx, actor.linkId, ctx.now.toISOString());
    if (!link || link.memberId !== actor.memberId) return refused(INVALID_LINK);
    const named = { action: 'network.link.redeem', objectType: 'network_link', objectId: link.id };
    if (link.purpose === 'answer') {
      if (!input.answer)
        return invalid({ answer: 'Bitte wählen Sie: nehme teil, nehme nicht teil oder vielleicht.' });
      const meeting = link.meetingId ? await findMeeting(trx, link.meetingId) : null;
      if (!meeting || meeting.status !== 'scheduled') return refused(INVALID_LINK);
      if (!(await markLinkUsed(trx, 'network', link.id, ctx.now.toISOString()))) return refused(INVALID_LINK);
      await setAnswer(trx, meeting.id, link.memberId, input.answer, ctx.now);
      await recordAudit(trx, ctx, {
        action: 'network.meeting.answer_link',
        objectType: 'network_meeting',
        objectId: meeting.id,
      });
      await recordAudit(trx, ctx, named);
      return ok({ purpose: 'answer' as const });
    }
    const item = link.actionItemId ? await findActionItem(trx, link.actionItemId) : null;
    if (!item || item.status !== 'open' || item.responsibleMemberId !== link.memberId)
      return refused(INVALID_LINK);
    if (!(await markLinkUsed(trx, 'network', link.id, ctx.now.toISOString()))) return refused(INVALID_LINK);
    if (!(await setActionStatus(trx, item, 'done', ctx.now))) return refused(INVALID_LINK);
    await recordAudit(trx, ctx, {
      action: 'network.action.done_link',
      objectType: 'network_action_item',
      objectId: item.id,
    });
    await recordAudit(trx, ctx, named);
    return ok({ purpose: 'action_done' as const });
  });
}
