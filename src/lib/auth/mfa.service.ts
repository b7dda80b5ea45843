import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Config } from '../config/config';
import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import type { Session, User } from './auth';
import {
  deleteSession,
  deleteSignInFailures,
  deleteUserSessions,
  findSessionWithUser,
  findSignInFailures,
  findUserById,
  insertSignInFailures,
} from './auth.queries';
import {
  decodeTotpSecret,
  encodeTotpSecret,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  looksLikeTotpCode,
  matchTotpStep,
} from './mfa';
import {
  type UserMfa,
  acceptTotpStep,
  confirmMfa,
  countUnusedRecoveryCodes,
  deleteUserMfa,
  findUserMfa,
  listClearMfaSecrets,
  replaceMfaSecret,
  replaceRecoveryCodes,
  upsertPendingMfa,
  useRecoveryCode,
} from './mfa.queries';
import { confirmPassword, PASSWORD_CONFIRM_MESSAGES } from './password-confirm.service';
import { can } from './policy';
import { isSealed, openSecret, sealSecret, SecretKeyMismatchError } from './secret-box';
import { createSession } from './session.service';
import type { SignedIn } from './sign-in.service';
import { germanWait, remainingWaitMs, SIGN_IN_THROTTLE, type ThrottleRule } from './sign-in-throttle';
import { hashToken, isWellFormedToken } from './token';

/**
 * The second factor (docs/decisions/0018-totp-second-factor.md): the sign-in step after the password, enrolment with
 * re-authentication, recovery codes, and an admin's reset.
 */

/** German messages of the second factor. */
export const MFA_MESSAGES = {
  invalidCode:
    'Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus Ihrer App ein (sechs Ziffern) oder einen Ihrer Wiederherstellungscodes.',
  replayed: 'Dieser Code wurde schon verwendet. Bitte warten Sie auf den nächsten Code in Ihrer App.',
  expired: 'Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut mit E-Mail-Adresse und Passwort an.',
  throttled: (waitMs: number) =>
    `Zu viele falsche Codes. Bitte warten Sie ${germanWait(waitMs)} und versuchen Sie es dann erneut.`,
  wrongPassword: PASSWORD_CONFIRM_MESSAGES.wrong,
  noPending: 'Bitte beginnen Sie die Einrichtung erneut.',
  alreadyEnabled: 'Die Zwei-Faktor-Anmeldung ist schon eingerichtet.',
  notEnabled: 'Die Zwei-Faktor-Anmeldung ist nicht eingerichtet.',
  keyMismatch:
    'Die Zwei-Faktor-Anmeldung kann gerade nicht geprüft werden: der Schlüssel des Servers (DATA_ENCRYPTION_KEY) passt nicht zu den gespeicherten Daten. Bitte wenden Sie sich an die Administration.',
} as const;

/**
 * A user's second factor with the secret decrypted (decision 0018). A secret still stored in clear from before
 * encryption came in is encrypted on this first read (lazy migration: a migration cannot, as it has no key).
 * `'wrong_key'` when the stored secret does not decrypt with the configured key — a configuration fault the caller
 * answers with a German message, never a 500.
 */
async function readUserMfa(
  db: Executor,
  config: Config,
  userId: string,
): Promise<UserMfa | null | 'wrong_key'> {
  const mfa = await findUserMfa(db, userId);
  if (!mfa) return null;
  let secret: string;
  try {
    secret = openSecret(config.dataEncryptionKey, mfa.secret, userId);
  } catch (error) {
    if (!(error instanceof SecretKeyMismatchError)) throw error;
    // For the operator; names no user, only the fault.
    console.error('[mfa] Ein TOTP-Geheimnis lässt sich mit DATA_ENCRYPTION_KEY nicht entschlüsseln.');
    return 'wrong_key';
  }
  if (!isSealed(mfa.secret)) {
    await replaceMfaSecret(db, userId, mfa.secret, sealSecret(config.dataEncryptionKey, secret, userId));
  }
  return { ...mfa, secret };
}

/**
 * Code attempts are throttled like passwords (docs/decisions/0012): per account and address, and — because whoever
 * gets here already knows the password — per account across addresses too, so spreading guesses over many
 * addresses does not help. A stranger without the password cannot reach this step to slow the owner down.
 */
export const MFA_THROTTLE = {
  accountAddress: SIGN_IN_THROTTLE.accountAddress,
  user: { free: 10, baseMs: 30_000, capMs: 15 * 60_000 },
} as const satisfies { accountAddress: ThrottleRule; user: ThrottleRule };

function mfaThrottleKeys(userId: string, address: string): { accountAddress: string; user: string } {
  return {
    accountAddress: hashToken(`mfa:${userId}\n${address.trim().toLowerCase()}`),
    user: hashToken(`mfa_user:${userId}`),
  };
}

/**
 * Encrypts every TOTP secret still stored in clear (from before decision 0018 was amended); `npm run db:migrate` runs
 * it after the migrations, so no clear secret waits for its user's next sign-in. Returns how many it encrypted.
 */
export async function sealClearMfaSecrets(db: Executor, config: Config): Promise<number> {
  const clear = await listClearMfaSecrets(db);
  for (const { userId, secret } of clear) {
    await replaceMfaSecret(db, userId, secret, sealSecret(config.dataEncryptionKey, secret, userId));
  }
  return clear.length;
}

/** The half-finished sign-in behind a pending token, if it is still valid at `now`; else null. */
export async function findPendingSignIn(
  db: Executor,
  token: string,
  now: Date,
): Promise<{ session: Session; user: User } | null> {
  if (!isWellFormedToken(token)) return null;
  const found = await findSessionWithUser(db, hashToken(token));
  if (!found || !found.session.mfaPending) return null;
  if (Date.parse(found.session.expiresAt) <= now.getTime() || !found.user.active) {
    await deleteSession(db, found.session.id);
    return null;
  }
  return { session: found.session, user: found.user };
}

/** What the code step reads: the pending token from its cookie, the typed code, where it comes from. */
export interface SecondFactorInput {
  token: string;
  code: string;
  address: string;
  userAgent: string | null;
}

/** A finished sign-in; `recoveryCodesLeft` is set when a recovery code was used. */
export type SecondFactorDone = SignedIn & { recoveryCodesLeft: number | null };

/**
 * The second step of sign-in: checks a TOTP code (never one of an accepted step again) or a recovery code (once
 * only), throttled. On success the pending session is replaced by a new, full one — a new token, so nothing seen
 * before the second factor authenticates anyone — with the audit entry in the same transaction.
 */
export async function verifySecondFactor(
  db: Executor,
  ctx: ActionContext,
  input: SecondFactorInput,
): Promise<Result<SecondFactorDone> & { waitMs?: number }> {
  const now = ctx.now;
  const pending = await findPendingSignIn(db, input.token, now);
  if (!pending) return refused(MFA_MESSAGES.expired);
  const { user } = pending;
  const mfa = await readUserMfa(db, ctx.config, user.id);
  if (mfa === 'wrong_key') return refused(MFA_MESSAGES.keyMismatch);
  if (!mfa || !mfa.confirmedAt) {
    // Reset by an admin meanwhile: this half sign-in is void, the password step starts over.
    await deleteSession(db, pending.session.id);
    return refused(MFA_MESSAGES.expired);
  }

  const keys = mfaThrottleKeys(user.id, input.address);
  const since = nowIso(new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs));
  const failures = await findSignInFailures(db, [keys.accountAddress, keys.user], since);
  const waitMs = Math.max(
    remainingWaitMs(MFA_THROTTLE.accountAddress, failures.get(keys.accountAddress)!, now),
    remainingWaitMs(MFA_THROTTLE.user, failures.get(keys.user)!, now),
  );
  if (waitMs > 0) return { ...refused(MFA_MESSAGES.throttled(waitMs)), waitMs };

  const fail = async (message: string) => {
    await db.transaction().execute(async (trx) => {
      await deleteSignInFailures(trx, [keys.accountAddress, keys.user], since);
      await insertSignInFailures(
        trx,
        [
          { scope: 'account_address', keyHash: keys.accountAddress },
          { scope: 'mfa_user', keyHash: keys.user },
        ],
        nowIso(now),
      );
    });
    return refused(message);
  };

  const totp = looksLikeTotpCode(input.code);
  const match = totp ? matchTotpStep(decodeTotpSecret(mfa.secret), input.code, now, mfa.lastStep) : null;
  if (totp && (match === null || 'replayed' in match))
    return fail(match ? MFA_MESSAGES.replayed : MFA_MESSAGES.invalidCode);

  const outcome = await db.transaction().execute(async (trx) => {
    if (match && 'step' in match) {
      // A concurrent request with the same code may have won: then this one is a replay.
      if (!(await acceptTotpStep(trx, user.id, match.step))) return MFA_MESSAGES.replayed;
    } else if (!(await useRecoveryCode(trx, user.id, hashRecoveryCode(input.code), nowIso(now)))) {
      return MFA_MESSAGES.invalidCode;
    }
    await deleteSignInFailures(trx, [keys.accountAddress, keys.user]);
    await deleteSession(trx, pending.session.id);
    const { token, session } = await createSession(trx, ctx.config, user.id, input.userAgent, now);
    const userCtx: ActionContext = { ...ctx, actor: { kind: 'user', user } };
    await recordAudit(trx, userCtx, { action: 'auth.sign_in', objectType: 'session', objectId: null });
    let recoveryCodesLeft: number | null = null;
    if (!totp) {
      await recordAudit(trx, userCtx, {
        action: 'auth.mfa_recovery_used',
        objectType: 'user',
        objectId: user.id,
      });
      recoveryCodesLeft = await countUnusedRecoveryCodes(trx, user.id);
    }
    return { token, user, expiresAt: session.expiresAt, mfaPending: false, recoveryCodesLeft };
  });
  // A refused code is counted after its (empty) transaction ended.
  return typeof outcome === 'string' ? fail(outcome) : ok(outcome);
}

/** What the enrolment page shows: nothing set up, a secret waiting for its first code, or a working second factor. */
export type MfaStatus =
  { state: 'off' } | { state: 'pending'; secret: string } | { state: 'on'; recoveryCodesLeft: number };

/** The signed-in user's second factor, for their own enrolment page. */
export async function findOwnMfaStatus(db: Executor, ctx: ActionContext): Promise<MfaStatus | null> {
  const actor = userOf(ctx);
  if (!actor || !can(actor, 'user.read', { type: 'user', id: actor.id })) return null;
  const stored = await findUserMfa(db, actor.id);
  if (stored?.confirmedAt)
    return { state: 'on', recoveryCodesLeft: await countUnusedRecoveryCodes(db, actor.id) };
  const mfa = stored ? await readUserMfa(db, ctx.config, actor.id) : null;
  // A pending secret that no longer decrypts is useless: enrolment starts over (and replaces it).
  if (!mfa || mfa === 'wrong_key') return { state: 'off' };
  return { state: 'pending', secret: mfa.secret };
}

/**
 * Re-authentication before any change of the second factor (ASVS V6.5): the signed-in user's current password,
 * throttled with sign-in's rules and keys (confirmPassword). A failure is the German message for the password field.
 */
async function reauthenticate(
  db: Executor,
  ctx: ActionContext,
  input: PasswordConfirmInput,
): Promise<User | null | { wrong: string }> {
  const actor = userOf(ctx);
  if (!actor || !can(actor, 'user.read', { type: 'user', id: actor.id })) return null;
  const user = await findUserById(db, actor.id);
  if (!user) return null;
  const failure = await confirmPassword(db, user, input.password, input.address, ctx.now);
  return failure ? { wrong: failure.message } : user;
}

/** What a change of the second factor needs: the current password, and the address it is typed from. */
export interface PasswordConfirmInput {
  password: string;
  /** The client's address (Astro.locals.clientIp): wrong passwords are throttled per account and address. */
  address: string;
}

/** Starts enrolment after the password: a new secret waits for its first code (shown as QR code and as text). */
export async function startMfaEnrolment(
  db: Executor,
  ctx: ActionContext,
  input: PasswordConfirmInput,
): Promise<Result<{ started: true }>> {
  const user = await reauthenticate(db, ctx, input);
  if (user === null) return notFound();
  if ('wrong' in user) return invalid({ password: user.wrong });
  const existing = await findUserMfa(db, user.id);
  if (existing?.confirmedAt) return refused(MFA_MESSAGES.alreadyEnabled);
  const sealed = sealSecret(ctx.config.dataEncryptionKey, encodeTotpSecret(generateTotpSecret()), user.id);
  await upsertPendingMfa(db, user.id, sealed, nowIso(ctx.now));
  return ok({ started: true });
}

/**
 * Finishes enrolment with the first code from the app: the second factor is on from now, its step is used up, and
 * ten recovery codes are made — returned once for the page to show, stored as hashes only.
 */
export async function confirmMfaEnrolment(
  db: Executor,
  ctx: ActionContext,
  input: { code: string },
): Promise<Result<{ recoveryCodes: string[] }>> {
  const actor = userOf(ctx);
  if (!actor || !can(actor, 'user.read', { type: 'user', id: actor.id })) return notFound();
  const mfa = await readUserMfa(db, ctx.config, actor.id);
  if (mfa === 'wrong_key') return refused(MFA_MESSAGES.keyMismatch);
  if (!mfa || mfa.confirmedAt) return refused(mfa ? MFA_MESSAGES.alreadyEnabled : MFA_MESSAGES.noPending);
  const match = looksLikeTotpCode(input.code)
    ? matchTotpStep(decodeTotpSecret(mfa.secret), input.code, ctx.now, null)
    : null;
  if (!match || !('step' in match))
    return invalid({
      code: 'Der Code stimmt nicht. Bitte geben Sie die sechs Ziffern ein, die Ihre App gerade zeigt.',
    });
  const recoveryCodes = generateRecoveryCodes();
  return db.transaction().execute(async (trx) => {
    if (!(await confirmMfa(trx, actor.id, match.step, nowIso(ctx.now))))
      return refused(MFA_MESSAGES.noPending);
    await replaceRecoveryCodes(trx, actor.id, recoveryCodes.map(hashRecoveryCode));
    await recordAudit(trx, ctx, { action: 'auth.mfa_enable', objectType: 'user', objectId: actor.id });
    return ok({ recoveryCodes });
  });
}

/** New recovery codes after the password; the old ones stop working. */
export async function regenerateRecoveryCodes(
  db: Executor,
  ctx: ActionContext,
  input: PasswordConfirmInput,
): Promise<Result<{ recoveryCodes: string[] }>> {
  const user = await reauthenticate(db, ctx, input);
  if (user === null) return notFound();
  if ('wrong' in user) return invalid({ password: user.wrong });
  const mfa = await findUserMfa(db, user.id);
  if (!mfa?.confirmedAt) return refused(MFA_MESSAGES.notEnabled);
  const recoveryCodes = generateRecoveryCodes();
  return db.transaction().execute(async (trx) => {
    await replaceRecoveryCodes(trx, user.id, recoveryCodes.map(hashRecoveryCode));
    await recordAudit(trx, ctx, { action: 'auth.mfa_recovery_codes', objectType: 'user', objectId: user.id });
    return ok({ recoveryCodes });
  });
}

/**
 * Switches the second factor off after the password. For a role that requires it the next page is enrolment again,
 * so this amounts to setting it up anew (e.g. with a new phone).
 */
export async function disableOwnMfa(
  db: Executor,
  ctx: ActionContext,
  input: PasswordConfirmInput,
): Promise<Result<{ disabled: true }>> {
  const user = await reauthenticate(db, ctx, input);
  if (user === null) return notFound();
  if ('wrong' in user) return invalid({ password: user.wrong });
  return db.transaction().execute(async (trx) => {
    if (!(await deleteUserMfa(trx, user.id))) return refused(MFA_MESSAGES.notEnabled);
    await recordAudit(trx, ctx, { action: 'auth.mfa_disable', objectType: 'user', objectId: user.id });
    return ok({ disabled: true as const });
  });
}

/**
 * An admin resets a user's second factor (lost phone and codes): secret and recovery codes go, all of the user's
 * sessions end, audited. The user signs in with the password next and, in a required role, must enrol again at once.
 */
export async function resetUserMfa(
  db: Executor,
  ctx: ActionContext,
  input: { userId: string },
): Promise<Result<{ reset: boolean }>> {
  const actor = userOf(ctx);
  if (!actor || !can(actor, 'user.update', { type: 'user', id: input.userId })) return notFound();
  const user = await findUserById(db, input.userId);
  if (!user) return notFound();
  return db.transaction().execute(async (trx) => {
    if (!(await deleteUserMfa(trx, user.id))) return refused(MFA_MESSAGES.notEnabled);
    await deleteUserSessions(trx, user.id);
    await recordAudit(trx, ctx, { action: 'user.mfa_reset', objectType: 'user', objectId: user.id });
    return ok({ reset: true });
  });
}

/** Whether a user has a confirmed second factor (for the admin's user page). */
export async function hasConfirmedMfa(db: Executor, userId: string): Promise<boolean> {
  return (await findUserMfa(db, userId))?.confirmedAt != null;
}
