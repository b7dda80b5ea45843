import type { MailDraft } from '../notify/outbox';
import { formatDate, formatDateTime } from '../i18n/format';
import {
  ANSWER_LABELS,
  type ActionItem,
  type AgendaItem,
  type Answer,
  type Group,
  type Meeting,
} from './networks';

/**
 * The mails of the working groups. Neutral text: names of groups, meetings and tasks, never a young person's
 * details. Single-use links stand as a whole path segment, so the outbox redacts them after delivery.
 */

/** Where a member answers: their single-use link, or the meeting page for members with an account. */
export interface AnswerWay {
  linkUrl: string | null;
  pageUrl: string;
}

function placeLine(meeting: Meeting, placeLabel: string | null): string {
  if (meeting.placeKind === 'online') return `Online: ${meeting.onlineUrl ?? ''}`;
  return `Ort: ${placeLabel ?? meeting.address ?? '–'}`;
}

function answerLines(way: AnswerWay): string[] {
  return way.linkUrl
    ? ['Bitte antworten Sie (nehme teil / nehme nicht teil / vielleicht) über diesen Link:', way.linkUrl]
    : ['Bitte antworten Sie nach der Anmeldung auf der Seite des Treffens:', way.pageUrl];
}

/** The invitation or the notice of a change, with the agenda. */
export function invitationMail(
  to: string,
  group: Group,
  meeting: Meeting,
  agenda: AgendaItem[],
  placeLabel: string | null,
  way: AnswerWay,
  change: boolean,
): MailDraft {
  const items = agenda.filter((a) => a.status === 'accepted');
  return {
    kind: change ? 'network.meeting.update' : 'network.meeting.invite',
    to,
    subject: `${change ? 'Geändert: ' : 'Einladung: '}${meeting.title} (${group.name}) am ${formatDateTime(meeting.startsAt)}`,
    text: [
      'Guten Tag,',
      '',
      change
        ? `das Treffen „${meeting.title}“ des ${group.name} hat sich geändert. Der Kalendereintrag im Anhang ersetzt den bisherigen.`
        : `hiermit laden wir Sie zum Treffen „${meeting.title}“ des ${group.name} ein. Den Kalendereintrag finden Sie im Anhang.`,
      '',
      `Beginn: ${formatDateTime(meeting.startsAt)} Uhr`,
      `Ende: ${formatDateTime(meeting.endsAt)} Uhr`,
      placeLine(meeting, placeLabel),
      '',
      ...(items.length > 0
        ? [
            'Tagesordnung:',
            ...items.map(
              (a, i) => `${i + 1}. ${a.title}${a.plannedMinutes ? ` (${a.plannedMinutes} Min.)` : ''}`,
            ),
            '',
          ]
        : []),
      ...answerLines(way),
      '',
      'Mit freundlichen Grüßen',
      'JMD Partnernetz',
    ].join('\n'),
  };
}

/**
 * The reminder a few days before a meeting (MEETING_REMINDER_DAYS): when and where, the agenda, and the member's
 * answer — or the request to answer when there is none yet.
 */
export function meetingReminderMail(
  to: string,
  group: Group,
  meeting: Meeting,
  agenda: AgendaItem[],
  placeLabel: string | null,
  way: AnswerWay,
  answer: Answer | null,
): MailDraft {
  const items = agenda.filter((a) => a.status === 'accepted');
  return {
    kind: 'network.meeting.reminder',
    to,
    subject: `Erinnerung: ${meeting.title} (${group.name}) am ${formatDateTime(meeting.startsAt)}`,
    text: [
      'Guten Tag,',
      '',
      `wir erinnern an das Treffen „${meeting.title}“ des ${group.name}.`,
      '',
      `Beginn: ${formatDateTime(meeting.startsAt)} Uhr`,
      `Ende: ${formatDateTime(meeting.endsAt)} Uhr`,
      placeLine(meeting, placeLabel),
      '',
      ...(items.length > 0 ? ['Tagesordnung:', ...items.map((a, i) => `${i + 1}. ${a.title}`), ''] : []),
      ...(answer
        ? [
            `Ihre Antwort: ${ANSWER_LABELS[answer]}. Wenn sich daran etwas ändert:`,
            way.linkUrl ?? way.pageUrl,
          ]
        : ['Sie haben noch nicht geantwortet.', ...answerLines(way)]),
      '',
      'Mit freundlichen Grüßen',
      'JMD Partnernetz',
    ].join('\n'),
  };
}

/** The notice that a meeting is cancelled. */
export function cancellationMail(to: string, group: Group, meeting: Meeting): MailDraft {
  return {
    kind: 'network.meeting.cancel',
    to,
    subject: `Abgesagt: ${meeting.title} (${group.name}) am ${formatDateTime(meeting.startsAt)}`,
    text: [
      'Guten Tag,',
      '',
      `das Treffen „${meeting.title}“ des ${group.name} am ${formatDateTime(meeting.startsAt)} Uhr findet nicht statt.`,
      'Der Kalendereintrag im Anhang entfernt es aus Ihrem Kalender.',
      '',
      'Mit freundlichen Grüßen',
      'JMD Partnernetz',
    ].join('\n'),
  };
}

/** The reminder of an action item that is due today or overdue. */
export function actionReminderMail(
  to: string,
  groupName: string,
  item: Pick<ActionItem, 'title' | 'dueOn'>,
  kind: 'due' | 'overdue',
  way: { linkUrl: string | null; pageUrl: string },
): MailDraft {
  return {
    kind: kind === 'due' ? 'network.action.due' : 'network.action.overdue',
    to,
    subject: `${kind === 'due' ? 'Heute fällig' : 'Überfällig'}: ${item.title} (${groupName})`,
    text: [
      'Guten Tag,',
      '',
      kind === 'due'
        ? `die Aufgabe „${item.title}“ aus dem ${groupName} ist heute fällig.`
        : `die Aufgabe „${item.title}“ aus dem ${groupName} war am ${item.dueOn ? formatDate(`${item.dueOn}T12:00:00Z`) : '–'} fällig und ist noch offen.`,
      '',
      ...(way.linkUrl
        ? ['Wenn sie erledigt ist, markieren Sie sie mit einem Klick über diesen Link:', way.linkUrl]
        : ['Wenn sie erledigt ist, markieren Sie sie unter „Meine Aufgaben“:', way.pageUrl]),
      '',
      'Mit freundlichen Grüßen',
      'JMD Partnernetz',
    ].join('\n'),
  };
}
