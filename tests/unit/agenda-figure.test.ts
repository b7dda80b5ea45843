import { describe, expect, it } from 'vitest';
import {
  FigureChoiceSchema,
  figureOf,
  filterLabel,
  parseStored,
  scopeCovers,
  type FigureChoice,
} from '../../src/lib/networks/figure';
import type { ReportView } from '../../src/lib/report/report.view';

const VIEW: ReportView = {
  title: 'Netzwerkbericht',
  subtitle: 'Netzwerk · Jahr 2026',
  headline: [],
  tables: [
    {
      id: 'kennzahlen',
      title: 'Vermittlungen im Zeitraum',
      head: ['Kennzahl', 'Anzahl'],
      rows: [
        ['Gesendet', '12'],
        ['Abgelehnt', '< 5'],
      ],
      countColumns: [1],
    },
    { id: 'luecken', title: 'Lücken', head: ['Kategorie'], rows: [['Sprache']], countColumns: [] },
  ],
  charts: [
    {
      id: 'kennzahlen',
      title: 'Vermittlungen im Zeitraum',
      description: 'Balkendiagramm',
      series: [
        {
          name: 'Anzahl',
          data: [
            { label: 'Gesendet', value: 12, text: '12' },
            { label: 'Abgelehnt', value: null, text: '< 5' },
          ],
        },
      ],
    },
  ],
};
const params = {
  zeitraum: 'jahr' as const,
  jahr: 2026,
  kategorie: null,
  bezirk: 'Moisling',
  stelle: null,
  partner: null,
};
const choice: FigureChoice = { figure: 'kennzahlen', params, scope: { kind: 'network' } };

describe('freezing a report figure', () => {
  it('copies the suppressed table and chart with the label and time, detached from the view', () => {
    const at = new Date('2026-03-28T12:00:00.000Z');
    const frozen = figureOf(VIEW, choice, at);
    expect(frozen).toMatchObject({
      figure: 'kennzahlen',
      title: 'Vermittlungen im Zeitraum',
      label: 'Netzwerk · Jahr 2026 · Stadtteil Moisling',
      at: '2026-03-28T12:00:00.000Z',
    });
    expect(frozen.table?.rows).toEqual([
      ['Gesendet', '12'],
      ['Abgelehnt', '< 5'],
    ]);
    expect(frozen.chart?.series[0]?.data[1]?.value).toBeNull();
    // Stored as JSON and read back unchanged, even when the view changes later.
    const stored = JSON.stringify(frozen);
    VIEW.tables[0]!.rows[0]![1] = '40';
    expect(parseStored(stored)).toEqual(frozen);
    expect(frozen.table?.rows[0]).toEqual(['Gesendet', '12']);
  });

  it('has no chart for a table the report does not draw, and reads broken JSON as nothing', () => {
    const frozen = figureOf(VIEW, { ...choice, figure: 'luecken' }, new Date(0));
    expect(frozen.chart).toBeNull();
    expect(frozen.table?.id).toBe('luecken');
    expect(parseStored('{kaputt')).toBeNull();
    expect(filterLabel({ ...params, bezirk: null })).toBe('');
  });

  it('shows a live figure only to whose own report scope covers it', () => {
    expect(scopeCovers({ kind: 'network' }, { kind: 'office', officeId: 'a' })).toBe(true);
    expect(scopeCovers({ kind: 'office', officeId: 'a' }, { kind: 'office', officeId: 'a' })).toBe(true);
    expect(scopeCovers({ kind: 'office', officeId: 'a' }, { kind: 'network' })).toBe(false);
    expect(scopeCovers({ kind: 'partner', organizationId: 'p' }, { kind: 'office', officeId: 'p' })).toBe(
      false,
    );
    expect(scopeCovers(null, { kind: 'partner', organizationId: 'p' })).toBe(false);
  });

  it('reads the form: a figure from the list, "keine" removes it, anything else is refused', () => {
    expect(FigureChoiceSchema.parse({ agendaItemId: 'a', figure: 'verlauf' }).figure).toBe('verlauf');
    expect(FigureChoiceSchema.parse({ agendaItemId: 'a', figure: 'keine' }).figure).toBeNull();
    expect(FigureChoiceSchema.safeParse({ agendaItemId: 'a', figure: 'antwortzeit-partner' }).success).toBe(
      false,
    );
  });
});
