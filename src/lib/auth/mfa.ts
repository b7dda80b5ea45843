import { generateHOTP, createTOTPKeyURI } from '@oslojs/otp';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import {
  decodeBase32IgnorePadding,
  encodeBase32LowerCaseNoPadding,
  encodeBase32UpperCaseNoPadding,
  encodeHexLowerCase,
} from '@oslojs/encoding';
import { z } from 'zod';
import { secret } from '../http/form';
import type { Role } from './roles';

/**
 * TOTP second factor (RFC 6238; docs/decisions/0018-totp-second-factor.md; ASVS 5.0 V6.5). Pure rules: the secret,
 * which 30-second step a code belongs to, recovery codes and their hashes. Time always comes in as `now`.
 */

/** Seconds per TOTP step. */
export const TOTP_PERIOD_SECONDS = 30;
/** Digits per TOTP code. */
export const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one (clock drift of the phone): ±30 seconds. */
export const TOTP_DRIFT_STEPS = 1;
/** How many recovery codes a user gets at once. */
export const RECOVERY_CODE_COUNT = 10;
/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'JMD Partnernetz';

/** A new TOTP secret: 160 random bits (RFC 4226 recommends 160). */
export function generateTotpSecret(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

/** The secret as stored and as typed into an app: base32 (upper case, no padding). */
export function encodeTotpSecret(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key);
}

/** Decodes a stored secret. */
export function decodeTotpSecret(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text);
}

/** The secret in groups of four, so it can be read and typed without losing one's place. */
export function groupSecret(text: string): string {
  return text.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The otpauth:// address the QR code carries. */
export function totpKeyUri(accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(TOTP_ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The TOTP step an instant falls into. */
export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of a step (tests and the seed use it to compute what the app would show). */
export function totpCodeForStep(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), TOTP_DIGITS);
}

/** Whether a typed code has the shape of a TOTP code (six digits, spaces allowed). */
export function looksLikeTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}

/**
 * The step a code belongs to, if it is valid at `now` (± drift) and newer than `lastStep`; else null. A code of an
 * already accepted step is refused: the library checks only the code, so the replay guard is this comparison plus
 * the guarded update of last_step (mfa.queries.ts acceptTotpStep).
 */
export function matchTotpStep(
  key: Uint8Array,
  code: string,
  now: Date,
  lastStep: number | null,
): { step: number } | { replayed: true } | null {
  const typed = new TextEncoder().encode(code.replace(/\s/g, ''));
  const current = totpStepAt(now);
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    const expected = new TextEncoder().encode(totpCodeForStep(key, step));
    if (expected.length === typed.length && constantTimeEqual(expected, typed)) {
      return lastStep !== null && step <= lastStep ? { replayed: true } : { step };
    }
  }
  return null;
}

/**
 * Ten recovery codes of 80 random bits each, as "xxxx-xxxx-xxxx-xxxx" (base32). With 80 bits a plain SHA-256 is
 * enough to store them: guessing one from its hash is out of reach, unlike a password (decision 0018).
 */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = new Uint8Array(10);
    crypto.getRandomValues(bytes);
    return encodeBase32LowerCaseNoPadding(bytes).replace(/(.{4})(?=.)/g, '$1-');
  });
}

/** A recovery code as typed, reduced to what counts: lower case, without spaces and dashes. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** The stored form of a recovery code: SHA-256 (hex) of its normalized text. */
export function hashRecoveryCode(code: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(normalizeRecoveryCode(code))));
}

/** Whether a role must use a second factor under the configured list. */
export function isMfaRequired(role: Role, requiredRoles: readonly Role[]): boolean {
  return requiredRoles.includes(role);
}

/** The enrolment page: where a user of a required role without a second factor is sent from every page. */
export const MFA_ENROLMENT_PATH = '/konto/zwei-faktor';

/** The sign-in step that asks for the code after the password. */
export const MFA_CODE_PATH = '/anmelden/code';

/**
 * Paths a signed-in user of a required role may reach before enrolment: the enrolment page itself, signing out and
 * the health check. Everything else redirects to enrolment.
 */
export function isReachableBeforeEnrolment(pathname: string): boolean {
  return pathname === MFA_ENROLMENT_PATH || pathname === '/abmelden' || pathname === '/healthz';
}

const CODE_MESSAGE = 'Bitte geben Sie den Code aus Ihrer App oder einen Wiederherstellungscode ein.';

/** The code field of the sign-in step and of enrolment. */
export const MfaCodeSchema = z.object({
  code: secret(
    z
      .string({ message: CODE_MESSAGE })
      .trim()
      .min(1, { message: CODE_MESSAGE })
      .max(64, { message: 'Der Code ist zu lang. Bitte prüfen Sie Ihre Eingabe.' }),
  ),
});

/** The forms on the enrolment page; each asks for the password again (re-authentication) except confirming. */
export const MfaSettingsSchema = z.object({
  action: z.enum(['start', 'confirm', 'recovery-codes', 'disable'], {
    message: 'Bitte laden Sie die Seite neu und versuchen Sie es erneut.',
  }),
  password: secret(z.string().max(1024, { message: 'Das Passwort ist zu lang.' }).default('')),
  code: secret(z.string().trim().max(64, { message: 'Der Code ist zu lang.' }).default('')),
});
export type MfaSettingsForm = z.output<typeof MfaSettingsSchema>;
