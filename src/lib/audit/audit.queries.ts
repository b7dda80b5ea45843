import type { Db } from '../db/create-db';
import { newId } from '../db/ids';
import type { AuditLogRow } from './audit.table';
import {
  checkpointObjectId,
  CHECKPOINT_ACTION,
  entryHash,
  verifyChain,
  type ChainedEntry,
  type ChainVerdict,
} from './audit-chain';
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
 *
 * The entry joins the hash chain (docs/decisions/0019-audit-hash-chain.md). Moving the chain head first takes its
 * row lock on PostgreSQL until the transaction ends, so concurrent writers queue instead of both linking to the same
 * predecessor (a forked chain); SQLite has one writer at a time anyway. Outside a transaction it opens its own.
 */
export async function recordAudit(
  db: Executor,
  ctx: ActionContext,
  entry: { action: string; objectType: string; objectId: string | null; consentId?: string | null },
): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => recordAudit(trx, ctx, entry));
    return;
  }
  const actor = auditActorOf(ctx);
  const head = await db
    .updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const seq = Number(head.seq);
  const content = {
    id: newId(),
    at: ctx.now.toISOString(),
    actor_user_id: actor?.id ?? null,
    actor_organization_id: actor?.organizationId ?? null,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId,
    consent_id: entry.consentId ?? null,
    request_id: ctx.requestId,
  };
  const hash = entryHash(content, seq, head.hash);
  await db
    .insertInto('audit_log')
    .values({ ...content, seq, prev_hash: head.hash, hash })
    .execute();
  await db.updateTable('audit_chain_head').set({ hash }).where('id', '=', 1).execute();
}

/** The chain head: the newest entry's place and hash (null only before the migration ran). */
export async function findAuditChainHead(db: Executor): Promise<{ seq: number; hash: string } | null> {
  const row = await db
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/** Reads the whole chain oldest first, a page at a time (rows without a place come first, so they are found). */
export async function* readAuditChain(db: Executor, pageSize = 1000): AsyncGenerator<ChainedEntry[]> {
  const unplaced = await db.selectFrom('audit_log').selectAll().where('seq', 'is', null).limit(1).execute();
  if (unplaced.length > 0) {
    yield unplaced.map(toChained);
    return;
  }
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map(toChained);
    after = Number(rows[rows.length - 1]!.seq);
  }
}

function toChained(row: AuditLogRow): ChainedEntry {
  return { ...row, seq: row.seq === null ? null : Number(row.seq) };
}

/** Checks the whole audit chain against its head (`npm run audit:verify`). */
export async function verifyAuditChain(db: Executor): Promise<ChainVerdict> {
  return verifyChain(readAuditChain(db), await findAuditChainHead(db));
}

/**
 * Removes the audit entries recorded before `before` (retention) — the only sanctioned way to remove any: in one
 * transaction it deletes the oldest entries up to the last one older than `before` and records a checkpoint entry
 * naming that entry's place and hash, so the remaining chain still verifies. Removes whole prefixes of the chain only:
 * entries are cut by their place, so one written a moment earlier but committed later may go along.
 */
export async function removeAuditEntriesBefore(
  db: Executor,
  ctx: ActionContext,
  before: string,
): Promise<{ removed: number; throughSeq: number | null }> {
  return db.transaction().execute(async (trx) => {
    // Take the head's lock first, so no entry joins the chain while the range is chosen.
    await trx
      .updateTable('audit_chain_head')
      .set((eb) => ({ seq: eb('seq', '+', 0) }))
      .where('id', '=', 1)
      .execute();
    const last = await trx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('at', '<', before)
      .where('seq', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last || last.seq === null || last.hash === null) return { removed: 0, throughSeq: null };
    const throughSeq = Number(last.seq);
    const result = await trx.deleteFrom('audit_log').where('seq', '<=', throughSeq).executeTakeFirst();
    await recordAudit(trx, ctx, {
      action: CHECKPOINT_ACTION,
      objectType: 'audit_log',
      objectId: checkpointObjectId(throughSeq, last.hash),
    });
    return { removed: Number(result.numDeletedRows), throughSeq };
  });
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
