import { describe, expect, it } from 'vitest';
import {
  GERMAN_STATES,
  easterSunday,
  isPublicHoliday,
  publicHolidays,
  type GermanState,
} from '../../src/lib/time/holidays';

const namesOf = (year: number, state: GermanState): string[] =>
  publicHolidays(year, state).map((holiday) => holiday.name);

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2019, '2019-04-21'],
    [2038, '2038-04-25'],
  ])('computes Easter Sunday %i as %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  it('refuses years before the Gregorian calendar', () => {
    expect(() => easterSunday(1500)).toThrow(RangeError);
  });
});

describe('publicHolidays', () => {
  it('gives every state the nine nationwide holidays with their 2026 dates', () => {
    for (const state of GERMAN_STATES) {
      const holidays = publicHolidays(2026, state);
      expect(holidays).toEqual(
        expect.arrayContaining([
          { date: '2026-01-01', name: 'Neujahr' },
          { date: '2026-04-03', name: 'Karfreitag' },
          { date: '2026-04-06', name: 'Ostermontag' },
          { date: '2026-05-01', name: 'Tag der Arbeit' },
          { date: '2026-05-14', name: 'Christi Himmelfahrt' },
          { date: '2026-05-25', name: 'Pfingstmontag' },
          { date: '2026-10-03', name: 'Tag der Deutschen Einheit' },
          { date: '2026-12-25', name: '1. Weihnachtsfeiertag' },
          { date: '2026-12-26', name: '2. Weihnachtsfeiertag' },
        ]),
      );
    }
  });

  it('returns the holidays sorted by date', () => {
    const dates = publicHolidays(2026, 'BY').map((holiday) => holiday.date);
    expect(dates).toEqual([...dates].sort());
  });

  it('gives Schleswig-Holstein Reformationstag but not Fronleichnam', () => {
    expect(publicHolidays(2026, 'SH')).toContainEqual({ date: '2026-10-31', name: 'Reformationstag' });
    expect(namesOf(2026, 'SH')).not.toContain('Fronleichnam');
  });

  it('gives Bavaria Fronleichnam, Heilige Drei Könige and Allerheiligen but not Mariä Himmelfahrt', () => {
    expect(publicHolidays(2026, 'BY')).toEqual(
      expect.arrayContaining([
        { date: '2026-06-04', name: 'Fronleichnam' },
        { date: '2026-01-06', name: 'Heilige Drei Könige' },
        { date: '2026-11-01', name: 'Allerheiligen' },
      ]),
    );
    expect(namesOf(2026, 'BY')).not.toContain('Mariä Himmelfahrt');
    expect(namesOf(2026, 'BY')).not.toContain('Reformationstag');
  });

  it('puts Buß- und Bettag 2026 on 18 November in Saxony only', () => {
    expect(publicHolidays(2026, 'SN')).toContainEqual({ date: '2026-11-18', name: 'Buß- und Bettag' });
    for (const state of GERMAN_STATES.filter((candidate) => candidate !== 'SN')) {
      expect(namesOf(2026, state)).not.toContain('Buß- und Bettag');
    }
  });

  it('puts Buß- und Bettag a full week back when 23 November is a Wednesday', () => {
    // 23 November 2022 was a Wednesday; the day must lie strictly before it.
    expect(publicHolidays(2022, 'SN')).toContainEqual({ date: '2022-11-16', name: 'Buß- und Bettag' });
  });

  it('gives Berlin the Frauentag from 2019 and Mecklenburg-Vorpommern from 2023', () => {
    expect(namesOf(2018, 'BE')).not.toContain('Internationaler Frauentag');
    expect(publicHolidays(2019, 'BE')).toContainEqual({
      date: '2019-03-08',
      name: 'Internationaler Frauentag',
    });
    expect(namesOf(2022, 'MV')).not.toContain('Internationaler Frauentag');
    expect(namesOf(2023, 'MV')).toContain('Internationaler Frauentag');
  });

  it('gives Thuringia the Weltkindertag from 2019', () => {
    expect(namesOf(2018, 'TH')).not.toContain('Weltkindertag');
    expect(publicHolidays(2026, 'TH')).toContainEqual({ date: '2026-09-20', name: 'Weltkindertag' });
  });

  it('gives Brandenburg Ostersonntag and Pfingstsonntag', () => {
    expect(publicHolidays(2026, 'BB')).toEqual(
      expect.arrayContaining([
        { date: '2026-04-05', name: 'Ostersonntag' },
        { date: '2026-05-24', name: 'Pfingstsonntag' },
      ]),
    );
    expect(namesOf(2026, 'SH')).not.toContain('Ostersonntag');
  });

  it('gives Saarland Mariä Himmelfahrt', () => {
    expect(publicHolidays(2026, 'SL')).toContainEqual({ date: '2026-08-15', name: 'Mariä Himmelfahrt' });
  });

  it('counts exactly the nine nationwide plus Reformationstag in Schleswig-Holstein', () => {
    expect(publicHolidays(2026, 'SH')).toHaveLength(10);
  });
});

describe('isPublicHoliday', () => {
  it('knows Karfreitag 2026 everywhere and Fronleichnam only where it applies', () => {
    expect(isPublicHoliday('2026-04-03', 'SH')).toBe(true);
    expect(isPublicHoliday('2026-06-04', 'NW')).toBe(true);
    expect(isPublicHoliday('2026-06-04', 'SH')).toBe(false);
  });

  it('answers the same when asked again for a cached year and state', () => {
    expect(isPublicHoliday('2026-10-31', 'SH')).toBe(true);
    expect(isPublicHoliday('2026-10-31', 'SH')).toBe(true);
    expect(isPublicHoliday('2026-10-30', 'SH')).toBe(false);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => isPublicHoliday('3.4.2026', 'SH')).toThrow(RangeError);
  });
});
