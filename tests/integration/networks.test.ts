import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/lib/action/context';
import type { User } from '../../src/lib/auth/auth';
import { loadConfig, type Config } from '../../src/lib/config/config';
import { listMembers } from '../../src/lib/networks/group.queries';
import {
  addMember,
  changeMember,
  createGroup,
  listGroupsFor,
  loadGroupFor,
  updateGroup,
} from '../../src/lib/networks/group.service';
import { listOutboxAttachments } from '../../src/lib/notify/outbox.queries';
import { listAgenda, listInvitations } from '../../src/lib/networks/meeting.queries';
import {
  addAgendaItem,
  answerMeeting,
  cancelMeeting,
  decideProposal,
  findLinkActor,
  redeemLink,
  scheduleMeeting,
  sendInvitations,
  updateMeeting,
  viewLink,
} from '../../src/lib/networks/meeting.service';
import { findMinutes, listActionItems, listCorrections } from '../../src/lib/networks/minutes.queries';
import {
  listMyActionItems,
  MY_ACTION_ITEMS_LIMITS,
  loadMinutesFor,
  releaseMinutes,
  saveMinutes,
  searchMinutesFor,
  sendActionReminders,
  setActionItemStatus,
} from '../../src/lib/networks/minutes.service';
import type { GroupInput, MeetingInput } from '../../src/lib/networks/networks';
import { findMailById, listRecentMails } from '../../src/lib/notify/outbox.queries';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { hashToken } from '../../src/lib/auth/token';
import { deliverDueMails } from '../../src/lib/notify/outbox.service';
import { systemContext } from '../../src/lib/action/context';
import { networkRemindersJob } from '../../src/lib/networks/networks.job';
import { MEETING_OVER_AGENDA, reminderWindowEnd } from '../../src/lib/networks/meeting.service';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';
import { mimeParts } from '../helpers/mime';
import { startTestSmtpServer } from '../helpers/smtp';

const T0 = new Date('2026-03-02T09:00:00.000Z');

const GROUP: GroupInput = {
  name: 'Arbeitskreis Migration',
  purpose: 'Austausch der Träger',
  kind: 'arbeitskreis',
  district: 'Innenstadt',
  topics: [],
  visibility: 'members',
};

const MEETING: MeetingInput = {
  title: 'Frühjahrstreffen',
  date: '2026-03-28',
  startTime: '10:00',
  endTime: '12:00',
  placeKind: 'address',
  locationId: null,
  address: 'Breite Straße 1, 23552 Lübeck',
  onlineUrl: null,
  proposalDeadlineDate: '2026-03-20',
};

/** The token of the newest single-use link mailed to an address. */
async function linkTokenFor(db: Parameters<typeof listRecentMails>[0], to: string): Promise<string> {
  const mail = (await listRecentMails(db, 500)).find(
    (m) => m.to === to && /\/arbeitskreise\/link\//.test(m.text),
  );
  const match = /\/arbeitskreise\/link\/([a-z2-7]{32})/.exec(mail?.text ?? '');
  if (!match) throw new Error(`no link mailed to ${to}`);
  return match[1]!;
}

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone'))
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return {
    method: calendar.getFirstPropertyValue('method'),
    event: new ICAL.Event(calendar.getFirstSubcomponent('vevent')!),
  };
}

describe.each(testDialects)('working groups on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let config: Config;
  let coordinator: User;
  let chair: User;
  let outsider: User;
  let colleague: User;
  let memberOrgId: string;
  const ctx = (user: User | null, now = T0): ActionContext => ({
    actor: user ? { kind: 'user', user } : { kind: 'anonymous' },
    requestId: null,
    now,
    config,
  });

  beforeAll(async () => {
    test = await createTestDb(dialect);
    config = loadConfig({ DATABASE_URL: test.url, PUBLIC_BASE_URL: 'https://netz.example' });
    coordinator = await createTestUser(test.db, { role: 'coordinator' });
    chair = await createTestUser(test.db, { role: 'partner', displayName: 'Clara Vorsitz' });
    outsider = await createTestUser(test.db, { role: 'caseworker' });
    const memberOrg = await createTestOrganization(test.db, {
      email: 'info@verein.example',
      name: 'Verein Lübeck',
    });
    memberOrgId = memberOrg.id;
    colleague = await createTestUser(test.db, { role: 'partner', organizationId: memberOrgId });
  });
  afterAll(async () => test?.drop());

  /** Redeems a single-use link as the page does: the link is the actor (an unusable one acts as nobody). */
  const redeem = async (
    token: string,
    input: { answer?: 'attending' | 'not_attending' | 'maybe' },
    now = T0,
  ) =>
    redeemLink(
      test.db,
      { ...ctx(null, now), actor: (await findLinkActor(test.db, token, now)) ?? { kind: 'anonymous' } },
      input,
    );

  let groups = 0;
  /** A group with a chair (user), a member organisation and a contact without account (`kai`, unique address). */
  async function groupWithMembers() {
    const kaiEmail = `kai-${++groups}@kontakt.example`;
    const created = await createGroup(test.db, ctx(coordinator), GROUP);
    if (!created.ok) throw new Error('group');
    const id = created.value.id;
    const add = (input: Parameters<typeof addMember>[3]) => addMember(test.db, ctx(coordinator), id, input);
    const base = {
      organizationId: null,
      userId: null,
      contactName: null,
      contactEmail: null,
      contactOrganization: null,
      joinedOn: null,
    };
    expect((await add({ ...base, kind: 'user', userId: chair.id, role: 'chair' })).ok).toBe(true);
    expect(
      (await add({ ...base, kind: 'organization', organizationId: memberOrgId, role: 'member' })).ok,
    ).toBe(true);
    expect(
      (
        await add({
          ...base,
          kind: 'contact',
          contactName: 'Kai Kontakt',
          contactEmail: kaiEmail,
          contactOrganization: 'Stadtteilbüro',
          role: 'guest',
        })
      ).ok,
    ).toBe(true);
    return { ...created.value, kaiEmail };
  }

  it('never shows a members-only group to a non-member: not in lists, not found when opened or changed', async () => {
    const group = await groupWithMembers();
    expect(await loadGroupFor(test.db, outsider, group.id)).toBeNull();
    expect((await listGroupsFor(test.db, outsider)).map((g) => g.id)).not.toContain(group.id);
    const change = await updateGroup(test.db, ctx(outsider), group.id, {
      ...GROUP,
      name: 'Übernommen',
      version: 1,
    });
    expect(change.ok === false && change.kind).toBe('not_found');
    expect((await scheduleMeeting(test.db, ctx(outsider), group.id, MEETING)).ok === false).toBe(true);
    // A colleague of a member organisation sees it and finds it under "Meine Arbeitskreise".
    expect(await loadGroupFor(test.db, colleague, group.id)).not.toBeNull();
    expect((await listGroupsFor(test.db, colleague, { mine: true })).map((g) => g.id)).toContain(group.id);
  });

  it('lets only chairs and coordinators change a group', async () => {
    const group = await groupWithMembers();
    const byMember = await updateGroup(test.db, ctx(colleague), group.id, {
      ...GROUP,
      name: 'Neu',
      version: 1,
    });
    expect(byMember.ok === false && byMember.kind).toBe('refused');
    const byChair = await updateGroup(test.db, ctx(chair), group.id, {
      ...GROUP,
      name: 'AK Migration Lübeck',
      version: 1,
    });
    expect(byChair.ok && byChair.value.name).toBe('AK Migration Lübeck');
    const stale = await updateGroup(test.db, ctx(coordinator), group.id, { ...GROUP, version: 1 });
    expect(stale.ok === false && stale.kind).toBe('conflict');
  });

  it('lets a deputy named in person run the group like the chair', async () => {
    const group = await groupWithMembers();
    const deputy = await createTestUser(test.db, { role: 'partner', displayName: 'Dana Stellvertretung' });
    const added = await addMember(test.db, ctx(chair), group.id, {
      kind: 'user',
      userId: deputy.id,
      organizationId: null,
      contactName: null,
      contactEmail: null,
      contactOrganization: null,
      role: 'deputy',
      joinedOn: null,
    });
    expect(added.ok).toBe(true);
    const scheduled = await scheduleMeeting(test.db, ctx(deputy), group.id, MEETING);
    expect(scheduled.ok).toBe(true);
    const renamed = await updateGroup(test.db, ctx(deputy), group.id, {
      ...GROUP,
      name: 'AK Neu',
      version: 1,
    });
    expect(renamed.ok && renamed.value.name).toBe('AK Neu');
  });

  it('keeps a member who left in the history and refuses a second current membership', async () => {
    const group = await groupWithMembers();
    const members = await listMembers(test.db, group.id);
    const org = members.find((m) => m.kind === 'organization')!;
    const again = await addMember(test.db, ctx(coordinator), group.id, {
      kind: 'organization',
      organizationId: memberOrgId,
      userId: null,
      contactName: null,
      contactEmail: null,
      contactOrganization: null,
      role: 'guest',
      joinedOn: null,
    });
    expect(again.ok === false && again.kind === 'invalid' && Object.keys(again.errors)).toEqual([
      'organizationId',
    ]);
    const left = await changeMember(test.db, ctx(chair), group.id, {
      memberId: org.id,
      leave: true,
      version: org.version,
    });
    expect(left.ok).toBe(true);
    expect((await listMembers(test.db, group.id)).map((m) => m.id)).not.toContain(org.id);
    const history = await listMembers(test.db, group.id, { includeFormer: true });
    expect(history.find((m) => m.id === org.id)?.leftOn).toBe('2026-03-02');
  });

  it('invites with an .ics, moves the meeting across the clock change, cancels it: one UID, rising SEQUENCE', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
    if (!scheduled.ok) throw new Error('schedule');
    const meeting = scheduled.value;
    const invited = await sendInvitations(test.db, ctx(chair), meeting.id, { version: meeting.version });
    expect(invited.ok && invited.value.sent).toBe(3);

    const mails = await listRecentMails(test.db, 500);
    const invite = mails.find((m) => m.to === group.kaiEmail && m.kind === 'network.meeting.invite')!;
    expect(invite.text).toMatch(/https:\/\/netz\.example\/arbeitskreise\/link\/[a-z2-7]{32}/);
    const [first] = await listOutboxAttachments(test.db, invite.id);
    expect(first!.contentType).toBe('text/calendar; charset=utf-8; method=REQUEST');
    const one = parseIcs(first!.content);
    expect(one.method).toBe('REQUEST');
    expect(one.event.startDate.toString()).toBe('2026-03-28T10:00:00');
    expect(one.event.startDate.toJSDate().toISOString()).toBe('2026-03-28T09:00:00.000Z');

    const current = (await loadGroupFor(test.db, chair, group.id))!;
    expect(current).not.toBeNull();
    const moved = await updateMeeting(test.db, ctx(chair, new Date('2026-03-03T09:00:00Z')), meeting.id, {
      ...MEETING,
      date: '2026-03-30',
      version: meeting.version + 1,
    });
    if (!moved.ok) throw new Error(`move: ${JSON.stringify(moved)}`);
    const update = (await listRecentMails(test.db, 500)).find(
      (m) => m.to === group.kaiEmail && m.kind === 'network.meeting.update',
    )!;
    const two = parseIcs((await listOutboxAttachments(test.db, update.id))[0]!.content);
    expect(two.method).toBe('REQUEST');
    expect(two.event.uid).toBe(one.event.uid);
    expect(two.event.sequence).toBeGreaterThan(one.event.sequence);
    expect(two.event.startDate.toString()).toBe('2026-03-30T10:00:00');
    expect(two.event.startDate.toJSDate().toISOString()).toBe('2026-03-30T08:00:00.000Z');

    const cancelled = await cancelMeeting(test.db, ctx(chair), meeting.id, { version: moved.value.version });
    expect(cancelled.ok).toBe(true);
    const cancel = (await listRecentMails(test.db, 500)).find(
      (m) => m.to === group.kaiEmail && m.kind === 'network.meeting.cancel',
    )!;
    const three = parseIcs((await listOutboxAttachments(test.db, cancel.id))[0]!.content);
    expect(three.method).toBe('CANCEL');
    expect(three.event.uid).toBe(one.event.uid);
    expect(three.event.sequence).toBeGreaterThan(two.event.sequence);
  });

  it('sends the invitation with its .ics as a text/calendar part and deletes the stored file once it is sent', async () => {
    const smtp = await startTestSmtpServer();
    try {
      const group = await groupWithMembers();
      const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
      if (!scheduled.ok) throw new Error('schedule');
      await sendInvitations(test.db, ctx(chair), scheduled.value.id, { version: scheduled.value.version });
      const invite = (await listRecentMails(test.db, 500)).find(
        (m) => m.to === group.kaiEmail && m.kind === 'network.meeting.invite',
      )!;
      const mailConfig = { ...config, smtpUrl: smtp.url };
      await deliverDueMails(test.db, mailConfig, { now: T0, limit: 500 });

      const received = smtp.messages.find((m) => m.to.includes(group.kaiEmail))!;
      expect(received).toBeDefined();
      const calendarParts = mimeParts(received.raw).filter((p) => /^text\/calendar/i.test(p.contentType));
      expect(calendarParts.length).toBeGreaterThan(0);
      expect(calendarParts[0]!.contentType).toMatch(/method=REQUEST/i);
      const sent = parseIcs(calendarParts[0]!.body);
      expect(sent.method).toBe('REQUEST');
      expect(sent.event.summary).toBe(`${MEETING.title} (${GROUP.name})`);
      expect(sent.event.startDate.toJSDate().toISOString()).toBe('2026-03-28T09:00:00.000Z');

      expect((await findMailById(test.db, invite.id))?.status).toBe('sent');
      expect(await listOutboxAttachments(test.db, invite.id)).toEqual([]);
    } finally {
      await smtp.stop();
    }
  });

  it('takes an answer through a single-use link once, and only for that member’s invitation', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, {
      ...MEETING,
      date: '2026-04-15',
    });
    if (!scheduled.ok) throw new Error('schedule');
    await sendInvitations(test.db, ctx(chair), scheduled.value.id, { version: 1 });
    const token = await linkTokenFor(test.db, group.kaiEmail);

    const view = await viewLink(test.db, token, T0);
    expect(view?.purpose === 'answer' && view.meeting.id).toBe(scheduled.value.id);
    // Looking does not use the link (mail scanners follow GET links).
    expect(await viewLink(test.db, token, T0)).not.toBeNull();

    const kai = (await listMembers(test.db, group.id)).find((m) => m.kind === 'contact')!;
    const actor = await findLinkActor(test.db, token, T0);
    expect(actor).toEqual({
      kind: 'group_link',
      linkId: hashToken(token),
      memberId: kai.id,
      groupId: group.id,
      organizationId: null,
    });
    expect((await redeem(token, { answer: 'attending' })).ok).toBe(true);
    const replay = await redeem(token, { answer: 'not_attending' });
    expect(replay.ok === false && replay.kind).toBe('refused');
    // Holding the actor from before the first use does not help either: the link is used.
    const stale = await redeemLink(test.db, { ...ctx(null), actor: actor! }, { answer: 'maybe' });
    expect(stale.ok === false && stale.kind).toBe('refused');
    const invitations = await listInvitations(test.db, scheduled.value.id);
    expect(invitations.find((i) => i.memberId === kai.id)?.answer).toBe('attending');
    expect((await redeem('a'.repeat(32), { answer: 'maybe' })).ok).toBe(false);
    // The audit names the link that answered, and who answered through it (no account, no organisation).
    const named = await listAuditEntries(test.db, { objectType: 'network_link', objectId: hashToken(token) });
    expect(named.map((e) => [e.action, e.actorUserId, e.actorOrganizationId])).toEqual([
      ['network.link.redeem', null, null],
    ]);
    const answered = await listAuditEntries(test.db, {
      action: 'network.meeting.answer_link',
      objectId: scheduled.value.id,
    });
    expect(answered).toHaveLength(1);

    // A signed-in member answers on the page; an outsider cannot.
    expect((await answerMeeting(test.db, ctx(chair), scheduled.value.id, { answer: 'maybe' })).ok).toBe(true);
    const foreign = await answerMeeting(test.db, ctx(outsider), scheduled.value.id, { answer: 'maybe' });
    expect(foreign.ok === false && foreign.kind).toBe('not_found');
  });

  it('takes agenda proposals from members until the deadline; the chair accepts them', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
    if (!scheduled.ok) throw new Error('schedule');
    const item = { title: 'Sprachkurse im Herbst', description: null, responsible: null, plannedMinutes: 20 };
    const proposed = await addAgendaItem(test.db, ctx(colleague), scheduled.value.id, item);
    expect(proposed.ok && proposed.value.proposed).toBe(true);
    const late = await addAgendaItem(
      test.db,
      ctx(colleague, new Date('2026-03-21T09:00:00Z')),
      scheduled.value.id,
      item,
    );
    expect(late.ok === false && late.kind).toBe('refused');
    if (!proposed.ok) return;
    const byMember = await decideProposal(test.db, ctx(colleague), scheduled.value.id, {
      itemId: proposed.value.itemId,
      decision: 'accept',
    });
    expect(byMember.ok === false && byMember.kind).toBe('refused');
    expect(
      (
        await decideProposal(test.db, ctx(chair), scheduled.value.id, {
          itemId: proposed.value.itemId,
          decision: 'accept',
        })
      ).ok,
    ).toBe(true);
  });

  it('a past meeting takes no answers and no agenda items, from the chair or a member', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, {
      ...MEETING,
      proposalDeadlineDate: null,
    });
    if (!scheduled.ok) throw new Error('schedule');
    const meetingId = scheduled.value.id;
    const item = { title: 'Nachtrag', description: null, responsible: null, plannedMinutes: null };
    // 28 March 2026, 12:00 in Lübeck is 11:00 UTC: the meeting's end.
    const during = new Date('2026-03-28T10:59:00Z');
    const ended = new Date('2026-03-28T11:00:00Z');
    expect(
      (await answerMeeting(test.db, ctx(colleague, during), meetingId, { answer: 'attending' })).ok,
    ).toBe(true);
    expect((await addAgendaItem(test.db, ctx(chair, during), meetingId, item)).ok).toBe(true);

    const answer = await answerMeeting(test.db, ctx(colleague, ended), meetingId, { answer: 'maybe' });
    expect(answer).toEqual({ ok: false, kind: 'refused', reason: 'Das Treffen ist schon vorbei.' });
    const byChair = await addAgendaItem(test.db, ctx(chair, ended), meetingId, item);
    expect(byChair).toEqual({ ok: false, kind: 'refused', reason: MEETING_OVER_AGENDA });
    const byMember = await addAgendaItem(test.db, ctx(colleague, ended), meetingId, item);
    expect(byMember).toEqual({ ok: false, kind: 'refused', reason: MEETING_OVER_AGENDA });
    expect((await listAgenda(test.db, meetingId)).map((a) => a.title)).toEqual(['Nachtrag']);
    const invitations = await listInvitations(test.db, meetingId);
    expect(invitations.map((i) => i.answer).filter(Boolean)).toEqual(['attending']);
  });

  it('sends the changed agenda with a raised SEQUENCE, and keeps it quiet when nothing changed', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
    if (!scheduled.ok) throw new Error('schedule');
    const meetingId = scheduled.value.id;
    const add = (title: string) =>
      addAgendaItem(test.db, ctx(chair), meetingId, {
        title,
        description: null,
        responsible: null,
        plannedMinutes: null,
      });
    await add('Begrüßung');
    await add('Berichte');
    const invited = await sendInvitations(test.db, ctx(chair), meetingId, {
      version: scheduled.value.version,
    });
    if (!invited.ok) throw new Error('invite');
    const afterInvite = await listAgenda(test.db, meetingId);
    const [greeting, reports] = afterInvite.filter((a) => a.status === 'accepted');
    const updatesFor = async () =>
      (await listRecentMails(test.db, 500)).filter(
        (m) => m.to === group.kaiEmail && m.kind === 'network.meeting.update',
      );
    const base = { id: '', description: null, responsible: null, plannedMinutes: null, remove: false };
    const same = await updateMeeting(test.db, ctx(chair), meetingId, {
      ...MEETING,
      version: scheduled.value.version + 1,
      agenda: [
        { ...base, id: greeting!.id, title: 'Begrüßung', position: 1 },
        { ...base, id: reports!.id, title: 'Berichte', position: 2 },
      ],
    });
    if (!same.ok) throw new Error(`same: ${JSON.stringify(same)}`);
    expect(same.value.icsSequence).toBe(scheduled.value.icsSequence);
    expect(await updatesFor()).toHaveLength(0);

    const swapped = await updateMeeting(test.db, ctx(chair, new Date('2026-03-04T09:00:00Z')), meetingId, {
      ...MEETING,
      version: same.value.version,
      agenda: [
        { ...base, id: greeting!.id, title: 'Begrüßung', position: 2 },
        { ...base, id: reports!.id, title: 'Berichte der Träger', position: 1, plannedMinutes: 30 },
      ],
    });
    if (!swapped.ok) throw new Error('swap');
    expect(swapped.value.icsSequence).toBe(scheduled.value.icsSequence + 1);
    const [update] = await updatesFor();
    expect(update!.text).toMatch(/1\. Berichte der Träger \(30 Min\.\)\n2\. Begrüßung/);
    const ics = parseIcs((await listOutboxAttachments(test.db, update!.id))[0]!.content);
    expect(ics.event.sequence).toBe(scheduled.value.icsSequence + 1);

    const removed = await updateMeeting(test.db, ctx(chair), meetingId, {
      ...MEETING,
      version: swapped.value.version,
      agenda: [{ ...base, id: greeting!.id, title: 'Begrüßung', position: 1, remove: true }],
    });
    expect(removed.ok).toBe(true);
    const accepted = (await listAgenda(test.db, meetingId)).filter((a) => a.status === 'accepted');
    expect(accepted.map((a) => a.title)).toEqual(['Berichte der Träger']);
    expect(await updatesFor()).toHaveLength(2);
  });

  it('changes released minutes only by a correction with a reason, and keeps the text before it', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
    if (!scheduled.ok) throw new Error('schedule');
    const meetingId = scheduled.value.id;
    const members = await listMembers(test.db, group.id);
    const kai = members.find((m) => m.kind === 'contact')!;
    const draft = {
      entries: [
        {
          agendaItemId: null,
          position: 1,
          notes: 'Fall K7M3-9QXP besprochen',
          decisions: 'Flyer wird gedruckt',
        },
      ],
      attendance: members.map((m) => ({ memberId: m.id, status: 'present' as const })),
      actions: [
        { title: 'Flyer drucken', responsibleMemberId: kai.id, dueOn: '2026-04-10', agendaItemId: null },
      ],
      version: 1,
      reason: null,
    };
    const byMember = await saveMinutes(test.db, ctx(colleague), meetingId, draft);
    expect(byMember.ok === false && byMember.kind).toBe('refused');
    const saved = await saveMinutes(test.db, ctx(chair), meetingId, draft);
    if (!saved.ok) throw new Error('save');
    // A member does not see the draft.
    expect(await loadMinutesFor(test.db, ctx(colleague), meetingId)).toBeNull();

    const hinted = await releaseMinutes(test.db, ctx(chair), meetingId, {
      version: saved.value.version,
      confirm: false,
    });
    expect(hinted.ok === false && hinted.kind === 'invalid' && Object.keys(hinted.errors)).toEqual([
      'confirm',
    ]);
    const released = await releaseMinutes(test.db, ctx(chair), meetingId, {
      version: saved.value.version,
      confirm: true,
    });
    if (!released.ok) throw new Error('release');
    expect((await loadMinutesFor(test.db, ctx(colleague), meetingId))?.status).toBe('released');

    const fixed = {
      ...draft,
      actions: [],
      entries: [{ ...draft.entries[0]!, notes: 'Einzelfall besprochen' }],
    };
    const noReason = await saveMinutes(test.db, ctx(chair), meetingId, {
      ...fixed,
      version: released.value.version,
    });
    expect(noReason.ok === false && noReason.kind === 'invalid' && Object.keys(noReason.errors)).toEqual([
      'reason',
    ]);
    const corrected = await saveMinutes(test.db, ctx(chair), meetingId, {
      ...fixed,
      version: released.value.version,
      reason: 'Fallcode entfernt',
    });
    expect(corrected.ok && corrected.value.status).toBe('released');
    const minutes = (await findMinutes(test.db, meetingId))!;
    expect(minutes.entries[0]!.notes).toBe('Einzelfall besprochen');
    const corrections = await listCorrections(test.db, minutes.id);
    expect(corrections).toHaveLength(1);
    expect(corrections[0]!.reason).toBe('Fallcode entfernt');
    expect(corrections[0]!.previous[0]!.notes).toBe('Fall K7M3-9QXP besprochen');
    expect(await listActionItems(test.db, group.id, { openOnly: true })).toHaveLength(1);
  });

  it('reminds the responsible member when an action item falls due and when it is overdue, once each; done by link', async () => {
    const group = await groupWithMembers();
    const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
    if (!scheduled.ok) throw new Error('schedule');
    const members = await listMembers(test.db, group.id);
    const kai = members.find((m) => m.kind === 'contact')!;
    const chairRow = members.find((m) => m.kind === 'user')!;
    const saved = await saveMinutes(test.db, ctx(chair), scheduled.value.id, {
      entries: [],
      attendance: [],
      actions: [
        {
          title: 'Raum für Mai buchen',
          responsibleMemberId: kai.id,
          dueOn: '2026-06-10',
          agendaItemId: null,
        },
        {
          title: 'Einladung Herbst entwerfen',
          responsibleMemberId: chairRow.id,
          dueOn: '2026-06-10',
          agendaItemId: null,
        },
      ],
      version: 1,
      reason: null,
    });
    expect(saved.ok).toBe(true);
    const minePage = await listMyActionItems(test.db, chair);
    const mine = [...minePage.open, ...minePage.closed];
    expect(mine.map((i) => i.title)).toContain('Einladung Herbst entwerfen');
    expect(mine.map((i) => i.title)).not.toContain('Raum für Mai buchen');

    const kaiMails = async () =>
      (await listRecentMails(test.db, 1000))
        .filter((m) => m.to === group.kaiEmail)
        .map((m) => m.kind)
        .sort();
    await sendActionReminders(test.db, config, new Date('2026-06-09T10:00:00Z'));
    expect(await kaiMails()).toEqual([]);
    const dueDay = new Date('2026-06-10T06:00:00Z');
    await sendActionReminders(test.db, config, dueDay);
    expect(await kaiMails()).toEqual(['network.action.due']);
    expect(await sendActionReminders(test.db, config, dueDay)).toEqual({ due: 0, overdue: 0 });
    await sendActionReminders(test.db, config, new Date('2026-06-11T06:00:00Z'));
    expect(await kaiMails()).toEqual(['network.action.due', 'network.action.overdue']);

    const token = await linkTokenFor(test.db, group.kaiEmail);
    const view = await viewLink(test.db, token, new Date('2026-06-11T07:00:00Z'));
    expect(view?.purpose).toBe('action_done');
    const done = await redeem(token, {}, new Date('2026-06-11T07:00:00Z'));
    expect(done.ok).toBe(true);
    const items = await listActionItems(test.db, group.id);
    expect(items.find((i) => i.title === 'Raum für Mai buchen')?.status).toBe('done');

    const own = mine.find((i) => i.title === 'Einladung Herbst entwerfen')!;
    expect(
      (await setActionItemStatus(test.db, ctx(outsider), own.id, { status: 'done', version: own.version }))
        .ok,
    ).toBe(false);
    expect(
      (await setActionItemStatus(test.db, ctx(chair), own.id, { status: 'done', version: own.version })).ok,
    ).toBe(true);
    // "Meine Aufgaben" keeps it below the open ones, as recently done.
    const afterPage = await listMyActionItems(test.db, chair);
    const after = [...afterPage.open, ...afterPage.closed];
    expect(after.find((i) => i.id === own.id)?.status).toBe('done');
    expect(after.findIndex((i) => i.id === own.id)).toBe(after.length - 1);
  });
  it('"Meine Aufgaben" pages a long list instead of cutting it off silently', async () => {
    const created = await createGroup(test.db, ctx(coordinator), GROUP);
    if (!created.ok) throw new Error('group');
    const busy = await createTestUser(test.db, { displayName: 'Viel Zutun' });
    const added = await addMember(test.db, ctx(coordinator), created.value.id, {
      kind: 'user',
      userId: busy.id,
      organizationId: null,
      contactName: null,
      contactEmail: null,
      contactOrganization: null,
      joinedOn: null,
      role: 'member',
    });
    expect(added.ok).toBe(true);
    const member = (await listMembers(test.db, created.value.id)).find((m) => m.userId === busy.id)!;
    const total = 2 * MY_ACTION_ITEMS_LIMITS.open + 5;
    const at = '2026-05-01T10:00:00.000Z';
    await test.db
      .insertInto('network_action_item')
      .values(
        Array.from({ length: total }, (_, i) => ({
          id: `viel-${String(i).padStart(4, '0')}`,
          group_id: created.value.id,
          meeting_id: null,
          agenda_item_id: null,
          title: `Aufgabe ${i + 1}`,
          responsible_member_id: member.id,
          due_on: new Date(Date.UTC(2026, 5, 1) + i * 86_400_000).toISOString().slice(0, 10),
          status: 'open' as const,
          done_at: null,
          reminded_due_at: null,
          reminded_overdue_at: null,
          created_at: at,
          updated_at: at,
          version: 1,
        })),
      )
      .execute();
    const first = await listMyActionItems(test.db, busy);
    expect(first).toMatchObject({ openTotal: total, page: 1, pages: 3 });
    expect(first.open).toHaveLength(MY_ACTION_ITEMS_LIMITS.open);
    expect(first.open[0]!.title).toBe('Aufgabe 1');
    const second = await listMyActionItems(test.db, busy, { page: 2 });
    const last = await listMyActionItems(test.db, busy, { page: 3 });
    expect(last.open.map((i) => i.title)).toEqual(
      Array.from({ length: 5 }, (_, i) => `Aufgabe ${2 * MY_ACTION_ITEMS_LIMITS.open + i + 1}`),
    );
    const seen = new Set([...first.open, ...second.open, ...last.open].map((i) => i.id));
    expect(seen.size).toBe(total);
    // A page beyond the last shows the last; a junk page number the first.
    expect((await listMyActionItems(test.db, busy, { page: 99 })).page).toBe(3);
    expect((await listMyActionItems(test.db, busy, { page: 0 })).page).toBe(1);
  });

  it('reminds every invited member once, MEETING_REMINDER_DAYS before the meeting, through the outbox and SMTP', async () => {
    const smtp = await startTestSmtpServer();
    try {
      const group = await groupWithMembers();
      // Saturday 28 March 2026, 10:00 in Lübeck; invited on 2 March.
      const scheduled = await scheduleMeeting(test.db, ctx(chair), group.id, MEETING);
      if (!scheduled.ok) throw new Error('schedule');
      const meetingId = scheduled.value.id;
      await addAgendaItem(test.db, ctx(chair), meetingId, {
        title: 'Praktikumsbörse',
        description: null,
        responsible: null,
        plannedMinutes: null,
      });
      const invited = await sendInvitations(test.db, ctx(chair), meetingId, { version: 1 });
      if (!invited.ok) throw new Error('invite');
      // The member organisation declines: it is left alone. The chair accepts; the contact does not answer.
      expect((await answerMeeting(test.db, ctx(colleague), meetingId, { answer: 'not_attending' })).ok).toBe(
        true,
      );
      expect((await answerMeeting(test.db, ctx(chair), meetingId, { answer: 'attending' })).ok).toBe(true);
      const reminders = async () =>
        (await listRecentMails(test.db, 1000)).filter(
          (m) => m.kind === 'network.meeting.reminder' && m.text.includes('Praktikumsbörse'),
        );
      const run = (at: string, days = 3) =>
        networkRemindersJob.run(
          test.db,
          systemContext({ ...config, meetingReminderDays: days }, 'network-reminders', new Date(at)),
        );

      // Wednesday 25 March, evening: four days ahead in Germany — too early with 3 days.
      await run('2026-03-24T22:30:00Z');
      expect(await reminders()).toEqual([]);
      // Switched off: nothing, however close.
      await run('2026-03-27T08:00:00Z', 0);
      expect(await reminders()).toEqual([]);
      // Wednesday 25 March, early morning (Berlin already the 25th): three days ahead.
      expect(await run('2026-03-24T23:30:00Z')).toMatch(/; [1-9]\d* Erinnerungen an Treffen/);
      const sent = await reminders();
      expect(sent.map((m) => m.to).sort()).toEqual([chair.email, group.kaiEmail].sort());
      const toKai = sent.find((m) => m.to === group.kaiEmail)!;
      expect(toKai.subject).toBe(`Erinnerung: ${MEETING.title} (${GROUP.name}) am 28.03.2026, 10:00`);
      expect(toKai.text).toContain('Sie haben noch nicht geantwortet.');
      expect(toKai.text).toMatch(/https:\/\/netz\.example\/arbeitskreise\/link\/[a-z2-7]{32}/);
      expect(sent.find((m) => m.to === chair.email)!.text).toContain('Ihre Antwort: nehme teil.');
      // Once per member and meeting: later runs send nothing more.
      await run('2026-03-26T07:00:00Z');
      expect(await reminders()).toHaveLength(2);

      // The fresh link in the reminder answers for the contact.
      const token = /\/arbeitskreise\/link\/([a-z2-7]{32})/.exec(toKai.text)![1]!;
      expect((await redeem(token, { answer: 'maybe' }, new Date('2026-03-26T08:00:00Z'))).ok).toBe(true);

      await deliverDueMails(
        test.db,
        { ...config, smtpUrl: smtp.url },
        { now: new Date('2026-03-26T07:00:00Z'), limit: 1000 },
      );
      const received = smtp.messages.find(
        (m) => m.to.includes(group.kaiEmail) && (m.subject ?? '').startsWith('Erinnerung:'),
      );
      expect(received?.text).toContain('Praktikumsbörse');
    } finally {
      await smtp.stop();
    }
  });

  it('ends the reminder window at the end of the German day N days ahead', () => {
    expect(reminderWindowEnd(new Date('2026-03-24T23:30:00Z'), 3).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    // Across the clock change (29 March): midnight of 30 March is 22:00 UTC.
    expect(reminderWindowEnd(new Date('2026-03-26T10:00:00Z'), 3).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
  });
  it('finds released minutes and decisions again, folded, only in groups the searcher may see', async () => {
    const group = await groupWithMembers();
    const open = await createGroup(test.db, ctx(coordinator), {
      ...GROUP,
      name: 'Netzwerkrunde',
      visibility: 'network',
    });
    if (!open.ok) throw new Error('group');
    const minutesOf = async (groupId: string, notes: string, decisions: string, release: boolean) => {
      const meeting = await scheduleMeeting(test.db, ctx(coordinator), groupId, MEETING);
      if (!meeting.ok) throw new Error('schedule');
      await addAgendaItem(test.db, ctx(coordinator), meeting.value.id, {
        title: 'Übergänge in Ausbildung',
        description: null,
        responsible: null,
        plannedMinutes: null,
      });
      const agenda = (await listAgenda(test.db, meeting.value.id))[0]!;
      const saved = await saveMinutes(test.db, ctx(coordinator), meeting.value.id, {
        entries: [{ agendaItemId: agenda.id, position: 1, notes, decisions }],
        attendance: [],
        actions: [],
        version: 1,
        reason: null,
      });
      if (!saved.ok) throw new Error('save');
      if (release) {
        const released = await releaseMinutes(test.db, ctx(coordinator), meeting.value.id, {
          version: saved.value.version,
          confirm: true,
        });
        if (!released.ok) throw new Error('release');
      }
      return meeting.value.id;
    };
    const secret = await minutesOf(
      group.id,
      'Treffpunkt künftig in der Großen Straße 5.',
      'Frau Müller übernimmt die Praktikumsbörse.',
      true,
    );
    await minutesOf(group.id, 'Entwurf: Praktikumsbörse Zollamt', 'noch offen', false);
    const shared = await minutesOf(open.value.id, 'Bericht', 'Die Praktikumsbörse startet im Mai.', true);

    const meetingsFound = async (user: User, q: string) =>
      (await searchMinutesFor(test.db, user, q)).hits.map((h) => h.meetingId);
    // A member finds the members-only group's released minutes, folded: ß = ss, ü = ue, any case.
    expect(await meetingsFound(colleague, 'grosse STRASSE')).toEqual([secret]);
    expect(await meetingsFound(colleague, 'mueller')).toEqual([secret]);
    expect(await meetingsFound(colleague, 'übergänge')).toEqual(expect.arrayContaining([secret, shared]));
    // Drafts are never found, not even by those who run the group.
    expect(await meetingsFound(coordinator, 'Zollamt')).toEqual([]);
    // A non-member never sees a hit from a members-only group, only from the network's open group.
    expect(await meetingsFound(outsider, 'Praktikumsbörse')).toEqual([shared]);
    expect(await meetingsFound(outsider, 'Müller')).toEqual([]);
    // Every word must occur; wildcards are no words.
    expect(await meetingsFound(colleague, 'Müller Mai')).toEqual([]);
    expect(await searchMinutesFor(test.db, outsider, '% _')).toEqual({ words: [], hits: [] });
  });
});
