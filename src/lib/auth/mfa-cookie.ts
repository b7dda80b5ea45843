import type { AstroCookies } from 'astro';

/**
 * The cookie of a sign-in that waits for its second factor (decision 0018). Apart from the session cookie, so that
 * nothing that reads sessions can mistake the pending half for a signed-in user.
 */
export function pendingSignInCookieName(production: boolean): string {
  return production ? '__Host-jmd_mfa' : 'jmd_mfa';
}

/** Sets the pending sign-in cookie (HttpOnly, SameSite=Lax, Secure in production) until the pending half expires. */
export function setPendingSignInCookie(
  cookies: AstroCookies,
  production: boolean,
  token: string,
  expiresAt: string,
): void {
  cookies.set(pendingSignInCookieName(production), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    path: '/',
    expires: new Date(expiresAt),
  });
}

/** Removes the pending sign-in cookie. */
export function deletePendingSignInCookie(cookies: AstroCookies, production: boolean): void {
  cookies.set(pendingSignInCookieName(production), '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    path: '/',
    maxAge: 0,
  });
}
