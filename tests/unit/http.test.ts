import { describe, expect, it } from 'vitest';
import {
  clientIpOf,
  isSameOriginRequest,
  isUnsafeMethod,
  PEER_ADDRESS_HEADER,
  safeLocalPath,
  socketAddressOf,
} from '../../src/lib/http/request';
import { contentSecurityPolicy, tileOriginOf } from '../../src/lib/http/security-headers';

const post = (headers: Record<string, string>) =>
  new Request('http://app.test/x', { method: 'POST', headers });

describe('origin check', () => {
  it('treats GET and HEAD as safe and POST, PUT, DELETE as unsafe', () => {
    expect(isUnsafeMethod('GET')).toBe(false);
    expect(isUnsafeMethod('HEAD')).toBe(false);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].every(isUnsafeMethod)).toBe(true);
  });

  it('accepts our own origin and refuses a foreign one', () => {
    expect(isSameOriginRequest(post({ origin: 'http://app.test' }), ['http://app.test'])).toBe(true);
    expect(isSameOriginRequest(post({ origin: 'https://evil.example' }), ['http://app.test'])).toBe(false);
  });

  it('refuses a cross-site request that only sends Sec-Fetch-Site', () => {
    expect(isSameOriginRequest(post({ 'sec-fetch-site': 'cross-site' }), ['http://app.test'])).toBe(false);
  });
});

describe('client address', () => {
  const request = new Request('http://app.test', { headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.2' } });

  it('ignores X-Forwarded-For unless proxies are trusted (no spoofing the rate limit)', () => {
    expect(clientIpOf(request, '10.0.0.3', 0)).toBe('10.0.0.3');
  });

  it('takes the entry the trusted proxy appended', () => {
    expect(clientIpOf(request, '10.0.0.3', 1)).toBe('10.0.0.2');
    expect(clientIpOf(request, '10.0.0.3', 2)).toBe('203.0.113.9');
  });
});

describe('socket address', () => {
  it('takes the address Astro reports when no X-Forwarded-For was sent (then it is the socket)', () => {
    expect(socketAddressOf(new Request('http://app.test/'), '192.0.2.10')).toBe('192.0.2.10');
  });

  it('never takes an X-Forwarded-For address nobody vouches for as the socket', () => {
    const request = new Request('http://app.test/', { headers: { 'x-forwarded-for': '203.0.113.5' } });
    // Astro's Node adapter reports the header's first entry as the client address.
    expect(socketAddressOf(request, '203.0.113.5')).toBe('unbekannt');
  });

  it("ignores a peer-address header a client forged without the server's nonce", () => {
    const request = new Request('http://app.test/', {
      headers: { 'x-forwarded-for': '203.0.113.5', [PEER_ADDRESS_HEADER]: 'geraten 198.51.100.1' },
    });
    expect(socketAddressOf(request, '203.0.113.5')).toBe('unbekannt');
  });
});

describe('redirect targets', () => {
  it('keeps local paths and refuses other hosts', () => {
    expect(safeLocalPath('/verzeichnis', '/')).toBe('/verzeichnis');
    expect(safeLocalPath('//evil.example', '/')).toBe('/');
    expect(safeLocalPath('https://evil.example', '/')).toBe('/');
    // Browsers strip tabs and line breaks from URLs: these would turn into "//evil.example".
    expect(safeLocalPath('/\t/evil.example', '/')).toBe('/');
    expect(safeLocalPath('/\n/evil.example', '/')).toBe('/');
    expect(safeLocalPath('/\\evil.example', '/')).toBe('/');
  });
});

describe('content security policy', () => {
  it('forbids plugins, base tags and framing, and allows only the tile host for images', () => {
    const csp = contentSecurityPolicy({
      tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      dev: false,
    });
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("img-src 'self' data: https://tile.openstreetmap.org");
  });

  it('names no tile host when tiles are off', () => {
    expect(tileOriginOf('')).toBeNull();
    expect(tileOriginOf('https://{s}.tiles.example.org/{z}/{x}/{y}.png')).toBe('https://*.tiles.example.org');
  });
});
