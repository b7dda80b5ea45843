import { describe, expect, it } from 'vitest';
import { generateTOTP } from '@oslojs/otp';
import { ConfigError, loadConfig } from '../../src/lib/config/config';
import {
  decodeTotpSecret,
  encodeTotpSecret,
  generateRecoveryCodes,
  generateTotpSecret,
  groupSecret,
  hashRecoveryCode,
  isReachableBeforeEnrolment,
  looksLikeTotpCode,
  matchTotpStep,
  totpCodeForStep,
  totpKeyUri,
  totpStepAt,
} from '../../src/lib/auth/mfa';

const key = decodeTotpSecret('JBSWY3DPEHPK3PXP');
const now = new Date('2026-12-02T09:00:10Z');
const step = totpStepAt(now);

describe('TOTP rules', () => {
  it('computes the same code as an authenticator app (RFC 6238 via @oslojs/otp)', () => {
    const before = totpStepAt(new Date());
    // The library reads the wall clock itself; a step boundary may pass between the two reads.
    expect([totpCodeForStep(key, before), totpCodeForStep(key, before + 1)]).toContain(
      generateTOTP(key, 30, 6),
    );
  });

  it('accepts the current step and one on either side, and says which', () => {
    expect(matchTotpStep(key, totpCodeForStep(key, step), now, null)).toEqual({ step });
    expect(matchTotpStep(key, totpCodeForStep(key, step - 1), now, null)).toEqual({ step: step - 1 });
    expect(matchTotpStep(key, totpCodeForStep(key, step + 1), now, null)).toEqual({ step: step + 1 });
    expect(matchTotpStep(key, totpCodeForStep(key, step - 2), now, null)).toBeNull();
    expect(matchTotpStep(key, totpCodeForStep(key, step + 2), now, null)).toBeNull();
  });

  it('calls a code of an accepted (or older) step a replay', () => {
    expect(matchTotpStep(key, totpCodeForStep(key, step), now, step)).toEqual({ replayed: true });
    expect(matchTotpStep(key, totpCodeForStep(key, step - 1), now, step)).toEqual({ replayed: true });
    expect(matchTotpStep(key, totpCodeForStep(key, step + 1), now, step)).toEqual({ step: step + 1 });
  });

  it('reads codes with spaces and tells codes from recovery codes', () => {
    const code = totpCodeForStep(key, step);
    expect(matchTotpStep(key, `${code.slice(0, 3)} ${code.slice(3)}`, now, null)).toEqual({ step });
    expect(looksLikeTotpCode('123 456')).toBe(true);
    expect(looksLikeTotpCode('abcd-efgh-ijkl-mnop')).toBe(false);
    expect(looksLikeTotpCode('1234567')).toBe(false);
  });

  it('makes 160-bit secrets that round-trip through base32 and the otpauth address', () => {
    const secret = generateTotpSecret();
    expect(secret).toHaveLength(20);
    expect(decodeTotpSecret(encodeTotpSecret(secret))).toEqual(secret);
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    const uri = totpKeyUri('admin@partnernetz.example', secret);
    expect(uri).toMatch(/^otpauth:\/\/totp\/JMD%20Partnernetz:admin%40partnernetz\.example\?/);
    expect(uri).toContain(`secret=${encodeTotpSecret(secret)}`);
  });

  it('makes ten distinct recovery codes of 80 bits whose hash ignores case, spaces and dashes', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const code = codes[0]!;
    expect(hashRecoveryCode(code.toUpperCase().replace(/-/g, ' '))).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(codes[1]!)).not.toBe(hashRecoveryCode(code));
  });

  it('lets a required role reach only enrolment, sign-out and the health check', () => {
    expect(isReachableBeforeEnrolment('/konto/zwei-faktor')).toBe(true);
    expect(isReachableBeforeEnrolment('/abmelden')).toBe(true);
    for (const path of ['/', '/konto', '/admin', '/konto/zwei-faktor/x', '/api/angebote'])
      expect(isReachableBeforeEnrolment(path)).toBe(false);
  });
});

describe('MFA_REQUIRED_ROLES', () => {
  it('defaults to admin and coordinator', () => {
    expect(loadConfig({}).mfaRequiredRoles).toEqual(['admin', 'coordinator']);
  });
  it('takes a list, "none", or an empty value', () => {
    expect(loadConfig({ MFA_REQUIRED_ROLES: ' admin , caseworker' }).mfaRequiredRoles).toEqual([
      'admin',
      'caseworker',
    ]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'none' }).mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: '' }).mfaRequiredRoles).toEqual([]);
  });
  it('names an unknown role', () => {
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'admin,chef' })).toThrow(ConfigError);
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'admin,chef' })).toThrow(
      /MFA_REQUIRED_ROLES kennt chef nicht/,
    );
  });
});
