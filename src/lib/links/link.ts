/**
 * Single-use links for people without an account, one design for every purpose (decision 0010): a random token is
 * mailed once and only its SHA-256 stored, so a leaked database or outbox yields no usable link; a link expires,
 * is used once (a replay or a forwarded mail is refused) and is revoked when a newer one replaces it. Referral and
 * upkeep links are then bound to a fresh browser access token, stored hashed too.
 * @module
 */
import { generateToken, hashToken, isWellFormedToken } from '../auth/token';
import type { Executor } from '../db/executor';
import {
  findLinkByAccessHash,
  findLinkByTokenHash,
  insertLink,
  markLinkUsed,
  revokeLinks,
  type AccessLinkPurpose,
  type LinkPurpose,
  type LinkSubject,
  type StoredLink,
} from './link.queries';

/**
 * Issues a fresh link in the caller's transaction and returns its token (to mail, never to store). The older links
 * matching `replaces.scope` stop working first — all of them, or only those nobody opened yet (`unusedOnly`).
 */
export async function issueLink<P extends LinkPurpose>(
  trx: Executor,
  purpose: P,
  subject: LinkSubject<P>,
  options: {
    now: Date;
    expiresAt: Date;
    replaces: { scope: Partial<LinkSubject<P>>; unusedOnly: boolean };
  },
): Promise<string> {
  const token = generateToken();
  const at = options.now.toISOString();
  await revokeLinks(trx, purpose, options.replaces.scope, at, { unusedOnly: options.replaces.unusedOnly });
  await insertLink(trx, purpose, {
    id: hashToken(token),
    subject,
    createdAt: at,
    expiresAt: options.expiresAt.toISOString(),
  });
  return token;
}

/**
 * Redeems a mailed link once and binds it to a fresh browser access token; the access token and the link, or null
 * for junk, a second redemption, a revoked or an expired link.
 */
export async function redeemLinkForAccess(
  db: Executor,
  purpose: AccessLinkPurpose,
  token: string,
  now: Date,
): Promise<{ accessToken: string; link: StoredLink } | null> {
  if (!isWellFormedToken(token)) return null;
  const id = hashToken(token);
  const accessToken = generateToken();
  if (!(await markLinkUsed(db, purpose, id, now.toISOString(), hashToken(accessToken)))) return null;
  const link = await findLinkByTokenHash(db, purpose, id);
  return link ? { accessToken, link } : null;
}

/** The stored link of a mailed token, whatever its state; null for junk or an unknown token. */
export async function findLinkByToken(
  db: Executor,
  purpose: LinkPurpose,
  token: string,
): Promise<StoredLink | null> {
  if (!isWellFormedToken(token)) return null;
  return findLinkByTokenHash(db, purpose, hashToken(token));
}

/** The link a browser's access token was bound to, whatever its state since; null for junk or an unknown token. */
export async function findLinkByAccessToken(
  db: Executor,
  purpose: AccessLinkPurpose,
  accessToken: string | undefined,
): Promise<StoredLink | null> {
  if (!accessToken || !isWellFormedToken(accessToken)) return null;
  return findLinkByAccessHash(db, purpose, hashToken(accessToken));
}

/** Whether a stored link could still be redeemed at `now`: unused, unrevoked, unexpired. */
export function isLinkUsable(link: StoredLink, now: Date): boolean {
  return !link.usedAt && !link.revokedAt && link.expiresAt > now.toISOString();
}
