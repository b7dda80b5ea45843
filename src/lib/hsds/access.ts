/**
 * Who is asking the HSDS API, decided once per request: an API key (header `Authorization: Bearer …` or
 * `X-API-Key`), else a signed-in user's session, else nobody — served only when HSDS_PUBLIC=1, and then only the
 * services marked public. Unknown, revoked or expired keys get 401; a key over its rate limit 429 with Retry-After,
 * and so does a client without a key over HSDS_PUBLIC_RATE_LIMIT (counted by a keyed hash of its address).
 * @module
 */
import type { User } from '../auth/auth';
import type { Config } from '../config/config';
import type { Db } from '../db/create-db';
import { clientHashOf, hashPresentedKey, isKeyUsable, rateWindowOf } from './api-key';
import { countApiKeyRequest, countClientRequest, findApiKeyByHash } from './hsds.queries';
import { mayExchangeDirectory, mayReadWithSession } from './policy';

/** What a request may read. */
export interface HsdsAccess {
  /** Only services marked public (anonymous, or a key of scope `public`). */
  publicOnly: boolean;
  /** Whether the whole-directory export is allowed. */
  mayExport: boolean;
  via: 'key' | 'session' | 'public';
}

/** A refusal: the status and the German message (and Retry-After for 429). */
export interface HsdsDenied {
  status: 401 | 429;
  message: string;
  retryAfterSeconds?: number;
}

/** The key a request presents, if any. */
export function presentedKey(headers: Headers): string | null {
  const header = headers.get('x-api-key');
  if (header) return header.trim();
  const authorization = headers.get('authorization');
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match ? match[1]! : null;
}

const NO_ACCESS =
  'Für diese Schnittstelle brauchen Sie einen API-Schlüssel (Header „Authorization: Bearer …“) oder eine Anmeldung.';
const BAD_KEY =
  'Der API-Schlüssel ist unbekannt, abgelaufen oder widerrufen. Bitte fragen Sie die Administration.';

/** Decides the access of one request (counting it against the key's rate limit). */
export async function resolveAccess(
  app: { db: Db; config: Config },
  request: { headers: Headers; user: User | null; now: Date; address: string },
): Promise<{ ok: true; access: HsdsAccess } | { ok: false; denied: HsdsDenied }> {
  const key = presentedKey(request.headers);
  if (key !== null) {
    const hash = hashPresentedKey(key);
    const found = hash ? await findApiKeyByHash(app.db, hash) : null;
    if (!found || !isKeyUsable(found, request.now))
      return { ok: false, denied: { status: 401, message: BAD_KEY } };
    const window = rateWindowOf(request.now);
    const count = await app.db
      .transaction()
      .execute((trx) => countApiKeyRequest(trx, found.id, window.start, request.now));
    if (count > app.config.hsdsRateLimit) {
      return {
        ok: false,
        denied: {
          status: 429,
          message: `Zu viele Anfragen: höchstens ${app.config.hsdsRateLimit} pro Minute und Schlüssel. Bitte warten Sie ${window.retryAfterSeconds} Sekunden.`,
          retryAfterSeconds: window.retryAfterSeconds,
        },
      };
    }
    return {
      ok: true,
      access: { publicOnly: found.scope !== 'all', mayExport: found.scope === 'all', via: 'key' },
    };
  }
  if (request.user && mayReadWithSession(request.user)) {
    return {
      ok: true,
      access: { publicOnly: false, mayExport: mayExchangeDirectory(request.user), via: 'session' },
    };
  }
  if (app.config.hsdsPublic) {
    // Without a key the client's address (as a keyed hash) is what is counted, so one client cannot take the
    // anonymous API down for everyone, nor read the whole directory in a tight loop.
    const window = rateWindowOf(request.now);
    const clientHash = clientHashOf(app.config.dataEncryptionKey, request.address);
    const count = await app.db
      .transaction()
      .execute((trx) => countClientRequest(trx, clientHash, window.start));
    if (count > app.config.hsdsPublicRateLimit) {
      return {
        ok: false,
        denied: {
          status: 429,
          message: `Zu viele Anfragen ohne Schlüssel: höchstens ${app.config.hsdsPublicRateLimit} pro Minute. Bitte warten Sie ${window.retryAfterSeconds} Sekunden oder fragen Sie die Administration nach einem API-Schlüssel.`,
          retryAfterSeconds: window.retryAfterSeconds,
        },
      };
    }
    return { ok: true, access: { publicOnly: true, mayExport: true, via: 'public' } };
  }
  return { ok: false, denied: { status: 401, message: NO_ACCESS } };
}
