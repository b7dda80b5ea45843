/**
 * Synthetic working groups for `npm run bench:http -- --only groups`: one large group (200 meetings with agendas and
 * released minutes, 2,000 action items) and further groups, so that one user is a member in person of 20 groups and
 * answers for action items in each. Rows are written in bulk (the domain functions would take minutes for 2,000
 * items); the shapes are those the services write. Never used by the app or the sample region.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/database';
import { newId } from '../../src/lib/db/ids';
import { minutesSearchText } from '../../src/lib/networks/networks';
import { mulberry32 } from './synthetic';

/** What to generate. */
export interface SyntheticNetworkOptions {
  /** The user who is a member in person of every group (the "Meine Aufgaben" of the benchmark). */
  userId: string;
  /** Organisations to add as members (at most ten are used per group). */
  organizationIds: string[];
  groups: number;
  /** Meetings and action items of the large group. */
  meetings: number;
  actionItems: number;
  /** Meetings and action items of each further group. */
  smallMeetings?: number;
  smallActionItems?: number;
  now: Date;
  seed?: number;
}

/** What was generated. */
export interface SyntheticNetworkSummary {
  largeGroupId: string;
  groups: number;
  meetings: number;
  actionItems: number;
  /** Action items whose responsible member is the user in person. */
  usersItems: number;
}

const DAY = 86_400_000;
const TOPICS = [
  'Praktikumsplätze',
  'Sprachkurse',
  'Übergang Schule–Beruf',
  'Anerkennung',
  'Wohnungssuche',
  'Ausbildungsbörse',
  'Ehrenamtliche Lotsen',
  'Jugendberufsagentur',
];

/** Inserts the synthetic groups in one transaction per group. */
export async function insertSyntheticNetworks(
  db: Kysely<Database>,
  options: SyntheticNetworkOptions,
): Promise<SyntheticNetworkSummary> {
  const random = mulberry32(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const at = options.now.toISOString();
  const summary = { largeGroupId: '', groups: 0, meetings: 0, actionItems: 0, usersItems: 0 };
  for (let g = 0; g < options.groups; g++) {
    const large = g === 0;
    const meetingCount = large ? options.meetings : (options.smallMeetings ?? 10);
    const itemCount = large ? options.actionItems : (options.smallActionItems ?? 50);
    await db.transaction().execute(async (trx) => {
      const groupId = newId();
      if (large) summary.largeGroupId = groupId;
      await trx
        .insertInto('network_group')
        .values({
          id: groupId,
          name: `${large ? 'Arbeitskreis Übergang Schule–Beruf' : `Stadtteilarbeitskreis ${g}`} (Bench)`,
          purpose: 'Austausch der Träger im Stadtteil',
          kind: large ? 'arbeitskreis' : 'stadtteilarbeitskreis',
          district: large ? 'Innenstadt' : `Bezirk ${g}`,
          topics: '[]',
          visibility: 'members',
          is_sample: 0,
          created_by: null,
          created_at: at,
          updated_at: at,
          archived_at: null,
          version: 1,
        })
        .execute();
      const member = (kind: 'user' | 'organization', ref: string, role: 'chair' | 'member') => ({
        id: newId(),
        group_id: groupId,
        kind,
        organization_id: kind === 'organization' ? ref : null,
        user_id: kind === 'user' ? ref : null,
        contact_name: null,
        contact_email: null,
        contact_organization: null,
        role,
        joined_on: '2024-01-15',
        left_on: null,
        created_at: at,
        updated_at: at,
        version: 1,
      });
      const members = [
        member('user', options.userId, 'member'),
        ...options.organizationIds
          .slice(0, 10)
          .map((id, i) => member('organization', id, i === 0 ? 'chair' : 'member')),
      ];
      await trx.insertInto('network_member').values(members).execute();
      const userMemberId = members[0]!.id;

      // Meetings every two weeks into the past; the newest is still ahead.
      const meetings = Array.from({ length: meetingCount }, (_, i) => {
        const start = new Date(options.now.getTime() + (7 - i * 14) * DAY);
        start.setUTCHours(8, 0, 0, 0);
        const id = newId();
        return {
          id,
          group_id: groupId,
          title: `Treffen ${meetingCount - i}`,
          starts_at: start.toISOString(),
          ends_at: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
          place_kind: 'address' as const,
          location_id: null,
          address: 'Breite Straße 1, 23552 Lübeck',
          online_url: null,
          proposal_deadline: null,
          status: 'scheduled' as const,
          ics_uid: `${id}@bench.invalid`,
          ics_sequence: 0,
          invited_at: at,
          reminded_at: null,
          created_at: at,
          updated_at: at,
          version: 1,
        };
      });
      for (let i = 0; i < meetings.length; i += 100) {
        await trx
          .insertInto('network_meeting')
          .values(meetings.slice(i, i + 100))
          .execute();
      }
      const agenda = meetings.flatMap((m) =>
        [0, 1, 2].map((position) => ({
          id: newId(),
          meeting_id: m.id,
          position: position + 1,
          title: pick(TOPICS),
          description: null,
          responsible: null,
          planned_minutes: 30,
          status: 'accepted' as const,
          proposed_by_member_id: null,
          created_at: at,
          updated_at: at,
        })),
      );
      for (let i = 0; i < agenda.length; i += 200) {
        await trx
          .insertInto('network_agenda_item')
          .values(agenda.slice(i, i + 200))
          .execute();
      }
      // Released minutes for every past meeting, one entry per agenda item.
      const past = meetings.filter((m) => m.starts_at < at);
      const minutes = past.map((m) => ({
        id: newId(),
        meeting_id: m.id,
        status: 'released' as const,
        released_at: m.ends_at,
        released_by: null,
        created_at: m.ends_at,
        updated_at: m.ends_at,
        version: 2,
      }));
      for (let i = 0; i < minutes.length; i += 200) {
        await trx
          .insertInto('network_minutes')
          .values(minutes.slice(i, i + 200))
          .execute();
      }
      const minutesOf = new Map(minutes.map((m) => [m.meeting_id, m.id]));
      const entries = agenda
        .filter((a) => minutesOf.has(a.meeting_id))
        .map((a) => {
          const notes = `Bericht zu ${a.title}: ${pick(TOPICS)} und ${pick(TOPICS)} besprochen.`;
          const decisions = random() < 0.5 ? `Beschluss: ${pick(TOPICS)} wird weiter verfolgt.` : null;
          return {
            id: newId(),
            minutes_id: minutesOf.get(a.meeting_id)!,
            agenda_item_id: a.id,
            position: a.position,
            notes,
            decisions,
            search_text: minutesSearchText({ notes, decisions }, a.title),
          };
        });
      for (let i = 0; i < entries.length; i += 200) {
        await trx
          .insertInto('network_minutes_entry')
          .values(entries.slice(i, i + 200))
          .execute();
      }
      // Action items from the past meetings: most done, some dropped, about a quarter open; one in ten the user's.
      const items = Array.from({ length: itemCount }, (_, i) => {
        const meeting = past[i % Math.max(past.length, 1)] ?? meetings[0]!;
        const roll = random();
        const status =
          roll < 0.25 ? ('open' as const) : roll < 0.9 ? ('done' as const) : ('dropped' as const);
        const responsible = i % 10 === 0 ? userMemberId : members[1 + (i % (members.length - 1))]!.id;
        if (responsible === userMemberId) summary.usersItems += 1;
        const due = new Date(Date.parse(meeting.starts_at) + Math.floor(random() * 60) * DAY)
          .toISOString()
          .slice(0, 10);
        return {
          id: newId(),
          group_id: groupId,
          meeting_id: meeting.id,
          agenda_item_id: null,
          title: `${pick(TOPICS)}: Rückmeldung einholen (${i + 1})`,
          responsible_member_id: responsible,
          due_on: due,
          status,
          done_at: status === 'done' ? at : null,
          reminded_due_at: at,
          reminded_overdue_at: at,
          created_at: meeting.ends_at,
          updated_at: at,
          version: 1,
        };
      });
      for (let i = 0; i < items.length; i += 200) {
        await trx
          .insertInto('network_action_item')
          .values(items.slice(i, i + 200))
          .execute();
      }
      summary.groups += 1;
      summary.meetings += meetings.length;
      summary.actionItems += items.length;
    });
  }
  return summary;
}
