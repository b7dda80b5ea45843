import type { Selectable } from 'kysely';

/** api_key: a key for the HSDS API, created by an admin; only its SHA-256 is stored. */
export interface ApiKeyTable {
  id: string;
  name: string;
  /** 'public' (only services marked public) or 'all' (every published directory entry, and the export). */
  scope: string;
  key_hash: string;
  /** The first characters of the key, shown in the list so an admin can tell keys apart. */
  key_prefix: string;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  use_count: number;
}

/** api_key_window: requests of one key in one minute (the rate limit). */
export interface ApiKeyWindowTable {
  key_id: string;
  window_start: string;
  count: number;
}

/** hsds_client_window: requests without a key from one client (a keyed hash of its address) in one minute. */
export interface HsdsClientWindowTable {
  client_hash: string;
  window_start: string;
  count: number;
}

/** hsds_identity: the HSDS id an imported entry came with (entries of our own get a derived UUID instead). */
export interface HsdsIdentityTable {
  entity_type: string;
  local_id: string;
  hsds_id: string;
}

export type ApiKeyRow = Selectable<ApiKeyTable>;
