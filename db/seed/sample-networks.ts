import type { ActionContext } from '../../src/lib/action/context';
import type { Result } from '../../src/lib/action/result';
import type { User } from '../../src/lib/auth/auth';
import { findUserById, findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { loadConfig } from '../../src/lib/config/config';
import type { Db } from '../../src/lib/db/create-db';
import type { Organization } from '../../src/lib/directory/organization';
import { listOrganizations } from '../../src/lib/directory/organization.queries';
import { listMembers } from '../../src/lib/networks/group.queries';
import { addMember, createGroup } from '../../src/lib/networks/group.service';
import { listAgenda } from '../../src/lib/networks/meeting.queries';
import { addAgendaItem, answerMeeting, scheduleMeeting } from '../../src/lib/networks/meeting.service';
import { findMinutes } from '../../src/lib/networks/minutes.queries';
import { releaseMinutes, saveMinutes } from '../../src/lib/networks/minutes.service';
import type {
  AddMemberInput,
  Answer,
  GroupInput,
  Member,
  MinutesDraftInput,
} from '../../src/lib/networks/networks';
import { todayInGermany } from '../../src/lib/time/time';

/**
 * Three working groups of the Lübeck sample region, made through the same domain functions as the pages: members
 * from the sample partners and the demo users, a past meeting with released minutes, decisions and open action
 * items (one for the demo caseworker), and a next meeting with an agenda and answers. Names end in
 * "(Beispiel)" like the rest of the sample. Not used by tests, which build exactly the data they need.
 */

const DAY = 86_400_000;

function must<T>(result: Result<T, unknown>, what: string): T {
  if (!result.ok)
    throw new Error(`Beispiel-Arbeitskreise: ${what} fehlgeschlagen (${JSON.stringify(result)})`);
  return result.value;
}

interface SampleGroup {
  input: GroupInput;
  chairEmail: string;
  userMembers: { email: string; role: AddMemberInput['role'] }[];
  organizations: (orgs: Organization[]) => Organization[];
  contact: { name: string; email: string; organization: string };
  place: string;
  pastTitle: string;
  nextTitle: string;
  minutes: { notes: string; decisions: string | null }[];
  agenda: string[];
  nextAgenda: { title: string; minutes: number }[];
  actions: { title: string; responsible: 'caseworker' | 'organization' | 'contact'; dueInDays: number }[];
}

const byCategory = (orgs: Organization[], categories: string[], count = 1) =>
  categories.flatMap((c) => orgs.filter((o) => o.category === c).slice(0, count));

// Every sample action item falls due in the future: a fresh demo (and every test server) starts without reminder
// mails; they come as the days pass.
const GROUPS: SampleGroup[] = [
  {
    input: {
      name: 'Arbeitskreis Migration Lübeck (Beispiel)',
      purpose:
        'Austausch der Träger der Migrationsarbeit: Beratungsangebote, Sprachkurse, Anerkennung und Zugänge zu Ausbildung.',
      kind: 'arbeitskreis',
      district: 'Lübeck (gesamt)',
      topics: ['mbe', 'language_course', 'recognition', 'counselling'],
      visibility: 'network',
    },
    chairEmail: 'koordination@partnernetz.example',
    userMembers: [
      { email: 'fachkraft@partnernetz.example', role: 'deputy' },
      { email: 'partner@partnernetz.example', role: 'member' },
    ],
    organizations: (orgs) => byCategory(orgs, ['mbe', 'language_course', 'recognition', 'counselling']),
    contact: {
      name: 'Hanna Ehrenamt (Beispiel)',
      email: 'h.ehrenamt@beispiel.example',
      organization: 'Flüchtlingsforum Lübeck (Beispiel)',
    },
    place: 'Rathaus Lübeck, Breite Straße 62, 23552 Lübeck (Beispiel)',
    pastTitle: 'Frühjahrssitzung',
    nextTitle: 'Sommersitzung',
    agenda: ['Begrüßung und Protokoll', 'Berichte aus den Einrichtungen', 'Sprachkursplätze im Herbst'],
    minutes: [
      { notes: 'Das Protokoll der letzten Sitzung wurde ohne Änderungen angenommen.', decisions: null },
      {
        notes:
          'Die Beratungsstellen berichten von längeren Wartezeiten bei der Anerkennung ausländischer Abschlüsse.\nDie Migrationsberatung bietet ab dem nächsten Monat eine offene Sprechstunde an.',
        decisions: null,
      },
      {
        notes: 'Für die Integrationskurse im Herbst sind noch Plätze in den Abendkursen frei.',
        decisions:
          'Der Arbeitskreis erstellt eine gemeinsame Übersicht der freien Kursplätze und aktualisiert sie monatlich.',
      },
    ],
    nextAgenda: [
      { title: 'Begrüßung', minutes: 5 },
      { title: 'Übersicht der Kursplätze', minutes: 20 },
      { title: 'Planung Interkulturelle Woche', minutes: 40 },
    ],
    actions: [
      { title: 'Übersicht der freien Kursplätze zusammenstellen', responsible: 'caseworker', dueInDays: 5 },
      { title: 'Termine der offenen Sprechstunde melden', responsible: 'organization', dueInDays: 10 },
    ],
  },
  {
    input: {
      name: 'AK Jugendbildung, Beruf und Migration (Beispiel)',
      purpose:
        'Übergänge von der Schule in Ausbildung und Beruf für junge Zugewanderte: Schulen, Berufsschulen, Kammern und Jugendberufsagentur an einem Tisch.',
      kind: 'arbeitskreis',
      district: 'Lübeck (gesamt)',
      topics: ['school', 'vocational_school', 'chamber', 'youth_employment'],
      visibility: 'members',
    },
    chairEmail: 'partner@partnernetz.example',
    userMembers: [{ email: 'fachkraft@partnernetz.example', role: 'member' }],
    organizations: (orgs) => byCategory(orgs, ['school', 'vocational_school', 'chamber', 'youth_employment']),
    contact: {
      name: 'Jonas Ausbildung (Beispiel)',
      email: 'j.ausbildung@beispiel.example',
      organization: 'Ausbildungsverbund Lübeck (Beispiel)',
    },
    place: 'Berufsschule Lübeck, Raum 104 (Beispiel)',
    pastTitle: 'Treffen im Frühjahr',
    nextTitle: 'Treffen vor den Sommerferien',
    agenda: ['Ausbildungsmarkt aktuell', 'Praktikumsbörse'],
    minutes: [
      {
        notes:
          'Die Kammern melden viele offene Ausbildungsplätze im Handwerk. Sprachförderung in der Ausbildung bleibt ein Thema.',
        decisions: null,
      },
      {
        notes: 'Die Praktikumsbörse soll im Herbst wieder stattfinden.',
        decisions: 'Die Praktikumsbörse findet im Oktober in der Berufsschule statt.',
      },
    ],
    nextAgenda: [
      { title: 'Vorbereitung der Praktikumsbörse', minutes: 45 },
      { title: 'Verschiedenes', minutes: 15 },
    ],
    actions: [
      { title: 'Raum für die Praktikumsbörse anfragen', responsible: 'organization', dueInDays: 3 },
      { title: 'Einladungsschreiben an die Betriebe entwerfen', responsible: 'contact', dueInDays: 14 },
    ],
  },
  {
    input: {
      name: 'Stadtteilarbeitskreis Moisling (Beispiel)',
      purpose: 'Die Einrichtungen im Stadtteil Moisling stimmen Angebote für junge Menschen und Familien ab.',
      kind: 'stadtteilarbeitskreis',
      district: 'Moisling',
      topics: ['leisure', 'volunteering', 'housing'],
      visibility: 'members',
    },
    chairEmail: 'fachkraft.moisling@partnernetz.example',
    userMembers: [{ email: 'fachkraft@partnernetz.example', role: 'guest' }],
    organizations: (orgs) => {
      const local = orgs.filter((o) => o.district === 'Moisling' && o.kind === 'partner').slice(0, 3);
      return local.length >= 2 ? local : byCategory(orgs, ['leisure', 'volunteering', 'housing']);
    },
    contact: {
      name: 'Selin Quartier (Beispiel)',
      email: 's.quartier@beispiel.example',
      organization: 'Quartiersmanagement Moisling (Beispiel)',
    },
    place: 'Gemeinschaftshaus Moisling (Beispiel)',
    pastTitle: 'Stadtteilrunde',
    nextTitle: 'Stadtteilrunde',
    agenda: ['Neues aus den Einrichtungen', 'Stadtteilfest'],
    minutes: [
      { notes: 'Der Jugendtreff hat neue Öffnungszeiten am Freitagabend.', decisions: null },
      {
        notes: 'Das Stadtteilfest findet am letzten Samstag im August statt.',
        decisions:
          'Jede Einrichtung gestaltet einen Stand; die Koordination übernimmt das Quartiersmanagement.',
      },
    ],
    nextAgenda: [
      { title: 'Stand der Planung Stadtteilfest', minutes: 30 },
      { title: 'Neues aus den Einrichtungen', minutes: 30 },
    ],
    actions: [{ title: 'Standplan für das Stadtteilfest verteilen', responsible: 'contact', dueInDays: 20 }],
  },
];

/** Adds the sample working groups; returns how many were made (0 when the demo users are missing). */
export async function seedSampleNetworks(
  db: Db,
  options: { now?: Date; publicBaseUrl?: string } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const config = {
    ...loadConfig({ DATABASE_URL: 'sqlite::memory:' }),
    ...(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {}),
  };
  const users = new Map<string, User>();
  const userByEmail = async (email: string): Promise<User | null> => {
    if (!users.has(email)) {
      const row = await findUserRowByEmail(db, email);
      const user = row ? await findUserById(db, row.id) : null;
      if (user) users.set(email, user);
    }
    return users.get(email) ?? null;
  };
  const coordinator = await userByEmail('koordination@partnernetz.example');
  const caseworker = await userByEmail('fachkraft@partnernetz.example');
  if (!coordinator || !caseworker) return 0;
  const ctx = (user: User, at: Date): ActionContext => ({
    actor: { kind: 'user', user },
    requestId: null,
    now: at,
    config,
  });
  const daysFromNow = (days: number) => new Date(now.getTime() + days * DAY);
  const dateIn = (days: number) => todayInGermany(daysFromNow(days));
  const organizations = (await listOrganizations(db, { limit: 1000 })).items;
  const offices = organizations.filter((o) => o.kind === 'jmd_office');

  let made = 0;
  for (const [index, sample] of GROUPS.entries()) {
    const created = daysFromNow(-60 + index);
    const group = must(
      await createGroup(db, ctx(coordinator, created), sample.input, { isSample: true }),
      'Gruppe anlegen',
    );
    const chair = (await userByEmail(sample.chairEmail)) ?? coordinator;
    const base: AddMemberInput = {
      kind: 'user',
      organizationId: null,
      userId: null,
      contactName: null,
      contactEmail: null,
      contactOrganization: null,
      role: 'member',
      joinedOn: todayInGermany(created),
    };
    const add = async (input: AddMemberInput) =>
      must(await addMember(db, ctx(coordinator, created), group.id, input), 'Mitglied hinzufügen');
    await add({ ...base, userId: chair.id, role: 'chair' });
    for (const member of sample.userMembers) {
      const user = await userByEmail(member.email);
      if (user && user.id !== chair.id) await add({ ...base, userId: user.id, role: member.role });
    }
    const office = index === 2 ? offices[1] : offices[0];
    for (const org of [...(office ? [office] : []), ...sample.organizations(organizations)]) {
      await add({ ...base, kind: 'organization', organizationId: org.id });
    }
    await add({
      ...base,
      kind: 'contact',
      contactName: sample.contact.name,
      contactEmail: sample.contact.email,
      contactOrganization: sample.contact.organization,
      role: 'guest',
    });
    const members = await listMembers(db, group.id);

    // The past meeting: planned, held three weeks ago, minutes written the day after and released.
    const pastDay = -21 + index;
    const past = must(
      await scheduleMeeting(db, ctx(chair, daysFromNow(pastDay - 20)), group.id, {
        title: sample.pastTitle,
        date: dateIn(pastDay),
        startTime: '14:00',
        endTime: '16:00',
        placeKind: 'address',
        locationId: null,
        address: sample.place,
        onlineUrl: null,
        proposalDeadlineDate: null,
      }),
      'Treffen planen',
    );
    for (const title of sample.agenda) {
      must(
        await addAgendaItem(db, ctx(chair, daysFromNow(pastDay - 19)), past.id, {
          title,
          description: null,
          responsible: null,
          plannedMinutes: 30,
        }),
        'Tagesordnung',
      );
    }
    const pastAgenda = (await listAgenda(db, past.id)).filter((a) => a.status === 'accepted');
    const responsibleOf = (kind: SampleGroup['actions'][number]['responsible']): Member | undefined =>
      kind === 'caseworker'
        ? members.find((m) => m.kind === 'user' && m.userId === caseworker.id)
        : kind === 'contact'
          ? members.find((m) => m.kind === 'contact')
          : members.find((m) => m.kind === 'organization' && m.organizationId !== office?.id);
    const draft: MinutesDraftInput = {
      entries: sample.minutes.map((entry, position) => ({
        agendaItemId: pastAgenda[position]?.id ?? null,
        position: position + 1,
        notes: entry.notes,
        decisions: entry.decisions,
      })),
      attendance: members.map((m, i) => ({
        memberId: m.id,
        status: i % 4 === 3 ? 'excused' : m.kind === 'contact' ? 'absent' : 'present',
      })),
      actions: sample.actions.map((a) => ({
        title: a.title,
        responsibleMemberId: responsibleOf(a.responsible)?.id ?? null,
        dueOn: dateIn(a.dueInDays),
        agendaItemId: pastAgenda.at(-1)?.id ?? null,
      })),
      version: 1,
      reason: null,
    };
    const writtenAt = daysFromNow(pastDay + 1);
    must(await saveMinutes(db, ctx(chair, writtenAt), past.id, draft), 'Protokoll speichern');
    const minutes = (await findMinutes(db, past.id))!;
    must(
      await releaseMinutes(db, ctx(chair, writtenAt), past.id, { version: minutes.version, confirm: true }),
      'Protokoll freigeben',
    );

    // The next meeting in two to four weeks, with agenda and first answers.
    const next = must(
      await scheduleMeeting(db, ctx(chair, daysFromNow(-2)), group.id, {
        title: sample.nextTitle,
        date: dateIn(14 + 7 * index),
        startTime: index === 1 ? '09:30' : '14:00',
        endTime: index === 1 ? '11:30' : '16:00',
        placeKind: 'address',
        locationId: null,
        address: sample.place,
        onlineUrl: null,
        proposalDeadlineDate: dateIn(7 + 7 * index),
      }),
      'nächstes Treffen planen',
    );
    for (const item of sample.nextAgenda) {
      must(
        await addAgendaItem(db, ctx(chair, daysFromNow(-2)), next.id, {
          title: item.title,
          description: null,
          responsible: null,
          plannedMinutes: item.minutes,
        }),
        'Tagesordnung',
      );
    }
    // No invitation mails: the sample must not fill the outbox with mails to invented addresses (and a demo
    // coordinator has something to do: "Einladungen verschicken" on the meeting page). Members answer anyway.
    const answers: [string, Answer][] = [
      [sample.chairEmail, 'attending'],
      ...sample.userMembers.map((m, i): [string, Answer] => [m.email, i === 0 ? 'attending' : 'maybe']),
    ];
    for (const [email, answer] of answers) {
      const user = await userByEmail(email);
      if (user) must(await answerMeeting(db, ctx(user, daysFromNow(-1)), next.id, { answer }), 'Antwort');
    }
    made += 1;
  }
  return made;
}
