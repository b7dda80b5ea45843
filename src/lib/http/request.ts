import { subscribe } from 'node:diagnostics_channel';
import { AppError } from './app-error';

/** Whether a method changes state (and so needs the origin check). */
export function isUnsafeMethod(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Whether an unsafe request comes from our own pages (CSRF defence). Browsers send Origin on every
 * cross-site POST; a request without Origin and without Sec-Fetch-Site is not from a browser page.
 */
export function isSameOriginRequest(request: Request, allowedOrigins: string[]): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return allowedOrigins.includes(origin);
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' || site === 'none';
  return true;
}

/** The client's IP: the socket address, or — behind `trustProxy` proxies — the matching X-Forwarded-For entry. */
export function clientIpOf(request: Request, socketAddress: string, trustProxy: number): string {
  if (trustProxy <= 0) return socketAddress;
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // Each trusted proxy appends the address it saw; the entry `trustProxy` from the end is the client.
  return forwarded[forwarded.length - trustProxy] ?? forwarded[0] ?? socketAddress;
}

/**
 * The header under which the server hands the true socket address to the app. Astro's Node adapter makes
 * `clientAddress` the *first X-Forwarded-For entry* whenever the header is present — whoever sent it — so a
 * client could name any address it likes (a fresh one per sign-in attempt). The socket itself is not reachable
 * from middleware; `installPeerAddressHeader` copies it into this header before Astro reads the request.
 */
export const PEER_ADDRESS_HEADER = 'x-jmd-peer-address';

// Proves that the header was set by this process, not sent by a client (who cannot know it).
const PEER_NONCE = crypto.randomUUID();
const PEER_INSTALLED = Symbol.for('jmd.peerAddressHeader');

interface HttpServerRequestStart {
  request: { headers: Record<string, string | string[] | undefined> };
  socket: { remoteAddress?: string | undefined };
}

/**
 * Writes the socket address (with this process's nonce) into every incoming Node request's headers, through the
 * `http.server.request.start` diagnostics channel, which Node publishes before the server's request handler runs.
 * Idempotent; called once per process by the middleware. Requests that arrived before it ran have no header and
 * are treated as "address unknown" when they carry X-Forwarded-For (see `socketAddressOf`).
 */
export function installPeerAddressHeader(): void {
  const holder = globalThis as { [PEER_INSTALLED]?: boolean };
  if (holder[PEER_INSTALLED]) return;
  holder[PEER_INSTALLED] = true;
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as HttpServerRequestStart;
    request.headers[PEER_ADDRESS_HEADER] = `${PEER_NONCE} ${socket.remoteAddress ?? 'unbekannt'}`;
  });
}

/**
 * The true socket address of a request: the nonce-signed peer header when the server set it; else Astro's
 * `clientAddress` when no X-Forwarded-For was sent (then Astro took it from the socket); else unknown — a
 * forwarded address nobody vouches for is never taken as the client's.
 */
export function socketAddressOf(request: Request, astroClientAddress: string): string {
  const peer = request.headers.get(PEER_ADDRESS_HEADER);
  if (peer?.startsWith(`${PEER_NONCE} `)) return peer.slice(PEER_NONCE.length + 1);
  if (!request.headers.has('x-forwarded-for')) return astroClientAddress;
  return 'unbekannt';
}

/** Reads a form body into a plain object of strings (last value wins); a broken body is a 400, never a 500. */
export async function readForm(request: Request): Promise<{ data: Record<string, string>; all: FormData }> {
  let all: FormData;
  try {
    all = await request.formData();
  } catch {
    throw new AppError(
      'bad_request',
      'Das Formular konnte nicht gelesen werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
    );
  }
  const data: Record<string, string> = {};
  for (const [key, value] of all.entries()) if (typeof value === 'string') data[key] = value;
  return { data, all };
}

/** Keeps only local paths for redirects after sign-in (prevents open redirects). */
export function safeLocalPath(value: string | null | undefined, fallback: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // Browsers drop tabs and line breaks inside a URL: "/\t/evil.example" would become "//evil.example", another site.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001F\u007F]/.test(value)) return fallback;
  return value;
}
