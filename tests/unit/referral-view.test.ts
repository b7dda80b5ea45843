import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  answerLabel,
  answersSince,
  createdMessage,
  eventActorText,
  handoutAppointment,
  linkPageState,
  linkStatusText,
  outcomeOptions,
  referralFormState,
  referralSuccessMessage,
} from '../../src/lib/referrals/referral.view';
import type { Referral } from '../../src/lib/referrals/referral';

const referral = { status: 'accepted' } as Referral;
const iso = (value: string) => `[${value}]`;

describe('referral page view', () => {
  it('a transition says the new status; other actions say what happened', () => {
    expect(referralSuccessMessage({ action: 'accept' }, referral)).toBe(
      'Gespeichert. Neuer Stand: Angenommen.',
    );
    expect(referralSuccessMessage({ action: 'appointment' }, referral)).toBe(
      'Der Terminvorschlag ist gespeichert.',
    );
    expect(referralSuccessMessage({ action: 'resend_link' }, null)).toContain('neuer Link');
    expect(referralSuccessMessage({ action: 'tick_step' }, null)).toContain('abgehakt');
  });

  it('a sent referral and a draft get different messages', () => {
    expect(createdMessage({ status: 'sent' })).toContain('gesendet');
    expect(createdMessage({ status: 'draft' })).toContain('Entwurf');
  });

  it('a field error becomes the summary and reopens its action form; a conflict reopens nothing', () => {
    const invalid = referralFormState({
      errors: { reason: 'Bitte geben Sie einen kurzen Grund an.' },
      values: { action: 'decline', reason: '' },
      current: null,
    });
    expect(invalid.errors['_form']).toBe('Bitte geben Sie einen kurzen Grund an.');
    expect(invalid.openAction).toBe('decline');
    const conflict = referralFormState({
      errors: { _form: 'inzwischen geändert' },
      values: { action: 'cancel' },
      current: referral,
    });
    expect(conflict.openAction).toBe('');
    expect(referralFormState(null)).toEqual({ errors: {}, values: {}, openAction: '' });
  });

  it('actions split into one-click buttons and forms that need a reason or an outcome', () => {
    expect(actionsOf('sent', 'partner')).toEqual({ simple: ['accept'], detailed: ['decline', 'cancel'] });
    expect(actionsOf('draft', 'caseworker').simple).toEqual(['send']);
    expect(outcomeOptions('complete').map((o) => o.value)).toContain('got_help');
    expect(outcomeOptions('accept')).toEqual([]);
  });

  it('names the actor of a timeline entry', () => {
    expect(eventActorText({ actorKind: 'system', actorName: null })).toBe('automatisch');
    expect(eventActorText({ actorKind: 'partner_link', actorName: null })).toBe('Einrichtung (über Link)');
    expect(eventActorText({ actorKind: 'partner', actorName: null })).toBe('Einrichtung');
    expect(eventActorText({ actorKind: 'caseworker', actorName: 'Clara' })).toBe('Clara');
  });

  it('describes the newest link: revoked, opened, or waiting', () => {
    const link = { createdAt: 'c', expiresAt: 'e', usedAt: null, revokedAt: null };
    expect(linkStatusText(null, iso)).toBe('');
    expect(linkStatusText({ ...link, revokedAt: 'r' }, iso)).toContain('nicht mehr gültig');
    expect(linkStatusText({ ...link, usedAt: 'u' }, iso)).toBe(
      ' Geöffnet am [u]; der Zugang gilt, bis die Vermittlung abgeschlossen ist.',
    );
    expect(linkStatusText(link, iso)).toContain('noch nicht geöffnet');
  });

  it('the link page thanks after a close, and is gone for a replaced or expired access', () => {
    expect(linkPageState({ state: 'open' }, { status: 'sent' })).toBe('open');
    expect(linkPageState({ state: 'revoked' }, { status: 'completed' })).toBe('closed');
    expect(linkPageState({ state: 'revoked' }, { status: 'accepted' })).toBe('gone');
    expect(linkPageState(null, null)).toBe('gone');
  });

  it('the dashboard lists answers since the last visit, else the last seven days of the given clock', () => {
    const now = new Date('2026-12-08T10:00:00.000Z');
    expect(answersSince('2026-12-07T10:00:00.000Z', now)).toBe('2026-12-07T10:00:00.000Z');
    expect(answersSince(null, now)).toBe('2026-12-01T10:00:00.000Z');
    expect(answerLabel({ answerStatus: 'accepted', answerKind: 'accept' })).toBe('Angenommen');
    expect(answerLabel({ answerStatus: null, answerKind: 'appointment' })).toBe('Termin vorgeschlagen');
  });

  it('the handout names the proposed appointment, else the next step of the contact mode', () => {
    expect(
      handoutAppointment({ appointmentAt: 'a', appointmentNote: 'Raum 2', contactMode: 'appointment' }, iso),
    ).toBe('Ihr Termin: [a] – Raum 2');
    expect(
      handoutAppointment({ appointmentAt: null, appointmentNote: null, contactMode: 'partner_calls' }, iso),
    ).toContain('meldet sich bei Ihnen');
  });
});
