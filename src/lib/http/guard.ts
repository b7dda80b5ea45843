import type { AstroGlobal } from 'astro';
import type { User } from '../auth/auth';
import { safeLocalPath } from './request';

/**
 * The signed-in user, or a redirect to the sign-in page (pages return it as their response). A page asked for with
 * GET is named in `weiter`, so that a link from a mail opened while signed out leads there after sign-in; the sign-in
 * page follows it only to a path of this site (safeLocalPath).
 */
export function requireUser(astro: AstroGlobal): User | Response {
  const user = astro.locals.user;
  if (user) return user;
  return astro.redirect(signInPathFor(astro.request.method, astro.url), 303);
}

/** The sign-in address for a signed-out request: with the page to return to, for GET requests only. */
export function signInPathFor(method: string, url: URL): string {
  const target = `${url.pathname}${url.search}`;
  if (method !== 'GET' || target === '/' || url.pathname === '/anmelden') return '/anmelden';
  return `/anmelden?weiter=${encodeURIComponent(target)}`;
}

/**
 * Where sign-in leads: the page asked for before (`weiter`) if it is a path of this site — never another site
 * (open redirect) and never the sign-in page itself — else the role's start page.
 */
export function afterSignInPath(weiter: string | null, startPage: string): string {
  const target = safeLocalPath(weiter, startPage);
  return target === '/anmelden' || target.startsWith('/anmelden?') ? startPage : target;
}

/** A German 404 response for unknown or foreign objects (we never say "forbidden" about them). */
export function notFound(astro: AstroGlobal): Promise<Response> {
  if (astro.request.method === 'GET' || astro.request.method === 'HEAD') return astro.rewrite('/404');
  // A rewrite re-sends the original request, whose form body has already been read; render the page as a GET.
  return astro.rewrite(new Request(new URL('/404', astro.url), { headers: astro.request.headers }));
}
