import { describe, expect, it } from 'vitest';
import {
  confirmationDueBefore,
  nextRequestStep,
  QuickUpdateSchema,
} from '../../src/lib/directory/upkeep-request';

const DAY = 24 * 60 * 60_000;
const sent = '2026-06-01T08:00:00.000Z';
const after = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY);

describe('confirmation request rules', () => {
  it('an entry is due six months after its last confirmation', () => {
    expect(confirmationDueBefore(new Date('2026-12-02T09:00:00Z'), 6)).toBe('2026-06-02T09:00:00.000Z');
  });

  it('a request is reminded after the reminder days, and goes to the coordinator after as many again', () => {
    expect(
      nextRequestStep({ status: 'sent', sentAt: sent, remindedAt: null }, after(sent, 13), 14),
    ).toBeNull();
    expect(nextRequestStep({ status: 'sent', sentAt: sent, remindedAt: null }, after(sent, 14), 14)).toBe(
      'remind',
    );
    const reminded = after(sent, 14).toISOString();
    expect(
      nextRequestStep({ status: 'reminded', sentAt: sent, remindedAt: reminded }, after(reminded, 13), 14),
    ).toBeNull();
    expect(
      nextRequestStep({ status: 'reminded', sentAt: sent, remindedAt: reminded }, after(reminded, 14), 14),
    ).toBe('escalate');
    expect(
      nextRequestStep({ status: 'answered', sentAt: sent, remindedAt: reminded }, after(reminded, 99), 14),
    ).toBeNull();
  });
});

describe('quick update form', () => {
  const base = { intent: 'schnell', id: 'abc', version: '3', status: 'active' };
  it('reads free places, status and dates', () => {
    const parsed = QuickUpdateSchema.safeParse({
      ...base,
      freePlaces: '4',
      status: 'temporarily_closed',
      closedUntil: '2027-01-31',
      nextIntake: '2027-02-01',
    });
    expect(parsed.success && parsed.data).toMatchObject({
      freePlaces: 4,
      status: 'temporarily_closed',
      closedUntil: '2027-01-31',
      nextIntake: '2027-02-01',
      version: 3,
    });
  });

  it.each([
    [{ freePlaces: '-1' }, 'freePlaces'],
    [{ freePlaces: '1e3' }, 'freePlaces'],
    [{ freePlaces: '99999' }, 'freePlaces'],
    [{ nextIntake: '31.01.2027' }, 'nextIntake'],
    [{ closedUntil: '2027-01-31' }, 'closedUntil'],
    [{ status: 'inactive' }, 'status'],
  ])('refuses %o in %s', (change, field) => {
    const parsed = QuickUpdateSchema.safeParse({ ...base, ...change });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => i.path[0])).toContain(field);
  });
});

describe('quick update dates', () => {
  const base = { intent: 'schnell', id: 'abc', version: '3', status: 'temporarily_closed' };
  it('refuses a date that does not exist (30 February) with a German message', () => {
    const parsed = QuickUpdateSchema.safeParse({ ...base, closedUntil: '2027-02-30' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join(' ')).toMatch(/gibt es nicht/);
    expect(QuickUpdateSchema.safeParse({ ...base, nextIntake: '2027-13-01' }).success).toBe(false);
    expect(QuickUpdateSchema.safeParse({ ...base, closedUntil: '2028-02-29' }).success).toBe(true);
  });
});
