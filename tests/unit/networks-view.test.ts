import { describe, expect, it } from 'vitest';
import type { ActionItem, AgendaItem, Member } from '../../src/lib/networks/networks';
import {
  actionStatusText,
  agendaLines,
  answerSummary,
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
