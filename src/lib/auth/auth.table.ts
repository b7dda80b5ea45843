import type { Insertable, Selectable, Updateable } from 'kysely';

/** app_user: a person who signs in ("user" is reserved in PostgreSQL). */
export interface UserTable {
  id: string;
  organization_id: string;
  email: string;
  display_name: string;
  role: 'admin' | 'coordinator' | 'caseworker' | 'partner';
  password_hash: string | null;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
  password_changed_at: string | null;
}

/** session: only the SHA-256 of the token is stored (Lucia design). */
export interface SessionTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string | null;
  /** 1 while the password was right but the second factor is still missing: such a session authenticates nobody. */
  mfa_pending: number;
}

/**
 * login_attempt: one row per failed sign-in and throttle key — a hash of account and address, or of the address
 * alone (src/lib/auth/sign-in-throttle.ts). Rows older than the throttle window are pruned.
 */
export interface LoginAttemptTable {
  id: string;
  scope: 'account_address' | 'address' | 'mfa_user';
  key_hash: string;
  attempted_at: string;
}

/** password_token: single-use, expiring link to set a password; only the hash is stored. */
export interface PasswordTokenTable {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/**
 * user_mfa: a user's TOTP secret (docs/decisions/0018-totp-second-factor.md). `confirmed_at` is null while enrolment
 * waits for the first code; `last_step` is the last accepted 30-second step, so no code is accepted twice.
 */
export interface UserMfaTable {
  user_id: string;
  secret: string;
  confirmed_at: string | null;
  last_step: number | null;
  created_at: string;
}

/** mfa_recovery_code: the SHA-256 of one single-use recovery code. */
export interface MfaRecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
