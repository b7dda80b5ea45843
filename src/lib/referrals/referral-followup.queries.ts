import type { Executor } from '../db/executor';

// referral_followup: the outcome follow-up of running referrals. A referral "waits for its outcome" while a question
// was sent after its last change (asked_at >= referral.updated_at): any answer of the partner moves updated_at on.

/** Statuses in which a referral runs at the partner and an outcome is still to come. */
export const FOLLOWUP_STATUSES = ['accepted', 'in_progress', 'on_hold'] as const;

/** Running referrals without news since `before` and not yet asked since their last change (at most `limit`). */
export async function listDueForOutcomeRequest(db: Executor, before: string, limit = 200): Promise<string[]> {
  const rows = await db
    .selectFrom('referral')
    .leftJoin('referral_followup', 'referral_followup.referral_id', 'referral.id')
    .select('referral.id')
    .where('referral.status', 'in', [...FOLLOWUP_STATUSES])
    .where('referral.updated_at', '<=', before)
    .where((eb) =>
      eb.or([
        eb('referral_followup.asked_at', 'is', null),
        eb('referral_followup.asked_at', '<', eb.ref('referral.updated_at')),
      ]),
    )
    .orderBy('referral.updated_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Referrals asked before `before`, not reminded and still without news since the question. */
export async function listDueForOutcomeReminder(
  db: Executor,
  before: string,
  limit = 200,
): Promise<string[]> {
  const rows = await db
    .selectFrom('referral')
    .innerJoin('referral_followup', 'referral_followup.referral_id', 'referral.id')
    .select('referral.id')
    .where('referral.status', 'in', [...FOLLOWUP_STATUSES])
    .where('referral_followup.asked_at', '<=', before)
    .where('referral_followup.reminded_at', 'is', null)
    .whereRef('referral_followup.asked_at', '>=', 'referral.updated_at')
    .orderBy('referral_followup.asked_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Records that the partner was asked for the outcome at `at` (a new question after an answer starts anew). */
export async function markOutcomeRequested(db: Executor, referralId: string, at: string): Promise<void> {
  await db
    .insertInto('referral_followup')
    .values({ referral_id: referralId, asked_at: at, reminded_at: null })
    .onConflict((oc) => oc.column('referral_id').doUpdateSet({ asked_at: at, reminded_at: null }))
    .execute();
}

/** Records the one reminder; false when another run already sent it. */
export async function markOutcomeReminded(db: Executor, referralId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('referral_followup')
    .set({ reminded_at: at })
    .where('referral_id', '=', referralId)
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A referral's follow-up: when asked and reminded, and whether nothing happened since the question. */
export interface OutcomeFollowup {
  askedAt: string;
  remindedAt: string | null;
  /** True while the referral has not changed since the question. */
  waiting: boolean;
}

/** The follow-up of one referral, or null when the partner was never asked. */
export async function findOutcomeFollowup(db: Executor, referralId: string): Promise<OutcomeFollowup | null> {
  const row = await db
    .selectFrom('referral_followup')
    .innerJoin('referral', 'referral.id', 'referral_followup.referral_id')
    .select([
      'referral_followup.asked_at',
      'referral_followup.reminded_at',
      'referral.updated_at',
      'referral.status',
    ])
    .where('referral_followup.referral_id', '=', referralId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    askedAt: row.asked_at,
    remindedAt: row.reminded_at,
    waiting: (FOLLOWUP_STATUSES as readonly string[]).includes(row.status) && row.asked_at >= row.updated_at,
  };
}

/** Which of these referrals wait for their outcome (asked, nothing since): for the dashboard's "Ergebnis fehlt". */
export async function listOutcomeMissing(db: Executor, referralIds: readonly string[]): Promise<Set<string>> {
  if (referralIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('referral_followup')
    .innerJoin('referral', 'referral.id', 'referral_followup.referral_id')
    .select('referral.id')
    .where('referral.id', 'in', [...referralIds])
    .where('referral.status', 'in', [...FOLLOWUP_STATUSES])
    .whereRef('referral_followup.asked_at', '>=', 'referral.updated_at')
    .execute();
  return new Set(rows.map((row) => row.id));
}
