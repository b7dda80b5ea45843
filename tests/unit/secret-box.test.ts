import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretKeyMismatchError } from '../../src/lib/auth/secret-box';

const key = new Uint8Array(32).fill(3);

describe('secret box (AES-256-GCM at rest)', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const sealed = sealSecret(key, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('JBSWY3DP');
    expect(openSecret(key, sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('refuses another key, another row and an altered value', () => {
    const sealed = sealSecret(key, 'JBSWY3DPEHPK3PXP', 'user-1');
    expect(() => openSecret(new Uint8Array(32).fill(4), sealed, 'user-1')).toThrow(SecretKeyMismatchError);
    expect(() => openSecret(key, sealed, 'user-2')).toThrow(SecretKeyMismatchError);
    const altered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BA' : 'AA');
    expect(() => openSecret(key, altered, 'user-1')).toThrow(SecretKeyMismatchError);
    expect(() => openSecret(key, 'v1:kaputt', 'user-1')).toThrow(SecretKeyMismatchError);
  });

  it('hands a legacy value stored in clear back as it is (to be re-encrypted by the caller)', () => {
    expect(openSecret(key, 'JBSWY3DPEHPK3PXP', 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  });
});
