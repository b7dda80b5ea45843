import { describe, expect, it } from 'vitest';
import {
  describeSendError,
  isConnectionError,
  MAX_RETRY_DELAY_MS,
  redactLinkTokens,
  retryDelayMs,
} from '../../src/lib/notify/outbox';
import { generateToken } from '../../src/lib/auth/token';
import { newId } from '../../src/lib/db/ids';

describe('outbox rules', () => {
  it('doubles the wait after each failed attempt, starting at the base', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 60))).toEqual([60_000, 120_000, 240_000, 480_000]);
  });

  it('never waits longer than six hours between attempts', () => {
    expect(retryDelayMs(9, 60)).toBe(256 * 60_000);
    expect(retryDelayMs(10, 60)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1000, 60)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1, 100_000)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('removes single-use tokens from links but keeps the rest of the text', () => {
    const token = generateToken();
    const text = `Bitte öffnen Sie https://netz.example/link/${token} bis Freitag.\nOder: https://netz.example/passwort-setzen/${token}`;
    const redacted = redactLinkTokens(text);
    expect(redacted).not.toContain(token);
    expect(redacted).toBe(
      'Bitte öffnen Sie https://netz.example/link/[entfernt] bis Freitag.\nOder: https://netz.example/passwort-setzen/[entfernt]',
    );
  });

  it('leaves ids, shorter or longer words and tokens outside a path alone', () => {
    const id = newId();
    const text = `Vorgang https://netz.example/vermittlungen/${id} – Code ${'a'.repeat(32)} – /${'b'.repeat(33)}`;
    expect(redactLinkTokens(text)).toBe(text);
  });

  it('describes a send error by code and reply code only, never by its message', () => {
    const error = Object.assign(new Error('550 <nora@example.org>: mailbox unavailable'), {
      code: 'EENVELOPE',
      responseCode: 550,
    });
    expect(describeSendError(error)).toBe('EENVELOPE 550');
    expect(describeSendError(new TypeError('secret content'))).toBe('TypeError');
    expect(describeSendError('oops')).toBe('Unbekannt');
  });

  it('tells an unreachable server from a refused mail', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'EENVELOPE' }))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});
