import { addYears, todayInGermany } from '../time/time';
import type { Db } from '../db/create-db';
import { newId, nowIso } from '../db/ids';
import { recordAuditUnclocked } from '../audit/audit.queries';
import {
  CASE_RETENTION_YEARS,
  checkConsentRules,
  generateCaseCode,
  type Case,
  type CaseIdentity,
  type CaseIdentityInput,
  type ConsentInput,
  type PlanStepInput,
  type PlanStepStatus,
} from './case';
import {
  extendCaseRetention,
  findCase,
  findCaseIdentity,
  findConsent,
  findPlanStep,
  identityToColumns,
  updatePlanStepStatusIfCurrent,
} from './case.queries';

/** Who acts, and the request to name in the audit log. */
export interface ActionContext {
  actor: { id: string; organizationId: string };
  requestId: string | null;
  now?: Date;
}

/** Result of a change that can fail for expected reasons. */
export type ChangeResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  | { ok: false; kind: 'conflict'; error: string }
  | { ok: false; kind: 'not_found' };

function hasIdentity(input: CaseIdentityInput): boolean {
  return Object.values(input).some((value) => value !== null);
}

/** Opens a case for the actor's office with a fresh random code; identity data only if any was given. */
export async function createCase(db: Db, input: CaseIdentityInput, ctx: ActionContext): Promise<Case> {
  const now = nowIso(ctx.now);
  const deleteAfter = addYears(now, CASE_RETENTION_YEARS);
  for (let attempt = 0; ; attempt += 1) {
    const id = newId();
    const code = generateCaseCode();
    try {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('case_file')
          .values({
            id,
            code,
            office_id: ctx.actor.organizationId,
            owner_user_id: ctx.actor.id,
            created_at: now,
            updated_at: now,
            closed_at: null,
            delete_after: deleteAfter,
            version: 1,
          })
          .execute();
        if (hasIdentity(input)) {
          await trx
            .insertInto('case_identity')
            .values({ case_id: id, ...identityToColumns(input), updated_at: now, delete_after: deleteAfter })
            .execute();
        }
        await recordAuditUnclocked(trx, { ...ctx, action: 'case.create', objectType: 'case', objectId: id });
      });
      return (await findCase(db, id))!;
    } catch (error) {
      // A code collision (1 in 10^12 per pair) is retried with a new code; anything else is unexpected.
      if (
        attempt < 3 &&
        (await db.selectFrom('case_file').select('id').where('code', '=', code).executeTakeFirst())
      ) {
        continue;
      }
      throw error;
    }
  }
}

/** Reads a case's identity data and records the read (DESIGN.md §5 rule 8). The caller has checked the policy. */
export async function readCaseIdentity(
  db: Db,
  caseId: string,
  ctx: ActionContext,
): Promise<CaseIdentity | null> {
  const identity = await findCaseIdentity(db, caseId);
  if (identity) {
    await recordAuditUnclocked(db, {
      ...ctx,
      action: 'case.identity_read',
      objectType: 'case',
      objectId: caseId,
    });
  }
  return identity;
}

/** Replaces a case's identity data if the case's version is current. */
export async function updateCaseIdentity(
  db: Db,
  caseId: string,
  version: number,
  input: CaseIdentityInput,
  ctx: ActionContext,
): Promise<ChangeResult<Case>> {
  const now = nowIso(ctx.now);
  return db.transaction().execute(async (trx) => {
    const current = await findCase(trx, caseId);
    if (!current) return { ok: false, kind: 'not_found' };
    const bumped = await trx
      .updateTable('case_file')
      .set({ updated_at: now, version: version + 1 })
      .where('id', '=', caseId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(bumped.numUpdatedRows) !== 1) {
      return {
        ok: false,
        kind: 'conflict',
        error:
          'Jemand anderes hat diesen Fall inzwischen geändert. Bitte prüfen Sie den aktuellen Stand und geben Sie Ihre Änderung erneut ein.',
      };
    }
    const deleteAfter = addYears(now, CASE_RETENTION_YEARS);
    await trx.deleteFrom('case_identity').where('case_id', '=', caseId).execute();
    if (hasIdentity(input)) {
      await trx
        .insertInto('case_identity')
        .values({ case_id: caseId, ...identityToColumns(input), updated_at: now, delete_after: deleteAfter })
        .execute();
    }
    await recordAuditUnclocked(trx, {
      ...ctx,
      action: 'case.identity_update',
      objectType: 'case',
      objectId: caseId,
    });
    return { ok: true, value: (await findCase(trx, caseId))! };
  });
}

/** Adds a step to a case's Förderplan. */
export async function addPlanStep(
  db: Db,
  caseId: string,
  input: PlanStepInput,
  ctx: ActionContext,
): Promise<string> {
  const now = nowIso(ctx.now);
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('plan_step')
      .values({
        id,
        case_id: caseId,
        title: input.title,
        due_on: input.dueOn,
        status: 'open',
        done_at: null,
        created_at: now,
        updated_at: now,
        delete_after: addYears(now, CASE_RETENTION_YEARS),
        version: 1,
      })
      .execute();
    await extendCaseRetention(trx, caseId, addYears(now, CASE_RETENTION_YEARS));
    await recordAuditUnclocked(trx, {
      ...ctx,
      action: 'plan_step.create',
      objectType: 'case',
      objectId: caseId,
    });
  });
  return id;
}

/** Ticks a plan step off (or drops or reopens it); 409-style conflict when the version is stale. */
export async function setPlanStepStatus(
  db: Db,
  caseId: string,
  stepId: string,
  version: number,
  status: PlanStepStatus,
  ctx: ActionContext,
): Promise<ChangeResult<null>> {
  const now = nowIso(ctx.now);
  return db.transaction().execute(async (trx) => {
    const step = await findPlanStep(trx, stepId);
    if (!step || step.caseId !== caseId) return { ok: false, kind: 'not_found' };
    if (!(await updatePlanStepStatusIfCurrent(trx, stepId, version, status, now))) {
      return {
        ok: false,
        kind: 'conflict',
        error: 'Dieser Schritt wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.',
      };
    }
    await recordAuditUnclocked(trx, {
      ...ctx,
      action: `plan_step.${status}`,
      objectType: 'case',
      objectId: caseId,
    });
    return { ok: true, value: null };
  });
}

/** Records a consent after checking its cross-field rules (guardian under 16, dates). */
export async function recordConsent(
  db: Db,
  caseId: string,
  input: ConsentInput,
  ctx: ActionContext,
): Promise<ChangeResult<string>> {
  const now = nowIso(ctx.now);
  const today = todayInGermany(ctx.now ?? new Date());
  const identity = await findCaseIdentity(db, caseId);
  const errors = checkConsentRules(input, { today, birthDate: identity?.birthDate ?? null });
  const recipient = await db
    .selectFrom('organization')
    .select(['id', 'kind', 'active'])
    .where('id', '=', input.recipientOrganizationId)
    .executeTakeFirst();
  if (!recipient || recipient.kind !== 'partner' || Number(recipient.active) !== 1) {
    errors['recipientOrganizationId'] = 'Bitte eine Partnereinrichtung aus der Liste wählen.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('consent')
      .values({
        id,
        case_id: caseId,
        recipient_organization_id: input.recipientOrganizationId,
        categories: input.categories.join(','),
        purpose: input.purpose,
        given_on: input.givenOn,
        form: input.form,
        interpreter_used: input.interpreterUsed ? 1 : 0,
        obtained_by_user_id: ctx.actor.id,
        guardian_consent: input.guardianConsent ? 1 : 0,
        guardian_name: input.guardianConsent ? input.guardianName : null,
        valid_until: input.validUntil,
        revoked_on: null,
        revoked_by_user_id: null,
        created_at: now,
        delete_after: addYears(now, CASE_RETENTION_YEARS),
      })
      .execute();
    await extendCaseRetention(trx, caseId, addYears(now, CASE_RETENTION_YEARS));
    await recordAuditUnclocked(trx, {
      ...ctx,
      action: 'consent.create',
      objectType: 'case',
      objectId: caseId,
      consentId: id,
    });
  });
  return { ok: true, value: id };
}

/**
 * Revokes a consent at once: partner views check the consent on every read, so access to personal fields
 * ends with this commit. Each referral that relied on it gets a timeline entry.
 */
export async function revokeConsent(
  db: Db,
  caseId: string,
  consentId: string,
  ctx: ActionContext,
): Promise<ChangeResult<null>> {
  const now = nowIso(ctx.now);
  const consent = await findConsent(db, consentId);
  if (!consent || consent.caseId !== caseId) return { ok: false, kind: 'not_found' };
  if (consent.revokedOn) return { ok: true, value: null };
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('consent')
      .set({ revoked_on: todayInGermany(ctx.now ?? new Date()), revoked_by_user_id: ctx.actor.id })
      .where('id', '=', consentId)
      .where('revoked_on', 'is', null)
      .execute();
    const referrals = await trx
      .selectFrom('referral')
      .select('id')
      .where('consent_id', '=', consentId)
      .execute();
    for (const referral of referrals) {
      await trx
        .insertInto('referral_event')
        .values({
          id: newId(),
          referral_id: referral.id,
          at: now,
          actor_user_id: ctx.actor.id,
          actor_organization_id: ctx.actor.organizationId,
          actor_kind: 'caseworker',
          kind: 'consent_revoked',
          from_status: null,
          to_status: null,
          reason: null,
          outcome: null,
          note: null,
        })
        .execute();
    }
    await recordAuditUnclocked(trx, {
      ...ctx,
      action: 'consent.revoke',
      objectType: 'case',
      objectId: caseId,
      consentId,
    });
  });
  return { ok: true, value: null };
}
