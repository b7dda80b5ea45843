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
