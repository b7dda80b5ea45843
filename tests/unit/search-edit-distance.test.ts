import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/lib/search/search';

/** The textbook table (optimal string alignment), one new array per row: what the fast version must equal. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it('counts a swap of neighbours as one typo and caps at max + 1', () => {
    expect(editDistance('integrationskurs', 'integrationskurz', 2)).toBe(1);
    expect(editDistance('beratung', 'berartung', 2)).toBe(1);
    expect(editDistance('duetsch', 'deutsch', 2)).toBe(1);
    expect(editDistance('kurs', 'kurs', 0)).toBe(0);
    expect(editDistance('kurs', 'schule', 2)).toBe(3);
    expect(editDistance('', 'abc', 5)).toBe(3);
    expect(editDistance('ausländerbehörde', 'auslanderbehorde', 3)).toBe(2);
  });

  it('equals the textbook table (capped) for words of every length, also after a longer word grew its buffer', () => {
    const words = [
      '',
      'a',
      'ab',
      'ba',
      'kurs',
      'krus',
      'sprachkurs',
      'schuldnerberatung',
      'schuldnerbreatung',
    ];
    const long = `${'jugendmigrationsdienst'.repeat(5)}x`;
    const pairs: [string, string][] = [
      [long, long.slice(0, -1)],
      [long, `${long}y`],
    ];
    for (const a of words) for (const b of words) pairs.push([a, b]);
    for (const [a, b] of pairs) {
      for (const max of [0, 1, 2, 3])
        expect(editDistance(a, b, max)).toBe(Math.min(reference(a, b), max + 1));
    }
  });
});
