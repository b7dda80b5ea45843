import type { ActionContext } from '../action/context';
import { ok, refused, type Failure, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import type { SignInForm, User } from './auth';
import { deleteSignInFailures, findSignInFailures, findUserRowByEmail, rowToUser } from './auth.queries';
import { findUserMfa } from './mfa.queries';
import { hashPassword, verifyPassword } from './password';
import { createSession } from './session.service';
import { germanWait, remainingWaitMs, SIGN_IN_THROTTLE, throttleKeys } from './sign-in-throttle';
import { recordPasswordFailure } from './password-confirm.service';

/** What a sign-in reads besides the form: where it comes from (for throttling) and the browser (for the list). */
export type SignInInput = SignInForm & { address: string; userAgent: string | null };

/**
 * A successful password step: the token for the cookie, the user, and when the session ends at the latest. With
 * `mfaPending` the token is only the pending half of the sign-in: the code step (mfa.service.ts) must follow.
 */
export interface SignedIn {
  token: string;
  user: User;
  expiresAt: string;
  mfaPending: boolean;
}

/** German messages for failed sign-ins; neither reveals whether the account exists. */
export const SIGN_IN_MESSAGES = {
  invalid: 'Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort.',
  throttled: (waitMs: number) =>
    `Zu viele fehlgeschlagene Anmeldeversuche von diesem Anschluss. Bitte warten Sie ${germanWait(waitMs)} und versuchen Sie es dann erneut.`,
} as const;

/** The HTTP status of a failed sign-in: 401 for wrong credentials, 429 while throttled, 422 for bad input. */
export function signInFailureStatus(failure: Failure): 401 | 422 | 429 {
  if (failure.kind === 'refused') return failure.reason === SIGN_IN_MESSAGES.invalid ? 401 : 429;
  return 422;
}

/** Seconds until the next try is worth it (Retry-After), from a throttled sign-in's wait. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

let dummyHash: Promise<string> | null = null;

/**
 * Signs a user in at `ctx.now`: throttling per account+address and per address (docs/decisions/0012), argon2
 * check, new session and audit entry in one transaction. Sign-in has no policy question: the actor is nobody yet.
 * While throttled the password is not checked at all, so waiting out the delay is the only way to learn anything.
 */
export async function signIn(
  db: Executor,
  ctx: ActionContext,
  input: SignInInput,
): Promise<Result<SignedIn> & { waitMs?: number }> {
  const now = ctx.now;
  const keys = throttleKeys(input.email, input.address);
  const since = nowIso(new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs));
  const failures = await findSignInFailures(db, [keys.accountAddress, keys.address], since);
  const waitMs = Math.max(
    remainingWaitMs(SIGN_IN_THROTTLE.accountAddress, failures.get(keys.accountAddress)!, now),
    remainingWaitMs(SIGN_IN_THROTTLE.address, failures.get(keys.address)!, now),
  );
  if (waitMs > 0) return { ...refused(SIGN_IN_MESSAGES.throttled(waitMs)), waitMs };

  const row = await findUserRowByEmail(db, input.email);
  // Verify against a dummy hash when there is no usable account, so the response time
  // does not reveal whether an account exists (user enumeration).
  dummyHash ??= hashPassword('dummy-password-for-timing');
  const passwordOk = await verifyPassword(row?.password_hash ?? (await dummyHash), input.password);

  if (!row || !row.password_hash || !passwordOk || Number(row.active) !== 1) {
    await recordPasswordFailure(db, keys, since, now);
    return refused(SIGN_IN_MESSAGES.invalid);
  }

  const user = rowToUser(row);
  const mfa = await findUserMfa(db, row.id);
  return db.transaction().execute(async (trx) => {
    // The owner got in from here: their own mistypes no longer count. The address keeps its count, or a guesser
    // could reset it by signing in to an account of their own between guesses.
    await deleteSignInFailures(trx, [keys.accountAddress]);
    if (mfa?.confirmedAt) {
      // The password was right; the code is still missing. The pending half authenticates nobody (decision 0018).
      const { token, session } = await createSession(trx, ctx.config, row.id, input.userAgent, now, {
        mfaPending: true,
      });
      return ok({ token, user, expiresAt: session.expiresAt, mfaPending: true });
    }
    const { token, session } = await createSession(trx, ctx.config, row.id, input.userAgent, now);
    await recordAudit(
      trx,
      { ...ctx, actor: { kind: 'user', user } },
      { action: 'auth.sign_in', objectType: 'session', objectId: null },
    );
    return ok({ token, user, expiresAt: session.expiresAt, mfaPending: false });
  });
}
