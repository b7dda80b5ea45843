import { CATEGORY_LABELS } from '../directory/organization';
import { foldGerman } from '../i18n/fold';
import { formatDate, formatDateTime } from '../i18n/format';
import type { FormValues } from '../http/form';
import type { MinutesHit } from './minutes.queries';
import {
  ACTION_STATUS_LABELS,
  ANSWER_LABELS,
  ATTENDANCE_LABELS,
  GROUP_KIND_LABELS,
  MEMBER_ROLE_LABELS,
  type Group,
  VISIBILITY_LABELS,
  type ActionItem,
  type AgendaItem,
  type Answer,
  type Attendance,
  type Meeting,
  type Member,
  type Membership,
  type Minutes,
  type MinutesEntry,
  prefillAttendance,
  toBerlinParts,
} from './networks';

/**
 * What the working-group pages show: options, labels and the derived lists, decided here (pure, tested) rather
 * than in page frontmatter.
 */

const options = <K extends string>(labels: Record<K, string>) =>
  (Object.entries(labels) as [K, string][]).map(([value, label]) => ({ value, label }));

export const groupKindOptions = options(GROUP_KIND_LABELS);
export const visibilityOptions = options(VISIBILITY_LABELS);
export const roleOptions = options(MEMBER_ROLE_LABELS);
export const answerOptions = options(ANSWER_LABELS);
export const topicOptions = options(CATEGORY_LABELS);

/** "Verein Lübeck", "Clara Vorsitz (Stadtteilbüro)". */
export function memberLabel(member: Pick<Member, 'name' | 'organizationName'>): string {
  return member.organizationName ? `${member.name} (${member.organizationName})` : member.name;
}

/**
 * A group's line in the list after its name: "Arbeitskreis, Innenstadt · 5 Mitglieder · Ihre Rolle: Mitglied (über
 * Ihre Einrichtung)" — built as one string, so no template whitespace lands before the comma.
 */
export function groupSummary(
  group: Pick<Group, 'kind' | 'district'> & { memberCount: number },
  membership: Membership | null,
): string {
  const parts = [
    [GROUP_KIND_LABELS[group.kind], group.district].filter(Boolean).join(', '),
    `${group.memberCount} ${group.memberCount === 1 ? 'Mitglied' : 'Mitglieder'}`,
  ];
  if (membership) {
    parts.push(
      `Ihre Rolle: ${MEMBER_ROLE_LABELS[membership.role]}${membership.via === 'organization' ? ' (über Ihre Einrichtung)' : ''}`,
    );
  }
  return parts.join(' · ');
}

/** Where a meeting takes place, as one line. */
export function placeText(
  meeting: Pick<Meeting, 'placeKind' | 'address' | 'onlineUrl'>,
  locationLabel: string | null,
): string {
  if (meeting.placeKind === 'online') return 'Online';
  if (meeting.placeKind === 'location') return locationLabel ?? 'Ort aus dem Verzeichnis';
  return meeting.address ?? '–';
}

/** "28.03.2026, 10:00 – 12:00 Uhr" (German time). */
export function meetingWhen(meeting: Pick<Meeting, 'startsAt' | 'endsAt'>): string {
  const end = formatDateTime(meeting.endsAt).split(', ')[1] ?? '';
  return `${formatDateTime(meeting.startsAt)} – ${end} Uhr`;
}

/** The next scheduled meeting that has not ended at `now` (the one open action items are carried to). */
export function nextMeeting<M extends Pick<Meeting, 'id' | 'status' | 'endsAt' | 'startsAt'>>(
  meetings: readonly M[],
  now: Date,
): M | null {
  const at = now.toISOString();
  return (
    [...meetings]
      .filter((m) => m.status === 'scheduled' && m.endsAt > at)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0] ?? null
  );
}

/** One line of an agenda as a page shows it. */
export interface AgendaLine {
  number: number;
  title: string;
  description: string | null;
  responsible: string | null;
  plannedMinutes: number | null;
  /** The open action items listed under the carried-over item. */
  actions: { title: string; responsible: string; due: string | null }[];
}

/**
 * The agenda to show: the accepted items in order, and on the next meeting a last item "Offene Aufgaben" with the
 * group's open action items — they appear there by themselves until someone marks them done or dropped.
 */
export function agendaLines(
  agenda: readonly AgendaItem[],
  openActions: readonly ActionItem[],
  members: readonly Member[],
  isNext: boolean,
): AgendaLine[] {
  const lines: AgendaLine[] = agenda
    .filter((a) => a.status === 'accepted')
    .map((a, index) => ({
      number: index + 1,
      title: a.title,
      description: a.description,
      responsible: a.responsible,
      plannedMinutes: a.plannedMinutes,
      actions: [],
    }));
  if (isNext && openActions.length > 0) {
    const names = new Map(members.map((m) => [m.id, memberLabel(m)]));
    lines.push({
      number: lines.length + 1,
      title: 'Offene Aufgaben',
      description: null,
      responsible: null,
      plannedMinutes: null,
      actions: openActions.map((a) => ({
        title: a.title,
        responsible: a.responsibleMemberId
          ? (names.get(a.responsibleMemberId) ?? 'ausgeschiedenes Mitglied')
          : '–',
        due: a.dueOn ? formatDate(`${a.dueOn}T12:00:00Z`) : null,
      })),
    });
  }
  return lines;
}

/** Counts of the answers to a meeting, and who has not answered yet. */
export function answerSummary(
  invitations: readonly { memberId: string; answer: Answer | null }[],
  members: readonly Member[],
): { counts: Record<Answer | 'open', number>; byMember: { member: Member; answer: Answer | null }[] } {
  const answers = new Map(invitations.map((i) => [i.memberId, i.answer]));
  const counts = { attending: 0, not_attending: 0, maybe: 0, open: 0 };
  const byMember = members.map((member) => {
    const answer = answers.get(member.id) ?? null;
    counts[answer ?? 'open'] += 1;
    return { member, answer };
  });
  return { counts, byMember };
}

/** The label of an action item's status, or "fällig"/"überfällig" for open ones by date. */
export function actionStatusText(item: Pick<ActionItem, 'status' | 'dueOn'>, today: string): string {
  if (item.status !== 'open') return ACTION_STATUS_LABELS[item.status];
  if (item.dueOn && item.dueOn < today) return 'überfällig';
  if (item.dueOn === today) return 'heute fällig';
  return 'offen';
}

/** "03.04.2026" for a date (YYYY-MM-DD), or "–". */
export function dateText(date: string | null): string {
  return date ? formatDate(`${date}T12:00:00Z`) : '–';
}

export const attendanceOptions = options(ATTENDANCE_LABELS);

/** One agenda item's part of the minutes form (agendaItemId '' is "Sonstiges"). */
export interface MinutesEntryRow {
  agendaItemId: string;
  title: string;
  notes: string;
  decisions: string;
}

/** One member's attendance row. */
export interface AttendanceRow {
  memberId: string;
  label: string;
  status: Attendance;
}

/** One row for a new action item. */
export interface ActionRow {
  title: string;
  responsible: string;
  due: string;
  agendaItemId: string;
}

/** The minutes form as the page renders it. */
export interface MinutesFormView {
  entries: MinutesEntryRow[];
  attendance: AttendanceRow[];
  actions: ActionRow[];
}

/** How much of a long history the group page shows before "alle … zeigen". */
export const GROUP_PAGE_LIMITS = { meetings: 20, openActions: 50 } as const;

/** How many empty rows for new action items the form offers (more after the next save). */
export const NEW_ACTION_ROWS = 3;

/**
 * The examples of the minutes search's hint: terms that find released minutes of the sample region (a seed test
 * checks it), one of them showing the German folding (ue finds ü).
 */
export const MINUTES_SEARCH_EXAMPLES = {
  plain: 'Praktikum',
  folded: 'Abschluesse',
  finds: 'Abschlüsse',
} as const;

/** The hint under the minutes search field. */
export function minutesSearchHint(): string {
  const { plain, folded, finds } = MINUTES_SEARCH_EXAMPLES;
  return `Durchsucht die freigegebenen Protokolle der Arbeitskreise, die Sie sehen dürfen. Zum Beispiel „${plain}“ oder „${folded}“ (findet auch „${finds}“).`;
}

const listValue = (values: FormValues | null, key: string): string[] | null => {
  if (!values || !(key in values)) return null;
  const value = values[key];
  return Array.isArray(value) ? value : [value ?? ''];
};

/**
 * The minutes form: one entry per accepted agenda item and one for other business, filled from the saved
 * minutes; attendance per current member, saved or else prefilled from their answer; empty rows for new action
 * items. After a failed save, what was typed (`values`, parallel lists) wins everywhere.
 */
export function minutesFormView(input: {
  agenda: readonly AgendaItem[];
  minutes: Pick<Minutes, 'entries'> | null;
  members: readonly Member[];
  answers: readonly { memberId: string; answer: Answer | null }[];
  attendance: ReadonlyMap<string, Attendance>;
  values: FormValues | null;
}): MinutesFormView {
  const saved = new Map<string, MinutesEntry>(
    (input.minutes?.entries ?? []).map((e) => [e.agendaItemId ?? '', e]),
  );
  const typedNotes = listValue(input.values, 'entryNotes');
  const typedDecisions = listValue(input.values, 'entryDecisions');
  const entries = [
    ...input.agenda
      .filter((a) => a.status === 'accepted')
      .map((a, index) => ({ agendaItemId: a.id, title: `${index + 1}. ${a.title}` })),
    { agendaItemId: '', title: 'Sonstiges' },
  ].map((e, index) => ({
    ...e,
    notes: typedNotes?.[index] ?? saved.get(e.agendaItemId)?.notes ?? '',
    decisions: typedDecisions?.[index] ?? saved.get(e.agendaItemId)?.decisions ?? '',
  }));

  const answers = new Map(input.answers.map((a) => [a.memberId, a.answer]));
  const typedMembers = listValue(input.values, 'attendanceMemberId');
  const typedStatus = listValue(input.values, 'attendanceStatus');
  const typed = new Map((typedMembers ?? []).map((id, index) => [id, typedStatus?.[index]]));
  const attendance = input.members.map((m) => {
    const again = typed.get(m.id);
    const status =
      again && again in ATTENDANCE_LABELS
        ? (again as Attendance)
        : (input.attendance.get(m.id) ?? prefillAttendance(answers.get(m.id) ?? null));
    return { memberId: m.id, label: memberLabel(m), status };
  });

  const titles = listValue(input.values, 'actionTitle');
  const count = Math.max(NEW_ACTION_ROWS, titles?.length ?? 0);
  const actions = Array.from({ length: count }, (_, index) => ({
    title: titles?.[index] ?? '',
    responsible: listValue(input.values, 'actionResponsible')?.[index] ?? '',
    due: listValue(input.values, 'actionDue')?.[index] ?? '',
    agendaItemId: listValue(input.values, 'actionAgendaItemId')?.[index] ?? '',
  }));
  return { entries, attendance, actions };
}

/** The members one may name as responsible for an action item (persons and organisations alike). */
export function responsibleOptions(members: readonly Member[]): { value: string; label: string }[] {
  return members.map((m) => ({ value: m.id, label: memberLabel(m) }));
}

/** One agenda item's notes and decisions as the released minutes show them. */
export interface MinutesSection {
  title: string;
  notes: string | null;
  decisions: string | null;
}

/**
 * The minutes to read and print: the agenda's entries in order with their titles (an item removed from the agenda
 * later keeps its text under "Tagesordnungspunkt"), empty entries left out.
 */
export function minutesSections(
  entries: readonly MinutesEntry[],
  agenda: readonly AgendaItem[],
): MinutesSection[] {
  const accepted = agenda.filter((a) => a.status === 'accepted');
  const titles = new Map(accepted.map((a, index) => [a.id, `${index + 1}. ${a.title}`]));
  return [...entries]
    .sort((a, b) => a.position - b.position)
    .filter((e) => e.notes || e.decisions)
    .map((e) => ({
      title: e.agendaItemId === null ? 'Sonstiges' : (titles.get(e.agendaItemId) ?? 'Tagesordnungspunkt'),
      notes: e.notes,
      decisions: e.decisions,
    }));
}

/** The action items of one meeting with the responsible member's name, due date and status text. */
export function actionLines(
  items: readonly ActionItem[],
  members: readonly Member[],
  today: string,
): { id: string; title: string; responsible: string; due: string; status: string }[] {
  const names = new Map(members.map((m) => [m.id, memberLabel(m)]));
  return items.map((a) => ({
    id: a.id,
    title: a.title,
    responsible: a.responsibleMemberId
      ? (names.get(a.responsibleMemberId) ?? 'ausgeschiedenes Mitglied')
      : '–',
    due: dateText(a.dueOn),
    status: actionStatusText(a, today),
  }));
}

/** The edit form of a meeting filled from the meeting and its accepted agenda (German wall-clock times). */
export function meetingFormValues(meeting: Meeting, agenda: readonly AgendaItem[]): FormValues {
  const start = toBerlinParts(meeting.startsAt);
  const accepted = agenda.filter((a) => a.status === 'accepted');
  return {
    title: meeting.title,
    date: start.date,
    startTime: start.time,
    endTime: toBerlinParts(meeting.endsAt).time,
    placeKind: meeting.placeKind,
    locationId: meeting.locationId ?? '',
    address: meeting.address ?? '',
    onlineUrl: meeting.onlineUrl ?? '',
    proposalDeadlineDate: meeting.proposalDeadline ? toBerlinParts(meeting.proposalDeadline).date : '',
    agendaId: accepted.map((a) => a.id),
    agendaTitle: accepted.map((a) => a.title),
    agendaDescription: accepted.map((a) => a.description ?? ''),
    agendaResponsible: accepted.map((a) => a.responsible ?? ''),
    agendaMinutes: accepted.map((a) => (a.plannedMinutes === null ? '' : String(a.plannedMinutes))),
    agendaPosition: accepted.map((_, index) => String(index + 1)),
    agendaRemove: [],
  };
}

/** The agenda rows of the edit form from its values (what was typed after a failed save). */
export function agendaFormRows(values: FormValues): {
  id: string;
  title: string;
  description: string;
  responsible: string;
  minutes: string;
  position: string;
  remove: boolean;
}[] {
  const list = (key: string) => {
    const value = values[key];
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
  };
  const removed = new Set(list('agendaRemove'));
  return list('agendaId').map((id, index) => ({
    id,
    title: list('agendaTitle')[index] ?? '',
    description: list('agendaDescription')[index] ?? '',
    responsible: list('agendaResponsible')[index] ?? '',
    minutes: list('agendaMinutes')[index] ?? '',
    position: list('agendaPosition')[index] ?? String(index + 1),
    remove: removed.has(id),
  }));
}

/** About this many characters of text around the first match. */
const EXCERPT_CHARS = 220;

/**
 * A short excerpt of `text` around the first folded word it holds, with "…" where it was cut. Folding keeps
 * positions close enough (ß → ss, ae → a shift by a character), so the cut is made at word boundaries around the
 * approximate place.
 */
export function excerptAround(text: string, words: readonly string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= EXCERPT_CHARS) return flat;
  const folded = foldGerman(flat);
  const at = Math.min(...words.map((w) => folded.indexOf(w)).filter((i) => i >= 0), flat.length);
  const center = at === flat.length ? 0 : at;
  let start = Math.max(0, center - EXCERPT_CHARS / 3);
  let end = Math.min(flat.length, start + EXCERPT_CHARS);
  start = Math.max(0, end - EXCERPT_CHARS);
  if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
  if (end < flat.length) end = flat.lastIndexOf(' ', end) > start ? flat.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '… ' : ''}${flat.slice(start, end)}${end < flat.length ? ' …' : ''}`;
}

/** One hit of the minutes search as the list shows it. */
export interface MinutesHitLine {
  href: string;
  groupName: string;
  meetingTitle: string;
  date: string;
  agendaTitle: string;
  /** "Beschluss" when the decisions hold the words, else "Notizen". */
  label: 'Beschluss' | 'Notizen';
  excerpt: string;
}

/** A hit of the minutes search: link to the minutes, where it stands, and an excerpt — decisions first. */
export function minutesHitLine(hit: MinutesHit, words: readonly string[]): MinutesHitLine {
  const holdsAll = (text: string | null) => text !== null && words.every((w) => foldGerman(text).includes(w));
  const holdsAny = (text: string | null) => text !== null && words.some((w) => foldGerman(text).includes(w));
  const inDecisions = holdsAll(hit.decisions) || (!holdsAll(hit.notes) && holdsAny(hit.decisions));
  const text = (inDecisions ? hit.decisions : hit.notes) ?? hit.decisions ?? hit.notes ?? '';
  return {
    href: `/arbeitskreise/${hit.groupId}/treffen/${hit.meetingId}/protokoll`,
    groupName: hit.groupName,
    meetingTitle: hit.meetingTitle,
    date: formatDate(hit.startsAt),
    agendaTitle: hit.agendaTitle ?? 'Sonstiges',
    label: inDecisions ? 'Beschluss' : 'Notizen',
    excerpt: excerptAround(text, words),
  };
}
