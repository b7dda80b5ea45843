import type { Db } from '../db/create-db';
import { recordAuditUnclocked } from '../audit/audit.queries';
import type { User } from './auth';
import { findPasswordHash, setPasswordHash } from './auth.queries';
import { checkPasswordStrength, hashPassword, verifyPassword } from './password';
import { invalidateUserSessions } from './session.service';

export type ChangePasswordResult =
  { ok: true; endedSessions: number } | { ok: false; field: 'current' | 'next' | 'repeat'; error: string };

/** Changes a user's password after checking the current one; ends all of the user's other sessions. */
export async function changePassword(
  db: Db,
  user: User,
  currentSessionId: string,
  input: { current: string; next: string; repeat: string; requestId?: string },
): Promise<ChangePasswordResult> {
  const hash = await findPasswordHash(db, user.id);
  if (!hash || !(await verifyPassword(hash, input.current))) {
    return { ok: false, field: 'current', error: 'Das aktuelle Passwort stimmt nicht.' };
  }
  const problem = checkPasswordStrength(input.next, { email: user.email });
  if (problem) return { ok: false, field: 'next', error: problem };
  if (input.next !== input.repeat) {
    return { ok: false, field: 'repeat', error: 'Die beiden neuen Passwörter stimmen nicht überein.' };
  }
  const nextHash = await hashPassword(input.next);
  return db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, nextHash);
    // A stolen session must not outlive the password change (ASVS 3.3.3).
    const endedSessions = await invalidateUserSessions(trx, user.id, currentSessionId);
    await recordAuditUnclocked(trx, {
      actor: user,
      action: 'auth.password_change',
      objectType: 'user',
      objectId: user.id,
      requestId: input.requestId ?? null,
    });
    return { ok: true as const, endedSessions };
  });
}
