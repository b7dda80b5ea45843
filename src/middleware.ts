import { STATUS_CODES } from 'node:http';
import { defineMiddleware } from 'astro:middleware';
import { getAppContext } from './lib/http/app-context';
import { applySecurityHeaders } from './lib/http/security-headers';
import {
  clientIpOf,
  installPeerAddressHeader,
  isSameOriginRequest,
  isUnsafeMethod,
  socketAddressOf,
} from './lib/http/request';
import { deleteSessionCookie, sessionCookieName } from './lib/http/session-cookie';
import { validateSessionToken } from './lib/auth/session.service';
import { isMfaRequired, isReachableBeforeEnrolment, MFA_ENROLMENT_PATH } from './lib/auth/mfa';
import { renderErrorPage } from './lib/http/error-page';
import { AppError } from './lib/http/app-error';
import { takeFlash } from './lib/http/flash';
import { bodyLimitFor, bodyTooLargeMessage, checkRequestBody, discardBody } from './lib/http/body-limit';

/** Per request: request id, body limit, origin check, session, security headers, sanitized error handling. */
export const onRequest = defineMiddleware(async (context, next) => {
  const app = getAppContext();
  const { config } = app;
  const requestId = crypto.randomUUID();
  const url = context.url;
  const isAsset = url.pathname.startsWith('/_astro/') || url.pathname === '/favicon.svg';
  context.locals.app = app;
  context.locals.requestId = requestId;
  context.locals.user = null;
  context.locals.session = null;
  context.locals.now = app.clock.now();
  context.locals.flash = null;
  installPeerAddressHeader();
  const socketAddress = socketAddressOf(context.request, safeClientAddress(context));
  context.locals.clientIp = clientIpOf(context.request, socketAddress, config.trustProxy);

  const finish = (response: Response): Response => {
    let target = response;
    // Pages set only a status code; without this, an error page would go out as "404 OK".
    const statusText =
      response.status !== 200 && response.statusText === 'OK' ? STATUS_CODES[response.status] : null;
    try {
      if (statusText) throw new TypeError('copy to set the status text');
      target.headers.set('X-Request-Id', requestId);
    } catch {
      // Redirects made by Response.redirect() have immutable headers; copy them once.
      target = copyResponse(response, statusText ?? response.statusText);
      target.headers.set('X-Request-Id', requestId);
    }
    applySecurityHeaders(target.headers, {
      tileUrl: config.tileUrl,
      dev: import.meta.env.DEV,
      production: config.isProduction,
      noStore: !isAsset,
    });
    return target;
  };

  // Bodies are limited before anyone reads them: a declared length over the limit is refused at once, a chunked
  // body is counted while the page reads it and refused when it grows past the limit.
  const bodyLimit = bodyLimitFor(url.pathname, config);
  const body = checkRequestBody(context.request, bodyLimit);
  const tooLarge = () => {
    // What the sender still sends is read and dropped (bounded) while the answer goes out; see discardBody.
    if (body.kind === 'counted') body.discardRest();
    else if (context.request.body) void discardBody(context.request.body.getReader());
    return finish(renderErrorPage(413, requestId, bodyTooLargeMessage(bodyLimit)));
  };
  if (body.kind === 'too_large') return tooLarge();

  // Control characters in the address (path or query) are refused at the edge: NUL makes PostgreSQL fail, and no
  // id, filter or search text of ours holds any. Forms are checked field by field in parseForm.
  const controlIn = isAsset ? null : controlCharacterIn(url);
  if (controlIn) {
    const problem = 'enthält unzulässige Steuerzeichen. Bitte prüfen Sie den Link oder die Sucheingabe.';
    return finish(
      url.pathname.startsWith('/api/')
        ? Response.json(
            controlIn.parameter
              ? { fehler: `Parameter „${controlIn.parameter}“: ${problem}`, parameter: controlIn.parameter }
              : { fehler: `Die Adresse ${problem}` },
            { status: 400 },
          )
        : renderErrorPage(400, requestId, `Die Adresse ${problem}`),
    );
  }

  // CSRF: every state change must come from our own origin (Astro checks forms; we check all methods).
  if (
    isUnsafeMethod(context.request.method) &&
    !isSameOriginRequest(context.request, [url.origin, config.publicBaseUrl])
  ) {
    return finish(
      new Response('Anfrage abgelehnt: Sie kam nicht von dieser Website (Herkunftsprüfung).', {
        status: 403,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      }),
    );
  }

  if (!isAsset) {
    // The message of the POST that redirected here is shown once, on the next page view.
    if (context.request.method === 'GET')
      context.locals.flash = takeFlash(context.cookies, config.isProduction);
    const token = context.cookies.get(sessionCookieName(config.isProduction))?.value;
    if (token) {
      const result = await validateSessionToken(app.db, config, token, context.locals.now);
      if (result) {
        context.locals.user = result.user;
        context.locals.session = result.session;
        // A role that requires a second factor reaches no page before enrolment (decision 0018).
        if (
          !result.mfaEnabled &&
          isMfaRequired(result.user.role, config.mfaRequiredRoles) &&
          !isReachableBeforeEnrolment(url.pathname)
        ) {
          return finish(context.redirect(MFA_ENROLMENT_PATH, 303));
        }
      } else {
        deleteSessionCookie(context.cookies, config.isProduction);
      }
    }
  }

  try {
    // A counted body replaces the request the page reads (Astro's next(request) renders the same route with it).
    const response = body.kind === 'counted' ? await next(body.request) : await next();
    if (body.kind === 'counted' && body.exceeded()) return tooLarge();
    // A rewrite marks the page response with this internal header; it is no business of the client.
    if (body.kind === 'counted' && response.headers.has('X-Astro-Rewrite')) {
      try {
        response.headers.delete('X-Astro-Rewrite');
      } catch {
        // immutable headers (a redirect): finish() copies the response; the header is harmless there
      }
    }
    return finish(response);
  } catch (error) {
    if (body.kind === 'counted' && body.exceeded()) return tooLarge();
    if (error instanceof AppError) return finish(renderErrorPage(error.status, requestId, error.message));
    // Log only the request id and the error's kind: driver messages can carry personal data.
    console.error(`[${requestId}] Unerwarteter Fehler: ${error instanceof Error ? error.name : 'unknown'}`);
    return finish(renderErrorPage(500, requestId));
  }
});

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_ADDRESS = /[\u0000-\u001F\u007F]/;

/** Where the address holds a control character (tab and newline included): the path, a query parameter, or nowhere. */
function controlCharacterIn(url: URL): { parameter: string | null } | null {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // A malformed escape is no control character; the route answers 404 for it.
    path = url.pathname;
  }
  if (CONTROL_IN_ADDRESS.test(path)) return { parameter: null };
  for (const [key, value] of url.searchParams) {
    if (CONTROL_IN_ADDRESS.test(key) || CONTROL_IN_ADDRESS.test(value)) return { parameter: key };
  }
  return null;
}

function safeClientAddress(context: { clientAddress: string }): string {
  try {
    return context.clientAddress;
  } catch {
    return 'unbekannt';
  }
}

// Astro keeps the cookies a page set under this symbol on the response; a copy must carry it along.
const ASTRO_COOKIES = Symbol.for('astro.cookies');

/** A mutable copy of a response that keeps the cookies Astro attached to it. */
function copyResponse(response: Response, statusText: string): Response {
  const copy = new Response(response.body, {
    status: response.status,
    statusText,
    headers: response.headers,
  });
  const cookies: unknown = Reflect.get(response, ASTRO_COOKIES);
  if (cookies !== undefined) Reflect.set(copy, ASTRO_COOKIES, cookies);
  return copy;
}
