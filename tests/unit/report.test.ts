import { describe, expect, it } from 'vitest';
import { layoutBars, layoutLines } from '../../src/lib/report/chart';
import {
  formatCount,
  formatGroupCounts,
  formatShare,
  parseReportParams,
  percentileOf,
  periodChoicesOf,
  periodOf,
  reportScopeOf,
  trendLabel,
} from '../../src/lib/report/report';
import { factOf, mondayOf, reasonCodeOf } from '../../src/lib/report/report-fact';
import {
  foldQuery,
  hitBucketOf,
  isCountedSearch,
  searchCountKeyOf,
} from '../../src/lib/report/search-demand';
import { tableCsv } from '../../src/lib/report/report.view';
import { wholeMonthsOf } from '../../src/lib/report/report.queries';

const NOW = new Date('2026-12-01T09:00:00.000Z');

describe('network report rules', () => {
  it('shows every count under five, zero included, as "< 5" and larger ones in German digits', () => {
    expect([0, 1, 4].map(formatCount)).toEqual(['< 5', '< 5', '< 5']);
    expect(formatCount(5)).toBe('5');
    expect(formatCount(12345)).toBe('12.345');
  });

  it('shows a share only over a base of at least five, with a German comma', () => {
    expect(formatShare(1, 4)).toBe('–');
    expect(formatShare(7, 20)).toBe('35,0 %');
    expect(formatShare(5, 10)).toBe('50,0 %');
  });

  it('hides a second count of a group whose total is shown, so a single "< 5" cannot be worked out', () => {
    // Total 40 is shown elsewhere: 40 − 20 − 17 would give the 3 away, so the 17 is hidden too.
    expect(formatGroupCounts([20, 3, 17])).toEqual(['20', '< 5', 'x']);
    expect(formatGroupCounts([20, 0, 17])).toEqual(['20', '< 5', 'x']);
    // Two small ones protect each other; none small, nothing hidden; all small, nothing more to hide.
    expect(formatGroupCounts([20, 3, 2, 17])).toEqual(['20', '< 5', '< 5', '17']);
    expect(formatGroupCounts([20, 17])).toEqual(['20', '17']);
    expect(formatGroupCounts([3])).toEqual(['< 5']);
  });

  it('never shows a share that gives away a part or a rest under five (share × base = count)', () => {
    expect(formatShare(3, 125)).toBe('unter 4,0 %');
    expect(formatShare(0, 125)).toBe('unter 4,0 %');
    expect(formatShare(125, 125)).toBe('über 96,0 %');
    expect(formatShare(1, 8)).toBe('unter 62,5 %');
    expect(formatShare(122, 125)).toBe('über 96,0 %');
    expect(formatShare(5, 125)).toBe('4,0 %');
    expect(formatShare(120, 125)).toBe('96,0 %');
  });

  it('takes the nearest-rank percentile of an hour histogram', () => {
    const histogram = [
      { hours: 10, n: 5 },
      { hours: 2, n: 4 },
      { hours: 50, n: 1 },
    ];
    expect(percentileOf(histogram, 0.5)).toBe(10);
    expect(percentileOf(histogram, 0.9)).toBe(10);
    expect(percentileOf(histogram, 1)).toBe(50);
    expect(percentileOf([], 0.5)).toBeNull();
  });

  it('gives coordinators the network, caseworkers their office, partners their institution, others nothing', () => {
    expect(reportScopeOf({ role: 'coordinator', organizationId: 'o' })).toEqual({ kind: 'network' });
    expect(reportScopeOf({ role: 'caseworker', organizationId: 'o' })).toEqual({
      kind: 'office',
      officeId: 'o',
    });
    expect(reportScopeOf({ role: 'partner', organizationId: 'p' })).toEqual({
      kind: 'partner',
      organizationId: 'p',
    });
    expect(reportScopeOf({ role: 'admin', organizationId: 'o' })).toBeNull();
    expect(reportScopeOf(null)).toBeNull();
  });

  it('reads month, quarter, year and custom periods and defaults to the current year', () => {
    const period = (query: Record<string, string>) =>
      periodOf(parseReportParams(new URLSearchParams(query)).params, NOW);
    expect(period({})).toMatchObject({ from: '2026-01-01', to: '2026-12-31', label: 'Jahr 2026' });
    expect(period({ zeitraum: 'monat', jahr: '2024', monat: '2' })).toMatchObject({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(period({ zeitraum: 'quartal', quartal: '3' })).toMatchObject({
      from: '2026-07-01',
      to: '2026-09-30',
    });
    expect(period({ zeitraum: 'frei', von: '2025-03-01', bis: '2025-04-15' })).toMatchObject({
      from: '2025-03-01',
      to: '2025-04-15',
    });
  });

  it('drops a broken filter with a German message instead of failing', () => {
    const { params, errors } = parseReportParams(
      new URLSearchParams({ jahr: 'abc', bezirk: 'a\u0000b', monat: '13' }),
    );
    expect(params.jahr).toBeUndefined();
    expect(params.bezirk).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['bezirk', 'jahr', 'monat']);
  });

  it('labels weeks by ISO week and months by name', () => {
    expect(trendLabel('2026-01-05', 'woche')).toBe('KW 02/2026');
    expect(trendLabel('2024-12-30', 'woche')).toBe('KW 01/2025');
    expect(trendLabel('2026-03', 'monat')).toBe('Mär 2026');
  });
});

describe('referral facts', () => {
  it('reduces a free-text reason to a code, capacity first', () => {
    expect(reasonCodeOf('Kurs ist voll')).toBe('no_capacity');
    expect(reasonCodeOf('Leider keine freien Plätze, Warteliste')).toBe('no_capacity');
    expect(reasonCodeOf('Nicht zuständig')).toBe('not_eligible');
    expect(reasonCodeOf('Telefonisch nicht erreicht')).toBe('not_reached');
    expect(reasonCodeOf('Herr Yılmaz zieht nach Kiel')).toBe('other');
    expect(reasonCodeOf(null)).toBeNull();
  });

  it('marks the partner’s first answer with the whole hours since sending and keeps no text', () => {
    const fact = factOf({
      id: 'f1',
      at: '2026-03-02T10:30:00.000Z',
      kind: 'decline',
      actorKind: 'partner_link',
      toStatus: 'declined',
      reason: 'Frau M. hat keinen Platz mehr bekommen, Kurs voll',
      outcome: null,
      officeId: 'o',
      recipientId: 'p',
      serviceId: 's',
      sentAt: '2026-03-01T22:00:00.000Z',
      answeredAt: '2026-03-02T10:30:00.000Z',
      categoryId: 'c',
      district: 'd',
    });
    expect(fact).toMatchObject({
      sent_on: '2026-03-01',
      sent_week: '2026-02-23',
      sent_month: '2026-03',
      first_answer: 1,
      hours_to_answer: 13,
      reason_code: 'no_capacity',
    });
    expect(JSON.stringify(fact)).not.toContain('Frau');
    expect(mondayOf('2026-03-01')).toBe('2026-02-23');
  });
});

describe('search demand', () => {
  it('folds the query and buckets the hits, counting only first pages a person asked for', () => {
    expect(foldQuery('  Ärztin   ÜBERSETZUNG ')).toBe('arztin ubersetzung');
    expect([0, 3, 7, 40].map(hitBucketOf)).toEqual(['0', '1-4', '5-19', '20+']);
    expect(isCountedSearch({ q: 'kurs', facets: true, now: NOW })).toBe(true);
    expect(isCountedSearch({ q: 'kurs', facets: true, now: NOW, page: 2 })).toBe(false);
    expect(isCountedSearch({ q: 'kurs', now: NOW })).toBe(false);
    expect(isCountedSearch({ q: '', facets: true, now: NOW })).toBe(false);
    const key = searchCountKeyOf(
      { q: 'Kurs', facets: true, now: NOW, near: { lat: 53.87, lon: 10.69, radiusKm: 5 } },
      3,
    );
    expect(JSON.stringify(key)).not.toMatch(/53\.87|10\.69/);
  });
});

describe('charts and CSV', () => {
  const spec = {
    id: 'x',
    title: 'T',
    description: 'D',
    series: [
      {
        name: 'A',
        data: [
          { label: 'a', value: 10, text: '10' },
          { label: 'b', value: null, text: '< 5' },
          { label: 'c', value: 20, text: '20' },
        ],
      },
    ],
  };

  it('draws no bar for a value under five and scales the others', () => {
    const { bars } = layoutBars(spec);
    expect(bars[1]!.width).toBe(0);
    expect(bars[2]!.width).toBeCloseTo(bars[0]!.width * 2, 0);
  });

  it('breaks the line where a value is hidden', () => {
    const { lines } = layoutLines(spec);
    expect(lines[0]!.points).toHaveLength(2);
    expect(lines[0]!.d.match(/M/g)).toHaveLength(2);
  });

  it('writes CSV for German Excel: BOM, semicolons, CRLF, formulas defused', () => {
    const csv = tableCsv(
      {
        id: 't',
        title: 'Tabelle',
        head: ['Name', 'Anzahl'],
        rows: [
          ['=1+1', '1.234'],
          ['a;b', '< 5'],
        ],
        countColumns: [1],
      },
      'Netz',
    );
    expect(csv).toBe('\uFEFFTabelle;Netz\r\nName;Anzahl\r\n\'=1+1;1.234\r\n"a;b";< 5\r\n');
  });
});

describe('monthly roll-up', () => {
  it('splits a period into whole months and the days before and after them', () => {
    expect(wholeMonthsOf('2025-01-01', '2025-12-31')).toEqual({
      first: '2025-01',
      last: '2025-12',
      head: null,
      tail: null,
    });
    expect(wholeMonthsOf('2026-03-17', '2026-10-09')).toEqual({
      first: '2026-04',
      last: '2026-09',
      head: ['2026-03-17', '2026-03-31'],
      tail: ['2026-10-01', '2026-10-09'],
    });
    // February of a leap year ends on the 29th; a period that ends on the 28th leaves February to the facts.
    expect(wholeMonthsOf('2024-01-15', '2024-02-29')).toEqual({
      first: '2024-02',
      last: '2024-02',
      head: ['2024-01-15', '2024-01-31'],
      tail: null,
    });
    expect(wholeMonthsOf('2024-02-01', '2024-02-28')).toBeNull();
    expect(wholeMonthsOf('2026-03-02', '2026-03-30')).toBeNull();
  });

  it('preselects the current quarter and month in the period form, not the first of the list', () => {
    const choose = (query: Record<string, string>) => {
      const { params } = parseReportParams(new URLSearchParams(query));
      return periodChoicesOf(params, periodOf(params, NOW), NOW);
    };
    // 1 December 2026: the fourth quarter, December.
    expect(choose({ zeitraum: 'quartal' })).toEqual({ quartal: 4, monat: 12 });
    expect(choose({})).toEqual({ quartal: 4, monat: 12 });
    expect(choose({ zeitraum: 'quartal', quartal: '2' }).quartal).toBe(2);
    expect(choose({ zeitraum: 'monat', monat: '5', jahr: '2025' })).toEqual({ quartal: 2, monat: 5 });
  });
});
