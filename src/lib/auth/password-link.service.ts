import type { ActionContext } from '../action/context';
import { invalid, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import type { PasswordLinkForm } from './auth';
import {
  consumePasswordToken,
  findUserById,
  insertPasswordToken,
  findUsablePasswordTokenUserId,
  revokePasswordTokens,
  setPasswordHash,
} from './auth.queries';
import { checkPasswordStrength, hashPassword } from './password';
import { invalidateUserSessions } from './session.service';
import { generateToken, hashToken, isWellFormedToken } from './token';

/** How long a set-password link stays valid. */
export const PASSWORD_LINK_TTL_MS = 72 * 60 * 60_000;

/** What the page says about a link that cannot be used (one message: it reveals nothing about the link). */
export const INVALID_LINK_MESSAGE =
  'Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte lassen Sie sich von der Administration einen neuen Link schicken.';

/**
 * Issues a single-use link to set a password, valid from `ctx.now` for 72 hours; only the token's hash is stored.
 * A part of a change, not a change of its own: callers run it in their transaction and record the audit entry.
 */
export async function issuePasswordLink(
  db: Executor,
  ctx: Pick<ActionContext, 'now' | 'config'>,
  userId: string,
): Promise<{ url: string; expiresAt: string }> {
  const token = generateToken();
  // A new link replaces older ones: only the newest link the admin handed out works.
  await revokePasswordTokens(db, userId, nowIso(ctx.now));
  const expiresAt = nowIso(new Date(ctx.now.getTime() + PASSWORD_LINK_TTL_MS));
  await insertPasswordToken(db, { id: hashToken(token), userId, createdAt: nowIso(ctx.now), expiresAt });
  return { url: `${ctx.config.publicBaseUrl}/passwort-setzen/${token}`, expiresAt };
}

/** Whether a link's token can still be used at `now` (the page shows the form only then). */
export async function isPasswordLinkUsable(db: Executor, token: string, now: Date): Promise<boolean> {
  return (await findLinkOwnerId(db, token, now)) !== null;
}

/** The user a usable link belongs to, without consuming it; null for junk, used or expired links. */
async function findLinkOwnerId(db: Executor, token: string, now: Date): Promise<string | null> {
  if (!isWellFormedToken(token)) return null;
  return findUsablePasswordTokenUserId(db, hashToken(token), nowIso(now));
}

/**
 * Sets a password through a link: checks strength before hashing, consumes the token once, ends all sessions of
 * the user and records the audit entry — with the person the link named as the actor — in one transaction. A weak
 * password leaves the link usable. The link itself is the permission (there is no signed-in actor to ask about).
 */
export async function setPasswordWithLink(
  db: Executor,
  ctx: ActionContext,
  input: PasswordLinkForm & { token: string },
): Promise<Result<{ userId: string }>> {
  const invalidLink = invalid({ token: INVALID_LINK_MESSAGE });
  const ownerId = await findLinkOwnerId(db, input.token, ctx.now);
  const owner = ownerId ? await findUserById(db, ownerId) : null;
  if (!owner || !owner.active) return invalidLink;
  if (input.password !== input.repeat) {
    return invalid({ password: 'Die beiden Passwörter stimmen nicht überein.' });
  }
  const problem = checkPasswordStrength(input.password, { email: owner.email });
  if (problem) return invalid({ password: problem });
  const hash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const userId = await consumePasswordToken(trx, hashToken(input.token), nowIso(ctx.now));
    if (!userId) return invalidLink;
    const user = await findUserById(trx, userId);
    if (!user || !user.active) return invalidLink;
    await setPasswordHash(trx, userId, hash, ctx.now);
    await invalidateUserSessions(trx, userId);
    // The person who set the password is the actor: not signed in yet, but the link identified them.
    await recordAudit(
      trx,
      { ...ctx, actor: { kind: 'user', user } },
      { action: 'auth.password_set_by_link', objectType: 'user', objectId: userId },
    );
    return ok({ userId });
  });
}
