import { describe, expect, it } from 'vitest';
import {
  germanWait,
  remainingWaitMs,
  requiredWaitMs,
  SIGN_IN_THROTTLE,
  throttleKeys,
} from '../../src/lib/auth/sign-in-throttle';

describe('sign-in throttling rules', () => {
  const rule = { free: 3, baseMs: 30_000, capMs: 15 * 60_000 };

  it('costs nothing for the free failures, then doubles the wait with each further failure', () => {
    expect([0, 1, 2].map((n) => requiredWaitMs(rule, n))).toEqual([0, 0, 0]);
    expect([3, 4, 5, 6].map((n) => requiredWaitMs(rule, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('never asks for more than the cap, however many failures there were', () => {
    expect(requiredWaitMs(rule, 8)).toBe(rule.capMs);
    expect(requiredWaitMs(rule, 10_000)).toBe(rule.capMs);
  });

  it('counts the wait from the latest failure', () => {
    const latest = '2026-11-22T09:00:00.000Z';
    const now = new Date('2026-11-22T09:00:10.000Z');
    expect(remainingWaitMs(rule, { count: 3, latest }, now)).toBe(20_000);
    expect(remainingWaitMs(rule, { count: 2, latest }, now)).toBe(0);
    expect(remainingWaitMs(rule, { count: 0, latest: null }, now)).toBe(0);
  });

  it('keys account+address apart from the address alone, and stores neither in clear', () => {
    const a = throttleKeys('Person@Beispiel.de', '192.0.2.1');
    const b = throttleKeys('person@beispiel.de', '192.0.2.1');
    const c = throttleKeys('person@beispiel.de', '192.0.2.2');
    expect(a).toEqual(b);
    expect(a.accountAddress).not.toBe(c.accountAddress);
    expect(a.address).not.toBe(c.address);
    expect(a.address).not.toBe(a.accountAddress);
    expect(JSON.stringify(a)).not.toContain('192.0.2.1');
  });

  it('says the wait in German, rounded up', () => {
    expect(germanWait(1)).toBe('1 Sekunde');
    expect(germanWait(4_200)).toBe('5 Sekunden');
    expect(germanWait(90_000)).toBe('2 Minuten');
    expect(germanWait(SIGN_IN_THROTTLE.accountAddress.capMs)).toBe('15 Minuten');
  });
});
