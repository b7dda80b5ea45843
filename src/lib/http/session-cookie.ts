import type { AstroCookies } from 'astro';

/** The session cookie's name: `__Host-` in production so it is bound to our host and HTTPS. */
export function sessionCookieName(production: boolean): string {
  return production ? '__Host-jmd_session' : 'jmd_session';
}

/** Sets the session cookie (HttpOnly, SameSite=Lax, Secure in production). */
export function setSessionCookie(
  cookies: AstroCookies,
  production: boolean,
  token: string,
  expiresAt: string,
): void {
  cookies.set(sessionCookieName(production), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    path: '/',
    expires: new Date(expiresAt),
  });
}

/** Removes the session cookie. */
export function deleteSessionCookie(cookies: AstroCookies, production: boolean): void {
  cookies.set(sessionCookieName(production), '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    path: '/',
    maxAge: 0,
  });
}

/** The cookie a redeemed single-use referral link leaves in the partner's browser. */
export function linkCookieName(production: boolean): string {
  return production ? '__Host-jmd_link' : 'jmd_link';
}

/** Sets the link cookie until the link expires (HttpOnly, SameSite=Lax, Secure in production). */
export function setLinkCookie(
  cookies: AstroCookies,
  production: boolean,
  token: string,
  expiresAt: string,
): void {
  cookies.set(linkCookieName(production), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    path: '/',
    expires: new Date(expiresAt),
  });
}
