import { OUTCOME_LABELS, type Outcome } from '../referrals/referral';
import { REASON_LABELS, type ReasonCode } from './report-fact';
import {
  formatCount,
  formatGroupCounts,
  HIDDEN_FOR_TOTAL,
  formatHours,
  formatShare,
  MIN_CELL,
  REPORT_PARAM_NAMES,
  trendLabel,
  type ReportParams,
} from './report';
import type { ReportData } from './report.service';

/**
 * What the report page, its CSV export and the printed annual report show: every table as text cells, with the
 * privacy rule applied here — counts under five become "< 5", shares need a base of five, percentiles five
 * answers. Pure.
 * @module
 */

/** One table of the report: German head and cells; `countColumns` are the columns holding counts of people. */
export interface ReportTable {
  id: string;
  title: string;
  head: string[];
  rows: string[][];
  countColumns: number[];
}

/** One value of a chart: null when it may not be shown (under five). */
export interface ChartDatum {
  label: string;
  value: number | null;
  text: string;
}

/** A chart's data and words: the same numbers as its table (charts never show more than tables). */
export interface ChartSpec {
  id: string;
  title: string;
  description: string;
  series: { name: string; data: ChartDatum[] }[];
}

/** The whole view. */
export interface ReportView {
  title: string;
  subtitle: string;
  headline: { label: string; value: string; hint?: string }[];
  tables: ReportTable[];
  charts: ChartSpec[];
}

/** A count for a chart: hidden (null) under five. */
const shown = (n: number): number | null => (n < MIN_CELL ? null : n);
const datum = (label: string, n: number): ChartDatum => ({ label, value: shown(n), text: formatCount(n) });
const percent = (rate: number | null) =>
  rate === null
    ? '–'
    : `${(100 * rate).toLocaleString('de-DE', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} %`;
const districtLabel = (d: string) => (d === '' ? 'Ohne Stadtteil' : d);

/** A percentile is shown only over at least five answers. */
const hoursIf = (answered: number, hours: number | null) => (answered < MIN_CELL ? '–' : formatHours(hours));

/** The reasons with their shown counts, protected per status (each status's reasons add up to its total above). */
function reasonRows<R extends { status: string; n: number }>(
  reasons: readonly R[],
): { reason: R; text: string }[] {
  const texts = new Map<R, string>();
  for (const status of new Set(reasons.map((r) => r.status))) {
    const group = reasons.filter((r) => r.status === status);
    formatGroupCounts(group.map((r) => r.n)).forEach((text, i) => texts.set(group[i]!, text));
  }
  return reasons.map((reason) => ({ reason, text: texts.get(reason)! }));
}

/** The report's tables, charts and headline figures, privacy rule applied. */
export function buildReportView(report: ReportData): ReportView {
  const t = report.totals;
  const partnerView = report.scope.kind === 'partner';
  const headline = [
    { label: 'Gesendet', value: formatCount(t.sent) },
    { label: 'Beantwortet', value: formatCount(t.answered) },
    { label: 'Angenommen', value: formatCount(t.accepted) },
    { label: 'Abgelehnt', value: formatCount(t.declined) },
    { label: 'Abgeschlossen', value: formatCount(t.completed) },
    {
      label: 'Kreis geschlossen',
      value: formatShare(t.declined + t.cancelled + t.completed + t.failed, t.sent),
      hint: 'Anteil der gesendeten Vermittlungen mit Ende (angenommen und abgeschlossen, abgelehnt, zurückgezogen oder nicht zustande gekommen)',
    },
    {
      label: '„Hilfe erhalten“',
      value: formatShare(t.gotHelp, t.completed + t.failed),
      hint: 'Anteil der beendeten Vermittlungen mit dem Ergebnis „Hilfe erhalten“ oder „Kurs / Maßnahme begonnen“',
    },
    {
      label: 'Überfällig geworden',
      value: formatShare(t.overdue, t.sent),
      hint: 'Anteil der gesendeten Vermittlungen, die bis zur Antwortfrist keine Antwort hatten',
    },
  ];

  const tables: ReportTable[] = [];
  const totalsRows: string[][] = [
    ['Gesendet', formatCount(t.sent)],
    ['Beantwortet', formatCount(t.answered)],
    ['Angenommen', formatCount(t.accepted)],
    ['Abgelehnt', formatCount(t.declined)],
    ['Abgeschlossen', formatCount(t.completed)],
    ['Nicht zustande gekommen', formatCount(t.failed)],
    ['Zurückgezogen oder abgebrochen', formatCount(t.cancelled)],
    ['Überfällig geworden', formatCount(t.overdue)],
  ];
  tables.push({
    id: 'kennzahlen',
    title: 'Vermittlungen im Zeitraum',
    head: ['Kennzahl', 'Anzahl'],
    rows: totalsRows,
    countColumns: [1],
  });

  if (report.comparison) {
    const c = report.comparison;
    const own = report.byPartner[0];
    tables.push({
      id: 'vergleich',
      title: 'Ihre Einrichtung und der Median des Netzwerks',
      head: ['Kennzahl', 'Ihre Einrichtung', `Netzwerk (Median von ${c.partners} Einrichtungen)`],
      rows: [
        [
          'Annahmequote',
          formatShare(t.accepted, t.sent),
          c.partners < MIN_CELL ? '–' : percent(c.acceptRate),
        ],
        [
          'Kreis geschlossen',
          formatShare(t.declined + t.cancelled + t.completed + t.failed, t.sent),
          c.partners < MIN_CELL ? '–' : percent(c.closedLoopRate),
        ],
        [
          'Zeit bis zur ersten Antwort (Median)',
          own ? hoursIf(own.answered, own.median) : '–',
          c.partners < MIN_CELL ? '–' : formatHours(c.medianHours),
        ],
      ],
      countColumns: [],
    });
  }

  tables.push({
    id: 'antwortzeit-kategorie',
    title: 'Zeit bis zur ersten Antwort nach Kategorie',
    head: ['Kategorie', 'Beantwortet', 'Median', '90. Perzentil'],
    rows: report.byCategory.map((a) => [
      a.label,
      formatCount(a.answered),
      hoursIf(a.answered, a.median),
      hoursIf(a.answered, a.p90),
    ]),
    countColumns: [1],
  });
  tables.push({
    id: 'antwortzeit-partner',
    title: partnerView
      ? 'Zeit bis zur ersten Antwort: Ihre Einrichtung'
      : 'Zeit bis zur ersten Antwort nach Partner',
    head: ['Partner', 'Beantwortet', 'Median', '90. Perzentil'],
    rows: report.byPartner.map((a) => [
      a.label,
      formatCount(a.answered),
      hoursIf(a.answered, a.median),
      hoursIf(a.answered, a.p90),
    ]),
    countColumns: [1],
  });

  const reasonLabel = (status: string, code: string) =>
    status === 'failed'
      ? (OUTCOME_LABELS[code as Outcome] ?? REASON_LABELS[code as ReasonCode] ?? code)
      : (REASON_LABELS[code as ReasonCode] ?? code);
  const statusLabel = {
    declined: 'Abgelehnt',
    failed: 'Nicht zustande gekommen',
    cancelled: 'Zurückgezogen',
  };
  tables.push({
    id: 'gruende',
    title: 'Gründe für Ablehnung und „nicht zustande gekommen“',
    head: ['Status', 'Grund', 'Anzahl'],
    rows: reasonRows(report.reasons).map(({ reason: r, text }) => [
      statusLabel[r.status],
      reasonLabel(r.status, r.code),
      text,
    ]),
    countColumns: [2],
  });

  const m = report.matrix;
  const matrixRows: string[][] = [];
  for (const category of m.categories) {
    for (const district of m.districts) {
      const cell = m.cells[category.id]?.[district];
      if (!cell) continue;
      matrixRows.push([
        category.label,
        districtLabel(district),
        formatCount(cell.capacityDeclines),
        partnerView ? '–' : formatCount(cell.unmetSearches),
        String(cell.activeServices),
      ]);
    }
  }
  tables.push({
    id: 'luecken',
    title: 'Lücken: „keine Kapazität“ und Suchen ohne Treffer nach Kategorie und Stadtteil',
    head: [
      'Kategorie',
      'Stadtteil',
      'Ablehnungen „keine Kapazität“',
      'Suchen ohne Treffer',
      'Aktive Angebote',
    ],
    rows: matrixRows,
    countColumns: partnerView ? [2] : [2, 3],
  });

  tables.push({
    id: 'verzeichnis',
    title: 'Zustand des Verzeichnisses',
    head: ['Kennzahl', 'Angebote'],
    rows: [
      ['Aktive Angebote', String(report.health.active)],
      ['Seit 12 Monaten nicht bestätigt', String(report.health.unconfirmed)],
      ['Ohne freie Plätze', String(report.health.full)],
    ],
    countColumns: [],
  });

  const trendName = report.grain === 'woche' ? 'Woche' : 'Monat';
  // Each column sums to a total of the period shown above: protected as a group.
  const trendTexts = {
    sent: formatGroupCounts(report.trend.map((p) => p.sent)),
    accepted: formatGroupCounts(report.trend.map((p) => p.accepted)),
    declined: formatGroupCounts(report.trend.map((p) => p.declined)),
    completed: formatGroupCounts(report.trend.map((p) => p.completed)),
  };
  const trendDatum = (column: keyof typeof trendTexts, i: number, n: number): ChartDatum => {
    const text = trendTexts[column][i]!;
    return {
      label: trendLabel(report.trend[i]!.key, report.grain),
      value: text === HIDDEN_FOR_TOTAL ? null : shown(n),
      text,
    };
  };
  tables.push({
    id: 'verlauf',
    title: `Verlauf nach ${trendName}`,
    head: [trendName, 'Gesendet', 'Angenommen', 'Abgelehnt', 'Abgeschlossen'],
    rows: report.trend.map((p, i) => [
      trendLabel(p.key, report.grain),
      trendTexts.sent[i]!,
      trendTexts.accepted[i]!,
      trendTexts.declined[i]!,
      trendTexts.completed[i]!,
    ]),
    countColumns: [1, 2, 3, 4],
  });

  if (report.unmetQueries) {
    tables.push({
      id: 'suchen',
      title: 'Häufige Suchen mit wenigen oder keinen Treffern',
      head: ['Suchtext (vereinheitlicht)', 'Suchen', 'davon ohne Treffer'],
      rows: report.unmetQueries.map((q) => [q.query, formatCount(q.searches), formatCount(q.noHits)]),
      countColumns: [1, 2],
    });
  }

  const charts: ChartSpec[] = [
    {
      id: 'kennzahlen',
      title: 'Vermittlungen im Zeitraum',
      description: `Balkendiagramm: gesendete, beantwortete, angenommene, abgelehnte und abgeschlossene Vermittlungen, ${report.period.label}. Werte unter fünf werden nicht gezeichnet.`,
      series: [
        {
          name: 'Anzahl',
          data: [
            datum('Gesendet', t.sent),
            datum('Beantwortet', t.answered),
            datum('Angenommen', t.accepted),
            datum('Abgelehnt', t.declined),
            datum('Abgeschlossen', t.completed),
          ],
        },
      ],
    },
    {
      id: 'verlauf',
      title: `Verlauf nach ${trendName}`,
      description: `Liniendiagramm: gesendete, angenommene und abgeschlossene Vermittlungen je ${trendName}, ${report.period.label}. Werte unter fünf bleiben eine Lücke in der Linie.`,
      series: [
        { name: 'Gesendet', data: report.trend.map((p, i) => trendDatum('sent', i, p.sent)) },
        { name: 'Angenommen', data: report.trend.map((p, i) => trendDatum('accepted', i, p.accepted)) },
        { name: 'Abgeschlossen', data: report.trend.map((p, i) => trendDatum('completed', i, p.completed)) },
      ],
    },
  ];

  return {
    title: 'Netzwerkbericht',
    subtitle: `${report.scopeName} · ${report.period.label}`,
    headline,
    tables,
    charts,
  };
}

function csvField(value: string): string {
  // Formula injection: a cell starting with =, +, - or @ is run by Excel; a leading apostrophe keeps it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A table as CSV for German Excel: UTF-8 with BOM, semicolons, CRLF, German numbers as shown ("1.234", "12,5 %"). */
export function tableCsv(table: ReportTable, subtitle: string): string {
  const lines = [[table.title, subtitle].map(csvField).join(';'), table.head.map(csvField).join(';')];
  for (const row of table.rows) lines.push(row.map(csvField).join(';'));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The query string of the report's current filters (for the CSV links, the print view and the form). */
export function reportQuery(params: ReportParams, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  for (const name of REPORT_PARAM_NAMES) {
    const value = params[name];
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  for (const [key, value] of Object.entries(extra)) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
