import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import type { User } from './auth';
import {
  deleteSignInFailures,
  findPasswordHash,
  findSignInFailures,
  insertSignInFailures,
} from './auth.queries';
import { verifyPassword } from './password';
import { germanWait, remainingWaitMs, SIGN_IN_THROTTLE, throttleKeys } from './sign-in-throttle';

/** German messages of a password confirmation. */
export const PASSWORD_CONFIRM_MESSAGES = {
  wrong: 'Das Passwort stimmt nicht.',
  throttled: (waitMs: number) =>
    `Zu viele falsche Passwörter von diesem Anschluss. Bitte warten Sie ${germanWait(waitMs)} und versuchen Sie es dann erneut.`,
} as const;

/** A confirmation that did not pass: the German message for the password field, and the wait while throttled. */
export type PasswordConfirmFailure = { message: string; waitMs: number };

/**
 * Checks the signed-in user's current password before a sensitive change (second factor, password), throttled like
 * sign-in (docs/decisions/0012) under the same keys: wrong passwords here and at sign-in count together per account
 * and address, so a taken-over session cannot be used to guess the password faster than the sign-in page allows.
 * While throttled the password is not checked at all. Null when it is right.
 */
export async function confirmPassword(
  db: Executor,
  user: Pick<User, 'id' | 'email'>,
  password: string,
  address: string,
  now: Date,
): Promise<PasswordConfirmFailure | null> {
  const keys = throttleKeys(user.email, address);
  const since = nowIso(new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs));
  const failures = await findSignInFailures(db, [keys.accountAddress, keys.address], since);
  const waitMs = Math.max(
    remainingWaitMs(SIGN_IN_THROTTLE.accountAddress, failures.get(keys.accountAddress)!, now),
    remainingWaitMs(SIGN_IN_THROTTLE.address, failures.get(keys.address)!, now),
  );
  if (waitMs > 0) return { message: PASSWORD_CONFIRM_MESSAGES.throttled(waitMs), waitMs };
  // An empty field is no guess: it is refused without counting.
  if (!password) return { message: PASSWORD_CONFIRM_MESSAGES.wrong, waitMs: 0 };
  const hash = await findPasswordHash(db, user.id);
  if (!hash || !(await verifyPassword(hash, password))) {
    await recordPasswordFailure(db, keys, since, now);
    return { message: PASSWORD_CONFIRM_MESSAGES.wrong, waitMs: 0 };
  }
  // The owner typed it right from here: their own mistypes no longer count (the address keeps its count).
  await deleteSignInFailures(db, [keys.accountAddress]);
  return null;
}

/** Counts one wrong password under both keys (and prunes what fell out of the window), in one transaction. */
export async function recordPasswordFailure(
  db: Executor,
  keys: { accountAddress: string; address: string },
  since: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSignInFailures(trx, [keys.accountAddress, keys.address], since);
    await insertSignInFailures(
      trx,
      [
        { scope: 'account_address', keyHash: keys.accountAddress },
        { scope: 'address', keyHash: keys.address },
      ],
      nowIso(now),
    );
  });
}
