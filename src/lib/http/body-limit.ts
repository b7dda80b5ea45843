/**
 * Request bodies are size-limited before they are read (DESIGN.md §5 rule 11). A declared Content-Length over the
 * limit is refused at once; a chunked body (no length) is counted while the page reads it and fails at the limit,
 * so no more than the limit is ever held in memory.
 */

/** Paths that take a file upload and so the larger UPLOAD_MAX_BYTES. */
export const UPLOAD_PATHS: readonly string[] = ['/pflege/import'];

/** The largest body a request to `pathname` may send. */
export function bodyLimitFor(
  pathname: string,
  limits: { maxBodyBytes: number; uploadMaxBytes: number },
): number {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return UPLOAD_PATHS.includes(path) ? limits.uploadMaxBytes : limits.maxBodyBytes;
}

/** What to do with a request's body. */
export type BodyCheck =
  /** Nothing to limit: no body, or a declared length within the limit (Node holds the sender to it). */
  | { kind: 'fits' }
  /** The declared length is over the limit: refuse without reading. */
  | { kind: 'too_large' }
  /**
   * A body of unknown length: hand `request` on; `exceeded()` says whether reading it hit the limit, `discardRest()`
   * throws away what the sender still sends (see discardBody).
   */
  | { kind: 'counted'; request: Request; exceeded: () => boolean; discardRest: () => void };

/**
 * How much of a refused body is still read (and thrown away) after the 413 went out. Closing the connection at
 * once would reset it while the client is still sending, and many clients then lose the answer; reading on for a
 * while lets it arrive. A sender that goes on past this is cut off.
 */
export const DISCARD_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused body, at most `maxBytes`; then, if the sender still sends, cancels the
 * body, which closes the connection. Never holds more than one chunk; never throws.
 */
export async function discardBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes = DISCARD_MAX_BYTES,
): Promise<void> {
  let dropped = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      dropped += value.byteLength;
      if (dropped > maxBytes) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing left to drop.
  }
}

/** Thrown into the reader of a counted body that grows past its limit. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('Request body too large');
    this.name = 'BodyTooLargeError';
  }
}

/** Decides how to limit the body of `request` to `limit` bytes. */
export function checkRequestBody(request: Request, limit: number): BodyCheck {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) return { kind: 'fits' };
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim())) {
    return Number(declared) > limit ? { kind: 'too_large' } : { kind: 'fits' };
  }
  let total = 0;
  let exceeded = false;
  const reader = request.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      total += value.byteLength;
      if (total > limit) {
        exceeded = true;
        // The source is not cancelled: that would reset the connection before the 413 could be sent. Unread, it
        // stops the sender by TCP flow control until the response closes the connection.
        controller.error(new BodyTooLargeError());
        return;
      }
      controller.enqueue(value);
    },
  });
  const limited = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
    // Required for a streamed request body (undici); not in the DOM typings.
    ...({ duplex: 'half' } as object),
  });
  // Astro keeps per-request facts (client address, origin path) under registered symbols on the request; the
  // unregistered ones are the Request's own internals and stay.
  for (const symbol of Object.getOwnPropertySymbols(request)) {
    if (Symbol.keyFor(symbol) !== undefined) Reflect.set(limited, symbol, Reflect.get(request, symbol));
  }
  return {
    kind: 'counted',
    request: limited,
    exceeded: () => exceeded,
    discardRest: () => void discardBody(reader),
  };
}

/** The German message of a 413 answer. */
export function bodyTooLargeMessage(limit: number): string {
  const size =
    limit >= 1024 * 1024
      ? `${Math.floor(limit / (1024 * 1024))} MB`
      : `${Math.max(1, Math.floor(limit / 1024))} KB`;
  return `Die gesendeten Daten sind zu groß: Höchstens ${size} werden angenommen. Bitte senden Sie weniger auf einmal – eine große Importdatei teilen Sie in mehrere Dateien auf.`;
}
