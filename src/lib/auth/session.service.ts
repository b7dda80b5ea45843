import type { Db } from '../db/create-db';
import { nowIso } from '../db/ids';
import type { Session, User } from './auth';
import {
  deleteSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  touchSession,
} from './auth.queries';
import { generateToken, hashToken, isWellFormedToken } from './token';

/** Session limits, from config. */
export interface SessionLimits {
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
}

// Writing last_seen_at on every request would turn every page view into a write;
// once a minute keeps the idle timeout accurate to a minute.
const TOUCH_INTERVAL_MS = 60_000;

/** Creates a session for a user and returns the token for the cookie (the database keeps only its hash). */
export async function createSession(
  db: Db,
  limits: SessionLimits,
  userId: string,
  userAgent: string | null,
  now: Date = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const session: Session = {
    id: hashToken(token),
    userId,
    createdAt: nowIso(now),
    lastSeenAt: nowIso(now),
    expiresAt: nowIso(new Date(now.getTime() + limits.sessionAbsoluteMs)),
    userAgent: summarizeUserAgent(userAgent),
  };
  await insertSession(db, session);
  return { token, session };
}

/** Validates a session token: enforces absolute and idle limits and the user's active flag on the server. */
export async function validateSessionToken(
  db: Db,
  limits: SessionLimits,
  token: string,
  now: Date = new Date(),
): Promise<{ session: Session; user: User } | null> {
  if (!isWellFormedToken(token)) return null;
  const found = await findSessionWithUser(db, hashToken(token));
  if (!found) return null;
  const { session, user } = found;
  const nowMs = now.getTime();
  const expired = Date.parse(session.expiresAt) <= nowMs;
  const idle = Date.parse(session.lastSeenAt) + limits.sessionIdleMs <= nowMs;
  if (expired || idle || !user.active) {
    await deleteSession(db, session.id);
    return null;
  }
  if (nowMs - Date.parse(session.lastSeenAt) >= TOUCH_INTERVAL_MS) {
    session.lastSeenAt = nowIso(now);
    await touchSession(db, session.id, session.lastSeenAt);
  }
  return { session, user };
}

/** Ends one session. */
export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}

/** Ends all of a user's sessions but one (after a password change) or all of them. */
export async function invalidateUserSessions(
  db: Db,
  userId: string,
  exceptSessionId?: string,
): Promise<number> {
  return deleteUserSessions(db, userId, exceptSessionId);
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
