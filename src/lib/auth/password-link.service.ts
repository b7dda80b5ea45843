import type { Db } from '../db/create-db';
import { nowIso } from '../db/ids';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database';
import {
  consumePasswordToken,
  findUserById,
  insertPasswordToken,
  revokePasswordTokens,
  setPasswordHash,
} from './auth.queries';
import { checkPasswordStrength, hashPassword } from './password';
import { invalidateUserSessions } from './session.service';
import { generateToken, hashToken, isWellFormedToken } from './token';

/** How long a set-password link stays valid. */
export const PASSWORD_LINK_TTL_MS = 72 * 60 * 60_000;

/** Issues a single-use, expiring link to set a password; only the token's hash is stored. */
export async function issuePasswordLink(
  db: Db | Transaction<Database>,
  config: { publicBaseUrl: string },
  userId: string,
  now: Date = new Date(),
): Promise<{ url: string; expiresAt: string }> {
  const token = generateToken();
  // A new link replaces older ones: only the newest link the admin handed out works.
  await revokePasswordTokens(db, userId, nowIso(now));
  const expiresAt = nowIso(new Date(now.getTime() + PASSWORD_LINK_TTL_MS));
  await insertPasswordToken(db, { id: hashToken(token), userId, createdAt: nowIso(now), expiresAt });
  return { url: `${config.publicBaseUrl}/passwort-setzen/${token}`, expiresAt };
}

export type SetPasswordResult =
  { ok: true; userId: string } | { ok: false; error: string; field: 'token' | 'password' };

/** Sets a password through a link: checks strength, consumes the token once, ends all sessions of the user. */
export async function setPasswordWithLink(
  db: Db,
  token: string,
  password: string,
  repeat: string,
  now: Date = new Date(),
): Promise<SetPasswordResult> {
  const invalidLink = {
    ok: false as const,
    field: 'token' as const,
    error:
      'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte lassen Sie sich von der Administration einen neuen Link schicken.',
  };
  if (!isWellFormedToken(token)) return invalidLink;
  if (password !== repeat) {
    return { ok: false, field: 'password', error: 'Die beiden Passwörter stimmen nicht überein.' };
  }
  const hash = await hashPassword(password);
  return db
    .transaction()
    .execute(async (trx) => {
      const userId = await consumePasswordToken(trx, hashToken(token), nowIso(now));
      if (!userId) return invalidLink;
      const user = await findUserById(trx, userId);
      if (!user || !user.active) return invalidLink;
      const problem = checkPasswordStrength(password, { email: user.email });
      if (problem) {
        // Throwing rolls the consumption back, so the link stays usable for a better password.
        throw new WeakPasswordError(problem);
      }
      await setPasswordHash(trx, userId, hash);
      await invalidateUserSessions(trx, userId);
      return { ok: true as const, userId };
    })
    .catch((error: unknown) => {
      if (error instanceof WeakPasswordError)
        return { ok: false as const, field: 'password' as const, error: error.message };
      throw error;
    });
}

class WeakPasswordError extends Error {}
