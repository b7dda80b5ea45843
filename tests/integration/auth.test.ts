import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestUser, TEST_PASSWORD } from '../helpers/factories';
import { createSession, validateSessionToken } from '../../src/lib/auth/session.service';
import { signIn } from '../../src/lib/auth/sign-in.service';
import { changePassword } from '../../src/lib/auth/password-change.service';
import { issuePasswordLink, setPasswordWithLink } from '../../src/lib/auth/password-link.service';
import { listUserSessions, updateUser } from '../../src/lib/auth/auth.queries';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { RATE_LIMIT } from '../../src/lib/auth/rate-limit';
import { hashToken } from '../../src/lib/auth/token';

const limits = { sessionIdleMs: 30 * 60_000, sessionAbsoluteMs: 12 * 60 * 60_000 };
const at = (iso: string) => new Date(iso);
const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

describe.each(testDialects)('sign-in and sessions on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  it('stores only the SHA-256 of the session token', async () => {
    const user = await createTestUser(test.db);
    const { token, session } = await createSession(test.db, limits, user.id, null);
    expect(session.id).toBe(hashToken(token));
    const rows = await test.db.selectFrom('session').select('id').where('user_id', '=', user.id).execute();
    expect(rows.map((r) => r.id)).toEqual([hashToken(token)]);
  });

  it('keeps a session alive while it is used and ends it after 30 idle minutes', async () => {
    const user = await createTestUser(test.db);
    const start = at('2026-11-22T08:00:00Z');
    const { token } = await createSession(test.db, limits, user.id, null, start);
    expect(await validateSessionToken(test.db, limits, token, minutes(start, 20))).not.toBeNull();
    // Activity at minute 20 moves the idle deadline to minute 50.
    expect(await validateSessionToken(test.db, limits, token, minutes(start, 45))).not.toBeNull();
    expect(await validateSessionToken(test.db, limits, token, minutes(start, 45 + 31))).toBeNull();
    // An ended session stays ended.
    expect(await validateSessionToken(test.db, limits, token, minutes(start, 46))).toBeNull();
  });

  it('ends a session after its absolute lifetime even when it is used constantly', async () => {
    const user = await createTestUser(test.db);
    const start = at('2026-11-22T08:00:00Z');
    const { token } = await createSession(test.db, limits, user.id, null, start);
    for (let minute = 25; minute < 12 * 60; minute += 25) {
      expect(await validateSessionToken(test.db, limits, token, minutes(start, minute))).not.toBeNull();
    }
    expect(await validateSessionToken(test.db, limits, token, minutes(start, 12 * 60))).toBeNull();
  });

  it('issues a new token at each sign-in', async () => {
    const user = await createTestUser(test.db);
    const input = { email: user.email, password: TEST_PASSWORD, ip: '192.0.2.1', userAgent: null };
    const first = await signIn(test.db, limits, input);
    const second = await signIn(test.db, limits, input);
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(first.token).not.toBe(second.token);
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const user = await createTestUser(test.db);
    const wrong = await signIn(test.db, limits, {
      email: user.email,
      password: 'falsch-falsch-falsch',
      ip: '192.0.2.2',
      userAgent: null,
    });
    const unknown = await signIn(test.db, limits, {
      email: 'niemand@test.example',
      password: 'egal-egal-egal',
      ip: '192.0.2.2',
      userAgent: null,
    });
    expect(wrong).toEqual({ ok: false, reason: 'invalid' });
    expect(unknown).toEqual({ ok: false, reason: 'invalid' });
  });

  it('locks an account after 5 failures in 15 minutes, even with the right password, from any IP', async () => {
    const user = await createTestUser(test.db);
    const now = at('2026-11-22T09:00:00Z');
    for (let i = 0; i < RATE_LIMIT.perAccount; i++) {
      await signIn(
        test.db,
        limits,
        { email: user.email, password: `falsch-${i}-falsch`, ip: `198.51.100.${i}`, userAgent: null },
        now,
      );
    }
    const locked = await signIn(
      test.db,
      limits,
      { email: user.email, password: TEST_PASSWORD, ip: '198.51.100.99', userAgent: null },
      now,
    );
    expect(locked).toEqual({ ok: false, reason: 'rate_limited' });
    const later = await signIn(
      test.db,
      limits,
      { email: user.email, password: TEST_PASSWORD, ip: '198.51.100.99', userAgent: null },
      minutes(now, 16),
    );
    expect(later.ok).toBe(true);
  });

  it('limits one IP that tries many accounts', async () => {
    const now = at('2026-11-22T10:00:00Z');
    for (let i = 0; i < RATE_LIMIT.perIp; i++) {
      await signIn(
        test.db,
        limits,
        { email: `raten-${i}@test.example`, password: 'falsch-falsch', ip: '203.0.113.50', userAgent: null },
        now,
      );
    }
    const user = await createTestUser(test.db);
    const blocked = await signIn(
      test.db,
      limits,
      { email: user.email, password: TEST_PASSWORD, ip: '203.0.113.50', userAgent: null },
      now,
    );
    expect(blocked).toEqual({ ok: false, reason: 'rate_limited' });
    const otherIp = await signIn(
      test.db,
      limits,
      { email: user.email, password: TEST_PASSWORD, ip: '203.0.113.51', userAgent: null },
      now,
    );
    expect(otherIp.ok).toBe(true);
  });

  it('refuses a deactivated user and ends sessions they still hold', async () => {
    const user = await createTestUser(test.db);
    const { token } = await createSession(test.db, limits, user.id, null);
    await updateUser(test.db, user.id, user.version, { active: false });
    const result = await signIn(test.db, limits, {
      email: user.email,
      password: TEST_PASSWORD,
      ip: '192.0.2.3',
      userAgent: null,
    });
    expect(result).toEqual({ ok: false, reason: 'invalid' });
    expect(await validateSessionToken(test.db, limits, token)).toBeNull();
  });

  it('ends the other sessions when the password changes, and keeps the current one', async () => {
    const user = await createTestUser(test.db);
    const current = await createSession(test.db, limits, user.id, null);
    const other = await createSession(test.db, limits, user.id, null);
    const result = await changePassword(test.db, user, current.session.id, {
      current: TEST_PASSWORD,
      next: 'ein ganz neuer Satz als Passwort',
      repeat: 'ein ganz neuer Satz als Passwort',
    });
    expect(result).toEqual({ ok: true, endedSessions: 1 });
    expect(await validateSessionToken(test.db, limits, other.token)).toBeNull();
    expect(await validateSessionToken(test.db, limits, current.token)).not.toBeNull();
    const signedIn = await signIn(test.db, limits, {
      email: user.email,
      password: 'ein ganz neuer Satz als Passwort',
      ip: '192.0.2.4',
      userAgent: null,
    });
    expect(signedIn.ok).toBe(true);
    const audit = await listAuditEntries(test.db, { objectType: 'user', objectId: user.id });
    expect(audit.map((e) => e.action)).toContain('auth.password_change');
  });

  it('refuses a password change with a wrong current password and changes nothing', async () => {
    const user = await createTestUser(test.db);
    const current = await createSession(test.db, limits, user.id, null);
    const other = await createSession(test.db, limits, user.id, null);
    const result = await changePassword(test.db, user, current.session.id, {
      current: 'falsch',
      next: 'ein ganz neuer Satz',
      repeat: 'ein ganz neuer Satz',
    });
    expect(result).toMatchObject({ ok: false, field: 'current' });
    expect(await listUserSessions(test.db, user.id)).toHaveLength(2);
    expect(await validateSessionToken(test.db, limits, other.token)).not.toBeNull();
  });

  it('lets a password link be used exactly once and keeps it usable after a weak attempt', async () => {
    const user = await createTestUser(test.db, { password: null });
    const link = await issuePasswordLink(test.db, { publicBaseUrl: 'http://app.test' }, user.id);
    const token = link.url.split('/').pop()!;
    const weak = await setPasswordWithLink(test.db, token, 'passwort123', 'passwort123');
    expect(weak).toMatchObject({ ok: false, field: 'password' });
    const good = await setPasswordWithLink(test.db, token, 'Holstentor im Nebel 7', 'Holstentor im Nebel 7');
    expect(good).toEqual({ ok: true, userId: user.id });
    const again = await setPasswordWithLink(test.db, token, 'Holstentor im Regen 8', 'Holstentor im Regen 8');
    expect(again).toMatchObject({ ok: false, field: 'token' });
    const signedIn = await signIn(test.db, limits, {
      email: user.email,
      password: 'Holstentor im Nebel 7',
      ip: '192.0.2.5',
      userAgent: null,
    });
    expect(signedIn.ok).toBe(true);
  });

  it('refuses an expired password link', async () => {
    const user = await createTestUser(test.db, { password: null });
    const issued = at('2026-11-01T08:00:00Z');
    const link = await issuePasswordLink(test.db, { publicBaseUrl: 'http://app.test' }, user.id, issued);
    const token = link.url.split('/').pop()!;
    const result = await setPasswordWithLink(
      test.db,
      token,
      'Holstentor im Nebel 7',
      'Holstentor im Nebel 7',
      minutes(issued, 73 * 60),
    );
    expect(result).toMatchObject({ ok: false, field: 'token' });
  });
});
