import { insertReferralFacts } from '../../src/lib/report/report.queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/lib/action/context';
import type { User } from '../../src/lib/auth/auth';
import { loadConfig, type Config } from '../../src/lib/config/config';
import { newId } from '../../src/lib/db/ids';
import { agendaFiguresFor, attachFigure } from '../../src/lib/networks/figure.service';
import { addMember, createGroup } from '../../src/lib/networks/group.service';
import { listMembers } from '../../src/lib/networks/group.queries';
import { listAgenda } from '../../src/lib/networks/meeting.queries';
import { addAgendaItem, scheduleMeeting } from '../../src/lib/networks/meeting.service';
import { releaseMinutes, saveMinutes } from '../../src/lib/networks/minutes.service';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestOrganization, createTestUser } from '../helpers/factories';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const PARAMS = {
  zeitraum: 'jahr' as const,
  jahr: 2026,
  kategorie: null,
  bezirk: null,
  stelle: null,
  partner: null,
};

describe.each(testDialects)('report figures on agenda items on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  let config: Config;
  let coordinator: User;
  let chair: User;
  let colleague: User;
  let outsider: User;
  let officeId: string;
  let recipientId: string;
  const ctx = (user: User, now = T0): ActionContext => ({
    actor: { kind: 'user', user },
    requestId: null,
    now,
    config,
  });

  /** n content-free "send" facts from the office to the recipient in February 2026. */
  async function addFacts(n: number) {
    for (let i = 0; i < n; i++) {
      // Through the report's own writer, so the monthly roll-up follows the facts as in the app.
      await insertReferralFacts(test.db, [
        {
          id: newId(),
          day: '2026-02-10',
          sent_on: '2026-02-10',
          sent_week: '2026-02-09',
          sent_month: '2026-02',
          office_id: officeId,
          recipient_id: recipientId,
          service_id: 'svc',
          category_id: '',
          district: '',
          kind: 'send',
          to_status: 'sent',
          reason_code: null,
          outcome: null,
          first_answer: 0,
          hours_to_answer: null,
        },
      ]);
    }
  }

  beforeAll(async () => {
    test = await createTestDb(dialect);
    config = loadConfig({ DATABASE_URL: test.url, PUBLIC_BASE_URL: 'https://netz.example' });
    coordinator = await createTestUser(test.db, { role: 'coordinator' });
    chair = await createTestUser(test.db, { role: 'partner', displayName: 'Clara Vorsitz' });
    outsider = await createTestUser(test.db, { role: 'caseworker' });
    const memberOrg = await createTestOrganization(test.db, { name: 'Verein Lübeck' });
    colleague = await createTestUser(test.db, { role: 'partner', organizationId: memberOrg.id });
    officeId = outsider.organizationId;
    recipientId = memberOrg.id;
  });
  afterAll(async () => test?.drop());

  it('attaches a figure, shows it live to who may see its scope and freezes it into released minutes', async () => {
    const group = await createGroup(test.db, ctx(coordinator), {
      name: 'AK Übergang Schule–Beruf',
      purpose: 'Austausch',
      kind: 'arbeitskreis',
      district: null,
      topics: [],
      visibility: 'members',
    });
    if (!group.ok) throw new Error('group');
    const base = {
      organizationId: null,
      userId: null,
      contactName: null,
      contactEmail: null,
      contactOrganization: null,
      joinedOn: null,
    };
    const add = (input: Parameters<typeof addMember>[3]) =>
      addMember(test.db, ctx(coordinator), group.value.id, input);
    expect((await add({ ...base, kind: 'user', userId: chair.id, role: 'chair' })).ok).toBe(true);
    expect(
      (await add({ ...base, kind: 'organization', organizationId: recipientId, role: 'member' })).ok,
    ).toBe(true);
    const meeting = await scheduleMeeting(test.db, ctx(coordinator), group.value.id, {
      title: 'Frühjahrstreffen',
      date: '2026-03-28',
      startTime: '10:00',
      endTime: '12:00',
      placeKind: 'address',
      locationId: null,
      address: 'Breite Straße 1, 23552 Lübeck',
      onlineUrl: null,
      proposalDeadlineDate: '2026-03-20',
    });
    if (!meeting.ok) throw new Error('meeting');
    const meetingId = meeting.value.id;
    expect(
      (
        await addAgendaItem(test.db, ctx(coordinator), meetingId, {
          title: 'Zahlen des Netzwerks',
          description: null,
          responsible: null,
          plannedMinutes: null,
        })
      ).ok,
    ).toBe(true);
    const [item] = await listAgenda(test.db, meetingId);
    await addFacts(12);
    const input = { agendaItemId: item!.id, figure: 'kennzahlen' as const, params: PARAMS };

    // Members who do not run the group may not attach; people outside it do not find the meeting.
    const byMember = await attachFigure(test.db, ctx(colleague), meetingId, input);
    expect(byMember.ok === false && byMember.kind).toBe('refused');
    const byOutsider = await attachFigure(test.db, ctx(outsider), meetingId, input);
    expect(byOutsider.ok === false && byOutsider.kind).toBe('not_found');
    const unknownItem = await attachFigure(test.db, ctx(coordinator), meetingId, {
      ...input,
      agendaItemId: 'x',
    });
    expect(unknownItem.ok === false && unknownItem.kind).toBe('not_found');

    // Attached, removed again ("keine"), attached for good.
    expect((await attachFigure(test.db, ctx(coordinator), meetingId, input)).ok).toBe(true);
    expect((await attachFigure(test.db, ctx(coordinator), meetingId, { ...input, figure: null })).ok).toBe(
      true,
    );
    expect(await agendaFiguresFor(test.db, ctx(coordinator), meetingId)).toEqual(new Map());
    expect((await attachFigure(test.db, ctx(coordinator), meetingId, input)).ok).toBe(true);
    const live = (await agendaFiguresFor(test.db, ctx(coordinator), meetingId)).get(item!.id);
    expect(live?.state).toBe('live');
    const rows = live?.state === 'live' ? live.figure.table!.rows : [];
    expect(rows).toContainEqual(['Gesendet', '12']);
    // The "< 5" rule: no declines is shown as "< 5", never as 0.
    expect(rows).toContainEqual(['Abgelehnt', '< 5']);
    // The colleague's own report scope (their institution) does not cover the network: not shown live.
    expect((await agendaFiguresFor(test.db, ctx(colleague), meetingId)).get(item!.id)?.state).toBe('hidden');

    // Release the minutes: the figure is frozen with its label and time.
    const members = await listMembers(test.db, group.value.id);
    const saved = await saveMinutes(test.db, ctx(chair), meetingId, {
      entries: [{ agendaItemId: item!.id, position: 1, notes: 'Zahlen vorgestellt', decisions: null }],
      attendance: members.map((m) => ({ memberId: m.id, status: 'present' as const })),
      actions: [],
      version: 1,
      reason: null,
    });
    if (!saved.ok) throw new Error('save');
    const releasedAt = new Date('2026-03-28T12:00:00.000Z');
    const released = await releaseMinutes(test.db, ctx(chair, releasedAt), meetingId, {
      version: saved.value.version,
      confirm: true,
    });
    expect(released.ok).toBe(true);

    // New facts afterwards do not change the frozen figure.
    await addFacts(20);
    for (const viewer of [coordinator, colleague, chair]) {
      const seen = (await agendaFiguresFor(test.db, ctx(viewer), meetingId)).get(item!.id);
      expect(seen?.state).toBe('frozen');
      if (seen?.state !== 'frozen') continue;
      expect(seen.figure.table!.rows).toContainEqual(['Gesendet', '12']);
      expect(seen.figure.table!.rows).toContainEqual(['Abgelehnt', '< 5']);
      expect(seen.figure.at).toBe(releasedAt.toISOString());
      expect(seen.figure.label).toContain('Jahr 2026');
      expect(seen.figure.chart?.series[0]?.data.find((d) => d.label === 'Abgelehnt')?.value).toBeNull();
    }
    // The frozen figure can no longer be replaced.
    const late = await attachFigure(test.db, ctx(coordinator), meetingId, input);
    expect(late.ok === false && late.kind).toBe('refused');
    expect(await agendaFiguresFor(test.db, ctx(outsider), meetingId)).toEqual(new Map());
  });
});
