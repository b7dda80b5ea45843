import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import type { Executor } from '../db/executor';
import { reportScopeOf, type ReportParams } from '../report/report';
import { loadReport } from '../report/report.service';
import { buildReportView } from '../report/report.view';
import {
  FIGURES,
  figureOf,
  parseStored,
  scopeCovers,
  scopeUser,
  type FigureChoice,
  type FigureId,
  type FrozenFigure,
} from './figure';
import { listAgendaFigures, setAgendaFigure, setFrozenFigure } from './figure.queries';
import { findMinutes } from './minutes.queries';
import { loadMeetingFor } from './meeting.service';

/**
 * Report figures on agenda items (issue #13 item 6): the chair attaches one in their own report scope, members
 * whose scope covers it see it live, and releasing the minutes freezes it.
 * @module
 */

/** The figure of an agenda item as a viewer sees it: frozen, live, or only that one is attached. */
export type AgendaFigure =
  | { state: 'frozen'; figure: FrozenFigure }
  | { state: 'live'; figure: FrozenFigure }
  | { state: 'hidden'; title: string };

/**
 * Attaches a report figure to an accepted agenda item (or removes it with figure null). Chair, deputy and
 * coordinators only, in the report scope the attaching user has; not after the minutes are released.
 */
export async function attachFigure(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
  input: { agendaItemId: string; figure: FigureId | null; params: ReportParams },
): Promise<Result<{ attached: boolean }>> {
  return db.transaction().execute(async (trx) => {
    const access = await loadMeetingFor(trx, ctx, meetingId);
    if (!access) return notFound();
    const actor = userOf(ctx);
    if (!can(actor, 'network.group.manage', access.resource)) {
      return refused(
        'Abbildungen aus dem Bericht fügen Vorsitz, Stellvertretung und Netzwerkkoordination an.',
      );
    }
    const scope = reportScopeOf(actor);
    if (!scope) return refused('Sie sehen den Netzwerkbericht nicht und können daraus nichts anfügen.');
    const minutes = await findMinutes(trx, meetingId);
    if (minutes?.status === 'released') {
      return refused('Das Protokoll ist freigegeben; die Abbildung ist darin festgehalten.');
    }
    const choice: FigureChoice | null = input.figure
      ? { figure: input.figure, params: input.params, scope }
      : null;
    if (
      !(await setAgendaFigure(
        trx,
        meetingId,
        input.agendaItemId,
        choice ? JSON.stringify(choice) : null,
        ctx.now,
      ))
    ) {
      return notFound();
    }
    await recordAudit(trx, ctx, {
      action: choice ? 'network.agenda.figure.attach' : 'network.agenda.figure.remove',
      objectType: 'network_agenda_item',
      objectId: input.agendaItemId,
    });
    return ok({ attached: choice !== null });
  });
}

/** Builds one figure from the facts, in the stored scope, "< 5" rule applied. */
async function buildFigure(db: Executor, choice: FigureChoice, now: Date): Promise<FrozenFigure | null> {
  const report = await loadReport(db, scopeUser(choice.scope), choice.params, now);
  return report ? figureOf(buildReportView(report), choice, now) : null;
}

/** Freezes every attached figure of the meeting (called inside the release transaction). */
export async function freezeFigures(db: Executor, meetingId: string, now: Date): Promise<void> {
  for (const row of await listAgendaFigures(db, meetingId)) {
    if (row.reportFrozen) continue;
    const choice = parseStored<FigureChoice>(row.reportFigure);
    if (!choice) continue;
    const figure = await buildFigure(db, choice, now);
    if (figure) await setFrozenFigure(db, row.id, JSON.stringify(figure));
  }
}

/**
 * The figures of a meeting's agenda items as the actor may see them, by agenda item id: frozen ones to whoever
 * sees the meeting, live ones only to users whose own report scope covers the figure's scope.
 */
export async function agendaFiguresFor(
  db: Executor,
  ctx: ActionContext,
  meetingId: string,
): Promise<Map<string, AgendaFigure>> {
  const out = new Map<string, AgendaFigure>();
  if (!(await loadMeetingFor(db, ctx, meetingId))) return out;
  const viewerScope = reportScopeOf(userOf(ctx));
  for (const row of await listAgendaFigures(db, meetingId)) {
    const frozen = parseStored<FrozenFigure>(row.reportFrozen);
    if (frozen) {
      out.set(row.id, { state: 'frozen', figure: frozen });
      continue;
    }
    const choice = parseStored<FigureChoice>(row.reportFigure);
    if (!choice) continue;
    const figure = scopeCovers(viewerScope, choice.scope) ? await buildFigure(db, choice, ctx.now) : null;
    out.set(
      row.id,
      figure ? { state: 'live', figure } : { state: 'hidden', title: FIGURES[choice.figure] ?? 'Abbildung' },
    );
  }
  return out;
}
