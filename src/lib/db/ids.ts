import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A random, non-derivable id (80 bits, base32) for any row. */
export function newId(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * An instant as ISO 8601 text in UTC, as every timestamp column stores it. Pass `now` (the change's `ctx.now` or
 * the job run's `now`): the default reads the wall clock and goes away once every caller passes it.
 */
export function nowIso(now: Date): string {
  return now.toISOString();
}
