import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { invalid, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Executor } from '../db/executor';
import type { PasswordChangeForm } from './auth';
import { findUserById, setPasswordHash } from './auth.queries';
import { checkPasswordStrength, hashPassword } from './password';
import { confirmPassword } from './password-confirm.service';
import { can } from './policy';
import { invalidateUserSessions } from './session.service';

/**
 * A password change by the signed-in user; `keepSessionId` is the session the request came with, `address` the
 * client's address (wrong current passwords are throttled per account and address).
 */
export type PasswordChangeInput = PasswordChangeForm & { keepSessionId: string; address: string };

/**
 * Changes the signed-in user's password after checking the current one; ends all of the user's other sessions
 * (ASVS 3.3.3), in one transaction with the audit entry.
 */
export async function changePassword(
  db: Executor,
  ctx: ActionContext,
  input: PasswordChangeInput,
): Promise<Result<{ endedSessions: number }>> {
  const actor = userOf(ctx);
  if (!actor || !can(actor, 'user.read', { type: 'user', id: actor.id })) return notFound();
  const user = await findUserById(db, actor.id);
  if (!user) return notFound();
  // Strength and repetition are checked before any hashing: a refused new password costs no argon2 run.
  const problem = checkPasswordStrength(input.next, { email: user.email });
  // Throttled like sign-in: a taken-over session must not guess the password faster than the sign-in page allows.
  const failure = await confirmPassword(db, user, input.current, input.address, ctx.now);
  if (failure) {
    return invalid({ current: failure.waitMs > 0 ? failure.message : 'Das aktuelle Passwort stimmt nicht.' });
  }
  if (problem) return invalid({ next: problem });
  if (input.next !== input.repeat) {
    return invalid({ repeat: 'Die beiden neuen Passwörter stimmen nicht überein.' });
  }
  const nextHash = await hashPassword(input.next);
  return db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, nextHash, ctx.now);
    const endedSessions = await invalidateUserSessions(trx, user.id, input.keepSessionId);
    await recordAudit(trx, ctx, { action: 'auth.password_change', objectType: 'user', objectId: user.id });
    return ok({ endedSessions });
  });
}

/** The message after a password change: says how many other sessions ended. */
export function passwordChangedMessage(endedSessions: number): string {
  if (endedSessions === 0) return 'Ihr Passwort ist geändert.';
  return endedSessions === 1
    ? 'Ihr Passwort ist geändert. Ihre andere Sitzung wurde beendet.'
    : `Ihr Passwort ist geändert. ${endedSessions} andere Sitzungen wurden beendet.`;
}
