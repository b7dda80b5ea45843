import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../helpers/db';
import { createTestUser, TEST_PASSWORD } from '../helpers/factories';
import type { ActionContext } from '../../src/lib/action/context';
import type { User } from '../../src/lib/auth/auth';
import { loadConfig } from '../../src/lib/config/config';
import { createSession, validateSessionToken } from '../../src/lib/auth/session.service';
import { SIGN_IN_MESSAGES, signIn, type SignInInput } from '../../src/lib/auth/sign-in.service';
import { changePassword } from '../../src/lib/auth/password-change.service';
import { issuePasswordLink, setPasswordWithLink } from '../../src/lib/auth/password-link.service';
import { listUserSessions, updateUser } from '../../src/lib/auth/auth.queries';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { SIGN_IN_THROTTLE } from '../../src/lib/auth/sign-in-throttle';
import { hashToken } from '../../src/lib/auth/token';

const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', PUBLIC_BASE_URL: 'http://app.test' });
const limits = { sessionIdleMs: 30 * 60_000, sessionAbsoluteMs: 12 * 60 * 60_000 };
const at = (iso: string) => new Date(iso);
const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);
const seconds = (base: Date, n: number) => new Date(base.getTime() + n * 1000);
const anonymous = (now: Date): ActionContext => ({
  actor: { kind: 'anonymous' },
  requestId: null,
  now,
  config,
});
const as = (user: User, now: Date): ActionContext => ({
  actor: { kind: 'user', user },
  requestId: null,
  now,
  config,
});

describe.each(testDialects)('sign-in and sessions on $name', (dialect) => {
  let test: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  const attempt = (input: Partial<SignInInput> & { email: string }, now: Date) =>
    signIn(test.db, anonymous(now), {
      password: TEST_PASSWORD,
      address: '192.0.2.1',
      userAgent: null,
      ...input,
    });

  it('stores only the SHA-256 of the session token', async () => {
    const user = await createTestUser(test.db);
    const { token, session } = await createSession(test.db, limits, user.id, null, new Date());
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

  it('never ends a session before it has been idle for the full timeout, even between activity records', async () => {
    const user = await createTestUser(test.db);
    const start = at('2026-11-22T08:00:00Z');
    const { token } = await createSession(test.db, limits, user.id, null, start);
    // A request 59 seconds in is too soon to move last_seen_at (it is written at most once a minute) …
    const used = seconds(start, 59);
    expect(await validateSessionToken(test.db, limits, token, used)).not.toBeNull();
    // … yet 29 minutes 50 seconds after that request the session is still within its 30 idle minutes.
    expect(await validateSessionToken(test.db, limits, token, seconds(minutes(used, 29), 50))).not.toBeNull();
  });

  it('ends a session once it has been idle for the timeout plus at most the one-minute activity interval', async () => {
    const user = await createTestUser(test.db);
    const start = at('2026-11-22T08:00:00Z');
    const { token } = await createSession(test.db, limits, user.id, null, start);
    expect(await validateSessionToken(test.db, limits, token, seconds(start, 59))).not.toBeNull();
    expect(await validateSessionToken(test.db, limits, token, minutes(start, 31))).toBeNull();
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
    const now = at('2026-11-22T08:00:00Z');
    const first = await attempt({ email: user.email }, now);
    const second = await attempt({ email: user.email }, now);
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(first.value.token).not.toBe(second.value.token);
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const user = await createTestUser(test.db);
    const now = at('2026-11-22T08:00:00Z');
    const wrong = await attempt(
      { email: user.email, password: 'falsch-falsch-falsch', address: '192.0.2.2' },
      now,
    );
    const unknown = await attempt(
      { email: 'niemand@test.example', password: 'egal-egal-egal', address: '192.0.2.2' },
      now,
    );
    expect(wrong).toEqual({ ok: false, kind: 'refused', reason: SIGN_IN_MESSAGES.invalid });
    expect(unknown).toEqual({ ok: false, kind: 'refused', reason: SIGN_IN_MESSAGES.invalid });
  });

  it('makes a guesser from one address wait longer after each failure beyond the free ones', async () => {
    const user = await createTestUser(test.db);
    const rule = SIGN_IN_THROTTLE.accountAddress;
    const guess = { email: user.email, password: 'falsch-falsch', address: '198.51.100.7' };
    let now = at('2026-11-22T09:00:00Z');
    for (let i = 0; i < rule.free; i++) {
      expect(await attempt(guess, now)).toMatchObject({ kind: 'refused', reason: SIGN_IN_MESSAGES.invalid });
    }
    // The free failures are used up: the next try must wait the base delay, and even the right password is
    // not checked before then.
    const early = await attempt({ ...guess, password: TEST_PASSWORD }, seconds(now, 1));
    expect(early).toMatchObject({ ok: false, kind: 'refused', waitMs: rule.baseMs - 1000 });
    now = new Date(now.getTime() + rule.baseMs);
    expect(await attempt(guess, now)).toMatchObject({ reason: SIGN_IN_MESSAGES.invalid });
    // One more failure doubles the wait.
    expect(await attempt(guess, new Date(now.getTime() + rule.baseMs))).toMatchObject({
      waitMs: rule.baseMs,
    });
    const after = await attempt(
      { ...guess, password: TEST_PASSWORD },
      new Date(now.getTime() + 2 * rule.baseMs),
    );
    expect(after.ok).toBe(true);
  });

  it('caps the wait, and the account owner signs in from another address while a stranger hammers', async () => {
    const user = await createTestUser(test.db);
    const rule = SIGN_IN_THROTTLE.accountAddress;
    let now = at('2026-11-22T10:00:00Z');
    for (let i = 0; i < 15; i++) {
      await attempt({ email: user.email, password: `falsch-${i}-falsch`, address: '203.0.113.66' }, now);
      now = new Date(now.getTime() + rule.capMs);
    }
    const stranger = await attempt(
      { email: user.email, password: 'noch-falscher', address: '203.0.113.66' },
      now,
    );
    expect(stranger).toMatchObject({ reason: SIGN_IN_MESSAGES.invalid });
    const blocked = await attempt({ email: user.email, address: '203.0.113.66' }, seconds(now, 1));
    expect(blocked).toMatchObject({ ok: false, waitMs: rule.capMs - 1000 });
    const owner = await attempt({ email: user.email, address: '192.0.2.200' }, seconds(now, 1));
    expect(owner.ok).toBe(true);
  });

  it('slows down one address that tries many accounts, and only that address', async () => {
    const rule = SIGN_IN_THROTTLE.address;
    const now = at('2026-11-22T11:00:00Z');
    for (let i = 0; i < rule.free; i++) {
      await attempt(
        { email: `raten-${i}@test.example`, password: 'falsch-falsch', address: '203.0.113.50' },
        now,
      );
    }
    const user = await createTestUser(test.db);
    const blocked = await attempt({ email: user.email, address: '203.0.113.50' }, now);
    expect(blocked).toMatchObject({ ok: false, kind: 'refused', waitMs: rule.baseMs });
    if (!blocked.ok && blocked.kind === 'refused')
      expect(blocked.reason).toContain('Bitte warten Sie 5 Sekunden');
    expect((await attempt({ email: user.email, address: '203.0.113.51' }, now)).ok).toBe(true);
  });

  it('keeps counting an address after one of its sign-ins succeeds, so a guesser cannot reset it', async () => {
    const rule = SIGN_IN_THROTTLE.address;
    const own = await createTestUser(test.db);
    const now = at('2026-11-22T12:00:00Z');
    for (let i = 0; i < rule.free - 1; i++) {
      await attempt(
        { email: `stopf-${i}@test.example`, password: 'falsch-falsch', address: '203.0.113.70' },
        now,
      );
    }
    expect((await attempt({ email: own.email, address: '203.0.113.70' }, now)).ok).toBe(true);
    await attempt(
      { email: 'stopf-letzt@test.example', password: 'falsch-falsch', address: '203.0.113.70' },
      now,
    );
    expect(await attempt({ email: own.email, address: '203.0.113.70' }, now)).toMatchObject({ ok: false });
  });

  it('forgets failures after the window', async () => {
    const user = await createTestUser(test.db);
    const now = at('2026-11-22T13:00:00Z');
    for (let i = 0; i < 6; i++) {
      await attempt({ email: user.email, password: 'falsch-falsch', address: '198.51.100.9' }, now);
    }
    const later = new Date(now.getTime() + SIGN_IN_THROTTLE.windowMs + 1000);
    expect((await attempt({ email: user.email, address: '198.51.100.9' }, later)).ok).toBe(true);
  });

  it('refuses a deactivated user and ends sessions they still hold', async () => {
    const user = await createTestUser(test.db);
    const now = new Date();
    const { token } = await createSession(test.db, limits, user.id, null, now);
    await updateUser(test.db, user.id, user.version, { active: false }, now);
    const result = await attempt({ email: user.email, address: '192.0.2.3' }, now);
    expect(result).toEqual({ ok: false, kind: 'refused', reason: SIGN_IN_MESSAGES.invalid });
    expect(await validateSessionToken(test.db, limits, token, now)).toBeNull();
  });

  it('ends the other sessions when the password changes, and keeps the current one', async () => {
    const user = await createTestUser(test.db);
    const now = new Date();
    const current = await createSession(test.db, limits, user.id, null, now);
    const other = await createSession(test.db, limits, user.id, null, now);
    const result = await changePassword(test.db, as(user, now), {
      current: TEST_PASSWORD,
      next: 'ein ganz neuer Satz als Passwort',
      repeat: 'ein ganz neuer Satz als Passwort',
      keepSessionId: current.session.id,
      address: '192.0.2.40',
    });
    expect(result).toEqual({ ok: true, value: { endedSessions: 1 } });
    expect(await validateSessionToken(test.db, limits, other.token, now)).toBeNull();
    expect(await validateSessionToken(test.db, limits, current.token, now)).not.toBeNull();
    const signedIn = await attempt(
      { email: user.email, password: 'ein ganz neuer Satz als Passwort', address: '192.0.2.4' },
      now,
    );
    expect(signedIn.ok).toBe(true);
    const audit = await listAuditEntries(test.db, { objectType: 'user', objectId: user.id });
    expect(audit.map((e) => e.action)).toContain('auth.password_change');
    expect(audit.find((e) => e.action === 'auth.password_change')?.at).toBe(now.toISOString());
  });

  it('refuses a password change with a wrong current password and changes nothing', async () => {
    const user = await createTestUser(test.db);
    const now = new Date();
    const current = await createSession(test.db, limits, user.id, null, now);
    const other = await createSession(test.db, limits, user.id, null, now);
    const result = await changePassword(test.db, as(user, now), {
      current: 'falsch',
      next: 'ein ganz neuer Satz',
      repeat: 'ein ganz neuer Satz',
      keepSessionId: current.session.id,
      address: '192.0.2.41',
    });
    expect(result).toMatchObject({ ok: false, kind: 'invalid', errors: { current: expect.any(String) } });
    expect(await listUserSessions(test.db, user.id)).toHaveLength(2);
    expect(await validateSessionToken(test.db, limits, other.token, now)).not.toBeNull();
  });

  it('throttles wrong current passwords like sign-in: after three, even the right one waits', async () => {
    const user = await createTestUser(test.db);
    const now = new Date();
    const current = await createSession(test.db, limits, user.id, null, now);
    const change = (password: string, at: Date) =>
      changePassword(test.db, as(user, at), {
        current: password,
        next: 'ein ganz neuer Satz als Passwort',
        repeat: 'ein ganz neuer Satz als Passwort',
        keepSessionId: current.session.id,
        address: '192.0.2.42',
      });
    for (let i = 0; i < 3; i++) {
      expect(await change('falsch', new Date(now.getTime() + i * 1000))).toMatchObject({
        errors: { current: 'Das aktuelle Passwort stimmt nicht.' },
      });
    }
    const waiting = await change(TEST_PASSWORD, new Date(now.getTime() + 3000));
    expect(waiting).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: { current: expect.stringMatching(/^Zu viele falsche Passwörter/) },
    });
    expect((await change(TEST_PASSWORD, new Date(now.getTime() + 60_000))).ok).toBe(true);
  });

  it('lets a password link be used exactly once and keeps it usable after a weak attempt', async () => {
    const user = await createTestUser(test.db, { password: null });
    const now = new Date();
    const link = await issuePasswordLink(test.db, { now, config }, user.id);
    const token = link.url.split('/').pop()!;
    const ctx = anonymous(now);
    const weak = await setPasswordWithLink(test.db, ctx, {
      token,
      password: 'passwort123',
      repeat: 'passwort123',
    });
    expect(weak).toMatchObject({ ok: false, kind: 'invalid', errors: { password: expect.any(String) } });
    const good = await setPasswordWithLink(test.db, ctx, {
      token,
      password: 'Holstentor im Nebel 7',
      repeat: 'Holstentor im Nebel 7',
    });
    expect(good).toEqual({ ok: true, value: { userId: user.id } });
    const again = await setPasswordWithLink(test.db, ctx, {
      token,
      password: 'Holstentor im Regen 8',
      repeat: 'Holstentor im Regen 8',
    });
    expect(again).toMatchObject({ ok: false, kind: 'invalid', errors: { token: expect.any(String) } });
    const signedIn = await attempt(
      { email: user.email, password: 'Holstentor im Nebel 7', address: '192.0.2.5' },
      now,
    );
    expect(signedIn.ok).toBe(true);
    const audit = await listAuditEntries(test.db, { objectType: 'user', objectId: user.id });
    expect(audit.find((e) => e.action === 'auth.password_set_by_link')?.actorUserId).toBe(user.id);
  });

  it('refuses an expired password link', async () => {
    const user = await createTestUser(test.db, { password: null });
    const issued = at('2026-11-01T08:00:00Z');
    const link = await issuePasswordLink(test.db, { now: issued, config }, user.id);
    const token = link.url.split('/').pop()!;
    const result = await setPasswordWithLink(test.db, anonymous(minutes(issued, 73 * 60)), {
      token,
      password: 'Holstentor im Nebel 7',
      repeat: 'Holstentor im Nebel 7',
    });
    expect(result).toMatchObject({ ok: false, kind: 'invalid', errors: { token: expect.any(String) } });
  });
});
