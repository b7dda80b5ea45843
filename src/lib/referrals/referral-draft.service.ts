import { RESTRICTED_CASE_MESSAGE } from '../cases/case';
import type { ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can, referralPartyOf } from '../auth/policy';
import {
  CASE_RETENTION_YEARS,
  consentCovers,
  DATA_CATEGORIES,
  DATA_CATEGORY_LABELS,
  type DataCategory,
} from '../cases/case';
import {
  extendCaseRetention,
  findCase,
  findCaseIdentity,
  findPlanStep,
  listConsents,
  listPlanSteps,
} from '../cases/case.queries';
import type { Db } from '../db/create-db';
import { newId } from '../db/ids';
import { findService } from '../directory/service.queries';
import { addWorkingDays, addYears, todayInGermany } from '../time/time';
import { contactModeProblem, DEFAULT_ANSWER_WORKING_DAYS, newReferralRow, type Referral } from './referral';
import { draftGaps, type DraftFields, type DraftUpdateInput, type NewDraftInput } from './referral-draft';
import {
  deleteDraftReferral,
  findReferral,
  findReferralBySubmissionKey,
  findReferralListItem,
  insertReferral,
  insertReferralEvent,
  updateReferralIfCurrent,
  type ReferralListItem,
} from './referral.queries';
import { findCoveringConsent, personalFieldsOf, transitionReferral } from './referral.service';

// Drafts (issue 11, item 5): saved with whatever is filled, opened, changed, checked, sent or deleted by the
// caseworkers of the sending office (the same party rule as every referral action). Sending goes through the
// referral's lifecycle (`transitionReferral`), so mail, events and audit are those of any send.

const STALE_DRAFT =
  'Dieser Entwurf wurde inzwischen geändert oder gesendet. Ihre Eingabe wurde nicht übernommen. Bitte prüfen Sie den aktuellen Stand.';
const NOT_A_DRAFT = 'Diese Vermittlung ist kein Entwurf mehr: Sie ist schon gesendet.';

/** A saved draft and whether it is ready for the check page ("Weiter"). */
export interface SavedDraft {
  referral: Referral;
  /** The caseworker asked to go on to the check page, and nothing is missing. */
  toCheck: boolean;
}

/** The fields of a draft as columns: what is not filled in is empty text; the answer date gets its default. */
function draftColumns(fields: DraftFields, today: string, consentId: string | null) {
  return {
    purpose: fields.purpose ?? '',
    message: fields.message,
    shared_categories: fields.sharedCategories.join(','),
    consent_id: consentId,
    contact_mode: fields.contactMode ?? '',
    plan_step_id: fields.planStepId,
    response_due_on: fields.responseDueOn ?? addWorkingDays(today, DEFAULT_ANSWER_WORKING_DAYS),
  };
}

/**
 * Checks what a draft holds against the case and the recipient: a past answer date, a step of another case, data
 * categories without a covering consent. With intent "check" everything the referral form requires must be there
 * too. Returns the field errors and the consent that covers the shared categories.
 */
async function checkDraftFields(
  db: Db,
  fields: DraftFields,
  caseId: string,
  organization: { id: string; name: string },
  today: string,
): Promise<{ errors: Record<string, string>; consentId: string | null }> {
  const errors: Record<string, string> = {};
  if (fields.responseDueOn && fields.responseDueOn < today)
    errors['responseDueOn'] = 'Antwort bis: das Datum darf nicht in der Vergangenheit liegen.';
  if (fields.planStepId) {
    const step = await findPlanStep(db, fields.planStepId);
    if (!step || step.caseId !== caseId)
      errors['planStepId'] = 'Bitte einen Schritt aus dem Förderplan dieses Falls wählen.';
  }
  const contactProblem = contactModeProblem(fields.contactMode, fields.sharedCategories);
  if (contactProblem) errors['contactMode'] = contactProblem;
  let consentId: string | null = null;
  if (fields.sharedCategories.length > 0) {
    consentId = await findCoveringConsent(db, caseId, organization.id, fields.sharedCategories, today);
    if (!consentId) {
      errors['sharedCategories'] =
        `Für „${organization.name}“ liegt keine gültige Einwilligung vor, die ${fields.sharedCategories
          .map((category) => DATA_CATEGORY_LABELS[category])
          .join(
            ', ',
          )} abdeckt. Erfassen Sie zuerst die Einwilligung – oder lassen Sie die Häkchen weg (anonyme Anfrage).`;
    }
  }
  if (fields.intent === 'check') {
    const gaps = draftGaps({
      purpose: fields.purpose ?? '',
      message: fields.message,
      contactMode: fields.contactMode ?? '',
      responseDueOn: fields.responseDueOn ?? addWorkingDays(today, DEFAULT_ANSWER_WORKING_DAYS),
      sharedCategories: fields.sharedCategories,
    });
    for (const [field, message] of Object.entries(gaps)) errors[field] ??= message;
  }
  return { errors, consentId };
}

/**
 * Saves a new draft from the referral form with whatever is filled in; only the case (of the caseworker's office)
 * and a current offer are required. The same form submitted twice (same submission key) yields the one draft.
 */
export async function createDraft(
  db: Db,
  ctx: ActionContext,
  input: NewDraftInput,
): Promise<Result<SavedDraft>> {
  const user = ctx.actor.kind === 'user' ? ctx.actor.user : null;
  if (!user || !can(user, 'case.create', { type: 'case', officeId: null })) return notFound();
  const existing = await findReferralBySubmissionKey(db, input.submissionKey);
  if (existing) {
    if (existing.senderUserId !== user.id) return notFound();
    return ok({ referral: existing, toCheck: input.intent === 'check' && existing.status === 'draft' });
  }
  const caseFile = await findCase(db, input.caseId);
  if (!caseFile || !can(user, 'case.read', { type: 'case', officeId: caseFile.officeId })) {
    return invalid({ caseId: 'Bitte einen Fall Ihrer Dienststelle wählen.' });
  }
  // Art. 18: a restricted case gets no new referral, not even a draft of one.
  if (caseFile.restrictedAt) return invalid({ caseId: RESTRICTED_CASE_MESSAGE });
  const service = await findService(db, input.serviceId);
  if (!service || service.archivedAt)
    return invalid({ serviceId: 'Dieses Angebot gibt es nicht mehr. Bitte wählen Sie ein anderes.' });
  const today = todayInGermany(ctx.now);
  const { errors, consentId } = await checkDraftFields(
    db,
    input,
    caseFile.id,
    { id: service.organizationId, name: service.organizationName },
    today,
  );
  if (Object.keys(errors).length > 0) return invalid(errors);

  const id = newId();
  const at = ctx.now.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      await insertReferral(
        trx,
        newReferralRow({
          id,
          caseId: caseFile.id,
          sender: user,
          service,
          content: draftColumns(input, today, consentId),
          status: 'draft',
          submissionKey: input.submissionKey,
          at,
        }),
      );
      await extendCaseRetention(trx, caseFile.id, addYears(at, CASE_RETENTION_YEARS));
      await insertReferralEvent(trx, {
        referral_id: id,
        at,
        actor_user_id: user.id,
        actor_organization_id: user.organizationId,
        actor_kind: 'caseworker',
        kind: 'created',
        to_status: 'draft',
      });
      await recordAudit(trx, ctx, {
        action: 'referral.create',
        objectType: 'referral',
        objectId: id,
        consentId,
      });
      return ok({ referral: (await findReferral(trx, id))!, toCheck: input.intent === 'check' });
    });
  } catch (error) {
    // Two submits of the same form racing: the unique submission key lets one insert win; the other returns it.
    const winner = await findReferralBySubmissionKey(db, input.submissionKey);
    if (winner && winner.senderUserId === user.id)
      return ok({ referral: winner, toCheck: input.intent === 'check' });
    throw error;
  }
}

/** The draft the actor may work on: a caseworker of the sending office (else not found), still a draft. */
async function findOwnDraft(db: Db, ctx: ActionContext, id: string): Promise<Result<Referral, Referral>> {
  const referral = await findReferral(db, id);
  if (!referral || referralPartyOf(ctx.actor, referral) !== 'caseworker') return notFound();
  if (referral.status !== 'draft') return refused(NOT_A_DRAFT);
  return ok(referral);
}

/** Saves changes to a draft (whatever is filled in); a stale version is a conflict, never an overwrite. */
export async function updateDraft(
  db: Db,
  ctx: ActionContext,
  input: DraftUpdateInput & { id: string },
): Promise<Result<SavedDraft, Referral>> {
  const found = await findOwnDraft(db, ctx, input.id);
  if (!found.ok) return found;
  const draft = found.value;
  if (draft.version !== input.version) return conflict(STALE_DRAFT, draft);
  const service = await findService(db, draft.serviceId);
  const today = todayInGermany(ctx.now);
  const { errors, consentId } = await checkDraftFields(
    db,
    input,
    draft.caseId,
    { id: draft.recipientOrganizationId, name: service?.organizationName ?? 'diese Einrichtung' },
    today,
  );
  if (Object.keys(errors).length > 0) return invalid(errors);
  const at = ctx.now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result<SavedDraft, Referral>> => {
    const updated = await updateReferralIfCurrent(trx, draft.id, input.version, {
      ...draftColumns(input, today, consentId),
      updated_at: at,
    });
    const current = (await findReferral(trx, draft.id))!;
    if (!updated) return conflict(STALE_DRAFT, current);
    await recordAudit(trx, ctx, {
      action: 'referral.draft_update',
      objectType: 'referral',
      objectId: draft.id,
      consentId,
    });
    return ok({ referral: current, toCheck: input.intent === 'check' });
  });
}

/**
 * Sends a checked draft: every required field must be there (else the fields to fix), then the lifecycle's "send"
 * (status, timeline, mail to the partner, audit) in one transaction.
 */
export async function sendDraft(
  db: Db,
  ctx: ActionContext,
  input: { id: string; version: number },
): Promise<Result<Referral, Referral>> {
  const found = await findOwnDraft(db, ctx, input.id);
  if (!found.ok) return found;
  const draft = found.value;
  if (draft.version !== input.version) return conflict(STALE_DRAFT, draft);
  const gaps = draftGaps(draft);
  if (Object.keys(gaps).length > 0) return invalid(gaps);
  // The consent may have been revoked since the draft was saved: personal data goes out only while it covers.
  if (draft.sharedCategories.length > 0) {
    const consentId = await findCoveringConsent(
      db,
      draft.caseId,
      draft.recipientOrganizationId,
      draft.sharedCategories,
      todayInGermany(ctx.now),
    );
    if (!consentId || consentId !== draft.consentId) {
      return invalid({
        sharedCategories:
          'Die Einwilligung deckt die ausgewählten Angaben nicht mehr ab. Bitte prüfen Sie die Angaben zur Person.',
      });
    }
  }
  return transitionReferral(db, ctx, {
    id: draft.id,
    version: draft.version,
    action: 'send',
    reason: null,
    outcome: null,
  });
}

/** Deletes a draft for good (with its timeline); the audit log keeps that it was deleted, and by whom. */
export async function deleteDraft(
  db: Db,
  ctx: ActionContext,
  input: { id: string; version: number },
): Promise<Result<null, Referral>> {
  return db.transaction().execute(async (trx): Promise<Result<null, Referral>> => {
    const referral = await findReferral(trx, input.id);
    if (!referral || referralPartyOf(ctx.actor, referral) !== 'caseworker') return notFound();
    if (referral.status !== 'draft') return refused(NOT_A_DRAFT);
    if (referral.version !== input.version) return conflict(STALE_DRAFT, referral);
    if (!(await deleteDraftReferral(trx, referral.id, input.version)))
      return conflict(STALE_DRAFT, await findReferral(trx, referral.id));
    await recordAudit(trx, ctx, {
      action: 'referral.draft_delete',
      objectType: 'referral',
      objectId: referral.id,
    });
    return ok(null);
  });
}

/** What the partner will see of the young person once the draft is sent: the shared fields, read for the caseworker. */
export async function previewSharedData(
  db: Db,
  ctx: ActionContext,
  draft: Referral,
): Promise<{ label: string; value: string }[]> {
  if (draft.sharedCategories.length === 0 || referralPartyOf(ctx.actor, draft) !== 'caseworker') return [];
  const identity = await findCaseIdentity(db, draft.caseId);
  await recordAudit(db, ctx, { action: 'case.identity_read', objectType: 'case', objectId: draft.caseId });
  return personalFieldsOf(identity, draft.sharedCategories);
}

/** What a draft's pages show: the draft with its names, and what its form offers (consented categories, steps). */
export interface DraftPage {
  draft: ReferralListItem;
  /** The data categories a consent covers for the recipient today. */
  covered: DataCategory[];
  /** The case's open plan steps (the one chosen stays listed whatever its state). */
  steps: { id: string; title: string }[];
}

/**
 * Loads a draft for its pages: null when the actor is no caseworker of the sending office (a 404 for the page);
 * `sent` when it is no draft any more (the page goes on to the referral's own page).
 */
export async function loadDraftPage(
  db: Db,
  ctx: ActionContext,
  id: string,
): Promise<DraftPage | 'sent' | null> {
  const draft = await findReferralListItem(db, id);
  if (!draft || referralPartyOf(ctx.actor, draft) !== 'caseworker') return null;
  if (draft.status !== 'draft') return 'sent';
  const today = todayInGermany(ctx.now);
  const [consents, steps] = await Promise.all([
    listConsents(db, draft.caseId),
    listPlanSteps(db, draft.caseId),
  ]);
  const covered = DATA_CATEGORIES.filter((category) =>
    consents.some((consent) => consentCovers(consent, draft.recipientOrganizationId, [category], today)),
  );
  return {
    draft,
    covered,
    steps: steps
      .filter((step) => step.status === 'open' || step.id === draft.planStepId)
      .map((step) => ({ id: step.id, title: step.title })),
  };
}
