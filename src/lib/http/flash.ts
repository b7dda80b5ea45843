import type { AstroCookies } from 'astro';

const FLASH_COOKIE = 'jmd_flash';
const MAX_FLASH_LENGTH = 500;

/**
 * Keeps a short German success message for the page after a redirect (Post/Redirect/Get). It holds only the text
 * of a message the app wrote — never personal data (DESIGN.md §5 rule 7) — and lives one minute at most.
 */
export function setFlash(cookies: AstroCookies, message: string, production: boolean): void {
  cookies.set(FLASH_COOKIE, message.slice(0, MAX_FLASH_LENGTH), {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    path: '/',
    maxAge: 60,
  });
}

/** Reads and clears the message of the previous POST (the middleware calls this once per page view). */
export function takeFlash(cookies: AstroCookies, production: boolean): string | null {
  const message = cookies.get(FLASH_COOKIE)?.value ?? null;
  if (message === null) return null;
  cookies.delete(FLASH_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: production });
  return message.slice(0, MAX_FLASH_LENGTH) || null;
}
