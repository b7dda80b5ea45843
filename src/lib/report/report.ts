import { z } from 'zod';
import type { User } from '../auth/auth';
import { isIsoDate, todayInGermany } from '../time/time';

/**
 * The network report's pure rules (issue #13): who sees which scope, the period, percentiles and the privacy rule
 * that no count under five is shown.
 * @module
 */

/** Who sees what: coordinators the network, caseworkers their office, partners their own institution. */
export type ReportScope =
  { kind: 'network' } | { kind: 'office'; officeId: string } | { kind: 'partner'; organizationId: string };

/** The scope a user may see, or null (deny by default: everyone else gets a 404). */
export function reportScopeOf(user: Pick<User, 'role' | 'organizationId'> | null): ReportScope | null {
  if (!user) return null;
  switch (user.role) {
    case 'coordinator':
      return { kind: 'network' };
    case 'caseworker':
      return { kind: 'office', officeId: user.organizationId };
    case 'partner':
      return { kind: 'partner', organizationId: user.organizationId };
    default:
      return null;
  }
}

/** Counts below this are shown as "< 5": a smaller group could point to one young person. */
export const MIN_CELL = 5;

/** A count as the report shows it: "< 5" under the threshold (zero included), else in German digits. */
export function formatCount(n: number): string {
  return n < MIN_CELL ? '< 5' : n.toLocaleString('de-DE');
}

/** Shown for a count hidden only so that a count under five cannot be worked out from a total shown elsewhere. */
export const HIDDEN_FOR_TOTAL = 'x';

/**
 * The counts of a group whose total the report shows elsewhere (the reasons of one status, one column of the trend):
 * each under five as "< 5"; and if exactly one is under five, it would be the total minus the others, so the
 * smallest other count is hidden as well ("x", secondary suppression as statistics offices do it).
 */
export function formatGroupCounts(counts: readonly number[]): string[] {
  const texts = counts.map(formatCount);
  const small = counts.filter((n) => n < MIN_CELL).length;
  if (small !== 1) return texts;
  let partner = -1;
  counts.forEach((n, i) => {
    if (n >= MIN_CELL && (partner < 0 || n < counts[partner]!)) partner = i;
  });
  if (partner >= 0) texts[partner] = HIDDEN_FOR_TOTAL;
  return texts;
}

const percentText = (value: number) =>
  `${value.toLocaleString('de-DE', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} %`;

/**
 * A share as the report shows it: only over a base of at least five, one decimal, German comma. A share is a count
 * in disguise (share × base = part), so when the part or the rest (base − part) is under five (zero included, as in
 * formatCount) it is shown only as a bound — "unter 4,0 %" for 3 of 125, "über 96,0 %" for 122 of 125 — never as the exact share that would reveal it.
 */
export function formatShare(part: number, whole: number): string {
  if (whole < MIN_CELL) return '–';
  if (part < MIN_CELL) return `unter ${percentText((100 * MIN_CELL) / whole)}`;
  if (whole - part < MIN_CELL) return `über ${percentText(100 - (100 * MIN_CELL) / whole)}`;
  return percentText((100 * part) / whole);
}

/** Hours as the report shows them ("36 Std." or "4,5 Tage"), or "–" for none. */
export function formatHours(hours: number | null): string {
  if (hours === null) return '–';
  if (hours < 48) return `${hours.toLocaleString('de-DE')} Std.`;
  return `${(hours / 24).toLocaleString('de-DE', { maximumFractionDigits: 1 })} Tage`;
}

/** The nearest-rank percentile (0 < p ≤ 1) of a histogram of whole hours; null when it is empty. */
export function percentileOf(histogram: readonly { hours: number; n: number }[], p: number): number | null {
  const sorted = [...histogram].filter((h) => h.n > 0).sort((a, b) => a.hours - b.hours);
  const total = sorted.reduce((sum, h) => sum + h.n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const h of sorted) {
    seen += h.n;
    if (seen >= rank) return h.hours;
  }
  return sorted[sorted.length - 1]!.hours;
}

/** The median of numbers (mean of the middle two), or null. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const PERIOD_KINDS = ['monat', 'quartal', 'jahr', 'frei'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const TREND_GRAINS = ['woche', 'monat'] as const;
export type TrendGrain = (typeof TREND_GRAINS)[number];

/** A period of sending days, inclusive, with its German label. */
export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
  label: string;
}

const MONTHS = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
];

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const germanDate = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;

const optionalText = z
  .string()
  .trim()
  .max(100, { message: 'Dieser Filter ist zu lang.' })
  // eslint-disable-next-line no-control-regex -- NUL makes PostgreSQL fail; no filter value needs a control character
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { message: 'Dieser Filter enthält Steuerzeichen.' })
  .optional()
  .transform((v) => (v ? v : null));

/** The report's query string (GET form, so the page's state is its address). */
export const ReportParamsSchema = z.object({
  zeitraum: z.enum(PERIOD_KINDS, { message: 'Bitte einen Zeitraum aus der Liste wählen.' }).optional(),
  jahr: z.coerce
    .number({ message: 'Jahr: bitte eine Jahreszahl.' })
    .int({ message: 'Jahr: bitte eine Jahreszahl.' })
    .min(2000, { message: 'Jahr: bitte zwischen 2000 und 2100.' })
    .max(2100, { message: 'Jahr: bitte zwischen 2000 und 2100.' })
    .optional(),
  monat: z.coerce
    .number()
    .int()
    .min(1, { message: 'Monat: 1 bis 12.' })
    .max(12, { message: 'Monat: 1 bis 12.' })
    .optional(),
  quartal: z.coerce
    .number()
    .int()
    .min(1, { message: 'Quartal: 1 bis 4.' })
    .max(4, { message: 'Quartal: 1 bis 4.' })
    .optional(),
  von: z.string().refine(isIsoDate, { message: 'Von: bitte ein Datum wie 2026-01-31.' }).optional(),
  bis: z.string().refine(isIsoDate, { message: 'Bis: bitte ein Datum wie 2026-12-31.' }).optional(),
  kategorie: optionalText,
  bezirk: optionalText,
  stelle: optionalText,
  partner: optionalText,
  raster: z.enum(TREND_GRAINS, { message: 'Bitte Woche oder Monat wählen.' }).optional(),
});
export type ReportParams = z.infer<typeof ReportParamsSchema>;

/** The field names of the report's query string. */
export const REPORT_PARAM_NAMES = Object.keys(ReportParamsSchema.shape) as (keyof ReportParams)[];

/** Reads the query string: values that do not parse are dropped and named in `errors` (the page says so). */
export function parseReportParams(search: URLSearchParams): {
  params: ReportParams;
  errors: Record<string, string>;
} {
  const raw: Record<string, string> = {};
  for (const name of REPORT_PARAM_NAMES) {
    const value = search.get(name);
    if (value !== null && value !== '') raw[name] = value;
  }
  const errors: Record<string, string> = {};
  const parsed = ReportParamsSchema.safeParse(raw);
  if (parsed.success) return { params: parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]);
    errors[field] ??= issue.message;
    delete raw[field];
  }
  const again = ReportParamsSchema.safeParse(raw);
  return {
    params: again.success ? again.data : { kategorie: null, bezirk: null, stelle: null, partner: null },
    errors,
  };
}

/** The period the parameters name, defaulting to the current year (from `now`, never the wall clock). */
export function periodOf(params: ReportParams, now: Date, errors: Record<string, string> = {}): Period {
  const today = todayInGermany(now);
  const year = params.jahr ?? Number(today.slice(0, 4));
  const kind = params.zeitraum ?? 'jahr';
  switch (kind) {
    case 'monat': {
      const month = params.monat ?? Number(today.slice(5, 7));
      return {
        kind,
        from: `${year}-${pad(month)}-01`,
        to: `${year}-${pad(month)}-${pad(lastDayOf(year, month))}`,
        label: `${MONTHS[month - 1]} ${year}`,
      };
    }
    case 'quartal': {
      const quarter = params.quartal ?? Math.ceil(Number(today.slice(5, 7)) / 3);
      const last = quarter * 3;
      return {
        kind,
        from: `${year}-${pad(last - 2)}-01`,
        to: `${year}-${pad(last)}-${pad(lastDayOf(year, last))}`,
        label: `${quarter}. Quartal ${year}`,
      };
    }
    case 'frei': {
      const from = params.von ?? `${year}-01-01`;
      const to = params.bis ?? today;
      if (from > to) {
        errors['bis'] = 'Bis: das Datum muss nach „Von“ liegen.';
        return { kind, from: to, to: from, label: `${germanDate(to)} – ${germanDate(from)}` };
      }
      return { kind, from, to, label: `${germanDate(from)} – ${germanDate(to)}` };
    }
    default:
      return { kind: 'jahr', from: `${year}-01-01`, to: `${year}-12-31`, label: `Jahr ${year}` };
  }
}

/**
 * The quarter and month the period form shows selected: what was asked, else those of the period shown, else the
 * current ones (from `now`) — never silently the first of the list.
 */
export function periodChoicesOf(
  params: ReportParams,
  period: Period,
  now: Date,
): { quartal: number; monat: number } {
  const today = todayInGermany(now);
  const shown = period.kind === 'quartal' || period.kind === 'monat' ? period.from : today;
  const month = Number(shown.slice(5, 7));
  return {
    quartal: params.quartal ?? Math.ceil(month / 3),
    monat: params.monat ?? (period.kind === 'monat' ? month : Number(today.slice(5, 7))),
  };
}

/** The trend's grain: as asked, else weeks for up to a quarter and months beyond. */
export function trendGrainOf(params: ReportParams, period: Period): TrendGrain {
  if (params.raster) return params.raster;
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
  return days <= 93 ? 'woche' : 'monat';
}

/** A German label of a trend key: "KW 05/2026" for a week's Monday, "Jan. 2026" for a month. */
export function trendLabel(key: string, grain: TrendGrain): string {
  if (grain === 'monat') return `${MONTHS[Number(key.slice(5, 7)) - 1]!.slice(0, 3)} ${key.slice(0, 4)}`;
  const date = new Date(`${key}T00:00:00Z`);
  const thursday = new Date(date);
  thursday.setUTCDate(date.getUTCDate() + 3);
  const yearStart = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((thursday.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `KW ${pad(week)}/${thursday.getUTCFullYear()}`;
}
