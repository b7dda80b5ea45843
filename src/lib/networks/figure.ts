import { z } from 'zod';
import type { User } from '../auth/auth';
import type { ReportParams, ReportScope } from '../report/report';
import type { ChartSpec, ReportTable, ReportView } from '../report/report.view';

/**
 * A report figure on an agenda item (issue #13 item 6): the choice (which figure, period and filters, whose
 * scope) and the figure as frozen into released minutes. Pure. Facts are aggregate and the view has already
 * applied the "< 5" rule, so a frozen figure holds no personal data.
 * @module
 */

/** The figures a chair can attach: a table of the report, with its chart where the report draws one. */
export const FIGURES = {
  kennzahlen: 'Vermittlungen im Zeitraum',
  verlauf: 'Verlauf',
  luecken: 'Lücken: Kategorie und Stadtteil',
  'antwortzeit-kategorie': 'Zeit bis zur ersten Antwort nach Kategorie',
} as const;
export type FigureId = keyof typeof FIGURES;
export const FIGURE_IDS = Object.keys(FIGURES) as FigureId[];

/** What the attach form sends: the figure and the report's period and filters (as on the report page). */
export const FigureChoiceSchema = z.object({
  agendaItemId: z.string().min(1).max(100),
  figure: z
    .enum(
      ['kennzahlen', 'verlauf', 'luecken', 'antwortzeit-kategorie', 'keine'] satisfies (FigureId | 'keine')[],
      {
        message: 'Bitte eine Abbildung aus der Liste wählen.',
      },
    )
    .transform((v) => (v === 'keine' ? null : v)),
});

/** The stored choice: figure, report parameters and the scope of the user who attached it. */
export interface FigureChoice {
  figure: FigureId;
  params: ReportParams;
  scope: ReportScope;
}

/** A figure as shown and as frozen: table and chart after the "< 5" rule, the period/filter label, the time. */
export interface FrozenFigure {
  figure: FigureId;
  title: string;
  label: string;
  at: string;
  table: ReportTable | null;
  chart: ChartSpec | null;
}

/** The user the report is loaded for when it is shown in the attaching user's scope. */
export function scopeUser(scope: ReportScope): Pick<User, 'role' | 'organizationId'> {
  switch (scope.kind) {
    case 'network':
      return { role: 'coordinator', organizationId: '' };
    case 'office':
      return { role: 'caseworker', organizationId: scope.officeId };
    default:
      return { role: 'partner', organizationId: scope.organizationId };
  }
}

/** Whether a viewer with this scope may see a live figure of that scope (coordinators see all). */
export function scopeCovers(viewer: ReportScope | null, scope: ReportScope): boolean {
  if (!viewer) return false;
  if (viewer.kind === 'network') return true;
  if (viewer.kind === 'office') return scope.kind === 'office' && scope.officeId === viewer.officeId;
  return scope.kind === 'partner' && scope.organizationId === viewer.organizationId;
}

/** The words for the filters of a choice (ids are not shown; only that a filter was set). */
export function filterLabel(params: ReportParams): string {
  const parts: string[] = [];
  if (params.kategorie) parts.push('Kategorie gefiltert');
  if (params.bezirk) parts.push(`Stadtteil ${params.bezirk}`);
  if (params.stelle) parts.push('Dienststelle gefiltert');
  if (params.partner) parts.push('Einrichtung gefiltert');
  return parts.join(', ');
}

/** The figure out of a built report view (privacy rule already applied), stamped with its label and time. */
export function figureOf(view: ReportView, choice: FigureChoice, at: Date): FrozenFigure {
  const table = view.tables.find((t) => t.id === choice.figure) ?? null;
  const chart = view.charts.find((c) => c.id === choice.figure) ?? null;
  const filters = filterLabel(choice.params);
  return {
    figure: choice.figure,
    title: table?.title ?? chart?.title ?? FIGURES[choice.figure],
    label: filters ? `${view.subtitle} · ${filters}` : view.subtitle,
    at: at.toISOString(),
    table: table ? structuredClone(table) : null,
    chart: chart ? structuredClone(chart) : null,
  };
}

/** Reads a stored JSON column; null when empty or not readable (never throws on old data). */
export function parseStored<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
