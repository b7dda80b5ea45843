import type { Insertable, Selectable } from 'kysely';

/**
 * audit_log: who read or changed what, when and why — never the content. Each entry carries its place in the chain
 * (`seq`), the previous entry's hash and its own hash over both (docs/decisions/0019-audit-hash-chain.md).
 */
export interface AuditLogTable {
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_organization_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  consent_id: string | null;
  request_id: string | null;
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

/** audit_chain_head: the one row (id 1) with the latest entry's place and hash; every writer updates it first. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
