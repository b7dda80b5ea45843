/**
 * HSDS identifiers: HSDS wants a UUID for every object, our rows carry short random ids. An entry of our own gets a
 * name-based UUID (version 5, RFC 4122) derived from its type and row id — stable, so a partner that reads the API
 * twice sees the same ids; an imported entry keeps the UUID it came with (hsds_identity). Objects without a row of
 * their own (a service's phone, its languages, its category links) get a UUID derived from their parent's.
 * @module
 */
import { createHash } from 'node:crypto';

/** The namespace of every UUID this app derives (itself a UUID 5 of the profile's name in the URL namespace). */
export const HSDS_NAMESPACE = '5f0d5b7e-8f0b-5c3e-9a53-6a3d0f6b2c11';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text is a UUID (any version), the form HSDS requires for `id` fields. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** A version 5 UUID of `name` in `namespace` (SHA-1, RFC 4122 §4.3). */
export function uuidV5(name: string, namespace: string = HSDS_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The kinds of rows that have an HSDS id of their own. */
export type HsdsEntity = 'organization' | 'service' | 'location' | 'taxonomy_term';

/** The derived HSDS id of one of our rows (used when it has no imported id). */
export function derivedHsdsId(entity: HsdsEntity, localId: string): string {
  return uuidV5(`${entity}:${localId}`);
}

/** The HSDS id of a part of an object (its phone, a language, a category link): derived from the parent's id. */
export function partId(parentHsdsId: string, part: string): string {
  return uuidV5(`${parentHsdsId}/${part}`);
}
