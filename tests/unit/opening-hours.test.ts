import { describe, expect, it } from 'vitest';
import {
  formatOpeningHours,
  isOpenAt,
  nextOpening,
  openingTable,
  parseOpeningHours,
  WEEKDAYS,
  type OpeningHours,
  type OpeningRule,
  type Weekday,
} from '../../src/lib/directory/opening-hours';

/** Parses text that the test expects to be valid. */
function parseValid(text: string): OpeningHours {
  const result = parseOpeningHours(text);
  if (!result.ok) throw new Error(`expected valid opening hours, got: ${result.error}`);
  return result.value;
}

const rule = (weekday: Weekday, opensAt: string, closesAt: string): OpeningRule => ({
  weekday,
  opensAt,
  closesAt,
});

const at = (iso: string): Date => new Date(iso);

describe('parseOpeningHours', () => {
  it('reads day ranges and single days into one rule per day', () => {
    expect(parseValid('Mo-Do 08:00-16:00; Fr 08:00-12:00')).toEqual({
      rules: [
        rule('MO', '08:00', '16:00'),
        rule('TU', '08:00', '16:00'),
        rule('WE', '08:00', '16:00'),
        rule('TH', '08:00', '16:00'),
        rule('FR', '08:00', '12:00'),
      ],
      closedOnHolidays: false,
    });
  });

  it('reads day lists with several intervals per day', () => {
    expect(parseValid('Mo,Mi 09:00-12:00,13:00-17:00').rules).toEqual([
      rule('MO', '09:00', '12:00'),
      rule('MO', '13:00', '17:00'),
      rule('WE', '09:00', '12:00'),
      rule('WE', '13:00', '17:00'),
    ]);
  });

  it('mixes ranges and single days in one list', () => {
    expect(parseValid('Mo-Mi,Fr 10:00-11:00').rules.map((r) => r.weekday)).toEqual(['MO', 'TU', 'WE', 'FR']);
  });

  it('keeps an interval that closes before it opens as running past midnight', () => {
    expect(parseValid('Sa 20:00-02:00').rules).toEqual([rule('SA', '20:00', '02:00')]);
  });

  it('accepts a whole week open around the clock with 24:00 as closing time', () => {
    const hours = parseValid('Mo-So 00:00-24:00');
    expect(hours.rules).toHaveLength(7);
    expect(hours.rules.every((r) => r.opensAt === '00:00' && r.closesAt === '24:00')).toBe(true);
  });

  it('wraps a day range over the weekend', () => {
    expect(parseValid('Fr-Mo 10:00-14:00').rules.map((r) => r.weekday)).toEqual(['MO', 'FR', 'SA', 'SU']);
  });

  it('accepts any case, full German names, Sonnabend, a dot after the abbreviation and en dashes', () => {
    expect(parseValid('montag–MITTWOCH 8.30 – 12:00; Sonnabend 9:00-10:00; so. 10:00-11:00').rules).toEqual([
      rule('MO', '08:30', '12:00'),
      rule('TU', '08:30', '12:00'),
      rule('WE', '08:30', '12:00'),
      rule('SA', '09:00', '10:00'),
      rule('SU', '10:00', '11:00'),
    ]);
  });

  it('sorts rules by weekday and opening time whatever the input order', () => {
    expect(parseValid('Fr 13:00-14:00,08:00-09:00; Mo 10:00-11:00').rules).toEqual([
      rule('MO', '10:00', '11:00'),
      rule('FR', '08:00', '09:00'),
      rule('FR', '13:00', '14:00'),
    ]);
  });

  it.each(['Feiertage geschlossen', 'feiertags  GESCHLOSSEN', 'PH off'])(
    'sets closedOnHolidays for the group „%s“',
    (group) => {
      expect(parseValid(`Mo 08:00-16:00; ${group}`)).toEqual({
        rules: [rule('MO', '08:00', '16:00')],
        closedOnHolidays: true,
      });
    },
  );

  it('reads empty or blank text as unknown hours without rules', () => {
    expect(parseValid('')).toEqual({ rules: [], closedOnHolidays: false });
    expect(parseValid('  \n ')).toEqual({ rules: [], closedOnHolidays: false });
  });

  it('ignores a trailing semicolon', () => {
    expect(parseValid('Mo 08:00-16:00;').rules).toEqual([rule('MO', '08:00', '16:00')]);
  });

  it('allows intervals that touch without overlapping', () => {
    expect(parseValid('Mo 08:00-12:00,12:00-16:00').rules).toHaveLength(2);
  });

  it.each<[string, string, string]>([
    [
      'Mx-Fr 08:00-16:00',
      'Unbekannter Wochentag „Mx“ in „Mx-Fr 08:00-16:00“. Erlaubt sind Mo, Di, Mi, Do, Fr, Sa, So.',
      'Mx-Fr 08:00-16:00',
    ],
    [
      'Mo 08:00-25:00',
      'Die Uhrzeit „25:00“ in „Mo 08:00-25:00“ gibt es nicht. Bitte im Format 08:00 angeben.',
      'Mo 08:00-25:00',
    ],
    ['Mo 08:60-16:00', 'Die Uhrzeit „08:60“ in „Mo 08:60-16:00“ gibt es nicht.', 'Mo 08:60-16:00'],
    ['Mo 08:00-24:30', 'Die Uhrzeit „24:30“ in „Mo 08:00-24:30“ gibt es nicht.', 'Mo 08:00-24:30'],
    [
      'Mo 24:00-02:00',
      'Die Uhrzeit „24:00“ in „Mo 24:00-02:00“ ist nur als Ende erlaubt. Für einen Beginn um Mitternacht bitte „00:00“ angeben.',
      'Mo 24:00-02:00',
    ],
    [
      'Mo 8 Uhr-16 Uhr',
      'Die Öffnungszeit „8 Uhr-16 Uhr“ in „Mo 8 Uhr-16 Uhr“ ist nicht lesbar.',
      'Mo 8 Uhr-16 Uhr',
    ],
    ['Mo 8-16', 'Die Uhrzeit „8“ in „Mo 8-16“ ist nicht lesbar. Bitte im Format 08:00 angeben.', 'Mo 8-16'],
    [
      'Di 09:00; Mo 08:00',
      'In „Di 09:00“ fehlt das Ende der Öffnungszeit, z. B. „Di 09:00-16:00“.',
      'Di 09:00',
    ],
    ['Mo 08:00', 'In „Mo 08:00“ fehlt das Ende der Öffnungszeit, z. B. „Mo 08:00-16:00“.', 'Mo 08:00'],
    ['Mo 08:00-', 'In „Mo 08:00-“ fehlt das Ende der Öffnungszeit', 'Mo 08:00-'],
    [
      'Mo 08:00-12:00,-16:00',
      'In „Mo 08:00-12:00,-16:00“ fehlt der Beginn der Öffnungszeit',
      'Mo 08:00-12:00,-16:00',
    ],
    [
      'Mo 08:00-08:00',
      'In „Mo 08:00-08:00“ sind Beginn und Ende gleich („08:00“). Für durchgehend geöffnet bitte „00:00-24:00“ angeben.',
      'Mo 08:00-08:00',
    ],
    ['Mo', 'In „Mo“ fehlen die Uhrzeiten, z. B. „Mo 08:00-16:00“.', 'Mo'],
    ['08:00-16:00', 'In „08:00-16:00“ fehlt der Wochentag, z. B. „Mo-Fr 08:00-16:00“.', '08:00-16:00'],
    [
      'Mo bis Fr 08:00-16:00',
      'Die Wochentage „Mo bis Fr“ in „Mo bis Fr 08:00-16:00“ sind nicht lesbar.',
      'Mo bis Fr 08:00-16:00',
    ],
    [
      'Mo-Mi-Fr 08:00-16:00',
      'Der Bereich „Mo-Mi-Fr“ in „Mo-Mi-Fr 08:00-16:00“ ist nicht lesbar.',
      'Mo-Mi-Fr 08:00-16:00',
    ],
    ['Mo- 08:00-16:00', 'Der Bereich „Mo-“ in „Mo- 08:00-16:00“ ist unvollständig.', 'Mo- 08:00-16:00'],
    [
      'Mo-Mo 08:00-16:00',
      'Der Bereich „Mo-Mo“ in „Mo-Mo 08:00-16:00“ beginnt und endet am selben Tag. Bitte nur „Mo“ schreiben.',
      'Mo-Mo 08:00-16:00',
    ],
    [
      'Mo,,Di 08:00-16:00',
      'In „Mo,,Di 08:00-16:00“ steht bei den Wochentagen ein Komma zu viel.',
      'Mo,,Di 08:00-16:00',
    ],
    [
      'Mo 08:00-12:00,,13:00-16:00',
      'In „Mo 08:00-12:00,,13:00-16:00“ steht bei den Uhrzeiten ein Komma zu viel.',
      'Mo 08:00-12:00,,13:00-16:00',
    ],
    ['Mo-Mi,Di 08:00-16:00', 'Dienstag kommt zweimal vor in „Mo-Mi,Di 08:00-16:00“.', 'Mo-Mi,Di 08:00-16:00'],
    [
      'Mo 08:00-12:00; Fr 09:00-10:00; Mo-Di 13:00-16:00',
      'Montag kommt zweimal vor: in „Mo 08:00-12:00“ und in „Mo-Di 13:00-16:00“. Bitte alle Zeiten eines Tages in einer Gruppe angeben, z. B. „Mo 08:00-12:00,13:00-16:00“.',
      'Mo-Di 13:00-16:00',
    ],
    [
      'Mo 08:00-12:00,11:00-14:00',
      'Die Zeiten „08:00-12:00“ und „11:00-14:00“ in „Mo 08:00-12:00,11:00-14:00“ überschneiden sich am Montag.',
      'Mo 08:00-12:00,11:00-14:00',
    ],
    [
      'Sa 20:00-02:00; So 01:00-05:00',
      'Die Zeit „20:00-02:00“ am Samstag geht über Mitternacht und überschneidet sich mit „01:00-05:00“ am Sonntag.',
      'So 01:00-05:00',
    ],
    [
      'Mo 01:00-05:00; So 22:00-02:00',
      'Die Zeit „22:00-02:00“ am Sonntag geht über Mitternacht und überschneidet sich mit „01:00-05:00“ am Montag.',
      'So 22:00-02:00',
    ],
    [
      'Feiertage zu',
      '„Feiertage zu“ ist nicht lesbar. Für geschlossene Feiertage bitte „Feiertage geschlossen“ schreiben.',
      'Feiertage zu',
    ],
  ])('rejects „%s“ with a German message naming the wrong part', (text, message, part) => {
    const result = parseOpeningHours(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(message);
    expect(result.part).toBe(part);
  });
});

describe('formatOpeningHours', () => {
  it('groups consecutive days with identical intervals into ranges', () => {
    const hours = parseValid('Fr 08:00-12:00; Mo-Do 08:00-16:00; PH off');
    expect(formatOpeningHours(hours)).toBe('Mo-Do 08:00-16:00; Fr 08:00-12:00; Feiertage geschlossen');
  });

  it('keeps non-consecutive days with equal intervals in separate groups', () => {
    expect(formatOpeningHours(parseValid('Mo,Mi 09:00-12:00,13:00-17:00'))).toBe(
      'Mo 09:00-12:00,13:00-17:00; Mi 09:00-12:00,13:00-17:00',
    );
  });

  it('writes nothing for unknown hours and only the holiday group when there are no rules', () => {
    expect(formatOpeningHours({ rules: [], closedOnHolidays: false })).toBe('');
    expect(formatOpeningHours({ rules: [], closedOnHolidays: true })).toBe('Feiertage geschlossen');
  });

  it.each([
    'Mo-Do 08:00-16:00; Fr 08:00-12:00',
    'Mo,Mi 09:00-12:00,13:00-17:00',
    'Sa 20:00-02:00; Feiertage geschlossen',
    'Mo-So 00:00-24:00',
    'Fr-Mo 10:00-14:00; Mi 7.15-9:45',
    'Feiertage geschlossen',
    '',
  ])('round-trips „%s“ through format and parse unchanged', (text) => {
    const hours = parseValid(text);
    expect(parseValid(formatOpeningHours(hours))).toEqual(hours);
  });

  it('round-trips hand-built hours whose rules are sorted by weekday then opening time', () => {
    const hours: OpeningHours = {
      rules: [
        rule('MO', '07:00', '09:00'),
        rule('MO', '17:00', '19:00'),
        rule('TU', '07:00', '09:00'),
        rule('TU', '17:00', '19:00'),
        rule('TH', '10:00', '24:00'),
        rule('SU', '22:00', '03:00'),
      ],
      closedOnHolidays: true,
    };
    expect(parseValid(formatOpeningHours(hours))).toEqual(hours);
  });
});

describe('openingTable', () => {
  it('lists all seven days Monday first with en-dash intervals and empty closed days', () => {
    const table = openingTable(parseValid('Mo-Do 08:00-16:00; Fr 08:00-12:00,13:00-15:00; Sa 20:00-02:00'));
    expect(table.map((row) => row.weekday)).toEqual([...WEEKDAYS]);
    expect(table[0]).toEqual({ weekday: 'MO', label: 'Montag', intervals: ['08:00–16:00'] });
    expect(table[4]).toEqual({ weekday: 'FR', label: 'Freitag', intervals: ['08:00–12:00', '13:00–15:00'] });
    expect(table[5]).toEqual({ weekday: 'SA', label: 'Samstag', intervals: ['20:00–02:00'] });
    expect(table[6]).toEqual({ weekday: 'SU', label: 'Sonntag', intervals: [] });
  });
});

describe('isOpenAt', () => {
  // 2026-06-08 is a Monday; Berlin is on summer time (UTC+2) then.
  const weekdays = parseValid('Mo-Fr 08:00-16:00');

  it('opens inclusive at the opening minute and closes exclusive at the closing minute', () => {
    expect(isOpenAt(weekdays, at('2026-06-08T05:59:59Z'))).toBe(false);
    expect(isOpenAt(weekdays, at('2026-06-08T06:00:00Z'))).toBe(true);
    expect(isOpenAt(weekdays, at('2026-06-08T13:59:59Z'))).toBe(true);
    expect(isOpenAt(weekdays, at('2026-06-08T14:00:00Z'))).toBe(false);
  });

  it('is closed on a day without rules', () => {
    expect(isOpenAt(weekdays, at('2026-06-13T10:00:00Z'))).toBe(false);
  });

  it('is never open when the hours are unknown', () => {
    expect(isOpenAt({ rules: [], closedOnHolidays: false }, at('2026-06-08T10:00:00Z'))).toBe(false);
  });

  it('keeps a Saturday night interval open into Sunday until it closes', () => {
    const night = parseValid('Sa 20:00-02:00');
    expect(isOpenAt(night, at('2026-06-13T17:59:00Z'))).toBe(false); // Sa 19:59
    expect(isOpenAt(night, at('2026-06-13T18:00:00Z'))).toBe(true); // Sa 20:00
    expect(isOpenAt(night, at('2026-06-13T23:30:00Z'))).toBe(true); // So 01:30
    expect(isOpenAt(night, at('2026-06-14T00:00:00Z'))).toBe(false); // So 02:00
    expect(isOpenAt(night, at('2026-06-14T18:30:00Z'))).toBe(false); // So 20:30, no rule for Sunday
  });

  it('runs a Sunday night interval into Monday', () => {
    expect(isOpenAt(parseValid('So 22:00-02:00'), at('2026-06-14T23:00:00Z'))).toBe(true); // Mo 01:00
  });

  it('treats 24:00 as open until midnight', () => {
    const late = parseValid('Mo 20:00-24:00');
    expect(isOpenAt(late, at('2026-06-08T21:59:00Z'))).toBe(true); // Mo 23:59
    expect(isOpenAt(late, at('2026-06-08T22:00:00Z'))).toBe(false); // Di 00:00
  });

  it('closes on Karfreitag 2026 with Feiertage geschlossen but stays open without it', () => {
    const friday = at('2026-04-03T08:00:00Z'); // Karfreitag, 10:00 in Berlin
    expect(isOpenAt(parseValid('Fr 08:00-16:00'), friday)).toBe(true);
    expect(isOpenAt(parseValid('Fr 08:00-16:00; Feiertage geschlossen'), friday)).toBe(false);
  });

  it('closes the part after midnight of an interval that starts on a holiday', () => {
    // Thursday night before Karfreitag is open into Friday; Friday night's interval starts on the holiday.
    const nights = parseValid('Do-Fr 22:00-02:00; Feiertage geschlossen');
    expect(isOpenAt(nights, at('2026-04-02T23:00:00Z'))).toBe(true); // Fr 01:00, started Thursday
    expect(isOpenAt(nights, at('2026-04-03T23:00:00Z'))).toBe(false); // Sa 01:00, started Karfreitag
  });

  it('uses the holidays of the given state', () => {
    const thursday = parseValid('Do 08:00-16:00; Feiertage geschlossen');
    const fronleichnam = at('2026-06-04T08:00:00Z');
    expect(isOpenAt(thursday, fronleichnam)).toBe(true); // default SH has no Fronleichnam
    expect(isOpenAt(thursday, fronleichnam, { state: 'BY' })).toBe(false);
  });

  it('follows the spring DST change on 2026-03-29 in Europe/Berlin', () => {
    const sunday = parseValid('So 08:00-16:00');
    expect(isOpenAt(sunday, at('2026-03-29T05:59:00Z'))).toBe(false); // 07:59 CEST
    expect(isOpenAt(sunday, at('2026-03-29T06:00:00Z'))).toBe(true); // 08:00 CEST
    expect(isOpenAt(sunday, at('2026-03-29T13:59:00Z'))).toBe(true); // 15:59 CEST
    expect(isOpenAt(sunday, at('2026-03-29T14:00:00Z'))).toBe(false); // 16:00 CEST
    const earlyHours = parseValid('So 02:00-04:00');
    expect(isOpenAt(earlyHours, at('2026-03-29T00:59:00Z'))).toBe(false); // 01:59 CET
    expect(isOpenAt(earlyHours, at('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(isOpenAt(earlyHours, at('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
  });

  it('follows the autumn DST change on 2026-10-25 in Europe/Berlin', () => {
    const sunday = parseValid('So 08:00-16:00');
    expect(isOpenAt(sunday, at('2026-10-25T06:59:00Z'))).toBe(false); // 07:59 CET
    expect(isOpenAt(sunday, at('2026-10-25T07:00:00Z'))).toBe(true); // 08:00 CET
    expect(isOpenAt(sunday, at('2026-10-25T14:59:00Z'))).toBe(true); // 15:59 CET
    expect(isOpenAt(sunday, at('2026-10-25T15:00:00Z'))).toBe(false); // 16:00 CET
    const night = parseValid('Sa 20:00-02:00');
    expect(isOpenAt(night, at('2026-10-24T23:59:00Z'))).toBe(true); // 01:59 CEST
    expect(isOpenAt(night, at('2026-10-25T00:00:00Z'))).toBe(false); // 02:00 CEST
  });

  it('interprets the instant in another time zone when asked', () => {
    // 2026-06-08T06:00Z is 08:00 in Berlin but 02:00 in New York.
    expect(isOpenAt(weekdays, at('2026-06-08T06:00:00Z'), { timeZone: 'America/New_York' })).toBe(false);
    expect(isOpenAt(weekdays, at('2026-06-08T12:00:00Z'), { timeZone: 'America/New_York' })).toBe(true);
  });
});

describe('nextOpening', () => {
  const weekdays = parseValid('Mo-Fr 08:00-16:00; Feiertage geschlossen');

  it('returns the given moment when the place is open then', () => {
    const open = at('2026-06-08T10:00:00Z');
    expect(nextOpening(weekdays, open)).toEqual(open);
  });

  it('finds Monday morning from a Sunday', () => {
    expect(nextOpening(weekdays, at('2026-06-14T10:00:00Z'))).toEqual(at('2026-06-15T06:00:00Z'));
  });

  it('finds the later opening the same day after closing', () => {
    const split = parseValid('Mo 08:00-12:00,13:00-16:00');
    expect(nextOpening(split, at('2026-06-08T10:30:00Z'))).toEqual(at('2026-06-08T11:00:00Z'));
  });

  it('skips closed holidays from Gründonnerstag over Easter to Tuesday', () => {
    // Karfreitag 2026-04-03 and Ostermontag 2026-04-06 are closed.
    expect(nextOpening(weekdays, at('2026-04-02T15:00:00Z'))).toEqual(at('2026-04-07T06:00:00Z'));
  });

  it('opens at the clock change when the opening time is skipped by DST', () => {
    expect(nextOpening(parseValid('So 02:30-05:00'), at('2026-03-28T23:00:00Z'))).toEqual(
      at('2026-03-29T01:00:00Z'),
    );
  });

  it('takes the first of the two 02:30 on the autumn DST night', () => {
    expect(nextOpening(parseValid('So 02:30-05:00'), at('2026-10-24T22:00:00Z'))).toEqual(
      at('2026-10-25T00:30:00Z'),
    );
  });

  it('returns null when nothing opens within 14 days', () => {
    expect(nextOpening({ rules: [], closedOnHolidays: false }, at('2026-06-08T10:00:00Z'))).toBeNull();
  });
});
