import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/lib/action/context';
import type { User } from '../../src/lib/auth/auth';
import { listAuditEntries } from '../../src/lib/audit/audit.queries';
import { verifyAuditChain } from '../../src/lib/audit/audit.queries';
import { listUserSessions } from '../../src/lib/auth/auth.queries';
import {
  decodeTotpSecret,
  hashRecoveryCode,
  RECOVERY_CODE_COUNT,
  TOTP_PERIOD_SECONDS,
  totpCodeForStep,
  totpStepAt,
} from '../../src/lib/auth/mfa';
import { findUserMfa } from '../../src/lib/auth/mfa.queries';
import {
  confirmMfaEnrolment,
  disableOwnMfa,
  findOwnMfaStatus,
  findPendingSignIn,
  MFA_MESSAGES,
  MFA_THROTTLE,
  regenerateRecoveryCodes,
  resetUserMfa,
  sealClearMfaSecrets,
  startMfaEnrolment,
  verifySecondFactor,
} from '../../src/lib/auth/mfa.service';
import { issuePasswordLink, setPasswordWithLink } from '../../src/lib/auth/password-link.service';
import { PENDING_SIGN_IN_MS, validateSessionToken } from '../../src/lib/auth/session.service';
import { signIn } from '../../src/lib/auth/sign-in.service';
import { loadConfig } from '../../src/lib/config/config';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';
import { createTestUser, TEST_PASSWORD } from '../helpers/factories';

const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', PUBLIC_BASE_URL: 'http://app.test' });
const limits = { sessionIdleMs: config.sessionIdleMs, sessionAbsoluteMs: config.sessionAbsoluteMs };
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
/** Where the enrolment page's password confirmations come from. */
const ADDRESS = '192.0.2.20';
const plus = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
/** The secret the enrolment page shows (the stored value is encrypted). */
async function shownSecret(db: TestDb['db'], user: User, now: Date): Promise<string> {
  const status = await findOwnMfaStatus(db, as(user, now));
  if (status?.state !== 'pending') throw new Error('no pending secret');
  return status.secret;
}
/** The code an authenticator app shows at `now` for a secret. */
const codeAt = (secret: string, now: Date) => totpCodeForStep(decodeTotpSecret(secret), totpStepAt(now));

describe.each(testDialects)('second factor (TOTP) on $name', (dialect) => {
  let test: TestDb;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  /** Enrols a user at `now` and returns the secret and the recovery codes. */
  async function enrol(user: User, now: Date): Promise<{ secret: string; recoveryCodes: string[] }> {
    expect(
      await startMfaEnrolment(test.db, as(user, now), { password: TEST_PASSWORD, address: ADDRESS }),
    ).toMatchObject({
      ok: true,
    });
    const secret = await shownSecret(test.db, user, now);
    const confirmed = await confirmMfaEnrolment(test.db, as(user, now), { code: codeAt(secret, now) });
    if (!confirmed.ok) throw new Error(`enrolment failed: ${JSON.stringify(confirmed)}`);
    return { secret, recoveryCodes: confirmed.value.recoveryCodes };
  }

  /** The password step; returns the pending token. */
  async function passwordStep(user: User, now: Date, address = '192.0.2.10'): Promise<string> {
    const result = await signIn(test.db, anonymous(now), {
      email: user.email,
      password: TEST_PASSWORD,
      address,
      userAgent: null,
    });
    if (!result.ok) throw new Error('password step failed');
    expect(result.value.mfaPending).toBe(true);
    return result.value.token;
  }

  const codeStep = (token: string, code: string, now: Date, address = '192.0.2.10') =>
    verifySecondFactor(test.db, anonymous(now), { token, code, address, userAgent: null });

  it('enrols after the password: a pending secret, confirmed by the first code, ten recovery codes stored hashed', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const now = new Date('2026-12-02T09:00:00Z');
    expect(
      await startMfaEnrolment(test.db, as(user, now), { password: 'falsch', address: ADDRESS }),
    ).toMatchObject({
      ok: false,
      kind: 'invalid',
      errors: { password: MFA_MESSAGES.wrongPassword },
    });
    expect(await findUserMfa(test.db, user.id)).toBeNull();
    expect(
      (await startMfaEnrolment(test.db, as(user, now), { password: TEST_PASSWORD, address: ADDRESS })).ok,
    ).toBe(true);
    const pending = (await findUserMfa(test.db, user.id))!;
    expect(pending.confirmedAt).toBeNull();
    const secret = await shownSecret(test.db, user, now);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // Stored encrypted (AES-256-GCM, decision 0018): the row holds neither the secret nor its raw bytes.
    expect(pending.secret).toMatch(/^v1:/);
    expect(pending.secret).not.toContain(secret);
    // Not enabled before the first code: the password alone still signs in.
    const before = await signIn(test.db, anonymous(now), {
      email: user.email,
      password: TEST_PASSWORD,
      address: '192.0.2.9',
      userAgent: null,
    });
    expect(before).toMatchObject({ ok: true, value: { mfaPending: false } });

    expect(await confirmMfaEnrolment(test.db, as(user, now), { code: '000000' })).toMatchObject({
      kind: 'invalid',
    });
    const confirmed = await confirmMfaEnrolment(test.db, as(user, now), {
      code: codeAt(secret, now),
    });
    expect(confirmed.ok).toBe(true);
    const codes = confirmed.ok ? confirmed.value.recoveryCodes : [];
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    const stored = await test.db
      .selectFrom('mfa_recovery_code')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(stored.map((row) => row.code_hash).sort()).toEqual(codes.map(hashRecoveryCode).sort());
    expect(JSON.stringify(stored)).not.toContain(codes[0]!);
    expect((await findUserMfa(test.db, user.id))!.lastStep).toBe(totpStepAt(now));
    const audit = await listAuditEntries(test.db, { objectType: 'user', objectId: user.id });
    expect(audit.map((e) => e.action)).toContain('auth.mfa_enable');
  });

  it('signs in with password and code; the pending half authenticates nobody and a new token follows', async () => {
    const user = await createTestUser(test.db, { role: 'coordinator' });
    const start = new Date('2026-12-02T10:00:00Z');
    const { secret } = await enrol(user, start);
    const now = plus(start, 90);
    const pending = await passwordStep(user, now);
    expect(await validateSessionToken(test.db, limits, pending, now)).toBeNull();
    expect(await findPendingSignIn(test.db, pending, now)).not.toBeNull();
    // Not a session yet: "Meine Sitzungen" does not list it.
    expect(await listUserSessions(test.db, user.id)).toEqual([]);

    const done = await codeStep(pending, codeAt(secret, now), now);
    expect(done).toMatchObject({ ok: true, value: { mfaPending: false, recoveryCodesLeft: null } });
    const token = done.ok ? done.value.token : '';
    expect(token).not.toBe(pending);
    expect(await validateSessionToken(test.db, limits, token, now)).toMatchObject({ mfaEnabled: true });
    expect(await findPendingSignIn(test.db, pending, now)).toBeNull();
    const sessions = await listUserSessions(test.db, user.id);
    expect(sessions).toHaveLength(1);
    const audit = await listAuditEntries(test.db, { actorUserId: user.id, action: 'auth.sign_in' });
    expect(audit).toHaveLength(1);
  });

  it('refuses a code used again within its window, and an older one', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const start = new Date('2026-12-02T11:00:00Z');
    const { secret } = await enrol(user, start);
    const now = plus(start, 3 * TOTP_PERIOD_SECONDS);
    const code = codeAt(secret, now);
    expect((await codeStep(await passwordStep(user, now), code, now)).ok).toBe(true);

    const again = plus(now, 5);
    const second = await passwordStep(user, again);
    expect(await codeStep(second, code, again)).toEqual({
      ok: false,
      kind: 'refused',
      reason: MFA_MESSAGES.replayed,
    });
    // The previous step's code would still be inside the drift window, but it is older than the accepted one.
    const older = totpCodeForStep(decodeTotpSecret(secret), totpStepAt(now) - 1);
    expect(await codeStep(second, older, again)).toMatchObject({ ok: false, reason: MFA_MESSAGES.replayed });
    expect(await codeStep(second, '123456', again)).toMatchObject({ ok: false });
    // The next step's code works (from another address: three failures from this one cost a wait).
    const next = plus(now, TOTP_PERIOD_SECONDS);
    expect((await codeStep(second, codeAt(secret, next), next, '192.0.2.11')).ok).toBe(true);
  });

  it('accepts each recovery code once', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const now = new Date('2026-12-02T12:00:00Z');
    const { recoveryCodes } = await enrol(user, now);
    const code = recoveryCodes[3]!;
    const first = await codeStep(await passwordStep(user, now), code.toUpperCase().replace(/-/g, ' '), now);
    expect(first).toMatchObject({ ok: true, value: { recoveryCodesLeft: RECOVERY_CODE_COUNT - 1 } });
    const audit = await listAuditEntries(test.db, { objectType: 'user', objectId: user.id });
    expect(audit.map((e) => e.action)).toContain('auth.mfa_recovery_used');
    const second = await codeStep(await passwordStep(user, now), code, now);
    expect(second).toEqual({ ok: false, kind: 'refused', reason: MFA_MESSAGES.invalidCode });

    // New codes replace the old ones, after the password.
    expect(
      await regenerateRecoveryCodes(test.db, as(user, now), { password: 'falsch', address: ADDRESS }),
    ).toMatchObject({
      kind: 'invalid',
    });
    const renewed = await regenerateRecoveryCodes(test.db, as(user, now), {
      password: TEST_PASSWORD,
      address: ADDRESS,
    });
    expect(renewed.ok).toBe(true);
    const stale = await codeStep(await passwordStep(user, now), recoveryCodes[4]!, now);
    expect(stale).toMatchObject({ ok: false });
  });

  it('throttles code attempts like passwords', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const now = new Date('2026-12-02T13:00:00Z');
    const { secret } = await enrol(user, now);
    const later = plus(now, 60);
    const pending = await passwordStep(user, later, '198.51.100.20');
    for (let i = 0; i < MFA_THROTTLE.accountAddress.free; i++) {
      expect(await codeStep(pending, '000000', later, '198.51.100.20')).toMatchObject({ ok: false });
    }
    const throttled = await codeStep(pending, codeAt(secret, later), later, '198.51.100.20');
    expect(throttled).toMatchObject({
      ok: false,
      kind: 'refused',
      waitMs: MFA_THROTTLE.accountAddress.baseMs,
    });
    const waited = plus(later, MFA_THROTTLE.accountAddress.baseMs / 1000);
    expect((await codeStep(pending, codeAt(secret, waited), waited, '198.51.100.20')).ok).toBe(true);
  });

  it('a pending sign-in expires', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const now = new Date('2026-12-02T14:00:00Z');
    const { secret } = await enrol(user, now);
    const pending = await passwordStep(user, plus(now, 60));
    const late = plus(now, 60 + PENDING_SIGN_IN_MS / 1000);
    expect(await codeStep(pending, codeAt(secret, late), late)).toEqual({
      ok: false,
      kind: 'refused',
      reason: MFA_MESSAGES.expired,
    });
  });

  it('a password reset by link leaves the second factor in place', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const now = new Date('2026-12-02T15:00:00Z');
    await enrol(user, now);
    const link = await issuePasswordLink(test.db, { now, config }, user.id);
    const token = link.url.split('/').pop()!;
    const newPassword = 'ein ganz neuer Satz als Passwort';
    expect(
      (
        await setPasswordWithLink(test.db, anonymous(now), {
          token,
          password: newPassword,
          repeat: newPassword,
        })
      ).ok,
    ).toBe(true);
    const result = await signIn(test.db, anonymous(now), {
      email: user.email,
      password: newPassword,
      address: '192.0.2.30',
      userAgent: null,
    });
    expect(result).toMatchObject({ ok: true, value: { mfaPending: true } });
  });

  it('an admin resets a user’s second factor: audited, sessions ended, password alone signs in again', async () => {
    const admin = await createTestUser(test.db, { role: 'admin' });
    const user = await createTestUser(test.db, { role: 'coordinator' });
    const now = new Date('2026-12-02T16:00:00Z');
    const { secret } = await enrol(user, now);
    const later = plus(now, 60);
    const signedIn = await codeStep(await passwordStep(user, later), codeAt(secret, later), later);
    const token = signedIn.ok ? signedIn.value.token : '';

    const caseworker = await createTestUser(test.db, { role: 'caseworker' });
    expect(await resetUserMfa(test.db, as(caseworker, later), { userId: user.id })).toEqual({
      ok: false,
      kind: 'not_found',
    });
    expect(await resetUserMfa(test.db, as(admin, later), { userId: user.id })).toEqual({
      ok: true,
      value: { reset: true },
    });
    expect(await findUserMfa(test.db, user.id)).toBeNull();
    expect(
      await test.db.selectFrom('mfa_recovery_code').where('user_id', '=', user.id).selectAll().execute(),
    ).toEqual([]);
    expect(await validateSessionToken(test.db, limits, token, later)).toBeNull();
    const audit = await listAuditEntries(test.db, { action: 'user.mfa_reset', objectId: user.id });
    expect(audit).toMatchObject([{ actorUserId: admin.id }]);
    const again = await signIn(test.db, anonymous(later), {
      email: user.email,
      password: TEST_PASSWORD,
      address: '192.0.2.40',
      userAgent: null,
    });
    expect(again).toMatchObject({ ok: true, value: { mfaPending: false } });
    expect(
      await validateSessionToken(test.db, limits, again.ok ? again.value.token : '', later),
    ).toMatchObject({
      mfaEnabled: false,
    });
    expect(await resetUserMfa(test.db, as(admin, later), { userId: user.id })).toMatchObject({
      kind: 'refused',
    });
  });

  it('wrong passwords on the enrolment page are throttled like sign-in, and count together with it', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const now = new Date('2026-12-02T18:00:00Z');
    // An address of its own: the other tests' clocks run earlier, and failures ahead of their `now` would hold them.
    const here = '198.51.100.7';
    const start = (password: string, at: Date, address = here) =>
      startMfaEnrolment(test.db, as(user, at), { password, address });
    // Three free mistakes (SIGN_IN_THROTTLE.accountAddress), each a plain "wrong password".
    for (let i = 0; i < 3; i++) {
      expect(await start('falsch', plus(now, i))).toEqual({
        ok: false,
        kind: 'invalid',
        errors: { password: MFA_MESSAGES.wrongPassword },
      });
    }
    // Now even the right password waits: it is not checked while throttled.
    const waiting = await start(TEST_PASSWORD, plus(now, 3));
    expect(waiting).toMatchObject({ ok: false, kind: 'invalid' });
    if (waiting.ok || waiting.kind !== 'invalid') return;
    expect(waiting.errors['password']).toMatch(
      /^Zu viele falsche Passwörter .* Bitte warten Sie \d+ Sekunden/,
    );
    expect(await findUserMfa(test.db, user.id)).toBeNull();
    // The same count holds at sign-in from this address …
    const signInHere = await signIn(test.db, anonymous(plus(now, 4)), {
      email: user.email,
      password: TEST_PASSWORD,
      address: here,
      userAgent: null,
    });
    expect(signInHere).toMatchObject({ ok: false, kind: 'refused' });
    // … not from another address, and not once the wait is over.
    expect((await start(TEST_PASSWORD, plus(now, 5), '198.51.100.8')).ok).toBe(true);
    await disableOwnMfa(test.db, as(user, plus(now, 6)), {
      password: TEST_PASSWORD,
      address: '198.51.100.8',
    });
    expect((await start(TEST_PASSWORD, plus(now, 40))).ok).toBe(true);
  });

  it('switching the second factor off needs the password', async () => {
    const user = await createTestUser(test.db, { role: 'caseworker' });
    const now = new Date('2026-12-02T17:00:00Z');
    await enrol(user, now);
    expect(await disableOwnMfa(test.db, as(user, now), { password: '', address: ADDRESS })).toMatchObject({
      kind: 'invalid',
    });
    expect(await findUserMfa(test.db, user.id)).not.toBeNull();
    expect(
      (await disableOwnMfa(test.db, as(user, now), { password: TEST_PASSWORD, address: ADDRESS })).ok,
    ).toBe(true);
    expect(await findUserMfa(test.db, user.id)).toBeNull();
    expect((await verifyAuditChain(test.db)).ok).toBe(true);
  });
  it('a secret stored in clear before encryption still signs in and is encrypted on that first read', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const start = new Date('2026-12-03T08:00:00Z');
    const { secret } = await enrol(user, start);
    // As an older version stored it.
    await test.db.updateTable('user_mfa').set({ secret }).where('user_id', '=', user.id).execute();
    const now = plus(start, 60);
    const token = await passwordStep(user, now);
    expect((await codeStep(token, codeAt(secret, now), now)).ok).toBe(true);
    const stored = (await findUserMfa(test.db, user.id))!.secret;
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain(secret);
    // And it keeps working encrypted.
    const later = plus(now, 60);
    expect((await codeStep(await passwordStep(user, later), codeAt(secret, later), later)).ok).toBe(true);
  });

  it('the sweep after migrating encrypts every secret still stored in clear, once', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const start = new Date('2026-12-03T08:30:00Z');
    const { secret } = await enrol(user, start);
    await test.db.updateTable('user_mfa').set({ secret }).where('user_id', '=', user.id).execute();
    expect(await sealClearMfaSecrets(test.db, config)).toBeGreaterThanOrEqual(1);
    expect((await findUserMfa(test.db, user.id))!.secret).toMatch(/^v1:/);
    expect(await sealClearMfaSecrets(test.db, config)).toBe(0);
    const now = plus(start, 60);
    expect((await codeStep(await passwordStep(user, now), codeAt(secret, now), now)).ok).toBe(true);
  });

  it('a server with another DATA_ENCRYPTION_KEY refuses the code with a clear German message instead of failing', async () => {
    const user = await createTestUser(test.db, { role: 'admin' });
    const start = new Date('2026-12-03T09:00:00Z');
    const { secret } = await enrol(user, start);
    const otherKey = loadConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') });
    const now = plus(start, 60);
    const token = await passwordStep(user, now);
    const result = await verifySecondFactor(
      test.db,
      { ...anonymous(now), config: otherKey },
      { token, code: codeAt(secret, now), address: '192.0.2.10', userAgent: null },
    );
    expect(result).toMatchObject({ ok: false, kind: 'refused', reason: MFA_MESSAGES.keyMismatch });
    // The stored value is left as it was, so the right key still works.
    expect((await codeStep(token, codeAt(secret, now), now)).ok).toBe(true);
  });
});
