import type { Executor } from '../db/executor';
import { newId } from '../db/ids';

/** A user's second factor as the services see it; the secret never leaves src/lib/auth. */
export interface UserMfa {
  userId: string;
  /** As stored: sealed with DATA_ENCRYPTION_KEY (`v1:…`, see secret-box.ts), or in clear from before. */
  secret: string;
  confirmedAt: string | null;
  lastStep: number | null;
}

/** Finds a user's TOTP secret, confirmed or still waiting for the first code. */
export async function findUserMfa(db: Executor, userId: string): Promise<UserMfa | null> {
  const row = await db.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!row) return null;
  return {
    userId: row.user_id,
    secret: row.secret,
    confirmedAt: row.confirmed_at,
    lastStep: row.last_step === null ? null : Number(row.last_step),
  };
}

/** Stores a new, unconfirmed secret for a user, replacing an earlier unconfirmed one. */
export async function upsertPendingMfa(
  db: Executor,
  userId: string,
  secret: string,
  at: string,
): Promise<void> {
  await db.deleteFrom('user_mfa').where('user_id', '=', userId).where('confirmed_at', 'is', null).execute();
  await db
    .insertInto('user_mfa')
    .values({ user_id: userId, secret, confirmed_at: null, last_step: null, created_at: at })
    .execute();
}

/**
 * Replaces a stored secret by its encrypted form — only if it is still the value read (a concurrent enrolment or
 * reset wins). Used for secrets stored in clear before decision 0018 was amended.
 */
export async function replaceMfaSecret(
  db: Executor,
  userId: string,
  previous: string,
  next: string,
): Promise<void> {
  await db
    .updateTable('user_mfa')
    .set({ secret: next })
    .where('user_id', '=', userId)
    .where('secret', '=', previous)
    .execute();
}

/** Secrets still stored in clear (without the `v1:` prefix of an encrypted one), for the sweep after migrating. */
export async function listClearMfaSecrets(db: Executor): Promise<{ userId: string; secret: string }[]> {
  const rows = await db
    .selectFrom('user_mfa')
    .select(['user_id', 'secret'])
    .where('secret', 'not like', 'v1:%')
    .execute();
  return rows.map((row) => ({ userId: row.user_id, secret: row.secret }));
}

/** Confirms a pending secret with the step of its first code; false when there was none pending. */
export async function confirmMfa(db: Executor, userId: string, step: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({ confirmed_at: at, last_step: step })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records `step` as the last accepted one — only if it is newer than the stored one. The guarded update makes the
 * replay check hold even when two requests with the same code race: only one of them updates the row.
 */
export async function acceptTotpStep(db: Executor, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes a user's second factor and recovery codes (disable, or an admin's reset). */
export async function deleteUserMfa(db: Executor, userId: string): Promise<boolean> {
  await db.deleteFrom('mfa_recovery_code').where('user_id', '=', userId).execute();
  const result = await db.deleteFrom('user_mfa').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Replaces a user's recovery codes with new ones (hashes only). */
export async function replaceRecoveryCodes(
  db: Executor,
  userId: string,
  codeHashes: string[],
): Promise<void> {
  await db.deleteFrom('mfa_recovery_code').where('user_id', '=', userId).execute();
  await db
    .insertInto('mfa_recovery_code')
    .values(
      codeHashes.map((codeHash) => ({ id: newId(), user_id: userId, code_hash: codeHash, used_at: null })),
    )
    .execute();
}

/** Uses up one recovery code; false when it is unknown, used or another user's (guarded: usable once, even in a race). */
export async function useRecoveryCode(
  db: Executor,
  userId: string,
  codeHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('mfa_recovery_code')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many unused recovery codes a user has left. */
export async function countUnusedRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_recovery_code')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
