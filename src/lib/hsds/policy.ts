/**
 * Who may do what with the HSDS API (deny by default). Kept beside the module, like the networks' rules: API keys
 * open the directory to other systems, so only admins create and revoke them; exports and imports of the whole
 * directory are the coordinators' and admins' (as the CSV import).
 * @module
 */
import type { Actor } from '../auth/policy';

/** Admins create, list and revoke API keys. */
export function mayManageApiKeys(actor: Actor | null): boolean {
  return actor?.role === 'admin';
}

/** Coordinators and admins may export and import the whole directory (signed in, or the system on the CLI). */
export function mayExchangeDirectory(actor: Actor | null): boolean {
  return actor?.role === 'admin' || actor?.role === 'coordinator';
}

/** Every signed-in role reads the directory (as /api/v1/search), so the HSDS API answers their session too. */
export function mayReadWithSession(actor: Actor | null): boolean {
  return actor !== null && actor.role !== undefined;
}
