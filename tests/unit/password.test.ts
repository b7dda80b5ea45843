import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../src/lib/auth/password';

describe('password rules', () => {
  it('refuses passwords shorter than 10 characters and says how long they must be', () => {
    expect(checkPasswordStrength('kurz12345')).toMatch(/mindestens 10 Zeichen/);
  });

  it('counts characters, not bytes, so ten umlauts are long enough', () => {
    expect(checkPasswordStrength('äöüäöüäöüx')).toBeNull();
  });

  it('accepts a long passphrase without any composition rule', () => {
    expect(checkPasswordStrength('die möwe fliegt über die trave')).toBeNull();
  });

  it('refuses a password from the common list regardless of case', () => {
    expect(checkPasswordStrength('Passwort123')).toMatch(/zu verbreitet/);
  });

  it('refuses a repeated short pattern', () => {
    expect(checkPasswordStrength('abababababab')).toMatch(/zu verbreitet/);
  });

  it('refuses a password containing the e-mail name', () => {
    expect(checkPasswordStrength('fatma.yilmaz-2026', { email: 'fatma.yilmaz@jmd.example' })).toMatch(
      /E-Mail/,
    );
  });

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('richtiges Passwort 1');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'richtiges Passwort 1')).toBe(true);
    expect(await verifyPassword(hash, 'falsches Passwort 1')).toBe(false);
  });

  it('treats a malformed hash as a failed verification instead of throwing', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever123')).toBe(false);
  });
});
