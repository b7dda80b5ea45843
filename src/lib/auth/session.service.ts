import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Executor } from '../db/executor';
import { nowIso } from '../db/ids';
import type { Session, User } from './auth';
import {
  deleteSession,
  deleteUserSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  touchSession,
} from './auth.queries';
import { can } from './policy';
import { generateToken, hashToken, isWellFormedToken } from './token';

/** Session limits, from config. */
export interface SessionLimits {
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
}

/**
 * Writing last_seen_at on every request would turn every page view into a write, so it is moved forward at most
 * once a minute. The stored time can therefore lag the latest request by up to this interval; the idle check adds
 * the interval back, so a session never ends before it has really been idle for the configured time (at most one
 * interval later).
 */
export const TOUCH_INTERVAL_MS = 60_000;

/** When a session whose recorded activity is `lastSeenAt` counts as idle. */
export function idleDeadline(lastSeenAt: string, limits: SessionLimits): number {
  return Date.parse(lastSeenAt) + limits.sessionIdleMs + TOUCH_INTERVAL_MS;
}

/** How long a sign-in may wait for its second factor after the password was right. */
export const PENDING_SIGN_IN_MS = 10 * 60_000;

/**
 * Creates a session for a user and returns the token for the cookie (the database keeps only its hash). With
 * `mfaPending` it is the short-lived half of a sign-in that still waits for the code (docs/decisions/0018).
 */
export async function createSession(
  db: Executor,
  limits: SessionLimits,
  userId: string,
  userAgent: string | null,
  now: Date,
  options: { mfaPending?: boolean } = {},
): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const mfaPending = options.mfaPending ?? false;
  const session: Session = {
    id: hashToken(token),
    userId,
    createdAt: nowIso(now),
    lastSeenAt: nowIso(now),
    expiresAt: nowIso(new Date(now.getTime() + (mfaPending ? PENDING_SIGN_IN_MS : limits.sessionAbsoluteMs))),
    userAgent: summarizeUserAgent(userAgent),
    mfaPending,
  };
  await insertSession(db, session);
  return { token, session };
}

/**
 * Validates a session token at `now`: enforces absolute and idle limits and the user's active flag on the server.
 * A sign-in still waiting for its second factor is no session: it authenticates nobody (only the code page reads it,
 * through findPendingSignIn). `mfaEnabled` says whether the user has a confirmed second factor.
 */
export async function validateSessionToken(
  db: Executor,
  limits: SessionLimits,
  token: string,
  now: Date,
): Promise<{ session: Session; user: User; mfaEnabled: boolean } | null> {
  if (!isWellFormedToken(token)) return null;
  const found = await findSessionWithUser(db, hashToken(token));
  if (!found || found.session.mfaPending) return null;
  const { session, user, mfaEnabled } = found;
  const nowMs = now.getTime();
  const expired = Date.parse(session.expiresAt) <= nowMs;
  const idle = idleDeadline(session.lastSeenAt, limits) <= nowMs;
  if (expired || idle || !user.active) {
    await deleteSession(db, session.id);
    return null;
  }
  if (nowMs - Date.parse(session.lastSeenAt) >= TOUCH_INTERVAL_MS) {
    session.lastSeenAt = nowIso(now);
    await touchSession(db, session.id, session.lastSeenAt);
  }
  return { session, user, mfaEnabled };
}

/** Ends all of a user's sessions but one (after a password change) or all of them. */
export async function invalidateUserSessions(
  db: Executor,
  userId: string,
  exceptSessionId?: string,
): Promise<number> {
  return deleteUserSessions(db, userId, exceptSessionId);
}

/** Signs the current user out: ends the session the request came with. Without a session there is nothing to do. */
export async function signOut(
  db: Executor,
  ctx: ActionContext,
  input: { sessionId: string | null },
): Promise<Result<{ signedOut: boolean }>> {
  const user = userOf(ctx);
  if (!user || !input.sessionId) return ok({ signedOut: false });
  const sessionId = input.sessionId;
  return db.transaction().execute(async (trx) => {
    const ended = await deleteUserSession(trx, user.id, sessionId);
    if (ended)
      await recordAudit(trx, ctx, { action: 'auth.sign_out', objectType: 'session', objectId: null });
    return ok({ signedOut: ended });
  });
}

/** Ends one of the signed-in user's sessions; a foreign or unknown session is not found. */
export async function endSession(
  db: Executor,
  ctx: ActionContext,
  input: { session: string },
): Promise<Result<{ ended: string }>> {
  const user = userOf(ctx);
  if (!user || !can(user, 'session.end', { type: 'session', userId: user.id })) return notFound();
  return db.transaction().execute(async (trx) => {
    // The delete is scoped to this user's sessions: a foreign session id deletes nothing and reads as unknown.
    if (!(await deleteUserSession(trx, user.id, input.session))) return notFound();
    await recordAudit(trx, ctx, { action: 'auth.session_end', objectType: 'session', objectId: null });
    return ok({ ended: input.session });
  });
}

/** Ends every session of the signed-in user except the one the request came with. */
export async function endOtherSessions(
  db: Executor,
  ctx: ActionContext,
  input: { keepSessionId: string },
): Promise<Result<{ ended: number }>> {
  const user = userOf(ctx);
  if (!user || !can(user, 'session.end', { type: 'session', userId: user.id })) return notFound();
  return db.transaction().execute(async (trx) => {
    const ended = await deleteUserSessions(trx, user.id, input.keepSessionId);
    await recordAudit(trx, ctx, { action: 'auth.session_end', objectType: 'session', objectId: null });
    return ok({ ended });
  });
}

/** Reduces a User-Agent header to "Browser auf System" — enough to recognise a session, no fingerprint. */
export function summarizeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(userAgent)
        ? 'Chrome/Chromium'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Unbekannter Browser';
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'unbekanntem System';
  return `${browser} auf ${system}`;
}

/** The message after ending the other sessions. */
export function endedSessionsMessage(ended: number): string {
  if (ended === 0) return 'Es gab keine anderen Sitzungen.';
  return ended === 1 ? 'Ihre andere Sitzung wurde beendet.' : `${ended} andere Sitzungen wurden beendet.`;
}
