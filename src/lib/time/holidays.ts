/** Abbreviations of the 16 German states (Länder), as used in ISO 3166-2:DE. */
export const GERMAN_STATES = [
  'BW',
  'BY',
  'BE',
  'BB',
  'HB',
  'HH',
  'HE',
  'MV',
  'NI',
  'NW',
  'RP',
  'SL',
  'SN',
  'ST',
  'SH',
  'TH',
] as const;
/** One German state abbreviation. */
export type GermanState = (typeof GERMAN_STATES)[number];

/** One public holiday: ISO date and German name. */
export interface PublicHoliday {
  date: string;
  name: string;
}

const DAY_MS = 86_400_000;

/** Formats a UTC-midnight timestamp as 'YYYY-MM-DD'. */
function formatIsoDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

/** Returns the ISO date of Easter Sunday in the Gregorian calendar (anonymous Gregorian computus). */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583) throw new RangeError(`Ungültiges Jahr: ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatIsoDate(Date.UTC(year, month - 1, day));
}

/** Lists the public holidays of one state in one year, sorted by date (rules as in force from 2018 on). */
export function publicHolidays(year: number, state: GermanState): PublicHoliday[] {
  const easterMs = Date.parse(`${easterSunday(year)}T00:00:00Z`);
  const fromEaster = (days: number): string => formatIsoDate(easterMs + days * DAY_MS);
  const fixed = (month: number, day: number): string => formatIsoDate(Date.UTC(year, month - 1, day));
  const isIn = (...states: GermanState[]): boolean => states.includes(state);

  const holidays: PublicHoliday[] = [
    { date: fixed(1, 1), name: 'Neujahr' },
    { date: fromEaster(-2), name: 'Karfreitag' },
    { date: fromEaster(1), name: 'Ostermontag' },
    { date: fixed(5, 1), name: 'Tag der Arbeit' },
    { date: fromEaster(39), name: 'Christi Himmelfahrt' },
    { date: fromEaster(50), name: 'Pfingstmontag' },
    { date: fixed(10, 3), name: 'Tag der Deutschen Einheit' },
    { date: fixed(12, 25), name: '1. Weihnachtsfeiertag' },
    { date: fixed(12, 26), name: '2. Weihnachtsfeiertag' },
  ];
  const add = (applies: boolean, date: string, name: string): void => {
    if (applies) holidays.push({ date, name });
  };

  add(isIn('BW', 'BY', 'ST'), fixed(1, 6), 'Heilige Drei Könige');
  add(
    (state === 'BE' && year >= 2019) || (state === 'MV' && year >= 2023),
    fixed(3, 8),
    'Internationaler Frauentag',
  );
  add(isIn('BB'), fromEaster(0), 'Ostersonntag');
  // Berlin made 8 May a holiday only in the anniversary years 2020 and 2025 (one-off laws).
  add(state === 'BE' && (year === 2020 || year === 2025), fixed(5, 8), 'Tag der Befreiung');
  add(isIn('BB'), fromEaster(49), 'Pfingstsonntag');
  add(isIn('BW', 'BY', 'HE', 'NW', 'RP', 'SL'), fromEaster(60), 'Fronleichnam');
  // Bavaria keeps Mariä Himmelfahrt only in predominantly Catholic municipalities, so it is not state-wide.
  add(isIn('SL'), fixed(8, 15), 'Mariä Himmelfahrt');
  add(state === 'TH' && year >= 2019, fixed(9, 20), 'Weltkindertag');
  add(isIn('BB', 'HB', 'HH', 'MV', 'NI', 'SN', 'ST', 'SH', 'TH'), fixed(10, 31), 'Reformationstag');
  add(isIn('BW', 'BY', 'NW', 'RP', 'SL'), fixed(11, 1), 'Allerheiligen');
  add(isIn('SN'), repentanceDay(year), 'Buß- und Bettag');

  return holidays.sort((left, right) => left.date.localeCompare(right.date));
}

/** Returns the Wednesday strictly before 23 November (Buß- und Bettag). */
function repentanceDay(year: number): string {
  const november23 = Date.UTC(year, 10, 23);
  const weekday = new Date(november23).getUTCDay();
  // Days back to the previous Wednesday (3); 23 November itself never counts.
  const daysBack = (weekday - 3 + 7) % 7 || 7;
  return formatIsoDate(november23 - daysBack * DAY_MS);
}

// Opening-hours checks ask for the same year and state over and over, so the holiday set is built once.
const holidayCache = new Map<string, Set<string>>();

/** Tells whether an ISO date ('YYYY-MM-DD') is a public holiday in the given state. */
export function isPublicHoliday(date: string, state: GermanState): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`Ungültiges Datum: ${date}`);
  const year = Number(date.slice(0, 4));
  const key = `${year}-${state}`;
  let dates = holidayCache.get(key);
  if (!dates) {
    dates = new Set(publicHolidays(year, state).map((holiday) => holiday.date));
    holidayCache.set(key, dates);
  }
  return dates.has(date);
}
