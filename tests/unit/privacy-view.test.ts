import { describe, expect, it } from 'vitest';
import { confirmsCode } from '../../src/lib/privacy/erasure.service';
import { auditActionLabel, auditActor, eventText, recordRows } from '../../src/lib/privacy/access.view';
import { retentionCutoff } from '../../src/lib/privacy/retention.service';

describe('privacy view and rules', () => {
  it('the erasure confirmation takes the case code in any case, with or without the dash, and nothing else', () => {
    expect(confirmsCode('k7m3-9qxp', 'K7M3-9QXP')).toBe(true);
    expect(confirmsCode(' K7M3 9QXP ', 'K7M3-9QXP')).toBe(true);
    expect(confirmsCode('K7M3-9QXQ', 'K7M3-9QXP')).toBe(false);
    expect(confirmsCode('', '')).toBe(false);
  });

  it('the default period cuts at now; a longer configured period moves the cutoff back by the difference', () => {
    const now = new Date('2029-12-02T09:00:00.000Z');
    expect(retentionCutoff(now, 3)).toBe('2029-12-02T09:00:00.000Z');
    expect(retentionCutoff(now, 5)).toBe('2027-12-02T09:00:00.000Z');
    expect(retentionCutoff(now, 1)).toBe('2031-12-02T09:00:00.000Z');
  });

  it('names privacy actions in German beside the audit module’s labels, and unknown ones by their key', () => {
    expect(auditActionLabel('case.erase')).toContain('Art. 17');
    expect(auditActionLabel('case.create')).toBe('Fall angelegt');
    expect(auditActionLabel('something.new')).toBe('something.new');
  });

  it('names who acted: person and organisation, or the system', () => {
    const base = {
      id: 'a',
      at: '',
      actorUserId: null,
      actorOrganizationId: null,
      action: 'x',
      objectType: 'case',
    };
    const entry = { ...base, objectId: null, consentId: null, requestId: null };
    expect(auditActor({ ...entry, actor: 'Clara', organization: 'JMD Lübeck' })).toBe('Clara (JMD Lübeck)');
    expect(auditActor({ ...entry, actor: '', organization: 'Sprachschule' })).toBe('Sprachschule');
    expect(auditActor({ ...entry, actor: 'System', organization: '' })).toBe('System');
  });

  it('a timeline entry says what happened, who did it and why', () => {
    const event = {
      id: 'e',
      referralId: 'r',
      at: '2026-12-01T09:00:00.000Z',
      actorUserId: 'u',
      actorOrganizationId: 'o',
      actorKind: 'partner' as const,
      kind: 'decline',
      fromStatus: 'sent' as const,
      toStatus: 'declined' as const,
      reason: 'Kein Platz frei',
      outcome: null,
      note: null,
      actor: 'Pia Partner',
    };
    expect(eventText(event)).toBe('Einrichtung hat abgelehnt (Pia Partner): Kein Platz frei');
  });

  it('a further record shows its filled columns, without ids', () => {
    expect(recordRows({ id: 'x', referral_id: 'y', body: 'Hallo', read_at: null })).toEqual([
      ['body', 'Hallo'],
    ]);
  });
});
