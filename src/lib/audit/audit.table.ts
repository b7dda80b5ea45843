import type { Insertable, Selectable } from 'kysely';

/** audit_log: who read or changed what, when and why — never the content. */
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
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
