import type { Db } from '../db/create-db';
import { nowIso } from '../db/ids';
import { recordAuditUnclocked } from '../audit/audit.queries';
import type { User } from './auth';
import { normalizeEmail } from './auth';
import {
  countLoginAttempts,
  deleteLoginAttempts,
  findUserRowByEmail,
  insertLoginAttempt,
  rowToUser,
} from './auth.queries';
import { hashPassword, verifyPassword } from './password';
import { RATE_LIMIT, rateLimitKey } from './rate-limit';
import { createSession, type SessionLimits } from './session.service';

export type SignInResult =
  | { ok: true; token: string; user: User; expiresAt: string }
  | { ok: false; reason: 'invalid' | 'rate_limited' };

/** German messages for failed sign-ins; neither reveals whether the account exists. */
export const SIGN_IN_MESSAGES = {
  invalid:
    'Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort. Wenn Sie Ihr Passwort vergessen haben, wenden Sie sich an die Administration Ihrer Einrichtung.',
  rate_limited:
    'Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut.',
} as const;

let dummyHash: Promise<string> | null = null;

/** Signs a user in: rate limit per account and per IP, argon2 check, new session; failures count in the database. */
export async function signIn(
  db: Db,
  limits: SessionLimits,
  input: { email: string; password: string; ip: string; userAgent: string | null; requestId?: string },
  now: Date = new Date(),
): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const accountKey = rateLimitKey('account', email);
  const ipKey = rateLimitKey('ip', input.ip);
  const since = nowIso(new Date(now.getTime() - RATE_LIMIT.windowMs));
  const [accountFailures, ipFailures] = await Promise.all([
    countLoginAttempts(db, 'account', accountKey, since),
    countLoginAttempts(db, 'ip', ipKey, since),
  ]);
  if (accountFailures >= RATE_LIMIT.perAccount || ipFailures >= RATE_LIMIT.perIp) {
    return { ok: false, reason: 'rate_limited' };
  }

  const row = email ? await findUserRowByEmail(db, email) : null;
  // Verify against a dummy hash when there is no usable account, so the response time
  // does not reveal whether an account exists (user enumeration).
  dummyHash ??= hashPassword('dummy-password-for-timing');
  const passwordOk = await verifyPassword(row?.password_hash ?? (await dummyHash), input.password);

  if (!row || !row.password_hash || !passwordOk || Number(row.active) !== 1) {
    const at = nowIso(now);
    await insertLoginAttempt(db, 'account', accountKey, at);
    await insertLoginAttempt(db, 'ip', ipKey, at);
    return { ok: false, reason: 'invalid' };
  }

  await deleteLoginAttempts(db, 'account', accountKey);
  const { token, session } = await createSession(db, limits, row.id, input.userAgent, now);
  const user = rowToUser(row);
  await recordAuditUnclocked(db, {
    actor: user,
    action: 'auth.sign_in',
    objectType: 'session',
    objectId: null,
    requestId: input.requestId ?? null,
  });
  return { ok: true, token, user, expiresAt: session.expiresAt };
}
