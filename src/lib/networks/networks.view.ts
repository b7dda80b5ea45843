import { CATEGORY_LABELS } from '../directory/organization';
import { formatDate, formatDateTime } from '../i18n/format';
import {
  ACTION_STATUS_LABELS,
  ANSWER_LABELS,
  GROUP_KIND_LABELS,
  MEMBER_ROLE_LABELS,
  VISIBILITY_LABELS,
  type ActionItem,
  type AgendaItem,
  type Answer,
  type Meeting,
  type Member,
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
