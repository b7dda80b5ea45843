import type { AstroGlobal } from 'astro';
import type { User } from '../auth/auth';

/** The signed-in user, or a redirect to the sign-in page (pages return it as their response). */
export function requireUser(astro: AstroGlobal): User | Response {
  const user = astro.locals.user;
  if (user) return user;
  return astro.redirect('/anmelden', 303);
}

/** A German 404 response for unknown or foreign objects (we never say "forbidden" about them). */
export function notFound(astro: AstroGlobal): Promise<Response> {
  if (astro.request.method === 'GET' || astro.request.method === 'HEAD') return astro.rewrite('/404');
  // A rewrite re-sends the original request, whose form body has already been read; render the page as a GET.
  return astro.rewrite(new Request(new URL('/404', astro.url), { headers: astro.request.headers }));
}
