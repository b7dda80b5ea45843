/** Builds the Content-Security-Policy: no inline script, no plugins, no framing, tiles only from the tile host. */
export function contentSecurityPolicy(options: { tileUrl: string; dev: boolean }): string {
  const tileOrigin = tileOriginOf(options.tileUrl);
  const img = ["'self'", 'data:', ...(tileOrigin ? [tileOrigin] : [])].join(' ');
  const script = options.dev ? "'self' 'unsafe-inline'" : "'self'";
  const style = options.dev ? "'self' 'unsafe-inline'" : "'self'";
  const connect = options.dev ? "'self' ws:" : "'self'";
  return [
    "default-src 'self'",
    `script-src ${script}`,
    `style-src ${style}`,
    `img-src ${img}`,
    `connect-src ${connect}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The origin of a tile URL template ("https://{s}.tile.example.org/{z}/…" → "https://*.tile.example.org"). */
export function tileOriginOf(tileUrl: string): string | null {
  if (!tileUrl) return null;
  const match = /^(https?:\/\/)([^/]+)/.exec(tileUrl);
  if (!match) return null;
  return `${match[1]}${match[2]!.replace(/\{s\}/, '*')}`;
}

/** Sets the security headers of DESIGN.md §5 rule 7 on a response. */
export function applySecurityHeaders(
  headers: Headers,
  options: { tileUrl: string; dev: boolean; production: boolean; noStore: boolean },
): void {
  headers.set('Content-Security-Policy', contentSecurityPolicy(options));
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'same-origin');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(self), payment=()');
  if (options.production) headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  // Pages may show personal data: never keep them in a shared or browser cache.
  if (options.noStore) headers.set('Cache-Control', 'no-store');
}
