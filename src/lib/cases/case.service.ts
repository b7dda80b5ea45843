import { userOf, type ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can, type Action, type Actor } from '../auth/policy';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import { findOrganization } from '../directory/organization.queries';
import { insertReferralEvent, listReferralIdsByConsent } from '../referrals/referral.queries';
import { addYears, todayInGermany } from '../time/time';
import {
  CASE_RETENTION_YEARS,
  RESTRICTED_CASE_MESSAGE,
  checkConsentRules,
  checkIdentityRules,
  generateCaseCode,
  type Case,
  type CaseIdentity,
  type CaseIdentityInput,
  type ConsentInput,
  type PlanStepInput,
  type PlanStepStatusInput,
  type UpdateIdentityInput,
} from './case';
import {
  bumpCaseVersionIfCurrent,
  caseCodeExists,
  extendCaseRetention,
  findCase,
  findCaseIdentity,
  findConsent,
  findPlanStep,
  insertCase,
  insertConsent,
  insertPlanStep,
  replaceCaseIdentity,
  revokeConsentRow,
  updatePlanStepStatusIfCurrent,
} from './case.queries';

/** The case and the acting user, if the policy lets the user do `action` on it; null means "no such case" (404). */
async function allowedCase(
  db: Executor,
  ctx: ActionContext,
  caseId: string,
  action: Action,
): Promise<{ caseFile: Case; user: Actor } | null> {
  const user = userOf(ctx);
  const caseFile = user ? await findCase(db, caseId) : null;
  if (!user || !caseFile || !can(user, action, { type: 'case', officeId: caseFile.officeId })) return null;
  return { caseFile, user };
}

const hasIdentity = (input: CaseIdentityInput) => Object.values(input).some((value) => value !== null);

/** Opens a case for the actor's office with a fresh random code; identity data only if any was given. */
export async function createCase(
  db: Db,
  ctx: ActionContext,
  input: CaseIdentityInput,
): Promise<Result<Case>> {
  const user = userOf(ctx);
  if (!user || !can(user, 'case.create', { type: 'case', officeId: null })) return notFound();
  const errors = checkIdentityRules(input, todayInGermany(ctx.now));
  if (Object.keys(errors).length > 0) return invalid(errors);
  const now = ctx.now.toISOString();
  const deleteAfter = addYears(now, CASE_RETENTION_YEARS);
  for (let attempt = 0; ; attempt += 1) {
    const id = newId();
    const code = generateCaseCode();
    try {
      return await db.transaction().execute(async (trx) => {
        await insertCase(trx, {
          id,
          code,
          office_id: user.organizationId,
          owner_user_id: user.id,
          created_at: now,
          updated_at: now,
          closed_at: null,
          delete_after: deleteAfter,
          version: 1,
        });
        if (hasIdentity(input)) await replaceCaseIdentity(trx, id, input, now, deleteAfter);
        await recordAudit(trx, ctx, { action: 'case.create', objectType: 'case', objectId: id });
        return ok((await findCase(trx, id))!);
      });
    } catch (error) {
      // A code collision (1 in 10^12 per pair) is retried with a new code; anything else is unexpected.
      if (attempt < 3 && (await caseCodeExists(db, code))) continue;
      throw error;
    }
  }
}

/** Reads a case's identity data for a caseworker of its office and records the read (DESIGN.md §5 rule 8). */
export async function readCaseIdentity(
  db: Db,
  ctx: ActionContext,
  input: { caseId: string },
): Promise<Result<CaseIdentity | null>> {
  const allowed = await allowedCase(db, ctx, input.caseId, 'case.read');
  if (!allowed) return notFound();
  const identity = await findCaseIdentity(db, input.caseId);
  if (identity) {
    await recordAudit(db, ctx, { action: 'case.identity_read', objectType: 'case', objectId: input.caseId });
  }
  return ok(identity);
}

const CASE_CONFLICT =
  'Jemand anderes hat diesen Fall inzwischen geändert. Bitte prüfen Sie den aktuellen Stand und geben Sie Ihre Änderung erneut ein.';

/** Replaces a case's identity data if the case's version is current; a conflict carries the current case. */
export async function updateCaseIdentity(
  db: Db,
  ctx: ActionContext,
  input: UpdateIdentityInput & { caseId: string },
): Promise<Result<Case, Case>> {
  const { caseId, version, ...identity } = input;
  const errors = checkIdentityRules(identity, todayInGermany(ctx.now));
  const now = ctx.now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result<Case, Case>> => {
    const allowed = await allowedCase(trx, ctx, caseId, 'case.update');
    if (!allowed) return notFound();
    if (allowed.caseFile.restrictedAt) return refused(RESTRICTED_CASE_MESSAGE);
    if (Object.keys(errors).length > 0) return invalid(errors);
    if (!(await bumpCaseVersionIfCurrent(trx, caseId, version, now))) {
      return conflict(CASE_CONFLICT, (await findCase(trx, caseId))!);
    }
    await replaceCaseIdentity(trx, caseId, identity, now, addYears(now, CASE_RETENTION_YEARS));
    await extendCaseRetention(trx, caseId, addYears(now, CASE_RETENTION_YEARS));
    await recordAudit(trx, ctx, { action: 'case.identity_update', objectType: 'case', objectId: caseId });
    return ok((await findCase(trx, caseId))!);
  });
}

/** Adds a step to a case's Förderplan; the new step's id. */
export async function addPlanStep(
  db: Db,
  ctx: ActionContext,
  input: PlanStepInput & { caseId: string },
): Promise<Result<string>> {
  const now = ctx.now.toISOString();
  const id = newId();
  return db.transaction().execute(async (trx): Promise<Result<string>> => {
    const allowed = await allowedCase(trx, ctx, input.caseId, 'case.update');
    if (!allowed) return notFound();
    if (allowed.caseFile.restrictedAt) return refused(RESTRICTED_CASE_MESSAGE);
    await insertPlanStep(trx, {
      id,
      case_id: input.caseId,
      title: input.title,
      due_on: input.dueOn,
      status: 'open',
      done_at: null,
      created_at: now,
      updated_at: now,
      delete_after: addYears(now, CASE_RETENTION_YEARS),
      version: 1,
    });
    await extendCaseRetention(trx, input.caseId, addYears(now, CASE_RETENTION_YEARS));
    await recordAudit(trx, ctx, { action: 'plan_step.create', objectType: 'case', objectId: input.caseId });
    return ok(id);
  });
}

/** Ticks a plan step off (or drops or reopens it); a conflict when the version is stale. */
export async function setPlanStepStatus(
  db: Db,
  ctx: ActionContext,
  input: Omit<PlanStepStatusInput, 'action'> & { caseId: string },
): Promise<Result<null>> {
  const now = ctx.now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result<null>> => {
    const allowed = await allowedCase(trx, ctx, input.caseId, 'case.update');
    if (!allowed) return notFound();
    if (allowed.caseFile.restrictedAt) return refused(RESTRICTED_CASE_MESSAGE);
    const step = await findPlanStep(trx, input.stepId);
    if (!step || step.caseId !== input.caseId) return notFound();
    if (!(await updatePlanStepStatusIfCurrent(trx, input.stepId, input.version, input.status, now))) {
      return conflict('Dieser Schritt wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand.');
    }
    await extendCaseRetention(trx, input.caseId, addYears(now, CASE_RETENTION_YEARS));
    await recordAudit(trx, ctx, {
      action: `plan_step.${input.status}`,
      objectType: 'case',
      objectId: input.caseId,
    });
    return ok(null);
  });
}

/** Records a consent after checking its cross-field rules (guardian under 16, dates); the consent's id. */
export async function recordConsent(
  db: Db,
  ctx: ActionContext,
  input: ConsentInput & { caseId: string },
): Promise<Result<string>> {
  const { caseId } = input;
  const allowed = await allowedCase(db, ctx, caseId, 'case.update');
  if (!allowed) return notFound();
  // No new consent on a restricted case; revoking one stays possible (it narrows the processing, never widens it).
  if (allowed.caseFile.restrictedAt) return refused(RESTRICTED_CASE_MESSAGE);
  const identity = await findCaseIdentity(db, caseId);
  const errors = checkConsentRules(input, {
    today: todayInGermany(ctx.now),
    birthDate: identity?.birthDate ?? null,
  });
  const recipient = await findOrganization(db, input.recipientOrganizationId);
  if (!recipient || recipient.kind !== 'partner' || !recipient.active) {
    errors['recipientOrganizationId'] = 'Bitte eine Partnereinrichtung aus der Liste wählen.';
  }
  if (Object.keys(errors).length > 0) return invalid(errors);
  const now = ctx.now.toISOString();
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await insertConsent(trx, {
      id,
      case_id: caseId,
      recipient_organization_id: input.recipientOrganizationId,
      categories: input.categories.join(','),
      purpose: input.purpose,
      given_on: input.givenOn,
      form: input.form,
      interpreter_used: input.interpreterUsed ? 1 : 0,
      obtained_by_user_id: allowed.user.id,
      guardian_consent: input.guardianConsent ? 1 : 0,
      guardian_name: input.guardianConsent ? input.guardianName : null,
      valid_until: input.validUntil,
      revoked_on: null,
      revoked_by_user_id: null,
      created_at: now,
      delete_after: addYears(now, CASE_RETENTION_YEARS),
    });
    await extendCaseRetention(trx, caseId, addYears(now, CASE_RETENTION_YEARS));
    await recordAudit(trx, ctx, {
      action: 'consent.create',
      objectType: 'case',
      objectId: caseId,
      consentId: id,
    });
  });
  return ok(id);
}

/**
 * Revokes a consent at once: partner views check the consent on every read, so access to personal fields
 * ends with this commit. Each referral that relied on it gets a timeline entry. Revoking twice is done once.
 */
export async function revokeConsent(
  db: Db,
  ctx: ActionContext,
  input: { caseId: string; consentId: string },
): Promise<Result<null>> {
  const now = ctx.now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result<null>> => {
    const allowed = await allowedCase(trx, ctx, input.caseId, 'case.update');
    if (!allowed) return notFound();
    const consent = await findConsent(trx, input.consentId);
    if (!consent || consent.caseId !== input.caseId) return notFound();
    if (!(await revokeConsentRow(trx, consent.id, todayInGermany(ctx.now), allowed.user.id))) return ok(null);
    for (const referralId of await listReferralIdsByConsent(trx, consent.id)) {
      await insertReferralEvent(trx, {
        referral_id: referralId,
        at: now,
        actor_user_id: allowed.user.id,
        actor_organization_id: allowed.user.organizationId,
        actor_kind: 'caseworker',
        kind: 'consent_revoked',
      });
    }
    await recordAudit(trx, ctx, {
      action: 'consent.revoke',
      objectType: 'case',
      objectId: input.caseId,
      consentId: consent.id,
    });
    return ok(null);
  });
}
