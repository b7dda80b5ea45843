import { describe, expect, it } from 'vitest';
import {
  agendaEditsOf,
  editedAgenda,
  isAgendaChange,
  minutesQueryWords,
  minutesSearchText,
  type ActionItem,
  type AgendaItem,
  type Member,
} from '../../src/lib/networks/networks';
import {
  actionLines,
  actionStatusText,
  agendaFormRows,
  meetingFormValues,
  agendaLines,
  answerSummary,
  excerptAround,
  groupSummary,
  minutesHitLine,
  minutesFormView,
  minutesSections,
  NEW_ACTION_ROWS,
  nextMeeting,
} from '../../src/lib/networks/networks.view';

const member = (id: string, name: string): Member => ({
  id,
  groupId: 'g',
  kind: 'organization',
  organizationId: 'o',
  userId: null,
  contactName: null,
  contactEmail: null,
  contactOrganization: null,
  role: 'member',
  joinedOn: '2026-01-01',
  leftOn: null,
  version: 1,
  name,
  email: null,
  organizationName: null,
});
const item = (id: string, status: AgendaItem['status'], position: number): AgendaItem => ({
  id,
  meetingId: 'm',
  position,
  title: `Punkt ${id}`,
  description: null,
  responsible: null,
  plannedMinutes: null,
  status,
  proposedByMemberId: null,
});
const action: ActionItem = {
  id: 'a',
  groupId: 'g',
  meetingId: 'm0',
  title: 'Flyer drucken',
  responsibleMemberId: 'm1',
  dueOn: '2026-04-10',
  status: 'open',
  doneAt: null,
  version: 1,
};

describe('the agenda of a meeting', () => {
  it('shows accepted items in order and leaves out proposals and declined ones', () => {
    const lines = agendaLines(
      [item('1', 'accepted', 1), item('2', 'proposed', 2), item('3', 'declined', 3)],
      [],
      [],
      true,
    );
    expect(lines.map((l) => l.title)).toEqual(['Punkt 1']);
  });

  it('carries the open action items to the next meeting only, as a last item', () => {
    const members = [member('m1', 'Verein Lübeck')];
    const next = agendaLines([item('1', 'accepted', 1)], [action], members, true);
    expect(next.at(-1)).toMatchObject({ number: 2, title: 'Offene Aufgaben' });
    expect(next.at(-1)!.actions).toEqual([
      { title: 'Flyer drucken', responsible: 'Verein Lübeck', due: '10.04.2026' },
    ]);
    expect(agendaLines([item('1', 'accepted', 1)], [action], members, false)).toHaveLength(1);
  });

  it('picks the next meeting that has not ended and is not cancelled', () => {
    const meetings = [
      {
        id: 'past',
        status: 'scheduled' as const,
        startsAt: '2026-03-01T09:00:00Z',
        endsAt: '2026-03-01T11:00:00Z',
      },
      {
        id: 'later',
        status: 'scheduled' as const,
        startsAt: '2026-05-01T09:00:00Z',
        endsAt: '2026-05-01T11:00:00Z',
      },
      {
        id: 'cancelled',
        status: 'cancelled' as const,
        startsAt: '2026-04-01T09:00:00Z',
        endsAt: '2026-04-01T11:00:00Z',
      },
      {
        id: 'soon',
        status: 'scheduled' as const,
        startsAt: '2026-04-02T09:00:00Z',
        endsAt: '2026-04-02T11:00:00Z',
      },
    ];
    expect(nextMeeting(meetings, new Date('2026-03-15T00:00:00Z'))?.id).toBe('soon');
  });
});

describe('answers and action items', () => {
  it('counts the answers and lists members without one', () => {
    const members = [member('m1', 'A'), member('m2', 'B'), member('m3', 'C')];
    const summary = answerSummary(
      [
        { memberId: 'm1', answer: 'attending' },
        { memberId: 'm2', answer: null },
      ],
      members,
    );
    expect(summary.counts).toEqual({ attending: 1, not_attending: 0, maybe: 0, open: 2 });
  });

  it('says whether an open item is due today or overdue', () => {
    expect(actionStatusText(action, '2026-04-09')).toBe('offen');
    expect(actionStatusText(action, '2026-04-10')).toBe('heute fällig');
    expect(actionStatusText(action, '2026-04-11')).toBe('überfällig');
    expect(actionStatusText({ ...action, status: 'done' }, '2026-04-11')).toBe('erledigt');
  });
});

describe('the minutes form', () => {
  const agenda = [item('1', 'accepted', 1), item('2', 'proposed', 2), item('3', 'accepted', 3)];
  const members = [member('m1', 'Verein A'), member('m2', 'Verein B'), member('m3', 'Verein C')];
  const base = { agenda, minutes: null, members, answers: [], attendance: new Map(), values: null };

  it('has one entry per accepted agenda item, numbered, and one for other business', () => {
    const view = minutesFormView(base);
    expect(view.entries.map((e) => [e.agendaItemId, e.title])).toEqual([
      ['1', '1. Punkt 1'],
      ['3', '2. Punkt 3'],
      ['', 'Sonstiges'],
    ]);
  });

  it('fills the entries from the saved minutes', () => {
    const view = minutesFormView({
      ...base,
      minutes: {
        entries: [
          { agendaItemId: '3', position: 2, notes: 'Notiz', decisions: 'Beschluss' },
          { agendaItemId: null, position: 3, notes: 'Sonst', decisions: null },
        ],
      },
    });
    expect(view.entries.map((e) => [e.notes, e.decisions])).toEqual([
      ['', ''],
      ['Notiz', 'Beschluss'],
      ['Sonst', ''],
    ]);
  });

  it('prefills attendance from the answers unless attendance was saved', () => {
    const view = minutesFormView({
      ...base,
      answers: [
        { memberId: 'm1', answer: 'attending' },
        { memberId: 'm2', answer: 'not_attending' },
        { memberId: 'm3', answer: 'attending' },
      ],
      attendance: new Map([['m3', 'absent' as const]]),
    });
    expect(view.attendance.map((a) => a.status)).toEqual(['present', 'excused', 'absent']);
  });

  it('keeps what was typed after a failed save, also in more action rows than the default', () => {
    const view = minutesFormView({
      ...base,
      values: {
        entryNotes: ['eins', 'zwei', 'drei'],
        entryDecisions: ['', 'b', ''],
        attendanceMemberId: ['m1', 'm2', 'm3'],
        attendanceStatus: ['excused', 'present', 'absent'],
        actionTitle: ['A', '', '', 'D'],
        actionResponsible: ['m1', '', '', ''],
        actionDue: ['2026-13-01', '', '', ''],
        actionAgendaItemId: ['3', '', '', ''],
      },
    });
    expect(view.entries.map((e) => e.notes)).toEqual(['eins', 'zwei', 'drei']);
    expect(view.entries[1]!.decisions).toBe('b');
    expect(view.attendance.map((a) => a.status)).toEqual(['excused', 'present', 'absent']);
    expect(view.actions).toHaveLength(4);
    expect(view.actions[0]).toEqual({ title: 'A', responsible: 'm1', due: '2026-13-01', agendaItemId: '3' });
  });

  it('offers empty rows for new action items', () => {
    const view = minutesFormView(base);
    expect(view.actions).toHaveLength(NEW_ACTION_ROWS);
    expect(view.actions.every((a) => a.title === '')).toBe(true);
  });
});

describe('the minutes to read', () => {
  it('shows entries with text under their agenda titles and other business last', () => {
    const sections = minutesSections(
      [
        { agendaItemId: null, position: 3, notes: 'Sonst', decisions: null },
        { agendaItemId: '1', position: 1, notes: 'Notiz', decisions: 'Beschluss' },
        { agendaItemId: '3', position: 2, notes: null, decisions: null },
        { agendaItemId: 'gone', position: 2, notes: 'alt', decisions: null },
      ],
      [item('1', 'accepted', 1), item('3', 'accepted', 2)],
    );
    expect(sections.map((s) => s.title)).toEqual(['1. Punkt 1', 'Tagesordnungspunkt', 'Sonstiges']);
  });

  it('names the responsible member of an action item, or a former one', () => {
    const lines = actionLines(
      [
        action,
        { ...action, id: 'b', responsibleMemberId: 'left' },
        { ...action, id: 'c', responsibleMemberId: null },
      ],
      [member('m1', 'Verein A')],
      '2026-04-01',
    );
    expect(lines.map((l) => l.responsible)).toEqual(['Verein A', 'ausgeschiedenes Mitglied', '–']);
    expect(lines[0]).toMatchObject({ due: '10.04.2026', status: 'offen' });
  });
});

describe('editing a meeting’s agenda', () => {
  const agenda = [item('1', 'accepted', 1), item('2', 'proposed', 2), item('3', 'accepted', 3)];
  const form = (overrides: Record<string, string[]> = {}) => ({
    agendaId: ['1', '3'],
    agendaTitle: ['Punkt 1', 'Punkt 3'],
    agendaDescription: ['', ''],
    agendaResponsible: ['', ''],
    agendaMinutes: ['', ''],
    agendaPosition: ['1', '2'],
    agendaRemove: [],
    ...overrides,
  });
  const edits = (overrides: Record<string, string[]> = {}) => {
    const parsed = agendaEditsOf(form(overrides));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.value;
  };

  it('sees no change when the form returns the agenda as it was', () => {
    expect(isAgendaChange(agenda, edits())).toBe(false);
  });

  it('sees a new order, a new title and a removed item as changes', () => {
    expect(isAgendaChange(agenda, edits({ agendaPosition: ['2', '1'] }))).toBe(true);
    expect(isAgendaChange(agenda, edits({ agendaTitle: ['Neu', 'Punkt 3'] }))).toBe(true);
    expect(isAgendaChange(agenda, edits({ agendaRemove: ['3'] }))).toBe(true);
  });

  it('numbers the kept items 1, 2 … in their new order and lists the removed ones', () => {
    const result = editedAgenda(agenda, edits({ agendaPosition: ['5', '1'] }));
    expect(result.kept.map((k) => [k.id, k.position])).toEqual([
      ['3', 1],
      ['1', 2],
    ]);
    expect(editedAgenda(agenda, edits({ agendaRemove: ['1'] })).removed).toEqual(['1']);
  });

  it('asks for a title unless the item is removed, and for numbers as order and minutes', () => {
    const missing = agendaEditsOf(form({ agendaTitle: ['', 'Punkt 3'] }));
    expect(!missing.ok && missing.errors['agendaTitle']).toMatch(/Titel/);
    expect(agendaEditsOf(form({ agendaTitle: ['', 'Punkt 3'], agendaRemove: ['1'] })).ok).toBe(true);
    const bad = agendaEditsOf(form({ agendaMinutes: ['viel', ''], agendaPosition: ['x', '2'] }));
    expect(!bad.ok && Object.keys(bad.errors).sort()).toEqual(['agendaMinutes', 'agendaPosition']);
  });

  it('fills the edit form in German time with the accepted agenda items only', () => {
    const values = meetingFormValues(
      {
        id: 'm',
        groupId: 'g',
        title: 'Treffen',
        startsAt: '2026-03-28T09:00:00.000Z',
        endsAt: '2026-03-28T11:00:00.000Z',
        placeKind: 'address',
        locationId: null,
        address: 'Breite Straße 1',
        onlineUrl: null,
        proposalDeadline: '2026-03-20T22:59:59.000Z',
        status: 'scheduled',
        icsUid: 'u',
        icsSequence: 0,
        invitedAt: null,
        version: 1,
      },
      agenda,
    );
    expect(values).toMatchObject({
      date: '2026-03-28',
      startTime: '10:00',
      endTime: '12:00',
      proposalDeadlineDate: '2026-03-20',
      agendaId: ['1', '3'],
      agendaPosition: ['1', '2'],
    });
    expect(agendaFormRows(values).map((r) => r.title)).toEqual(['Punkt 1', 'Punkt 3']);
  });
});

describe('groupSummary', () => {
  it('puts the district right after the kind, with no space before the comma', () => {
    const line = groupSummary({ kind: 'arbeitskreis', district: 'Lübeck', memberCount: 5 }, null);
    expect(line).toBe('Arbeitskreis, Lübeck · 5 Mitglieder');
    expect(line).not.toMatch(/\s,/);
  });

  it('leaves the comma out without a district and names the own role', () => {
    expect(
      groupSummary(
        { kind: 'gremium', district: null, memberCount: 1 },
        { role: 'deputy', via: 'organization' },
      ),
    ).toBe('Gremium · 1 Mitglied · Ihre Rolle: Stellvertretung (über Ihre Einrichtung)');
  });
});

describe('the minutes search', () => {
  it('folds the query as the directory search does and keeps no wildcards', () => {
    expect(minutesQueryWords('Große STRASSE, Müller 100% a_b x')).toEqual([
      'grosse',
      'strasse',
      'muller',
      '100',
    ]);
    expect(minutesQueryWords('% _ -')).toEqual([]);
  });

  it('folds agenda title, notes and decisions into one searchable text', () => {
    expect(minutesSearchText({ notes: 'Große Straße', decisions: null }, 'Übergänge')).toBe(
      'ubergange\ngrosse strasse',
    );
  });

  it('cuts a long text around the first match at word boundaries', () => {
    const text = `${'Anfang '.repeat(60)}hier steht der Beschluss zur Praktikumsbörse ${'Ende '.repeat(60)}`;
    const excerpt = excerptAround(text, ['praktikumsborse']);
    expect(excerpt).toContain('Praktikumsbörse');
    expect(excerpt.startsWith('… ')).toBe(true);
    expect(excerpt.endsWith(' …')).toBe(true);
    expect(excerpt.length).toBeLessThan(240);
    expect(excerptAround('kurz', ['kurz'])).toBe('kurz');
  });

  it('shows the decision when it holds the words, and links to the minutes', () => {
    const line = minutesHitLine(
      {
        groupId: 'g1',
        groupName: 'AK Migration',
        meetingId: 'm1',
        meetingTitle: 'Frühjahr',
        startsAt: '2026-03-28T09:00:00.000Z',
        agendaTitle: null,
        notes: 'Bericht über Praktika',
        decisions: 'Frau Müller übernimmt',
      },
      ['muller'],
    );
    expect(line).toMatchObject({
      href: '/arbeitskreise/g1/treffen/m1/protokoll',
      label: 'Beschluss',
      agendaTitle: 'Sonstiges',
      excerpt: 'Frau Müller übernimmt',
    });
  });
});
