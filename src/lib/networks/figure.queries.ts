import type { Executor } from '../db/executor';

/** The stored figure columns of a meeting's agenda items. */
export interface AgendaFigureRow {
  id: string;
  reportFigure: string | null;
  reportFrozen: string | null;
}

/** The figure columns of every agenda item of a meeting that has a figure. */
export async function listAgendaFigures(db: Executor, meetingId: string): Promise<AgendaFigureRow[]> {
  const rows = await db
    .selectFrom('network_agenda_item')
    .select(['id', 'report_figure', 'report_frozen'])
    .where('meeting_id', '=', meetingId)
    .where('report_figure', 'is not', null)
    .execute();
  return rows.map((r) => ({ id: r.id, reportFigure: r.report_figure, reportFrozen: r.report_frozen }));
}

/** Sets (or clears) the figure choice of one agenda item of the meeting; false when there is no such item. */
export async function setAgendaFigure(
  db: Executor,
  meetingId: string,
  itemId: string,
  choice: string | null,
  now: Date,
): Promise<boolean> {
  const res = await db
    .updateTable('network_agenda_item')
    .set({ report_figure: choice, report_frozen: null, updated_at: now.toISOString() })
    .where('id', '=', itemId)
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'accepted')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Stores the frozen figure of an agenda item. */
export async function setFrozenFigure(db: Executor, itemId: string, frozen: string): Promise<void> {
  await db
    .updateTable('network_agenda_item')
    .set({ report_frozen: frozen })
    .where('id', '=', itemId)
    .execute();
}
