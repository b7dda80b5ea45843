import type { Db } from '../db/create-db';
import { newId } from '../db/ids';
import type { AuditLogRow } from './audit.table';
import { auditActorOf, type ActionContext } from '../action/context';
import type { Executor } from '../db/executor';

/** One audit entry as the viewer shows it. */
export interface AuditEntry {
  id: string;
  at: string;
  actorUserId: string | null;
  actorOrganizationId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  consentId: string | null;
  requestId: string | null;
}

/** Maps an audit row to the domain object. */
export function rowToAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorUserId: row.actor_user_id,
    actorOrganizationId: row.actor_organization_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    consentId: row.consent_id,
    requestId: row.request_id,
  };
}

/**
 * Records who did what to which object at `ctx.now`, in the caller's transaction — ids only, never content
 * (DESIGN.md §5 rule 8). The actor comes from the context: a user, or the organisation a single-use link was sent to.
 */
export async function recordAudit(
  db: Executor,
  ctx: ActionContext,
  entry: { action: string; objectType: string; objectId: string | null; consentId?: string | null },
): Promise<void> {
  const actor = auditActorOf(ctx);
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: ctx.now.toISOString(),
      actor_user_id: actor?.id ?? null,
      actor_organization_id: actor?.organizationId ?? null,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId,
      consent_id: entry.consentId ?? null,
      request_id: ctx.requestId,
    })
    .execute();
}

/** The distinct actions recorded so far, for the viewer's filter. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((row) => row.action);
}

/** Lists audit entries, newest first, optionally filtered by actor, action or object. */
export async function listAuditEntries(
  db: Db,
  filter: {
    actorUserId?: string;
    action?: string;
    objectType?: string;
    objectId?: string;
    /** Only entries before this one (keyset paging, newest first). */
    before?: { at: string; id: string };
    from?: string;
    until?: string;
    limit?: number;
  },
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id', 'desc');
  const before = filter.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
    );
  }
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.until) query = query.where('at', '<', filter.until);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.objectType) query = query.where('object_type', '=', filter.objectType);
  if (filter.objectId) query = query.where('object_id', '=', filter.objectId);
  return (await query.limit(filter.limit ?? 200).execute()).map(rowToAuditEntry);
}
