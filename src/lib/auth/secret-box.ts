/**
 * Encryption at rest for small secrets the app must read back (the TOTP secret, decision 0018): AES-256-GCM from
 * node:crypto under `DATA_ENCRYPTION_KEY`, a fresh 96-bit nonce per value, and the owning row's id as additional
 * data, so a value copied onto another user's row does not decrypt. Stored as `v1:<nonce>:<ciphertext+tag>`
 * (base64url); the version prefix leaves room for key rotation. A value without the prefix is a secret stored in
 * clear before encryption came in (read once, then re-encrypted by the caller).
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a stored value does not decrypt: the key is not the one it was encrypted with, or it was altered. */
export class SecretKeyMismatchError extends Error {
  constructor() {
    super('Gespeichertes Geheimnis lässt sich mit DATA_ENCRYPTION_KEY nicht entschlüsseln.');
    this.name = 'SecretKeyMismatchError';
  }
}

/** Whether a stored value is encrypted (else it is a legacy secret in clear). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** Encrypts `plain` for the row `context` (e.g. the user id). */
export function sealSecret(key: Uint8Array, plain: string, context: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${nonce.toString('base64url')}:${body.toString('base64url')}`;
}

/** Decrypts a value sealed for `context`; a legacy value in clear is returned as it is. Throws SecretKeyMismatchError. */
export function openSecret(key: Uint8Array, stored: string, context: string): string {
  if (!isSealed(stored)) return stored;
  const [nonceText, bodyText] = stored.slice(PREFIX.length).split(':');
  const nonce = Buffer.from(nonceText ?? '', 'base64url');
  const body = Buffer.from(bodyText ?? '', 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SecretKeyMismatchError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretKeyMismatchError();
  }
}
