import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, isWellFormedToken } from '../../src/lib/auth/token';
import { summarizeUserAgent } from '../../src/lib/auth/session.service';

describe('session tokens', () => {
  it('carries 160 random bits in 32 base32 characters', () => {
    const token = generateToken();
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(isWellFormedToken(token)).toBe(true);
  });

  it('never repeats across many tokens', () => {
    const tokens = new Set(Array.from({ length: 2000 }, generateToken));
    expect(tokens.size).toBe(2000);
  });

  it('stores a SHA-256 hex digest, not the token itself', () => {
    const token = generateToken();
    const hash = hashToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(hashToken(token)).toBe(hash);
  });

  it('matches the known SHA-256 of a fixed input', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('rejects malformed tokens before any lookup', () => {
    expect(isWellFormedToken('')).toBe(false);
    expect(isWellFormedToken("' OR 1=1 --")).toBe(false);
    expect(isWellFormedToken('A'.repeat(32))).toBe(false);
  });

  it('reduces a user agent to browser and system', () => {
    expect(
      summarizeUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
      ),
    ).toBe('Chrome/Chromium auf Linux');
    expect(summarizeUserAgent(null)).toBeNull();
  });
});
