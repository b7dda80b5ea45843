import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

// argon2id (the library's default algorithm) with OWASP's recommended minimum: 19 MiB, 2 passes.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** Checks a new password (length and common-password list, no composition rules); returns a German problem or null. */
export function checkPasswordStrength(password: string, context: { email?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `Das Passwort ist zu kurz: Es braucht mindestens ${PASSWORD_MIN_LENGTH} Zeichen (jetzt ${length}). Ein Satz aus mehreren Wörtern ist leicht zu merken.`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `Das Passwort ist zu lang: höchstens ${PASSWORD_MAX_LENGTH} Zeichen.`;
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(lower) || /^(.{1,4})\1+$/.test(lower)) {
    return 'Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes, z. B. einen Satz aus mehreren Wörtern.';
  }
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) {
    return 'Das Passwort darf Ihre E-Mail-Adresse nicht enthalten.';
  }
  return null;
}

/** Hashes a password with argon2id. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** Verifies a password against its argon2 hash; false for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
