/**
 * API keys for the HSDS API (decision 0021): a random 160-bit token with a recognisable prefix, stored only as its
 * SHA-256 (a leaked database yields no usable key), shown once when created. Scope `public` reads the services marked
 * public, scope `all` every published entry and the whole-directory export.
 * @module
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { generateToken, hashToken } from '../auth/token';

export const API_KEY_SCOPES = ['public', 'all'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** German labels of the scopes. */
export const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  public: 'Nur öffentliche Angebote',
  all: 'Ganzes Verzeichnis (mit Export)',
};

/** The text every key starts with, so a key found in a log or a repository is recognised as ours. */
export const API_KEY_PREFIX = 'jmdp_';

/** A fresh key and what is stored of it. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + generateToken();
  return { key, hash: hashToken(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}

/** The stored hash of a presented key; null when it cannot be one of ours (no database read for junk). */
export function hashPresentedKey(key: string): string | null {
  if (!/^jmdp_[a-z2-7]{32}$/.test(key)) return null;
  return hashToken(key);
}

/** Whether a key is usable at `now`: not revoked, not expired. */
export function isKeyUsable(key: { revokedAt: string | null; expiresAt: string | null }, now: Date): boolean {
  if (key.revokedAt !== null) return false;
  return key.expiresAt === null || key.expiresAt > now.toISOString();
}

/** The admin form: a name, a scope, an optional expiry date (the key ends at the start of that day, UTC). */
export const ApiKeyFormSchema = z.object({
  name: z
    .string({ message: 'Bitte geben Sie einen Namen an, z. B. „Open-Data-Portal der Stadt“.' })
    .trim()
    .min(2, { message: 'Der Name braucht mindestens 2 Zeichen, z. B. „Open-Data-Portal der Stadt“.' })
    .max(100, { message: 'Der Name darf höchstens 100 Zeichen haben.' }),
  scope: z.enum(API_KEY_SCOPES, { message: 'Bitte wählen Sie aus, was der Schlüssel lesen darf.' }),
  expires: z
    .string()
    .trim()
    .default('')
    .refine(
      (value) => value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))),
      {
        message:
          'Bitte geben Sie das Ablaufdatum als Datum an (z. B. 2027-12-31) oder lassen Sie das Feld leer.',
      },
    ),
});
export type ApiKeyForm = z.infer<typeof ApiKeyFormSchema>;

/** Revoking a key names it. */
export const ApiKeyRevokeSchema = z.object({
  intent: z.literal('widerrufen'),
  key: z.string().regex(/^[a-z0-9]{1,40}$/, { message: 'Unbekannter Schlüssel.' }),
});

/** The windows of the rate limit: one minute. */
export const RATE_WINDOW_MS = 60_000;

/** The start of the minute `now` falls in, and the seconds until the next one begins (for Retry-After). */
export function rateWindowOf(now: Date): { start: string; retryAfterSeconds: number } {
  const startMs = Math.floor(now.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS;
  return {
    start: new Date(startMs).toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((startMs + RATE_WINDOW_MS - now.getTime()) / 1000)),
  };
}

/**
 * The rate limit's name for a client without a key: an HMAC (under DATA_ENCRYPTION_KEY) of its address, with an IPv6
 * address cut to its /64 — one connection usually holds a whole /64, so rotating addresses inside it does not
 * escape the limit. Keyed, because a plain hash of an IPv4 address is reversed by trying all 2³² of them; the
 * address itself is neither stored nor logged.
 */
export function clientHashOf(key: Uint8Array, address: string): string {
  return createHmac('sha256', key)
    .update(`hsds-client\n${networkOf(address)}`)
    .digest('base64url')
    .slice(0, 32);
}

/** The part of an address that names the client: IPv4 whole, IPv6 its first 64 bits (the network). */
export function networkOf(address: string): string {
  const plain = address
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!plain.includes(':')) return plain;
  const [head = '', tail = ''] = plain.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  const groups = plain.includes('::')
    ? [
        ...headParts,
        ...Array<string>(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0'),
        ...tailParts,
      ]
    : headParts;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
