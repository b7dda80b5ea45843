import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  addYears,
  fromGermanWallClock,
  isIsoDate,
  todayInGermany,
} from '../../src/lib/time/time';

describe('time in Germany', () => {
  it('counts the day by the German calendar, not by UTC', () => {
    // 23:30 UTC on 31 December is already New Year in Berlin (CET, +1).
    expect(todayInGermany(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    // 22:30 UTC in summer is 00:30 CEST (+2) the next day.
    expect(todayInGermany(new Date('2027-07-14T22:30:00Z'))).toBe('2027-07-15');
  });

  it('skips weekends and public holidays when counting working days', () => {
    // Thursday 24 December 2026 + 1 working day: 25 and 26 are holidays, 27 a Sunday.
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(addWorkingDays('2026-12-04', 5)).toBe('2026-12-11');
  });

  it('reads a German wall-clock time on both sides of a clock change', () => {
    expect(fromGermanWallClock(new Date('2027-03-27T10:00:00Z')).toISOString()).toBe(
      '2027-03-27T09:00:00.000Z',
    );
    expect(fromGermanWallClock(new Date('2027-03-29T10:00:00Z')).toISOString()).toBe(
      '2027-03-29T08:00:00.000Z',
    );
  });

  it('knows real calendar dates and adds years for retention', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(addYears('2026-12-01T08:00:00.000Z', 3)).toBe('2029-12-01T08:00:00.000Z');
  });
});
