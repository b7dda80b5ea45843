import type { ActionContext } from '../action/context';
import { systemContext, userOf } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can, type Actor } from '../auth/policy';
import type { Config } from '../config/config';
import type { Executor } from '../db/executor';
import { issueLink } from '../links/link';
import { enqueueMail } from '../notify/outbox.queries';
import { todayInGermany } from '../time/time';
import { findGroup, listMembers } from './group.queries';
import { groupResource, listGroupsFor, loadGroupFor } from './group.service';
import { listAgenda } from './meeting.queries';
import { freezeFigures } from './figure.service';
import { loadMeetingFor } from './meeting.service';
import {
  findActionItem,
  findMinutes,
  insertActionItem,
  insertCorrection,
  insertMinutes,
  countActionItemsOf,
  listActionItemsOf,
  listActionItemsToRemind,
  markActionReminded,
  markMinutesReleased,
  replaceAttendance,
  replaceMinutesEntries,
  searchReleasedMinutes,
  setActionStatus,
  type MinutesHit,
  type MyActionItem,
} from './minutes.queries';
import {
  caseDataHints,
  minutesChangeMode,
  minutesQueryWords,
  minutesSearchText,
  minutesText,
  reminderDue,
  type ActionItem,
  type ActionStatus,
  type Minutes,
  type MinutesDraftInput,
} from './networks';
import { actionReminderMail } from './networks-mail';

/**
 * Saves minutes. A draft changes freely (chairs and coordinators); released minutes change only by a correction
 * that names its reason and keeps the text before it (history). New action items are created with the save.
 */
export async function saveMinutes(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: MinutesDraftInput,
): Promise<Result<Minutes, Minutes>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    const actor = userOf(ctx);
    if (!can(actor, 'network.group.manage', access.resource)) {
      return refused('Das Protokoll schreiben Vorsitz, Stellvertretung und Netzwerkkoordination.');
    }
    const agenda = await listAgenda(trx, meetingId);
    const agendaIds = new Set(agenda.map((a) => a.id));
    const memberIds = new Set(
      (await listMembers(trx, access.group.id, { includeFormer: true })).map((m) => m.id),
    );
    if (input.entries.some((e) => e.agendaItemId !== null && !agendaIds.has(e.agendaItemId))) {
      return invalid({
        _form: 'Das Formular passt nicht mehr zur Tagesordnung. Bitte laden Sie die Seite neu.',
      });
    }
    if (input.attendance.some((a) => !memberIds.has(a.memberId))) {
      return invalid({
        attendanceStatus: 'Die Mitgliederliste hat sich geändert. Bitte laden Sie die Seite neu.',
      });
    }
    if (input.actions.some((a) => a.responsibleMemberId !== null && !memberIds.has(a.responsibleMemberId))) {
      return invalid({
        actionResponsible: 'Bitte wählen Sie als Verantwortliche ein Mitglied aus der Liste.',
      });
    }
    let minutes = await findMinutes(trx, meetingId);
    const mode = minutesChangeMode(minutes);
    if (mode === 'correction' && !input.reason) {
      return invalid({
        reason:
          'Das Protokoll ist freigegeben: Bitte begründen Sie die Korrektur (sie wird mit Datum festgehalten).',
      });
    }
    if (!minutes) {
      await insertMinutes(trx, meetingId, ctx.now);
      minutes = (await findMinutes(trx, meetingId))!;
    }
    if (minutes.version !== input.version) {
      return conflict(
        'Jemand hat das Protokoll inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        minutes,
      );
    }
    if (mode === 'correction') {
      await insertCorrection(trx, minutes.id, {
        by: actor?.id ?? null,
        reason: input.reason!,
        previous: minutes.entries,
        now: ctx.now,
      });
    }
    const titles = new Map(agenda.map((a) => [a.id, a.title]));
    const entries = input.entries.map((e) => ({
      ...e,
      searchText: minutesSearchText(e, e.agendaItemId ? (titles.get(e.agendaItemId) ?? null) : null),
    }));
    if (!(await replaceMinutesEntries(trx, minutes.id, input.version, entries, ctx.now))) {
      return conflict('Jemand hat das Protokoll inzwischen geändert.', minutes);
    }
    await replaceAttendance(trx, meetingId, input.attendance);
    for (const action of input.actions) {
      const item = await insertActionItem(trx, { groupId: access.group.id, meetingId, ...action }, ctx.now);
      await recordAudit(trx, ctx, {
        action: 'network.action.create',
        objectType: 'network_action_item',
        objectId: item.id,
      });
    }
    await recordAudit(trx, ctx, {
      action: mode === 'correction' ? 'network.minutes.correct' : 'network.minutes.save',
      objectType: 'network_minutes',
      objectId: minutes.id,
    });
    return ok((await findMinutes(trx, meetingId))!);
  });
}

/**
 * Releases draft minutes to the members. When the text looks like case data (a case code, a date of birth) the
 * first attempt returns the hint and only an explicit confirmation releases: minutes are no place for a young
 * person's details, but the chair decides.
 */
export async function releaseMinutes(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: { version: number; confirm: boolean },
): Promise<Result<Minutes, Minutes>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    const actor = userOf(ctx);
    if (!can(actor, 'network.group.manage', access.resource)) {
      return refused('Das Protokoll geben Vorsitz, Stellvertretung oder Netzwerkkoordination frei.');
    }
    const minutes = await findMinutes(trx, meetingId);
    if (!minutes) return refused('Es gibt noch kein Protokoll. Bitte schreiben und speichern Sie es zuerst.');
    if (minutes.status === 'released') return refused('Das Protokoll ist schon freigegeben.');
    if (minutes.version !== input.version) {
      return conflict(
        'Jemand hat das Protokoll inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
        minutes,
      );
    }
    const hints = caseDataHints(minutesText(minutes.entries));
    if (hints.length > 0 && !input.confirm) {
      return invalid({
        confirm: `${hints.join(' ')} Protokolle eines Netzwerks sind kein Ort für Angaben zu jungen Menschen. Bitte prüfen Sie den Text; wenn er so richtig ist, bestätigen Sie die Freigabe.`,
      });
    }
    if (!(await markMinutesReleased(trx, minutes.id, input.version, actor?.id ?? null, ctx.now))) {
      return conflict('Jemand hat das Protokoll inzwischen geändert.', minutes);
    }
    await freezeFigures(trx, meetingId, ctx.now);
    await recordAudit(trx, ctx, {
      action: 'network.minutes.release',
      objectType: 'network_minutes',
      objectId: minutes.id,
    });
    return ok((await findMinutes(trx, meetingId))!);
  });
}

/**
 * Minutes as an actor may read them: released ones for whoever sees the group, drafts only for those who run it;
 * null otherwise.
 */
export async function loadMinutesFor(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
): Promise<Minutes | null> {
  const access = await loadMeetingFor(db, ctx, meetingId);
  if (!access) return null;
  const minutes = await findMinutes(db, meetingId);
  if (!minutes) return null;
  const resource = { ...access.resource, minutesReleased: minutes.status === 'released' };
  return can(userOf(ctx), 'network.minutes.read', resource) ? minutes : null;
}

/** Whether the actor is the action item's responsible member in person or through their organisation. */
async function isResponsible(db: Executor, actor: Actor, item: ActionItem): Promise<boolean> {
  if (!item.responsibleMemberId) return false;
  const members = await listMembers(db, item.groupId, { includeFormer: true });
  const member = members.find((m) => m.id === item.responsibleMemberId);
  return (
    !!member &&
    ((member.kind === 'user' && member.userId === actor.id) ||
      (member.kind === 'organization' && member.organizationId === actor.organizationId))
  );
}

/** Sets an action item's status: the responsible person (or organisation), the chair or a coordinator. */
export async function setActionItemStatus(
  db: Executor,
  ctx: ActionContext,
  itemId: string,
  input: { status: ActionStatus; version: number },
): Promise<Result<ActionItem, ActionItem>> {
  return db.transaction().execute(async (trx) => {
    const actor = userOf(ctx);
    const item = await findActionItem(trx, itemId);
    if (!item || !actor) return notFound();
    const access = await loadGroupFor(trx, actor, item.groupId);
    const responsible = await isResponsible(trx, actor, item);
    if (!access && !responsible) return notFound();
    if (!responsible && !(access && can(actor, 'network.group.manage', access.resource))) {
      return refused(
        'Den Status ändern die verantwortliche Person, Vorsitz, Stellvertretung und Netzwerkkoordination.',
      );
    }
    if (item.version !== input.version) {
      return conflict('Die Aufgabe wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.', item);
    }
    if (!(await setActionStatus(trx, item, input.status, ctx.now))) {
      return conflict('Die Aufgabe wurde inzwischen geändert.', item);
    }
    await recordAudit(trx, ctx, {
      action: `network.action.${input.status}`,
      objectType: 'network_action_item',
      objectId: itemId,
    });
    return ok((await findActionItem(trx, itemId))!);
  });
}

/** "Meine Aufgaben": open items per page, and how many recently closed ones follow them. */
export const MY_ACTION_ITEMS_LIMITS = { open: 100, closed: 20 } as const;

/** One page of "Meine Aufgaben": its open items, how many there are in all, and the last closed ones. */
export interface MyActionItemsPage {
  open: MyActionItem[];
  openTotal: number;
  closed: MyActionItem[];
  /** The page shown (1-based, at most `pages`) and how many pages the open items fill (at least 1). */
  page: number;
  pages: number;
}

/**
 * "Meine Aufgaben": the action items the user answers for, in person or through their organisation — the open ones
 * by due date, a page at a time (never silently cut off), then the last closed ones.
 */
export async function listMyActionItems(
  db: Executor,
  actor: Actor,
  options: { page?: number } = {},
): Promise<MyActionItemsPage> {
  const size = MY_ACTION_ITEMS_LIMITS.open;
  const [openTotal, closed] = await Promise.all([
    countActionItemsOf(db, actor, { open: true }),
    listActionItemsOf(db, actor, { open: false, limit: MY_ACTION_ITEMS_LIMITS.closed }),
  ]);
  const pages = Math.max(1, Math.ceil(openTotal / size));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);
  const open = await listActionItemsOf(db, actor, { open: true, limit: size, offset: (page - 1) * size });
  return { open, openTotal, closed, page, pages };
}

/** How long a "done" link in a reminder works. */
const DONE_LINK_TTL_MS = 30 * 24 * 60 * 60_000;

/**
 * The reminder job: one mail when an open action item falls due and one when it is overdue, each once, to the
 * responsible member's address. Members without an account get a single-use "done" link.
 */
export async function sendActionReminders(
  db: Executor,
  config: Config,
  now: Date,
): Promise<{ due: number; overdue: number }> {
  const ctx = systemContext(config, 'network-reminders', now);
  const today = todayInGermany(now);
  const report = { due: 0, overdue: 0 };
  for (const item of await listActionItemsToRemind(db, today)) {
    const kind = reminderDue(item, today);
    if (!kind) continue;
    await db.transaction().execute(async (trx) => {
      const group = await findGroup(trx, item.groupId);
      const members = await listMembers(trx, item.groupId, { includeFormer: true });
      const member = members.find((m) => m.id === item.responsibleMemberId);
      if (group && member?.email && member.leftOn === null) {
        let linkUrl: string | null = null;
        if (member.kind !== 'user') {
          const token = await issueLink(
            trx,
            'network',
            { purpose: 'action_done', member_id: member.id, meeting_id: null, action_item_id: item.id },
            {
              now,
              expiresAt: new Date(now.getTime() + DONE_LINK_TTL_MS),
              replaces: {
                scope: { member_id: member.id, purpose: 'action_done', action_item_id: item.id },
                unusedOnly: true,
              },
            },
          );
          linkUrl = `${config.publicBaseUrl}/arbeitskreise/link/${token}`;
        }
        await enqueueMail(
          trx,
          actionReminderMail(member.email, group.name, item, kind, {
            linkUrl,
            pageUrl: `${config.publicBaseUrl}/aufgaben`,
          }),
          now,
        );
        await recordAudit(trx, ctx, {
          action: `network.action.remind_${kind}`,
          objectType: 'network_action_item',
          objectId: item.id,
        });
        report[kind] += 1;
      }
      // Marked also without an address: the job must not look at the same item every run.
      await markActionReminded(trx, item.id, kind, now);
    });
  }
  return report;
}

/**
 * "Find it again": entries of released minutes that hold every word of the query, only from groups the actor may
 * read released minutes of — a members-only group's minutes never reach a non-member. Folded as the directory
 * search folds (ä = ae = a, ß = ss).
 */
export async function searchMinutesFor(
  db: Executor,
  actor: Actor,
  query: string,
): Promise<{ words: string[]; hits: MinutesHit[] }> {
  const words = minutesQueryWords(query);
  if (words.length === 0) return { words, hits: [] };
  const groups = (await listGroupsFor(db, actor)).filter((g) =>
    can(actor, 'network.minutes.read', { ...groupResource(g, g.membership), minutesReleased: true }),
  );
  return {
    words,
    hits: await searchReleasedMinutes(
      db,
      groups.map((g) => g.id),
      words,
    ),
  };
}
