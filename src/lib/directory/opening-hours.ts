/**
 * Öffnungszeiten von Partnereinrichtungen.
 *
 * Koordinator*innen geben Öffnungszeiten als eine Zeile Text ein. Schreibweise:
 *
 * - Mehrere Gruppen werden mit Semikolon `;` getrennt.
 * - Jede Gruppe besteht aus Wochentagen, einem Leerzeichen und einer oder mehreren Uhrzeiten.
 *   Mehrere Uhrzeiten werden mit Komma `,` getrennt.
 * - Wochentage: `Mo`, `Di`, `Mi`, `Do`, `Fr`, `Sa`, `So` oder ausgeschrieben (`Montag` … `Sonntag`,
 *   auch `Sonnabend`). Groß- und Kleinschreibung ist egal, ein Punkt nach der Abkürzung (`Mo.`) ist erlaubt.
 *   - Bereich mit Bindestrich: `Mo-Fr`. Ein Bereich darf über das Wochenende gehen: `Fr-Mo` heißt
 *     Freitag, Samstag, Sonntag, Montag.
 *   - Aufzählung mit Komma: `Mo,Mi,Fr` oder gemischt `Mo-Mi,Fr`.
 * - Uhrzeiten: `08:00` oder `8:00`, auch mit Punkt `8.30`. Stunden 0 bis 23, Minuten 00 bis 59.
 *   `24:00` ist nur als Ende erlaubt (geöffnet bis Mitternacht).
 * - Eine Öffnungszeit ist Beginn-Ende, z. B. `08:00-16:00` (auch mit Gedankenstrich `08:00–16:00`).
 *   Liegt das Ende vor dem Beginn, geht die Öffnungszeit über Mitternacht in den nächsten Tag:
 *   `Sa 20:00-02:00` heißt Samstag 20 Uhr bis Sonntag 2 Uhr. Beginn und Ende dürfen nicht gleich sein.
 * - Die Gruppe `Feiertage geschlossen` (auch `Feiertags geschlossen`, `PH off`) bedeutet: An gesetzlichen
 *   Feiertagen ist geschlossen. Maßgeblich ist der Tag, an dem eine Öffnungszeit beginnt.
 * - Jeder Wochentag darf nur einmal vorkommen. Mehrere Zeiten an einem Tag gehören in eine Gruppe:
 *   `Mo 08:00-12:00,13:00-16:00`. Zeiten dürfen sich nicht überschneiden.
 * - Ein leeres Feld heißt: Öffnungszeiten unbekannt.
 *
 * Beispiele:
 *
 * ```text
 * Mo-Do 08:00-16:00; Fr 08:00-12:00
 * Mo,Mi 09:00-12:00,13:00-17:00
 * Di 10:00-18:00; Sa 20:00-02:00; Feiertage geschlossen
 * Mo-So 00:00-24:00
 * ```
 *
 * Bei einem Fehler nennt die Meldung den falschen Teil in „…“ und sagt, wie es richtig geht.
 * @module
 */
import { isPublicHoliday, type GermanState } from '../time/holidays';

/** Weekdays in HSDS order, Monday first. */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
/** One weekday code. */
export type Weekday = (typeof WEEKDAYS)[number];

/** German names of the weekdays. */
export const WEEKDAY_LABELS: Record<Weekday, string> = {
  MO: 'Montag',
  TU: 'Dienstag',
  WE: 'Mittwoch',
  TH: 'Donnerstag',
  FR: 'Freitag',
  SA: 'Samstag',
  SU: 'Sonntag',
};

/** One weekly opening interval; closesAt <= opensAt means it runs past midnight into the next day. */
export interface OpeningRule {
  weekday: Weekday;
  /** 'HH:MM', 00:00–23:59. */
  opensAt: string;
  /** 'HH:MM', 00:00–24:00. */
  closesAt: string;
}

/** Weekly opening hours of one place. */
export interface OpeningHours {
  rules: OpeningRule[];
  closedOnHolidays: boolean;
}

/** Result of parsing the opening-hours syntax; on failure `part` is the offending group. */
export type OpeningHoursParseResult =
  { ok: true; value: OpeningHours } | { ok: false; error: string; part: string };

/** Where and how to evaluate opening hours. */
export interface OpeningTimeOptions {
  /** IANA time zone of the place; default 'Europe/Berlin'. */
  timeZone?: string;
  /** State whose public holidays apply; default 'SH'. */
  state?: GermanState;
}

const DEFAULT_TIME_ZONE = 'Europe/Berlin';
const DEFAULT_STATE: GermanState = 'SH';
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const DAY_MS = 86_400_000;
const NEXT_OPENING_HORIZON_DAYS = 14;

const DAY_ABBREVIATIONS: Record<Weekday, string> = {
  MO: 'Mo',
  TU: 'Di',
  WE: 'Mi',
  TH: 'Do',
  FR: 'Fr',
  SA: 'Sa',
  SU: 'So',
};

const DAY_NAMES = new Map<string, Weekday>([
  ...WEEKDAYS.map((day): [string, Weekday] => [DAY_ABBREVIATIONS[day].toLowerCase(), day]),
  ...WEEKDAYS.map((day): [string, Weekday] => [WEEKDAY_LABELS[day].toLowerCase(), day]),
  ['sonnabend', 'SA'],
]);

const HOLIDAY_GROUPS = new Set([
  'feiertage geschlossen',
  'feiertags geschlossen',
  'an feiertagen geschlossen',
  'ph off',
]);

const ALLOWED_DAYS_HINT = 'Erlaubt sind Mo, Di, Mi, Do, Fr, Sa, So.';

/** A parse failure carrying the German message; thrown internally and turned into a result. */
class SyntaxProblem extends Error {
  readonly part: string;

  constructor(message: string, part: string) {
    super(message);
    this.part = part;
  }
}

interface ParsedRule {
  rule: OpeningRule;
  groupIndex: number;
  group: string;
}

/** Parses the opening-hours syntax described at the top of this file. */
export function parseOpeningHours(text: string): OpeningHoursParseResult {
  try {
    return { ok: true, value: parseOrThrow(text) };
  } catch (error) {
    if (error instanceof SyntaxProblem) return { ok: false, error: error.message, part: error.part };
    throw error;
  }
}

function parseOrThrow(text: string): OpeningHours {
  const groups = text
    .split(';')
    .map((group) => group.trim())
    .filter((group) => group !== '');
  let closedOnHolidays = false;
  const parsed: ParsedRule[] = [];
  const groupOfDay = new Map<Weekday, number>();

  groups.forEach((group, groupIndex) => {
    if (HOLIDAY_GROUPS.has(group.toLowerCase().replace(/\s+/g, ' '))) {
      closedOnHolidays = true;
      return;
    }
    const rules = parseGroup(group);
    for (const rule of rules) {
      const earlierIndex = groupOfDay.get(rule.weekday);
      if (earlierIndex !== undefined && earlierIndex !== groupIndex) {
        throw duplicateDayProblem(
          rule.weekday,
          parsed,
          earlierIndex,
          groups[earlierIndex] ?? '',
          group,
          rules,
        );
      }
      groupOfDay.set(rule.weekday, groupIndex);
      parsed.push({ rule, groupIndex, group });
    }
  });

  checkOverlaps(parsed);
  const rules = parsed.map((entry) => entry.rule).sort(compareRules);
  return { rules, closedOnHolidays };
}

function parseGroup(group: string): OpeningRule[] {
  const normalized = group.replace(/[–—]/g, '-');
  // Day names never contain digits, so the first digit marks where the times begin.
  const firstDigit = normalized.search(/\d/);
  const daysText = (firstDigit === -1 ? normalized : normalized.slice(0, firstDigit)).trim();
  const timesText = firstDigit === -1 ? '' : normalized.slice(firstDigit).trim();

  if (daysText === '') {
    throw new SyntaxProblem(
      `In „${group}“ fehlt der Wochentag, z. B. „Mo-Fr ${timesText || '08:00-16:00'}“.`,
      group,
    );
  }
  if (timesText === '' && /feiertag|^ph\b/i.test(daysText)) {
    throw new SyntaxProblem(
      `„${group}“ ist nicht lesbar. Für geschlossene Feiertage bitte „Feiertage geschlossen“ schreiben.`,
      group,
    );
  }
  const days = parseDays(daysText, group);
  if (timesText === '') {
    throw new SyntaxProblem(`In „${group}“ fehlen die Uhrzeiten, z. B. „${daysText} 08:00-16:00“.`, group);
  }
  const intervals = parseIntervals(timesText, daysText, group);
  return days.flatMap((weekday) => intervals.map(([opensAt, closesAt]) => ({ weekday, opensAt, closesAt })));
}

function parseDays(daysText: string, group: string): Weekday[] {
  const compact = daysText.replace(/\s*([-,])\s*/g, '$1');
  if (/\s/.test(compact)) {
    throw new SyntaxProblem(
      `Die Wochentage „${daysText}“ in „${group}“ sind nicht lesbar. Bitte z. B. „Mo-Fr“ oder „Mo,Mi,Fr“ schreiben.`,
      group,
    );
  }
  const days: Weekday[] = [];
  for (const item of compact.split(',')) {
    if (item === '') {
      throw new SyntaxProblem(`In „${group}“ steht bei den Wochentagen ein Komma zu viel.`, group);
    }
    for (const day of parseDayItem(item, group)) {
      if (days.includes(day)) {
        throw new SyntaxProblem(
          `${WEEKDAY_LABELS[day]} kommt zweimal vor in „${group}“. Bitte jeden Tag nur einmal nennen.`,
          group,
        );
      }
      days.push(day);
    }
  }
  return days;
}

function parseDayItem(item: string, group: string): Weekday[] {
  const ends = item.split('-');
  if (ends.length > 2) {
    throw new SyntaxProblem(
      `Der Bereich „${item}“ in „${group}“ ist nicht lesbar. Bitte z. B. „Mo-Fr“ oder „Mo,Mi,Fr“ schreiben.`,
      group,
    );
  }
  if (ends.some((end) => end === '')) {
    throw new SyntaxProblem(
      `Der Bereich „${item}“ in „${group}“ ist unvollständig. Bitte Anfang und Ende angeben, z. B. „Mo-Fr“.`,
      group,
    );
  }
  const [first, last] = ends.map((end) => parseDayName(end, group));
  if (first === undefined) return [];
  if (last === undefined) return [first];
  if (first === last) {
    throw new SyntaxProblem(
      `Der Bereich „${item}“ in „${group}“ beginnt und endet am selben Tag. Bitte nur „${DAY_ABBREVIATIONS[first]}“ schreiben.`,
      group,
    );
  }
  const days: Weekday[] = [];
  // Walk forward and wrap after Sunday, so that „Fr-Mo“ means Friday to Monday.
  for (let index = WEEKDAYS.indexOf(first); ; index = (index + 1) % WEEKDAYS.length) {
    const day = WEEKDAYS[index];
    if (day === undefined) break;
    days.push(day);
    if (day === last) break;
  }
  return days;
}

function parseDayName(name: string, group: string): Weekday {
  const day = DAY_NAMES.get(name.toLowerCase().replace(/\.$/, ''));
  if (day === undefined) {
    throw new SyntaxProblem(`Unbekannter Wochentag „${name}“ in „${group}“. ${ALLOWED_DAYS_HINT}`, group);
  }
  return day;
}

function parseIntervals(timesText: string, daysText: string, group: string): [string, string][] {
  const compact = timesText.replace(/\s*([-,])\s*/g, '$1');
  return compact.split(',').map((item): [string, string] => {
    if (item === '') {
      throw new SyntaxProblem(`In „${group}“ steht bei den Uhrzeiten ein Komma zu viel.`, group);
    }
    if (/\s/.test(item)) {
      throw new SyntaxProblem(
        `Die Öffnungszeit „${item}“ in „${group}“ ist nicht lesbar. Bitte Beginn und Ende mit Bindestrich verbinden, z. B. „08:00-16:00“, und mehrere Zeiten mit Komma trennen.`,
        group,
      );
    }
    const ends = item.split('-');
    const [opensText, closesText] = ends;
    if (opensText === undefined || ends.length > 2) {
      throw new SyntaxProblem(
        `Die Öffnungszeit „${item}“ in „${group}“ ist nicht lesbar. Bitte im Format 08:00-16:00 angeben.`,
        group,
      );
    }
    if (opensText === '') {
      throw new SyntaxProblem(
        `In „${group}“ fehlt der Beginn der Öffnungszeit, z. B. „${daysText} 08:00${item}“.`,
        group,
      );
    }
    const opensAt = parseTime(opensText, group, 'opens');
    if (closesText === undefined || closesText === '') {
      throw new SyntaxProblem(
        `In „${group}“ fehlt das Ende der Öffnungszeit, z. B. „${daysText} ${opensAt}-${suggestClosing(opensAt)}“.`,
        group,
      );
    }
    const closesAt = parseTime(closesText, group, 'closes');
    if (opensAt === closesAt) {
      throw new SyntaxProblem(
        `In „${group}“ sind Beginn und Ende gleich („${opensAt}“). Für durchgehend geöffnet bitte „00:00-24:00“ angeben.`,
        group,
      );
    }
    return [opensAt, closesAt];
  });
}

/** Picks a plausible closing time for the example in an error message. */
function suggestClosing(opensAt: string): string {
  if (opensAt < '16:00') return '16:00';
  if (opensAt < '22:00') return '22:00';
  return '02:00';
}

function parseTime(text: string, group: string, role: 'opens' | 'closes'): string {
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(text);
  if (!match) {
    throw new SyntaxProblem(
      `Die Uhrzeit „${text}“ in „${group}“ ist nicht lesbar. Bitte im Format 08:00 angeben.`,
      group,
    );
  }
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes !== 0)) {
    throw new SyntaxProblem(
      `Die Uhrzeit „${text}“ in „${group}“ gibt es nicht. Bitte im Format 08:00 angeben.`,
      group,
    );
  }
  if (hours === 24 && role === 'opens') {
    throw new SyntaxProblem(
      `Die Uhrzeit „${text}“ in „${group}“ ist nur als Ende erlaubt. Für einen Beginn um Mitternacht bitte „00:00“ angeben.`,
      group,
    );
  }
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

function duplicateDayProblem(
  day: Weekday,
  parsed: ParsedRule[],
  earlierIndex: number,
  earlierGroup: string,
  group: string,
  rules: OpeningRule[],
): SyntaxProblem {
  const earlier = parsed
    .filter((entry) => entry.groupIndex === earlierIndex && entry.rule.weekday === day)
    .map((entry) => entry.rule);
  const later = rules.filter((rule) => rule.weekday === day);
  const combined = [...earlier, ...later]
    .sort(compareRules)
    .map((rule) => `${rule.opensAt}-${rule.closesAt}`)
    .join(',');
  return new SyntaxProblem(
    `${WEEKDAY_LABELS[day]} kommt zweimal vor: in „${earlierGroup}“ und in „${group}“. Bitte alle Zeiten eines Tages in einer Gruppe angeben, z. B. „${DAY_ABBREVIATIONS[day]} ${combined}“.`,
    group,
  );
}

/** Start and end of a rule in minutes since Monday 00:00; the end may lie beyond the week. */
function weekSpan(rule: OpeningRule): [number, number] {
  const dayStart = WEEKDAYS.indexOf(rule.weekday) * MINUTES_PER_DAY;
  const { opens, closes } = ruleMinutes(rule);
  return [dayStart + opens, dayStart + closes];
}

function checkOverlaps(parsed: ParsedRule[]): void {
  for (const [laterIndex, later] of parsed.entries()) {
    for (const earlier of parsed.slice(0, laterIndex)) {
      // Entries are in text order, so the later one's group is where the conflict shows up.
      if (spansOverlap(weekSpan(earlier.rule), weekSpan(later.rule)))
        throw overlapProblem(earlier, later, later.group);
    }
  }
}

/** Overlap on a circular week: Sunday night intervals run into Monday. */
function spansOverlap([startA, endA]: [number, number], [startB, endB]: [number, number]): boolean {
  return [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK].some(
    (shift) => startA + shift < endB && startB < endA + shift,
  );
}

function overlapProblem(first: ParsedRule, second: ParsedRule, part: string): SyntaxProblem {
  const describe = (entry: ParsedRule): string => `${entry.rule.opensAt}-${entry.rule.closesAt}`;
  if (first.rule.weekday === second.rule.weekday) {
    return new SyntaxProblem(
      `Die Zeiten „${describe(first)}“ und „${describe(second)}“ in „${part}“ überschneiden sich am ${WEEKDAY_LABELS[first.rule.weekday]}. Bitte zu einer Zeit zusammenfassen oder eine davon ändern.`,
      part,
    );
  }
  const [overnight, other] = ruleMinutes(first.rule).overnight ? [first, second] : [second, first];
  return new SyntaxProblem(
    `Die Zeit „${describe(overnight)}“ am ${WEEKDAY_LABELS[overnight.rule.weekday]} geht über Mitternacht und überschneidet sich mit „${describe(other)}“ am ${WEEKDAY_LABELS[other.rule.weekday]}. Bitte eine der Zeiten ändern.`,
    part,
  );
}

function compareRules(left: OpeningRule, right: OpeningRule): number {
  return (
    WEEKDAYS.indexOf(left.weekday) - WEEKDAYS.indexOf(right.weekday) ||
    left.opensAt.localeCompare(right.opensAt)
  );
}

function toMinutes(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Opening and closing minute of a rule relative to the start of its day; overnight ends exceed 1440. */
function ruleMinutes(rule: OpeningRule): { opens: number; closes: number; overnight: boolean } {
  const opens = toMinutes(rule.opensAt);
  const closesSameDay = toMinutes(rule.closesAt);
  const overnight = closesSameDay <= opens;
  return { opens, closes: overnight ? closesSameDay + MINUTES_PER_DAY : closesSameDay, overnight };
}

function intervalsByDay(hours: OpeningHours): Map<Weekday, OpeningRule[]> {
  const byDay = new Map<Weekday, OpeningRule[]>(WEEKDAYS.map((day) => [day, []]));
  for (const rule of [...hours.rules].sort(compareRules)) byDay.get(rule.weekday)?.push(rule);
  return byDay;
}

/** Writes opening hours in the canonical syntax, e.g. „Mo-Do 08:00-16:00; Fr 08:00-12:00“. */
export function formatOpeningHours(hours: OpeningHours): string {
  const byDay = intervalsByDay(hours);
  const signatures = WEEKDAYS.map((day) =>
    (byDay.get(day) ?? []).map((rule) => `${rule.opensAt}-${rule.closesAt}`).join(','),
  );
  const groups: string[] = [];
  let runStart = 0;
  for (let index = 1; index <= WEEKDAYS.length; index++) {
    const signature = signatures[runStart] ?? '';
    if (index < WEEKDAYS.length && signatures[index] === signature) continue;
    const first = WEEKDAYS[runStart];
    const last = WEEKDAYS[index - 1];
    if (signature !== '' && first !== undefined && last !== undefined) {
      const days =
        first === last ? DAY_ABBREVIATIONS[first] : `${DAY_ABBREVIATIONS[first]}-${DAY_ABBREVIATIONS[last]}`;
      groups.push(`${days} ${signature}`);
    }
    runStart = index;
  }
  if (hours.closedOnHolidays) groups.push('Feiertage geschlossen');
  return groups.join('; ');
}

/** Lists all seven days, Monday first, with their intervals formatted like „08:00–16:00“. */
export function openingTable(
  hours: OpeningHours,
): { weekday: Weekday; label: string; intervals: string[] }[] {
  const byDay = intervalsByDay(hours);
  return WEEKDAYS.map((weekday) => ({
    weekday,
    label: WEEKDAY_LABELS[weekday],
    intervals: (byDay.get(weekday) ?? []).map((rule) => `${rule.opensAt}–${rule.closesAt}`),
  }));
}

interface LocalTime {
  /** 'YYYY-MM-DD' in the place's time zone. */
  date: string;
  /** Minutes since local midnight, seconds included as a fraction. */
  minutes: number;
  /** Local wall-clock time as if it were UTC, for offset arithmetic. */
  wallMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Reads the wall-clock date and time of an instant in a time zone; Intl applies the DST rules. */
function toLocalTime(at: Date, timeZone: string): LocalTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const dateMs = Date.UTC(year, month - 1, day);
  return {
    date: isoDate(dateMs),
    minutes: hour * 60 + minute + second / 60,
    wallMs: dateMs + (hour * 60 + minute) * 60_000 + second * 1000,
  };
}

function isoDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

function shiftDate(date: string, days: number): string {
  return isoDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

function weekdayOf(date: string): Weekday {
  // getUTCDay counts from Sunday; WEEKDAYS starts on Monday.
  const day = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
  if (day === undefined) throw new RangeError(`Ungültiges Datum: ${date}`);
  return day;
}

/** The wall clock of an instant in a time zone: date, the day before, weekday (0 = Monday) and minute of the day. */
export function localClock(
  at: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): { date: string; previousDate: string; weekday: number; minuteOfDay: number } {
  const local = toLocalTime(at, timeZone);
  return {
    date: local.date,
    previousDate: shiftDate(local.date, -1),
    weekday: WEEKDAYS.indexOf(weekdayOf(local.date)),
    minuteOfDay: Math.floor(local.minutes),
  };
}

/** Tells whether the place is open at an instant, judged by its local time, night intervals and holidays. */
export function isOpenAt(hours: OpeningHours, at: Date, options: OpeningTimeOptions = {}): boolean {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const state = options.state ?? DEFAULT_STATE;
  const local = toLocalTime(at, timeZone);
  const previousDate = shiftDate(local.date, -1);
  // A closed holiday closes the intervals that start on it, including their part after midnight.
  const runsOn = (date: string): boolean => !hours.closedOnHolidays || !isPublicHoliday(date, state);
  const today = weekdayOf(local.date);
  const yesterday = weekdayOf(previousDate);

  return hours.rules.some((rule) => {
    const { opens, closes } = ruleMinutes(rule);
    if (rule.weekday === today && opens <= local.minutes && local.minutes < closes && runsOn(local.date)) {
      return true;
    }
    return rule.weekday === yesterday && local.minutes + MINUTES_PER_DAY < closes && runsOn(previousDate);
  });
}

/** Returns `from` if open then, else the first moment within 14 days when the place opens, else null. */
export function nextOpening(hours: OpeningHours, from: Date, options: OpeningTimeOptions = {}): Date | null {
  if (isOpenAt(hours, from, options)) return from;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const state = options.state ?? DEFAULT_STATE;
  const horizonMs = from.getTime() + NEXT_OPENING_HORIZON_DAYS * DAY_MS;
  const startDate = toLocalTime(from, timeZone).date;

  for (let offset = 0; offset <= NEXT_OPENING_HORIZON_DAYS; offset++) {
    const date = shiftDate(startDate, offset);
    if (hours.closedOnHolidays && isPublicHoliday(date, state)) continue;
    const weekday = weekdayOf(date);
    const candidates = hours.rules
      .filter((rule) => rule.weekday === weekday)
      .map((rule) => instantOfLocalTime(date, toMinutes(rule.opensAt), timeZone))
      .filter((ms) => ms > from.getTime() && ms <= horizonMs);
    if (candidates.length > 0) return new Date(Math.min(...candidates));
  }
  return null;
}

/**
 * Finds the first instant whose wall-clock time in the zone is the given local time. For a time skipped by
 * the spring DST change this is the moment of the change, when such an interval actually begins.
 */
function instantOfLocalTime(date: string, minutes: number, timeZone: string): number {
  const wallMs = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const offsetAt = (ms: number): number => toLocalTime(new Date(ms), timeZone).wallMs - ms;
  // The offsets a day before and after bracket any DST change near this time.
  const guesses = [...new Set([-DAY_MS, 0, DAY_MS].map((shift) => wallMs - offsetAt(wallMs + shift)))];
  const exact = guesses.filter((ms) => toLocalTime(new Date(ms), timeZone).wallMs === wallMs);
  if (exact.length > 0) return Math.min(...exact);

  // Skipped wall time: binary-search the first minute whose wall clock is at or past the wanted time.
  let low = Math.min(...guesses);
  let high = Math.max(...guesses);
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (toLocalTime(new Date(middle), timeZone).wallMs >= wallMs) high = middle;
    else low = middle;
  }
  return high;
}
