import { z } from 'zod';
import type { Actor } from '../auth/policy';
import { PARTNER_CATEGORIES } from '../directory/organization';
import { multiline, VersionSchema } from '../http/form';
import { foldGerman } from '../i18n/fold';
import { fromGermanWallClock, isIsoDate } from '../time/time';

/**
 * Working groups (Arbeitskreise, issue #12): domain types, form schemas and pure rules. Groups have members
 * (organisations, users, contacts without an account), meetings with agenda and invitations, minutes with
 * decisions and action items. Every decision that needs no database lives here and is unit-tested.
 */

export const GROUP_KINDS = ['arbeitskreis', 'gremium', 'lenkungsgruppe', 'stadtteilarbeitskreis'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
export const GROUP_KIND_LABELS: Record<GroupKind, string> = {
  arbeitskreis: 'Arbeitskreis',
  gremium: 'Gremium',
  lenkungsgruppe: 'Lenkungsgruppe',
  stadtteilarbeitskreis: 'Stadtteilarbeitskreis',
};

export const VISIBILITIES = ['members', 'network'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const VISIBILITY_LABELS: Record<Visibility, string> = {
  members: 'nur Mitglieder',
  network: 'alle angemeldeten Nutzerinnen und Nutzer des Netzwerks',
};

export const MEMBER_ROLES = ['chair', 'deputy', 'member', 'guest'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = {
  chair: 'Vorsitz',
  deputy: 'Stellvertretung',
  member: 'Mitglied',
  guest: 'Gast',
};

export const MEMBER_KINDS = ['organization', 'user', 'contact'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

export const ANSWERS = ['attending', 'not_attending', 'maybe'] as const;
export type Answer = (typeof ANSWERS)[number];
export const ANSWER_LABELS: Record<Answer, string> = {
  attending: 'nehme teil',
  not_attending: 'nehme nicht teil',
  maybe: 'vielleicht',
};

export const ATTENDANCE = ['present', 'excused', 'absent'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
export const ATTENDANCE_LABELS: Record<Attendance, string> = {
  present: 'anwesend',
  excused: 'entschuldigt',
  absent: 'abwesend',
};

export const ACTION_STATUSES = ['open', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  open: 'offen',
  done: 'erledigt',
  dropped: 'verworfen',
};

export const PLACE_KINDS = ['location', 'address', 'online'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** A working group. */
export interface Group {
  id: string;
  name: string;
  purpose: string | null;
  kind: GroupKind;
  district: string | null;
  topics: string[];
  visibility: Visibility;
  isSample: boolean;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  version: number;
}

/** One membership period of a group. */
export interface Member {
  id: string;
  groupId: string;
  kind: MemberKind;
  organizationId: string | null;
  userId: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactOrganization: string | null;
  role: MemberRole;
  joinedOn: string;
  leftOn: string | null;
  version: number;
  /** Display name: the organisation's or user's name, or the contact's. */
  name: string;
  /** Where mail goes: the user's, organisation's or contact's address (null: no address known). */
  email: string | null;
  /** The organisation shown beside a person. */
  organizationName: string | null;
}

/** A meeting; times are UTC instants (ISO). */
export interface Meeting {
  id: string;
  groupId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  placeKind: PlaceKind;
  locationId: string | null;
  address: string | null;
  onlineUrl: string | null;
  proposalDeadline: string | null;
  status: 'scheduled' | 'cancelled';
  icsUid: string;
  icsSequence: number;
  invitedAt: string | null;
  version: number;
}

/** An agenda item. */
export interface AgendaItem {
  id: string;
  meetingId: string;
  position: number;
  title: string;
  description: string | null;
  responsible: string | null;
  plannedMinutes: number | null;
  status: 'accepted' | 'proposed' | 'declined';
  proposedByMemberId: string | null;
}

/** Minutes of a meeting with their entries. */
export interface Minutes {
  id: string;
  meetingId: string;
  status: 'draft' | 'released';
  releasedAt: string | null;
  version: number;
  entries: MinutesEntry[];
}

/** Notes and decisions to one agenda item (agendaItemId null: other business). */
export interface MinutesEntry {
  agendaItemId: string | null;
  position: number;
  notes: string | null;
  decisions: string | null;
}

/** An action item. */
export interface ActionItem {
  id: string;
  groupId: string;
  meetingId: string | null;
  title: string;
  responsibleMemberId: string | null;
  dueOn: string | null;
  status: ActionStatus;
  doneAt: string | null;
  version: number;
}

/** The actor's membership in a group as the policy needs it. */
export interface Membership {
  role: MemberRole;
  /** Personally (a user row) or through their organisation. */
  via: 'user' | 'organization';
}

const ROLE_RANK: Record<MemberRole, number> = { chair: 4, deputy: 3, member: 2, guest: 1 };

/**
 * The actor's current membership: their own user row wins over their organisation's row (a person named as chair
 * runs the group; colleagues of a member organisation see it but do not run it). Left members count no more.
 */
export function membershipOf(
  actor: Pick<Actor, 'id' | 'organizationId'> | null,
  members: readonly Pick<Member, 'kind' | 'userId' | 'organizationId' | 'role' | 'leftOn'>[],
): Membership | null {
  if (!actor) return null;
  const current = members.filter((m) => m.leftOn === null);
  const best = (rows: typeof current) =>
    rows.reduce<MemberRole | null>(
      (acc, m) => (acc === null || ROLE_RANK[m.role] > ROLE_RANK[acc] ? m.role : acc),
      null,
    );
  const personal = best(current.filter((m) => m.kind === 'user' && m.userId === actor.id));
  if (personal) return { role: personal, via: 'user' };
  const viaOrg = best(
    current.filter((m) => m.kind === 'organization' && m.organizationId === actor.organizationId),
  );
  return viaOrg ? { role: viaOrg, via: 'organization' } : null;
}

/**
 * Whether a membership runs the group: a chair or a deputy (Stellvertretung) named in person — the deputy stands in
 * for the chair, so both run it. Colleagues of a member organisation do not. (The policy's rule is the same.)
 */
export function runsInPerson(membership: Membership | null): boolean {
  return (membership?.role === 'chair' || membership?.role === 'deputy') && membership.via === 'user';
}

// --- form schemas ----------------------------------------------------------------------------------------------

const optionalText = (max: number, message: string) =>
  z
    .string()
    .max(max, { message })
    .optional()
    .transform((value) => (value ? value : null));

const requiredText = (max: number, empty: string, tooLong: string) =>
  z.string({ message: empty }).min(1, { message: empty }).max(max, { message: tooLong });

/** Creating or changing a group. */
export const GroupSchema = z.object({
  name: requiredText(
    200,
    'Bitte geben Sie den Namen des Arbeitskreises an.',
    'Der Name ist zu lang (höchstens 200 Zeichen).',
  ),
  purpose: multiline(optionalText(4000, 'Der Zweck ist zu lang (höchstens 4000 Zeichen).')),
  kind: z.enum(GROUP_KINDS, { message: 'Bitte wählen Sie die Art der Gruppe.' }),
  district: optionalText(200, 'Der Stadtteil ist zu lang (höchstens 200 Zeichen).'),
  topics: z
    .array(z.enum(PARTNER_CATEGORIES, { message: 'Bitte wählen Sie nur Themen aus der Liste.' }))
    .default([]),
  visibility: z.enum(VISIBILITIES, { message: 'Bitte wählen Sie, wer die Gruppe sehen darf.' }),
});
export type GroupInput = z.output<typeof GroupSchema>;

/** Changing a group: the form plus its version. */
export const GroupUpdateSchema = GroupSchema.extend({ version: VersionSchema });
export type GroupUpdateInput = z.output<typeof GroupUpdateSchema>;

const EMAIL = z.email({ message: 'Bitte geben Sie eine gültige E-Mail-Adresse an.' }).max(254, {
  message: 'Die E-Mail-Adresse ist zu lang.',
});

/** Adding a member: an organisation, a user, or a contact without an account. */
export const AddMemberSchema = z
  .object({
    kind: z.enum(MEMBER_KINDS, { message: 'Bitte wählen Sie, wer Mitglied wird.' }),
    organizationId: optionalText(40, 'Unbekannte Organisation.'),
    userId: optionalText(40, 'Unbekannte Person.'),
    contactName: optionalText(200, 'Der Name ist zu lang (höchstens 200 Zeichen).'),
    contactEmail: z
      .string()
      .optional()
      .transform((value) => (value ? value : null))
      .pipe(EMAIL.nullable()),
    contactOrganization: optionalText(200, 'Die Organisation ist zu lang (höchstens 200 Zeichen).'),
    role: z.enum(MEMBER_ROLES, { message: 'Bitte wählen Sie die Rolle in der Gruppe.' }),
    joinedOn: z
      .string()
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .superRefine((value, issue) => {
    if (value.kind === 'organization' && !value.organizationId) {
      issue.addIssue({
        code: 'custom',
        path: ['organizationId'],
        message: 'Bitte wählen Sie eine Organisation.',
      });
    }
    if (value.kind === 'user' && !value.userId) {
      issue.addIssue({ code: 'custom', path: ['userId'], message: 'Bitte wählen Sie eine Person.' });
    }
    if (value.kind === 'contact' && !value.contactName) {
      issue.addIssue({
        code: 'custom',
        path: ['contactName'],
        message: 'Bitte geben Sie den Namen der Person an.',
      });
    }
    if (value.kind === 'contact' && !value.contactEmail) {
      issue.addIssue({
        code: 'custom',
        path: ['contactEmail'],
        message: 'Bitte geben Sie die E-Mail-Adresse an: an sie gehen Einladungen und Aufgaben.',
      });
    }
    if (value.joinedOn && !isIsoDate(value.joinedOn)) {
      issue.addIssue({ code: 'custom', path: ['joinedOn'], message: 'Bitte ein gültiges Datum angeben.' });
    }
  });
export type AddMemberInput = z.output<typeof AddMemberSchema>;

/** Changing a member's role or ending the membership. */
export const MemberChangeSchema = z.object({
  memberId: z.string().min(1).max(40),
  role: z.enum(MEMBER_ROLES, { message: 'Bitte wählen Sie die Rolle in der Gruppe.' }).optional(),
  leave: z
    .string()
    .optional()
    .transform((value) => value === '1'),
  version: VersionSchema,
});
export type MemberChangeInput = z.output<typeof MemberChangeSchema>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const listOfText = (max: number, message: string) => z.array(z.string().max(max, { message })).default([]);

/** Scheduling or changing a meeting; date and times are German wall-clock time. */
export const MeetingSchema = z
  .object({
    title: requiredText(
      200,
      'Bitte geben Sie einen Titel für das Treffen an.',
      'Der Titel ist zu lang (höchstens 200 Zeichen).',
    ),
    date: z.string({ message: 'Bitte geben Sie das Datum an.' }).refine(isIsoDate, {
      message: 'Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ).',
    }),
    startTime: z.string({ message: 'Bitte geben Sie die Anfangszeit an.' }).regex(TIME, {
      message: 'Bitte geben Sie die Anfangszeit als SS:MM an, z. B. 14:00.',
    }),
    endTime: z.string({ message: 'Bitte geben Sie die Endzeit an.' }).regex(TIME, {
      message: 'Bitte geben Sie die Endzeit als SS:MM an, z. B. 16:00.',
    }),
    placeKind: z.enum(PLACE_KINDS, { message: 'Bitte wählen Sie, wo das Treffen stattfindet.' }),
    locationId: optionalText(40, 'Unbekannter Ort.'),
    address: optionalText(300, 'Die Adresse ist zu lang (höchstens 300 Zeichen).'),
    onlineUrl: optionalText(500, 'Der Link ist zu lang (höchstens 500 Zeichen).'),
    proposalDeadlineDate: z
      .string()
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .superRefine((value, issue) => {
    if (TIME.test(value.startTime) && TIME.test(value.endTime) && value.endTime <= value.startTime) {
      issue.addIssue({ code: 'custom', path: ['endTime'], message: 'Das Ende muss nach dem Anfang liegen.' });
    }
    if (value.placeKind === 'location' && !value.locationId) {
      issue.addIssue({
        code: 'custom',
        path: ['locationId'],
        message: 'Bitte wählen Sie einen Ort aus dem Verzeichnis.',
      });
    }
    if (value.placeKind === 'address' && !value.address) {
      issue.addIssue({ code: 'custom', path: ['address'], message: 'Bitte geben Sie die Adresse an.' });
    }
    if (value.placeKind === 'online' && !(value.onlineUrl && /^https:\/\/\S+$/.test(value.onlineUrl))) {
      issue.addIssue({
        code: 'custom',
        path: ['onlineUrl'],
        message: 'Bitte geben Sie den Link zum Online-Treffen an (beginnt mit https://).',
      });
    }
    if (value.proposalDeadlineDate && !isIsoDate(value.proposalDeadlineDate)) {
      issue.addIssue({
        code: 'custom',
        path: ['proposalDeadlineDate'],
        message: 'Bitte ein gültiges Datum angeben.',
      });
    } else if (
      value.proposalDeadlineDate &&
      isIsoDate(value.date) &&
      value.proposalDeadlineDate > value.date
    ) {
      issue.addIssue({
        code: 'custom',
        path: ['proposalDeadlineDate'],
        message:
          'Vorschläge müssen vor dem Treffen eingehen: Bitte ein Datum bis zum Tag des Treffens wählen.',
      });
    }
  });
export type MeetingInput = z.output<typeof MeetingSchema>;

/** Changing a meeting: the form plus its version. */
export const MeetingUpdateSchema = MeetingSchema.safeExtend({ version: VersionSchema });
export type MeetingUpdateInput = z.output<typeof MeetingUpdateSchema>;

/** One accepted agenda item as the edit form changes it; `remove` takes it off the agenda. */
export interface AgendaEdit {
  id: string;
  title: string;
  description: string | null;
  responsible: string | null;
  plannedMinutes: number | null;
  position: number;
  remove: boolean;
}

/**
 * The edit form of a meeting: its fields and the agenda as parallel lists (one row per accepted item, order as a
 * number), so it works as a plain HTML form without JavaScript.
 */
export const MeetingEditSchema = MeetingUpdateSchema.safeExtend({
  agendaId: listOfText(40, 'Unbekannter Tagesordnungspunkt.'),
  agendaTitle: listOfText(200, 'Der Titel eines Punkts ist zu lang (höchstens 200 Zeichen).'),
  agendaDescription: multiline(
    listOfText(4000, 'Die Beschreibung eines Punkts ist zu lang (höchstens 4000 Zeichen).'),
  ),
  agendaResponsible: listOfText(200, 'Die Angabe ist zu lang (höchstens 200 Zeichen).'),
  agendaMinutes: listOfText(3, 'Bitte die geplante Dauer in ganzen Minuten angeben (1 bis 480).'),
  agendaPosition: listOfText(3, 'Bitte die Reihenfolge als Zahl angeben (1 bis 99).'),
  agendaRemove: listOfText(40, 'Unbekannter Tagesordnungspunkt.'),
});
export type MeetingEditForm = z.output<typeof MeetingEditSchema>;

/** The edit form's agenda rows as edits, or field errors (a title is required, minutes and order are numbers). */
export function agendaEditsOf(
  form: Pick<
    MeetingEditForm,
    | 'agendaId'
    | 'agendaTitle'
    | 'agendaDescription'
    | 'agendaResponsible'
    | 'agendaMinutes'
    | 'agendaPosition'
    | 'agendaRemove'
  >,
): { ok: true; value: AgendaEdit[] } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const removed = new Set(form.agendaRemove);
  const edits = form.agendaId.map((id, index) => {
    const remove = removed.has(id);
    const title = form.agendaTitle[index] ?? '';
    const minutes = form.agendaMinutes[index] ?? '';
    const position = form.agendaPosition[index] ?? '';
    if (!remove && !title)
      errors['agendaTitle'] ??=
        'Bitte geben Sie jedem Punkt einen Titel – oder wählen Sie „entfernen“, um ihn zu streichen.';
    if (minutes && !(/^\d{1,3}$/.test(minutes) && Number(minutes) >= 1 && Number(minutes) <= 480))
      errors['agendaMinutes'] ??= `Die geplante Dauer von „${title}“ ist keine Zahl von 1 bis 480 Minuten.`;
    if (!(/^\d{1,2}$/.test(position) && Number(position) >= 1))
      errors['agendaPosition'] ??= `Die Reihenfolge von „${title}“ ist keine Zahl von 1 bis 99.`;
    return {
      id,
      title,
      description: form.agendaDescription[index] || null,
      responsible: form.agendaResponsible[index] || null,
      plannedMinutes: minutes ? Number(minutes) : null,
      position: Number(position) || index + 1,
      remove,
    };
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: edits };
}

/**
 * The accepted agenda after the edits: removed items out, the rest by their new order number (ties keep the old
 * order), numbered 1, 2, 3 … Items the form did not name stay where they were, after the named ones.
 */
export function editedAgenda(
  before: readonly AgendaItem[],
  edits: readonly AgendaEdit[],
): { kept: (AgendaEdit & { position: number })[]; removed: string[] } {
  const accepted = before.filter((a) => a.status === 'accepted');
  const byId = new Map(edits.map((e) => [e.id, e]));
  const rows = accepted.map((a, index) => {
    const edit = byId.get(a.id);
    return {
      order: edit ? edit.position : 1000 + index,
      index,
      edit: edit ?? {
        id: a.id,
        title: a.title,
        description: a.description,
        responsible: a.responsible,
        plannedMinutes: a.plannedMinutes,
        position: index + 1,
        remove: false,
      },
    };
  });
  const kept = rows
    .filter((r) => !r.edit.remove)
    .sort((a, b) => a.order - b.order || a.index - b.index)
    .map((r, index) => ({ ...r.edit, position: index + 1 }));
  return { kept, removed: rows.filter((r) => r.edit.remove).map((r) => r.edit.id) };
}

/** Whether the edits change what members see of the agenda (then the calendar entry is sent again). */
export function isAgendaChange(before: readonly AgendaItem[], edits: readonly AgendaEdit[]): boolean {
  const accepted = before.filter((a) => a.status === 'accepted');
  const { kept, removed } = editedAgenda(before, edits);
  if (removed.length > 0 || kept.length !== accepted.length) return true;
  return kept.some((k, index) => {
    const a = accepted[index]!;
    return (
      a.id !== k.id ||
      a.title !== k.title ||
      a.description !== k.description ||
      a.responsible !== k.responsible ||
      a.plannedMinutes !== k.plannedMinutes
    );
  });
}

/** Cancelling a meeting. */
export const CancelMeetingSchema = z.object({ version: VersionSchema });

/** An agenda item, added by the chair or proposed by a member. */
export const AgendaItemSchema = z.object({
  title: requiredText(
    200,
    'Bitte geben Sie einen Titel für den Tagesordnungspunkt an.',
    'Der Titel ist zu lang (höchstens 200 Zeichen).',
  ),
  description: multiline(optionalText(4000, 'Die Beschreibung ist zu lang (höchstens 4000 Zeichen).')),
  responsible: optionalText(200, 'Die Angabe ist zu lang (höchstens 200 Zeichen).'),
  plannedMinutes: z
    .string()
    .optional()
    .transform((value) => (value ? value : null))
    .pipe(
      z
        .string()
        .regex(/^\d{1,3}$/, { message: 'Bitte die geplante Dauer in ganzen Minuten angeben (1 bis 480).' })
        .transform(Number)
        .refine((n) => n >= 1 && n <= 480, {
          message: 'Bitte die geplante Dauer in ganzen Minuten angeben (1 bis 480).',
        })
        .nullable(),
    ),
});
export type AgendaItemInput = z.output<typeof AgendaItemSchema>;

/** The chair's decision on a proposal. */
export const ProposalDecisionSchema = z.object({
  itemId: z.string().min(1).max(40),
  decision: z.enum(['accept', 'decline'], { message: 'Bitte annehmen oder ablehnen.' }),
});

/** A member's answer to an invitation. */
export const AnswerSchema = z.object({
  answer: z.enum(ANSWERS, { message: 'Bitte wählen Sie: nehme teil, nehme nicht teil oder vielleicht.' }),
});

/** The minutes form: per agenda item notes and decisions, attendance per member, new action items. */
export interface MinutesDraftInput {
  entries: MinutesEntry[];
  attendance: { memberId: string; status: Attendance }[];
  actions: {
    title: string;
    responsibleMemberId: string | null;
    dueOn: string | null;
    agendaItemId: string | null;
  }[];
  version: number;
  /** For a correction of released minutes: why (required then). */
  reason: string | null;
}

/** Setting an action item's status. */
export const ActionStatusSchema = z.object({
  status: z.enum(ACTION_STATUSES, { message: 'Bitte wählen Sie einen Status.' }),
  version: VersionSchema,
});

// --- pure rules ------------------------------------------------------------------------------------------------

/** The UTC instant of a German date and wall-clock time ("2026-03-29", "10:00"), across clock changes. */
export function berlinInstant(date: string, time: string): Date {
  return fromGermanWallClock(new Date(`${date}T${time}:00Z`));
}

const BERLIN_PARTS = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A UTC instant as German date and time ("2026-03-29", "10:00"), to fill a form again. */
export function toBerlinParts(iso: string): { date: string; time: string } {
  const text = BERLIN_PARTS.format(new Date(iso));
  const [date, time] = text.split(' ');
  return { date: date!, time: time! };
}

/** The meeting times a schedule form stands for: start, end and the end of the proposal day, as UTC ISO. */
export function meetingTimes(
  input: Pick<MeetingInput, 'date' | 'startTime' | 'endTime' | 'proposalDeadlineDate'>,
): {
  startsAt: string;
  endsAt: string;
  proposalDeadline: string | null;
} {
  return {
    startsAt: berlinInstant(input.date, input.startTime).toISOString(),
    endsAt: berlinInstant(input.date, input.endTime).toISOString(),
    // Proposals are welcome until the end of the deadline day in Germany.
    proposalDeadline: input.proposalDeadlineDate
      ? new Date(berlinInstant(input.proposalDeadlineDate, '23:59').getTime() + 59_999).toISOString()
      : null,
  };
}

/** Whether a meeting has ended at `now`: no more answers to the invitation, no more agenda items. */
export function isMeetingOver(meeting: Pick<Meeting, 'endsAt'>, now: Date): boolean {
  return meeting.endsAt <= now.toISOString();
}

/** Whether members may still propose agenda items at `now`. */
export function isProposalOpen(
  meeting: Pick<Meeting, 'status' | 'proposalDeadline' | 'startsAt'>,
  now: Date,
): boolean {
  if (meeting.status !== 'scheduled') return false;
  const until = meeting.proposalDeadline ?? meeting.startsAt;
  return now.toISOString() <= until;
}

/** Whether a field of a change to a meeting is worth a new calendar SEQUENCE (time or place changed). */
export function isCalendarChange(
  before: Pick<
    Meeting,
    'title' | 'startsAt' | 'endsAt' | 'placeKind' | 'locationId' | 'address' | 'onlineUrl'
  >,
  after: Pick<
    Meeting,
    'title' | 'startsAt' | 'endsAt' | 'placeKind' | 'locationId' | 'address' | 'onlineUrl'
  >,
): boolean {
  return (
    before.title !== after.title ||
    before.startsAt !== after.startsAt ||
    before.endsAt !== after.endsAt ||
    before.placeKind !== after.placeKind ||
    before.locationId !== after.locationId ||
    before.address !== after.address ||
    before.onlineUrl !== after.onlineUrl
  );
}

/** Where an action item stands on `today` (YYYY-MM-DD): due today, overdue, later, or without a date. */
export function dueStateOf(
  item: Pick<ActionItem, 'status' | 'dueOn'>,
  today: string,
): 'due' | 'overdue' | 'later' | 'none' {
  if (item.status !== 'open' || !item.dueOn) return 'none';
  if (item.dueOn < today) return 'overdue';
  if (item.dueOn === today) return 'due';
  return 'later';
}

/** Which reminder an open action item needs on `today`, if any (each is sent once). */
export function reminderDue(
  item: Pick<ActionItem, 'status' | 'dueOn'> & {
    remindedDueAt: string | null;
    remindedOverdueAt: string | null;
  },
  today: string,
): 'due' | 'overdue' | null {
  const state = dueStateOf(item, today);
  if (state === 'overdue' && !item.remindedOverdueAt) return 'overdue';
  if (state === 'due' && !item.remindedDueAt) return 'due';
  return null;
}

// A case code of the case tracker ("K7M3-9QXP": 4 + 4 of the alphabet without 0/O/1/I).
const CASE_CODE = /\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b/;
// "geb. 03.04.2008", "geboren am 3.4.08", "Geburtsdatum: 2008-04-03".
const BIRTH_DATE =
  /\b(geb\.|geboren|geburtsdatum|geb\s?am|\*)\s*(am\s*)?:?\s*(\d{1,2}\.\s?\d{1,2}\.\s?(\d{4}|\d{2})|\d{4}-\d{2}-\d{2})/i;

/**
 * Why a text looks like case data, or null: minutes of a network are no place for a young person's details
 * (a case code, a date of birth). A hint before release, not a block: the chair decides.
 */
export function caseDataHints(text: string): string[] {
  const hints: string[] = [];
  if (CASE_CODE.test(text)) {
    hints.push('Der Text enthält etwas, das wie ein Fallcode aussieht (z. B. K7M3-9QXP).');
  }
  if (BIRTH_DATE.test(text)) {
    hints.push('Der Text enthält etwas, das wie ein Geburtsdatum aussieht.');
  }
  return hints;
}

/** Whether minutes may be changed directly (a draft) or only by a recorded correction with a reason (released). */
export function minutesChangeMode(minutes: Pick<Minutes, 'status'> | null): 'draft' | 'correction' {
  return minutes?.status === 'released' ? 'correction' : 'draft';
}

/** Attendance prefilled from the answers: attending → present, not attending → excused, else absent. */
export function prefillAttendance(answer: Answer | null): Attendance {
  if (answer === 'attending') return 'present';
  if (answer === 'not_attending') return 'excused';
  return 'absent';
}

/** Parses the topics column (a JSON list), tolerating junk. */
export function parseTopics(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

const CSV_HEADER = ['Name', 'Art', 'Organisation', 'E-Mail', 'Rolle', 'Beigetreten', 'Ausgetreten'];

function csvField(value: string): string {
  // Formula injection: a cell starting with =, +, - or @ is run by Excel; a leading apostrophe keeps it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const MEMBER_KIND_LABELS: Record<MemberKind, string> = {
  organization: 'Organisation',
  user: 'Person (Konto)',
  contact: 'Person (ohne Konto)',
};

/** The member list as CSV that German Excel opens correctly: UTF-8 with BOM, semicolons, CRLF. */
export function membersCsv(members: readonly Member[]): string {
  const lines = [CSV_HEADER.join(';')];
  for (const m of members) {
    lines.push(
      [
        m.name,
        MEMBER_KIND_LABELS[m.kind],
        m.organizationName ?? '',
        m.email ?? '',
        MEMBER_ROLE_LABELS[m.role],
        m.joinedOn,
        m.leftOn ?? '',
      ]
        .map(csvField)
        .join(';'),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const listOf = (max: number, message: string) => z.array(z.string().max(max, { message })).default([]);

/**
 * The minutes form: parallel lists (one entry per agenda item, one row per member, blank rows for new action
 * items), so it works as a plain HTML form without JavaScript.
 */
export const MinutesFormSchema = z.object({
  entryAgendaItemId: listOf(40, 'Unbekannter Tagesordnungspunkt.'),
  entryNotes: multiline(listOf(20_000, 'Die Notizen sind zu lang (höchstens 20.000 Zeichen je Punkt).')),
  entryDecisions: multiline(
    listOf(10_000, 'Die Beschlüsse sind zu lang (höchstens 10.000 Zeichen je Punkt).'),
  ),
  attendanceMemberId: listOf(40, 'Unbekanntes Mitglied.'),
  attendanceStatus: z
    .array(z.enum(ATTENDANCE, { message: 'Bitte wählen Sie anwesend, entschuldigt oder abwesend.' }))
    .default([]),
  actionTitle: listOf(300, 'Der Titel einer Aufgabe ist zu lang (höchstens 300 Zeichen).'),
  actionResponsible: listOf(40, 'Unbekanntes Mitglied.'),
  actionDue: listOf(10, 'Bitte ein gültiges Datum angeben.'),
  actionAgendaItemId: listOf(40, 'Unbekannter Tagesordnungspunkt.'),
  reason: multiline(optionalText(2000, 'Die Begründung ist zu lang (höchstens 2000 Zeichen).')),
  version: VersionSchema,
});
export type MinutesForm = z.output<typeof MinutesFormSchema>;

/** Turns the parallel lists of the minutes form into entries, attendance and new action items, or field errors. */
export function minutesInputOf(
  form: MinutesForm,
): { ok: true; value: MinutesDraftInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const entries: MinutesEntry[] = form.entryAgendaItemId.map((id, index) => ({
    agendaItemId: id === '' ? null : id,
    position: index + 1,
    notes: form.entryNotes[index] || null,
    decisions: form.entryDecisions[index] || null,
  }));
  if (form.attendanceMemberId.length !== form.attendanceStatus.length) {
    errors['attendanceStatus'] = 'Bitte geben Sie für jedes Mitglied die Anwesenheit an.';
  }
  const attendance = form.attendanceMemberId.map((memberId, index) => ({
    memberId,
    status: form.attendanceStatus[index] ?? ('absent' as const),
  }));
  const actions: MinutesDraftInput['actions'] = [];
  form.actionTitle.forEach((title, index) => {
    const due = form.actionDue[index] ?? '';
    const responsible = form.actionResponsible[index] ?? '';
    if (!title) {
      if (due || responsible)
        errors['actionTitle'] ??= 'Bitte geben Sie jeder Aufgabe einen Titel (oder leeren Sie die Zeile).';
      return;
    }
    if (due && !isIsoDate(due))
      errors['actionDue'] ??= `Das Fälligkeitsdatum der Aufgabe „${title}“ ist kein gültiges Datum.`;
    actions.push({
      title,
      responsibleMemberId: responsible || null,
      dueOn: due || null,
      agendaItemId: form.actionAgendaItemId[index] || null,
    });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { entries, attendance, actions, version: form.version, reason: form.reason } };
}

/** Releasing minutes; `confirm` acknowledges the hint that the text may hold case data. */
export const ReleaseMinutesSchema = z.object({
  version: VersionSchema,
  confirm: z
    .string()
    .optional()
    .transform((value) => value === '1'),
});

/** The whole text of minutes entries, for the case-data hint. */
export function minutesText(entries: readonly MinutesEntry[]): string {
  return entries.map((e) => `${e.notes ?? ''}\n${e.decisions ?? ''}`).join('\n');
}

// --- finding released minutes again ------------------------------------------------------------------------------

/**
 * What the minutes search matches for one entry: its agenda item's title, notes and decisions, folded as the directory
 * search folds (lower case, ä = ae = a, ß = ss), so "Strasse" finds "Straße" and "Mueller" finds "Müller".
 */
export function minutesSearchText(
  entry: Pick<MinutesEntry, 'notes' | 'decisions'>,
  agendaTitle: string | null,
): string {
  return foldGerman([agendaTitle, entry.notes, entry.decisions].filter(Boolean).join('\n'));
}

/** The most words of a query the minutes search looks for (each must occur). */
export const MINUTES_SEARCH_MAX_WORDS = 8;

/**
 * The folded words of a minutes query: letters and digits only (so nothing reaches LIKE as a wildcard), at least
 * two characters, at most MINUTES_SEARCH_MAX_WORDS, each once.
 */
export function minutesQueryWords(query: string): string[] {
  const words = foldGerman(query.slice(0, 200)).match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length >= 2))].slice(0, MINUTES_SEARCH_MAX_WORDS);
}
