import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { can, type Actor, type NetworkGroupResource } from '../../src/lib/auth/policy';
import { parseFormData } from '../../src/lib/http/form';
import { meetingIcs, type MeetingEvent } from '../../src/lib/networks/ics';
import {
  AddMemberSchema,
  berlinInstant,
  caseDataHints,
  dueStateOf,
  isProposalOpen,
  MeetingSchema,
  meetingTimes,
  membersCsv,
  membershipOf,
  minutesChangeMode,
  MinutesFormSchema,
  minutesInputOf,
  prefillAttendance,
  reminderDue,
  runsInPerson,
  toBerlinParts,
  type Member,
} from '../../src/lib/networks/networks';

const actor = (role: Actor['role'], id = 'u1', organizationId = 'o1'): Actor => ({
  id,
  organizationId,
  role,
  active: true,
});
const group = (
  visibility: 'members' | 'network',
  membership: NetworkGroupResource['membership'] = null,
): NetworkGroupResource => ({ type: 'network_group', visibility, membership });

describe('working group policy', () => {
  it('hides a members-only group from every non-member who is no coordinator', () => {
    for (const role of ['admin', 'caseworker', 'partner'] as const) {
      expect(can(actor(role), 'network.group.read', group('members'))).toBe(false);
    }
  });

  it('shows a network-wide group to every signed-in user and a members-only one to its members', () => {
    expect(can(actor('partner'), 'network.group.read', group('network'))).toBe(true);
    expect(
      can(actor('partner'), 'network.group.read', group('members', { role: 'guest', via: 'organization' })),
    ).toBe(true);
    expect(can(actor('coordinator'), 'network.group.read', group('members'))).toBe(true);
  });

  it('lets only coordinators and a chair or deputy named in person change a group', () => {
    expect(can(actor('coordinator'), 'network.group.manage', group('members'))).toBe(true);
    expect(
      can(actor('partner'), 'network.group.manage', group('members', { role: 'chair', via: 'user' })),
    ).toBe(true);
    expect(
      can(actor('partner'), 'network.group.manage', group('members', { role: 'chair', via: 'organization' })),
    ).toBe(false);
    // The deputy (Stellvertretung) stands in for the chair: they run the group too, but only named in person.
    expect(
      can(actor('caseworker'), 'network.group.manage', group('network', { role: 'deputy', via: 'user' })),
    ).toBe(true);
    expect(
      can(
        actor('partner'),
        'network.group.manage',
        group('network', { role: 'deputy', via: 'organization' }),
      ),
    ).toBe(false);
    expect(
      can(actor('partner'), 'network.group.manage', group('network', { role: 'member', via: 'user' })),
    ).toBe(false);
    for (const role of ['chair', 'deputy', 'member', 'guest'] as const) {
      for (const via of ['user', 'organization'] as const) {
        expect(runsInPerson({ role, via }), `${role} via ${via}`).toBe(
          can(actor('partner'), 'network.group.manage', group('members', { role, via })),
        );
      }
    }
    expect(can(actor('admin'), 'network.group.manage', group('network'))).toBe(false);
  });

  it('lets only coordinators create groups', () => {
    expect(can(actor('coordinator'), 'network.group.create', { type: 'directory' })).toBe(true);
    expect(can(actor('admin'), 'network.group.create', { type: 'directory' })).toBe(false);
    expect(can(actor('partner'), 'network.group.create', { type: 'directory' })).toBe(false);
  });

  it('shows draft minutes only to those who run the group', () => {
    const member = { role: 'member' as const, via: 'user' as const };
    expect(
      can(actor('partner'), 'network.minutes.read', { ...group('members', member), minutesReleased: false }),
    ).toBe(false);
    expect(
      can(actor('partner'), 'network.minutes.read', { ...group('members', member), minutesReleased: true }),
    ).toBe(true);
    expect(
      can(actor('partner'), 'network.minutes.read', { ...group('members'), minutesReleased: true }),
    ).toBe(false);
  });

  it('lets members but not guests propose agenda items', () => {
    expect(
      can(
        actor('partner'),
        'network.agenda.propose',
        group('members', { role: 'member', via: 'organization' }),
      ),
    ).toBe(true);
    expect(
      can(actor('partner'), 'network.agenda.propose', group('network', { role: 'guest', via: 'user' })),
    ).toBe(false);
    expect(can(actor('partner'), 'network.agenda.propose', group('network'))).toBe(false);
  });
});

describe('membershipOf', () => {
  const row = (kind: Member['kind'], role: Member['role'], extra: Partial<Member> = {}) => ({
    kind,
    role,
    userId: null,
    organizationId: null,
    leftOn: null,
    ...extra,
  });

  it('prefers a personal membership over the organisation’s and ignores former members', () => {
    const members = [
      row('organization', 'chair', { organizationId: 'o1' }),
      row('user', 'member', { userId: 'u1' }),
      row('user', 'chair', { userId: 'u1', leftOn: '2026-01-01' }),
    ];
    expect(membershipOf(actor('partner'), members)).toEqual({ role: 'member', via: 'user' });
  });

  it('finds a membership through the organisation', () => {
    expect(membershipOf(actor('partner'), [row('organization', 'guest', { organizationId: 'o1' })])).toEqual({
      role: 'guest',
      via: 'organization',
    });
    expect(
      membershipOf(actor('partner'), [row('organization', 'guest', { organizationId: 'o2' })]),
    ).toBeNull();
  });
});

describe('meeting times in German time', () => {
  it('turns German wall-clock times into the right instants on both sides of the spring clock change', () => {
    expect(berlinInstant('2026-03-28', '10:00').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(berlinInstant('2026-03-30', '10:00').toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(toBerlinParts('2026-03-30T08:00:00.000Z')).toEqual({ date: '2026-03-30', time: '10:00' });
  });

  it('lets proposals in until the end of the deadline day in Germany', () => {
    const times = meetingTimes({
      date: '2026-06-10',
      startTime: '14:00',
      endTime: '16:00',
      proposalDeadlineDate: '2026-06-05',
    });
    const meeting = {
      status: 'scheduled' as const,
      startsAt: times.startsAt,
      proposalDeadline: times.proposalDeadline,
    };
    expect(isProposalOpen(meeting, new Date('2026-06-05T21:59:00Z'))).toBe(true);
    expect(isProposalOpen(meeting, new Date('2026-06-05T22:00:01Z'))).toBe(false);
    expect(isProposalOpen({ ...meeting, status: 'cancelled' }, new Date('2026-06-01T00:00:00Z'))).toBe(false);
  });

  it('names the field when a meeting form is wrong and keeps what was typed', () => {
    const data = new FormData();
    for (const [k, v] of [
      ['title', 'AK Migration'],
      ['date', '2026-02-30'],
      ['startTime', '14:00'],
      ['endTime', '13:00'],
      ['placeKind', 'online'],
      ['onlineUrl', 'http://unsicher.example'],
    ]) {
      data.append(k!, v!);
    }
    const parsed = parseFormData(data, MeetingSchema);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['date', 'endTime', 'onlineUrl']);
    expect(parsed.values['title']).toBe('AK Migration');
  });
});

describe('members', () => {
  it('asks a contact without account for name and e-mail address', () => {
    const parsed = AddMemberSchema.safeParse({
      kind: 'contact',
      role: 'member',
      contactName: '',
      contactEmail: '',
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path[0]);
    expect(paths).toContain('contactName');
    expect(paths).toContain('contactEmail');
  });

  it('exports a CSV that German Excel opens: BOM, semicolons, quoted fields, no formulas', () => {
    const member: Member = {
      id: 'm1',
      groupId: 'g1',
      kind: 'contact',
      organizationId: null,
      userId: null,
      contactName: '=HYPERLINK("x")',
      contactEmail: 'a@b.de',
      contactOrganization: 'Verein; Lübeck',
      role: 'chair',
      joinedOn: '2026-01-01',
      leftOn: null,
      version: 1,
      name: '=HYPERLINK("x")',
      email: 'a@b.de',
      organizationName: 'Verein; Lübeck',
    };
    const csv = membersCsv([member]);
    expect(csv.startsWith('\uFEFFName;Art;Organisation;E-Mail;Rolle;Beigetreten;Ausgetreten\r\n')).toBe(true);
    expect(csv).toContain(
      `"'=HYPERLINK(""x"")";Person (ohne Konto);"Verein; Lübeck";a@b.de;Vorsitz;2026-01-01;\r\n`,
    );
  });
});

describe('minutes', () => {
  it('gives a hint when text looks like a case code or a date of birth', () => {
    expect(caseDataHints('Fall K7M3-9QXP besprochen')).toHaveLength(1);
    expect(caseDataHints('Teilnehmer geb. 03.04.2008 aus Moisling')).toHaveLength(1);
    expect(caseDataHints('Nächstes Treffen am 03.04.2027, Raum 2')).toHaveLength(0);
  });

  it('changes released minutes only by a correction', () => {
    expect(minutesChangeMode(null)).toBe('draft');
    expect(minutesChangeMode({ status: 'draft' })).toBe('draft');
    expect(minutesChangeMode({ status: 'released' })).toBe('correction');
  });

  it('prefills attendance from the answers', () => {
    expect(prefillAttendance('attending')).toBe('present');
    expect(prefillAttendance('not_attending')).toBe('excused');
    expect(prefillAttendance('maybe')).toBe('absent');
    expect(prefillAttendance(null)).toBe('absent');
  });

  it('reads the minutes form’s parallel lists, skips blank action rows and names a bad due date', () => {
    const form = MinutesFormSchema.parse({
      entryAgendaItemId: ['a1', ''],
      entryNotes: ['Notiz', ''],
      entryDecisions: ['Beschluss', ''],
      attendanceMemberId: ['m1'],
      attendanceStatus: ['present'],
      actionTitle: ['Flyer drucken', ''],
      actionResponsible: ['m1', ''],
      actionDue: ['2026-13-01', ''],
      actionAgendaItemId: ['a1', ''],
      version: '1',
    });
    const result = minutesInputOf(form);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(['actionDue']);
    const fixed = minutesInputOf({ ...form, actionDue: ['2026-12-01', ''] });
    expect(fixed.ok && fixed.value.actions).toEqual([
      { title: 'Flyer drucken', responsibleMemberId: 'm1', dueOn: '2026-12-01', agendaItemId: 'a1' },
    ]);
    expect(fixed.ok && fixed.value.entries[1]).toEqual({
      agendaItemId: null,
      position: 2,
      notes: null,
      decisions: null,
    });
  });
});

describe('action items', () => {
  it('knows when an item is due or overdue and sends each reminder once', () => {
    const item = {
      status: 'open' as const,
      dueOn: '2026-05-10',
      remindedDueAt: null,
      remindedOverdueAt: null,
    };
    expect(dueStateOf(item, '2026-05-09')).toBe('later');
    expect(reminderDue(item, '2026-05-09')).toBeNull();
    expect(reminderDue(item, '2026-05-10')).toBe('due');
    expect(reminderDue({ ...item, remindedDueAt: 'x' }, '2026-05-10')).toBeNull();
    expect(reminderDue({ ...item, remindedDueAt: 'x' }, '2026-05-11')).toBe('overdue');
    expect(reminderDue({ ...item, remindedOverdueAt: 'x', remindedDueAt: 'x' }, '2026-05-12')).toBeNull();
    expect(reminderDue({ ...item, status: 'done' as const }, '2026-05-11')).toBeNull();
  });
});

describe('the calendar attachment (parsed with ical.js)', () => {
  const base: MeetingEvent = {
    uid: 'm123@partnernetz.example',
    sequence: 0,
    method: 'REQUEST',
    title: 'AK Migration; Frühjahr, 2026',
    description: 'Tagesordnung:\n1. Begrüßung',
    location: 'Breite Straße 1, 23552 Lübeck',
    url: null,
    startsAt: berlinInstant('2026-03-28', '10:00').toISOString(),
    endsAt: berlinInstant('2026-03-28', '12:00').toISOString(),
    organizer: { name: 'AK Migration', email: 'netz@partnernetz.example' },
    attendee: { name: 'Verein Lübeck', email: 'info@verein.example' },
    stamp: new Date('2026-03-01T09:00:00Z'),
  };

  function parse(text: string) {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) {
      ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    }
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    return { calendar, vevent, event };
  }

  it('invites with METHOD:REQUEST, the stable UID and times in Europe/Berlin', () => {
    const { calendar, event } = parse(meetingIcs(base));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe(base.uid);
    expect(event.sequence).toBe(0);
    expect(event.summary).toBe(base.title);
    expect(event.startDate.zone?.tzid).toBe('Europe/Berlin');
    expect(event.startDate.toString()).toBe('2026-03-28T10:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-28T09:00:00.000Z');
  });

  it('moves a meeting across the clock change with the same UID, a higher SEQUENCE and the right instant', () => {
    const moved = {
      ...base,
      sequence: 1,
      startsAt: berlinInstant('2026-03-30', '10:00').toISOString(),
      endsAt: berlinInstant('2026-03-30', '12:00').toISOString(),
    };
    const first = parse(meetingIcs(base)).event;
    const { calendar, event } = parse(meetingIcs(moved));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe(first.uid);
    expect(event.sequence).toBeGreaterThan(first.sequence);
    // Same wall clock, one hour less offset: 10:00 CEST is 08:00 UTC.
    expect(event.startDate.toString()).toBe('2026-03-30T10:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-03-30T10:00:00.000Z');
  });

  it('cancels with METHOD:CANCEL, STATUS:CANCELLED, the same UID and a higher SEQUENCE', () => {
    const { calendar, vevent, event } = parse(meetingIcs({ ...base, method: 'CANCEL', sequence: 2 }));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.uid).toBe(base.uid);
    expect(event.sequence).toBe(2);
  });

  it('writes DTSTAMP in UTC, as RFC 5545 demands', () => {
    const { vevent } = parse(meetingIcs(base));
    const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(stamp.zone?.tzid).toBe('UTC');
    expect(stamp.toJSDate().toISOString()).toBe('2026-03-01T09:00:00.000Z');
  });
});
