import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  answerLabel,
  answersSince,
  createdMessage,
  dashboardHref,
  dashboardPages,
  dashboardSelection,
  DASHBOARD_PAGE_SIZE,
  draftSavedMessage,
  draftTarget,
  eventActorText,
  eventSummary,
  handoutAppointment,
  linkPageState,
  linkStatusText,
  outcomeOptions,
  referralFormState,
  referralHref,
  referralSuccessMessage,
  statusText,
  unreadLabel,
} from '../../src/lib/referrals/referral.view';
import { describeEvent, type Referral } from '../../src/lib/referrals/referral';

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
    expect(answerLabel({ answerStatus: 'accepted', answerKind: 'accept' })).toBe(
      'Einrichtung hat angenommen',
    );
    expect(answerLabel({ answerStatus: null, answerKind: 'appointment' })).toBe('Termin vorgeschlagen');
  });

  it('a referral with unseen messages says how many: one, or the number', () => {
    expect(unreadLabel(1)).toBe('Neue Nachricht');
    expect(unreadLabel(3)).toBe('3 neue Nachrichten');
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

describe('what happened, in plain German (issue 11, item 8)', () => {
  const event = (kind: string, extra: Record<string, unknown> = {}) => ({
    kind,
    toStatus: null,
    note: null,
    ...extra,
  });

  it('the timeline says what happened, never the status machine ("Senden → Gesendet")', () => {
    const texts = [
      'send',
      'accept',
      'decline',
      'cancel',
      'start',
      'hold',
      'complete',
      'fail',
      'enter_in_error',
    ].map((kind) => describeEvent({ kind, toStatus: 'sent', note: null }));
    for (const text of texts) expect(text).not.toContain('→');
    expect(describeEvent({ kind: 'send', toStatus: 'sent', note: null })).toBe(
      'Vermittlung an die Einrichtung gesendet',
    );
    expect(describeEvent({ kind: 'accept', toStatus: 'accepted', note: null })).toBe(
      'Einrichtung hat angenommen',
    );
  });

  it('a withdrawal names who ended the referral', () => {
    expect(
      describeEvent({ kind: 'cancel', toStatus: 'cancelled', note: null, actorKind: 'caseworker' }),
    ).toBe('Fachkraft hat die Vermittlung zurückgezogen');
    expect(
      describeEvent({ kind: 'cancel', toStatus: 'cancelled', note: null, actorKind: 'partner_link' }),
    ).toBe('Einrichtung hat die Vermittlung abgebrochen');
  });

  it('a line in a list carries the reason: "Einrichtung hat abgelehnt: keine freien Plätze"', () => {
    expect(eventSummary(event('decline', { reason: 'keine freien Plätze', toStatus: 'declined' }))).toBe(
      'Einrichtung hat abgelehnt: keine freien Plätze',
    );
    expect(eventSummary(event('hold', { reason: 'Kurs startet erst im März' }))).toBe(
      'Einrichtung hat pausiert: Kurs startet erst im März',
    );
  });

  it('a finished referral shows its outcome instead of "Abgeschlossen"', () => {
    expect(eventSummary(event('complete', { outcome: 'started' }))).toBe(
      'Ergebnis: Kurs / Maßnahme begonnen',
    );
    expect(eventSummary(event('fail', { outcome: 'no_capacity', reason: 'voll bis Juni' }))).toBe(
      'Nicht zustande gekommen: Kein Platz frei (voll bis Juni)',
    );
    expect(statusText({ status: 'completed', outcome: 'got_help' })).toBe('Ergebnis: Hilfe erhalten');
    expect(statusText({ status: 'failed', outcome: 'not_reached' })).toBe(
      'Nicht zustande gekommen: Nicht erreicht',
    );
    expect(statusText({ status: 'accepted', outcome: null })).toBe('Angenommen');
  });

  it('the dashboard names the outcome and the reason of an answer while the referral still stands there', () => {
    expect(
      answerLabel({
        answerStatus: 'completed',
        answerKind: 'complete',
        status: 'completed',
        outcome: 'got_help',
      }),
    ).toBe('Ergebnis: Hilfe erhalten');
    expect(
      answerLabel({
        answerStatus: 'declined',
        answerKind: 'decline',
        status: 'declined',
        outcome: null,
        statusReason: 'keine freien Plätze',
      }),
    ).toBe('Einrichtung hat abgelehnt: keine freien Plätze');
    // An older answer (the referral moved on since) is said without the newer state's outcome.
    expect(
      answerLabel({
        answerStatus: 'accepted',
        answerKind: 'accept',
        status: 'completed',
        outcome: 'got_help',
      }),
    ).toBe('Einrichtung hat angenommen');
  });

  it('a draft opens in its form; what is sent opens its page', () => {
    expect(referralHref({ id: 'r1', status: 'draft' })).toBe('/vermittlungen/entwurf/r1');
    expect(referralHref({ id: 'r1', status: 'sent' })).toBe('/vermittlungen/r1');
    expect(draftTarget({ referral: { id: 'r1' }, toCheck: true })).toBe('/vermittlungen/entwurf/r1/pruefen');
    expect(draftTarget({ referral: { id: 'r1' }, toCheck: false })).toBe('/vermittlungen/entwurf/r1');
    expect(draftSavedMessage({ toCheck: false })).toContain('Entwurf ist gespeichert');
  });

  it('the dashboard shows one group alone page by page; junk in the address shows the overview or page 1', () => {
    const select = (query: string) => dashboardSelection(new URLSearchParams(query));
    expect(select('')).toEqual({ shown: null, page: 1 });
    expect(select('gruppe=running&seite=3')).toEqual({ shown: 'running', page: 3 });
    expect(select('gruppe=running&seite=abc')).toEqual({ shown: 'running', page: 1 });
    expect(select('gruppe=running&seite=0')).toEqual({ shown: 'running', page: 1 });
    expect(select('gruppe=running&seite=2.5')).toEqual({ shown: 'running', page: 1 });
    expect(select('gruppe=running&seite=1e400')).toEqual({ shown: 'running', page: 1 });
    expect(select('gruppe=alle&seite=2')).toEqual({ shown: null, page: 1 });
  });

  it('each group asks for its first rows, the group shown alone for its page and one row more, an empty one for none', () => {
    const counts = { overdue: 0, waiting: 3, running: 500, draft: 12, closed: 0 };
    const pages = dashboardPages(counts, { shown: 'running', page: 3 });
    expect(pages).toEqual([
      { group: 'overdue', limit: 0, offset: 0 },
      { group: 'waiting', limit: 10, offset: 0 },
      { group: 'running', limit: DASHBOARD_PAGE_SIZE + 1, offset: 2 * DASHBOARD_PAGE_SIZE },
      { group: 'draft', limit: 10, offset: 0 },
      // Closed referrals are never counted: their newest rows are always asked for.
      { group: 'closed', limit: 10, offset: 0 },
    ]);
  });

  it('the dashboard links keep the view and carry only the group and the page', () => {
    expect(dashboardHref(false)).toBe('/vermittlungen');
    expect(dashboardHref(true)).toBe('/vermittlungen?ansicht=dienststelle');
    expect(dashboardHref(true, 'overdue')).toBe('/vermittlungen?ansicht=dienststelle&gruppe=overdue#overdue');
    expect(dashboardHref(false, 'closed', 1)).toBe('/vermittlungen?gruppe=closed#closed');
    expect(dashboardHref(false, 'closed', 4)).toBe('/vermittlungen?gruppe=closed&seite=4#closed');
  });
});
