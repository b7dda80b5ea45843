import type { Executor } from '../db/executor';
import type {
  CaseFileRow,
  CaseFileTable,
  CaseIdentityRow,
  ConsentRow,
  ConsentTable,
  PlanStepRow,
  PlanStepTable,
} from './case.table';
import {
  parseCategories,
  type Case,
  type CaseIdentity,
  type CaseIdentityInput,
  type Consent,
  type PlanStep,
  type PlanStepStatus,
} from './case';

/** Maps a case row to the domain object. */
export function rowToCase(row: CaseFileRow): Case {
  return {
    id: row.id,
    code: row.code,
    officeId: row.office_id,
    ownerUserId: row.owner_user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    version: Number(row.version),
    restrictedAt: row.restricted_at ?? null,
  };
}

/** Maps an identity row to the domain object. */
export function rowToIdentity(row: CaseIdentityRow): CaseIdentity {
  return {
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    phone: row.phone,
    email: row.email,
    preferredLanguage: row.preferred_language,
    residenceStatus: row.residence_status,
    qualifications: row.qualifications,
    languageLevel: row.language_level,
    healthNotes: row.health_notes,
  };
}

/** Maps a plan step row to the domain object. */
export function rowToPlanStep(row: PlanStepRow): PlanStep {
  return {
    id: row.id,
    caseId: row.case_id,
    title: row.title,
    dueOn: row.due_on,
    status: row.status,
    doneAt: row.done_at,
    version: Number(row.version),
  };
}

/** Maps a consent row to the domain object. */
export function rowToConsent(row: ConsentRow): Consent {
  return {
    id: row.id,
    caseId: row.case_id,
    recipientOrganizationId: row.recipient_organization_id,
    categories: parseCategories(row.categories),
    purpose: row.purpose,
    givenOn: row.given_on,
    form: row.form,
    interpreterUsed: Number(row.interpreter_used) === 1,
    obtainedByUserId: row.obtained_by_user_id,
    guardianConsent: Number(row.guardian_consent) === 1,
    guardianName: row.guardian_name,
    validUntil: row.valid_until,
    revokedOn: row.revoked_on,
    createdAt: row.created_at,
  };
}

/** Identity input → columns. */
export function identityToColumns(input: CaseIdentityInput) {
  return {
    first_name: input.firstName,
    last_name: input.lastName,
    birth_date: input.birthDate,
    phone: input.phone,
    email: input.email,
    preferred_language: input.preferredLanguage,
    residence_status: input.residenceStatus,
    qualifications: input.qualifications,
    language_level: input.languageLevel,
    health_notes: input.healthNotes,
  };
}

/** Finds a case by id (no identity data). */
export async function findCase(db: Executor, id: string): Promise<Case | null> {
  const row = await db.selectFrom('case_file').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToCase(row) : null;
}

/** Finds a case of an office by its code (case-insensitive). */
export async function findCaseByCode(db: Executor, officeId: string, code: string): Promise<Case | null> {
  const row = await db
    .selectFrom('case_file')
    .selectAll()
    .where('office_id', '=', officeId)
    .where('code', '=', code.trim().toUpperCase())
    .executeTakeFirst();
  return row ? rowToCase(row) : null;
}

/** A case in the office's list: code, owner, counts — never identity data. */
export interface CaseListItem extends Case {
  ownerName: string;
  openSteps: number;
  openReferrals: number;
}

/** Lists an office's cases, newest first. */
export async function listOfficeCases(
  db: Executor,
  officeId: string,
  options: { ownerUserId?: string; limit?: number; offset?: number } = {},
): Promise<CaseListItem[]> {
  let query = db
    .selectFrom('case_file')
    .innerJoin('app_user', 'app_user.id', 'case_file.owner_user_id')
    .selectAll('case_file')
    .select('app_user.display_name as owner_name')
    .select((eb) => [
      eb
        .selectFrom('plan_step')
        .whereRef('plan_step.case_id', '=', 'case_file.id')
        .where('plan_step.status', '=', 'open')
        .select(eb.fn.countAll<number>().as('n'))
        .as('open_steps'),
      eb
        .selectFrom('referral')
        .whereRef('referral.case_id', '=', 'case_file.id')
        .where('referral.status', 'in', ['draft', 'sent', 'accepted', 'in_progress', 'on_hold'])
        .select(eb.fn.countAll<number>().as('n'))
        .as('open_referrals'),
    ])
    .where('case_file.office_id', '=', officeId);
  if (options.ownerUserId) query = query.where('case_file.owner_user_id', '=', options.ownerUserId);
  const rows = await query
    .orderBy('case_file.created_at', 'desc')
    .limit(options.limit ?? 50)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map((row) => ({
    ...rowToCase(row),
    ownerName: row.owner_name,
    openSteps: Number(row.open_steps ?? 0),
    openReferrals: Number(row.open_referrals ?? 0),
  }));
}

/** Counts an office's cases. */
export async function countOfficeCases(
  db: Executor,
  officeId: string,
  ownerUserId?: string,
): Promise<number> {
  let query = db
    .selectFrom('case_file')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('office_id', '=', officeId);
  if (ownerUserId) query = query.where('owner_user_id', '=', ownerUserId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Reads a case's identity data; callers record the read in the audit log. */
export async function findCaseIdentity(db: Executor, caseId: string): Promise<CaseIdentity | null> {
  const row = await db
    .selectFrom('case_identity')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return row ? rowToIdentity(row) : null;
}

/** Lists a case's plan steps: open ones first, then by due date. */
export async function listPlanSteps(db: Executor, caseId: string): Promise<PlanStep[]> {
  const rows = await db
    .selectFrom('plan_step')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
  return rows.map(rowToPlanStep);
}

/** Finds a plan step. */
export async function findPlanStep(db: Executor, id: string): Promise<PlanStep | null> {
  const row = await db.selectFrom('plan_step').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToPlanStep(row) : null;
}

/** Sets a plan step's status if its version is current; false when someone else changed it first. */
export async function updatePlanStepStatusIfCurrent(
  db: Executor,
  id: string,
  version: number,
  status: PlanStepStatus,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('plan_step')
    .set({
      status,
      done_at: status === 'done' ? now : null,
      updated_at: now,
      version: version + 1,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lists a case's consents, newest first. */
export async function listConsents(db: Executor, caseId: string): Promise<Consent[]> {
  const rows = await db
    .selectFrom('consent')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(rowToConsent);
}

/** Finds a consent. */
export async function findConsent(db: Executor, id: string): Promise<Consent | null> {
  const row = await db.selectFrom('consent').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToConsent(row) : null;
}

/**
 * Keeps a case at least until `deleteAfter`: any activity (a referral, an answer, a consent, a plan step) moves the
 * case's retention date on, so the retention job never deletes a case whose newer rows are still within their time.
 */
export async function extendCaseRetention(db: Executor, caseId: string, deleteAfter: string): Promise<void> {
  await db
    .updateTable('case_file')
    .set({ delete_after: deleteAfter })
    .where('id', '=', caseId)
    .where('delete_after', '<', deleteAfter)
    .execute();
}

/** Inserts a case row. */
export async function insertCase(db: Executor, row: CaseFileTable): Promise<void> {
  await db.insertInto('case_file').values(row).execute();
}

/** Whether any case (of any office) has this code. */
export async function caseCodeExists(db: Executor, code: string): Promise<boolean> {
  return (
    (await db.selectFrom('case_file').select('id').where('code', '=', code).executeTakeFirst()) !== undefined
  );
}

/** Bumps a case's version if it is still `version`; false when someone else changed the case first. */
export async function bumpCaseVersionIfCurrent(
  db: Executor,
  id: string,
  version: number,
  updatedAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('case_file')
    .set({ updated_at: updatedAt, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Replaces a case's identity data: the old row goes; a new one is written only if any field is filled. */
export async function replaceCaseIdentity(
  db: Executor,
  caseId: string,
  input: CaseIdentityInput,
  at: string,
  deleteAfter: string,
): Promise<void> {
  await db.deleteFrom('case_identity').where('case_id', '=', caseId).execute();
  if (Object.values(input).every((value) => value === null)) return;
  await db
    .insertInto('case_identity')
    .values({ case_id: caseId, ...identityToColumns(input), updated_at: at, delete_after: deleteAfter })
    .execute();
}

/** Inserts a plan step row. */
export async function insertPlanStep(db: Executor, row: PlanStepTable): Promise<void> {
  await db.insertInto('plan_step').values(row).execute();
}

/** Inserts a consent row. */
export async function insertConsent(db: Executor, row: ConsentTable): Promise<void> {
  await db.insertInto('consent').values(row).execute();
}

/** Marks a consent revoked on `revokedOn` (YYYY-MM-DD) unless it already is; false when it already was. */
export async function revokeConsentRow(
  db: Executor,
  id: string,
  revokedOn: string,
  revokedByUserId: string,
): Promise<boolean> {
  const result = await db
    .updateTable('consent')
    .set({ revoked_on: revokedOn, revoked_by_user_id: revokedByUserId })
    .where('id', '=', id)
    .where('revoked_on', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Restricts a case (Art. 18 DSGVO) at `at`, or lifts the restriction (null); false when it already was so. */
export async function setCaseRestriction(db: Executor, id: string, at: string | null): Promise<boolean> {
  const result = await db
    .updateTable('case_file')
    .set({ restricted_at: at })
    .where('id', '=', id)
    .where('restricted_at', at === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
