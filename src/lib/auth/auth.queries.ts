import type { Executor } from '../db/executor';
import { newId, nowIso } from '../db/ids';
import type { SessionRow, UserRow } from './auth.table';
import type { Session, User, UserForm } from './auth';
import type { Role } from './roles';
import type { FailureRecord } from './sign-in-throttle';

/** Maps a user row to the domain object (without the password hash). */
export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role as Role,
    active: Number(row.active) === 1,
    version: Number(row.version),
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Maps a session row to the domain object. */
export function rowToSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
    mfaPending: Number(row.mfa_pending) === 1,
  };
}

/** Finds a user row (with hash) by normalized e-mail. */
export async function findUserRowByEmail(db: Executor, email: string): Promise<UserRow | null> {
  return (await db.selectFrom('app_user').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
}

/** Finds a user by id. */
export async function findUserById(db: Executor, id: string): Promise<User | null> {
  const row = await db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToUser(row) : null;
}

/** Finds the password hash of a user. */
export async function findPasswordHash(db: Executor, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('app_user')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}

/** Lists users, optionally of one organization, ordered by name. */
export async function listUsers(db: Executor, filter: { organizationId?: string } = {}): Promise<User[]> {
  let query = db.selectFrom('app_user').selectAll().orderBy('display_name');
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  return (await query.execute()).map(rowToUser);
}

/** Creates a user; the e-mail must be normalized already. */
export async function createUser(
  db: Executor,
  input: UserForm & { passwordHash?: string | null },
  at: Date,
): Promise<User> {
  const now = nowIso(at);
  const row = {
    id: newId(),
    organization_id: input.organizationId,
    email: input.email,
    display_name: input.displayName,
    role: input.role,
    password_hash: input.passwordHash ?? null,
    active: 1,
    version: 1,
    created_at: now,
    updated_at: now,
    password_changed_at: input.passwordHash ? now : null,
  };
  await db.insertInto('app_user').values(row).execute();
  return rowToUser(row);
}

/** Updates a user if `version` still matches; returns the new user or null on a stale version. */
export async function updateUser(
  db: Executor,
  id: string,
  version: number,
  changes: Partial<UserForm> & { active?: boolean },
  at: Date,
): Promise<User | null> {
  const result = await db
    .updateTable('app_user')
    .set({
      ...(changes.displayName !== undefined && { display_name: changes.displayName }),
      ...(changes.email !== undefined && { email: changes.email }),
      ...(changes.role !== undefined && { role: changes.role }),
      ...(changes.organizationId !== undefined && { organization_id: changes.organizationId }),
      ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
      version: version + 1,
      updated_at: nowIso(at),
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  return findUserById(db, id);
}

/** Stores a new password hash. */
export async function setPasswordHash(
  db: Executor,
  userId: string,
  passwordHash: string,
  at: Date,
): Promise<void> {
  const now = nowIso(at);
  await db
    .updateTable('app_user')
    .set((eb) => ({
      password_hash: passwordHash,
      password_changed_at: now,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', userId)
    .execute();
}

/** Counts all users (used to decide whether the database is empty). */
export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Inserts a session row. */
export async function insertSession(db: Executor, session: Session): Promise<void> {
  await db
    .insertInto('session')
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
      user_agent: session.userAgent,
      mfa_pending: session.mfaPending ? 1 : 0,
    })
    .execute();
}

/** Finds a session with its user row, and whether the user has a confirmed second factor. */
export async function findSessionWithUser(
  db: Executor,
  sessionId: string,
): Promise<{ session: Session; user: User; mfaEnabled: boolean } | null> {
  // One statement for every request's session check (was three: session, user, second factor); on PostgreSQL each
  // statement is a round trip.
  const row = await db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .leftJoin('user_mfa', (join) =>
      join.onRef('user_mfa.user_id', '=', 'app_user.id').on('user_mfa.confirmed_at', 'is not', null),
    )
    .select([
      'session.id as session_id',
      'session.user_id as session_user_id',
      'session.created_at as session_created_at',
      'session.last_seen_at as session_last_seen_at',
      'session.expires_at as session_expires_at',
      'session.user_agent as session_user_agent',
      'session.mfa_pending as session_mfa_pending',
      'app_user.id',
      'app_user.organization_id',
      'app_user.email',
      'app_user.display_name',
      'app_user.role',
      'app_user.password_hash',
      'app_user.active',
      'app_user.version',
      'app_user.created_at',
      'app_user.updated_at',
      'app_user.password_changed_at',
      'user_mfa.user_id as mfa_user_id',
    ])
    .where('session.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const session = rowToSession({
    id: row.session_id,
    user_id: row.session_user_id,
    created_at: row.session_created_at,
    last_seen_at: row.session_last_seen_at,
    expires_at: row.session_expires_at,
    user_agent: row.session_user_agent,
    mfa_pending: row.session_mfa_pending,
  });
  return { session, user: rowToUser(row), mfaEnabled: row.mfa_user_id !== null };
}

/** Moves a session's last activity forward. */
export async function touchSession(db: Executor, sessionId: string, lastSeenAt: string): Promise<void> {
  await db.updateTable('session').set({ last_seen_at: lastSeenAt }).where('id', '=', sessionId).execute();
}

/** Deletes one session. */
export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/** Deletes one of a user's sessions; returns whether it existed (foreign ids delete nothing). */
export async function deleteUserSession(db: Executor, userId: string, sessionId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('session')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Deletes every session of a user except, optionally, one. */
export async function deleteUserSessions(
  db: Executor,
  userId: string,
  exceptSessionId?: string,
): Promise<number> {
  let query = db.deleteFrom('session').where('user_id', '=', userId);
  if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Lists a user's sessions, newest activity first (sign-ins still waiting for their code are no sessions yet). */
export async function listUserSessions(db: Executor, userId: string): Promise<Session[]> {
  const rows = await db
    .selectFrom('session')
    .selectAll()
    .where('user_id', '=', userId)
    .where('mfa_pending', '=', 0)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map(rowToSession);
}

/** Deletes sessions whose absolute or idle limit has passed. */
export async function deleteExpiredSessions(db: Executor, now: Date, idleMs: number): Promise<number> {
  const result = await db
    .deleteFrom('session')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', nowIso(now)),
        eb('last_seen_at', '<=', nowIso(new Date(now.getTime() - idleMs))),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The failed sign-ins under each key since a point in time: how many, and the latest. */
export async function findSignInFailures(
  db: Executor,
  keyHashes: string[],
  since: string,
): Promise<Map<string, FailureRecord>> {
  const rows = await db
    .selectFrom('login_attempt')
    .select((eb) => ['key_hash', eb.fn.countAll().as('n'), eb.fn.max('attempted_at').as('latest')])
    .where('key_hash', 'in', keyHashes)
    .where('attempted_at', '>', since)
    .groupBy('key_hash')
    .execute();
  const records = new Map<string, FailureRecord>();
  for (const key of keyHashes) records.set(key, { count: 0, latest: null });
  for (const row of rows) records.set(row.key_hash, { count: Number(row.n), latest: row.latest ?? null });
  return records;
}

/** Records one failed sign-in under each key (an insert each, so concurrent failures never get lost). */
export async function insertSignInFailures(
  db: Executor,
  keys: { scope: 'account_address' | 'address' | 'mfa_user'; keyHash: string }[],
  at: string,
): Promise<void> {
  await db
    .insertInto('login_attempt')
    .values(keys.map((key) => ({ id: newId(), scope: key.scope, key_hash: key.keyHash, attempted_at: at })))
    .execute();
}

/** Forgets failures under the keys: all of them, or (with `before`) those older than the window. */
export async function deleteSignInFailures(
  db: Executor,
  keyHashes: string[],
  before?: string,
): Promise<void> {
  let query = db.deleteFrom('login_attempt').where('key_hash', 'in', keyHashes);
  if (before !== undefined) query = query.where('attempted_at', '<=', before);
  await query.execute();
}

/** Inserts a password-setting token (hash only). */
export async function insertPasswordToken(
  db: Executor,
  token: { id: string; userId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('password_token')
    .values({
      id: token.id,
      user_id: token.userId,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      used_at: null,
    })
    .execute();
}

/** Marks a password token used if it is unused and unexpired; returns its user id, or null. */
export async function consumePasswordToken(
  db: Executor,
  tokenHash: string,
  now: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('password_token')
    .select(['user_id'])
    .where('id', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  // The guarded update makes the token single-use even when two requests race.
  const result = await db
    .updateTable('password_token')
    .set({ used_at: now })
    .where('id', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? row.user_id : null;
}

/** The user of a password token that is currently usable (unused, unexpired), without consuming it; or null. */
export async function findUsablePasswordTokenUserId(
  db: Executor,
  tokenHash: string,
  now: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('password_token')
    .select('user_id')
    .where('id', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Marks every unused password token of a user as used, so only the newest link works. */
export async function revokePasswordTokens(db: Executor, userId: string, now: string): Promise<void> {
  await db
    .updateTable('password_token')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** The addresses of an organization's active partner accounts (who is told about a new referral by mail). */
export async function listActivePartnerEmails(db: Executor, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('app_user')
    .select('email')
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'partner')
    .where('active', '=', 1)
    .orderBy('email')
    .execute();
  return rows.map((row) => row.email);
}
