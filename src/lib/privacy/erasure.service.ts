import { z } from 'zod';
import { userOf, type ActionContext } from '../action/context';
import { invalid, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import type { Case } from '../cases/case';
import { findCase, setCaseRestriction } from '../cases/case.queries';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { countCaseRows, deleteCaseRows, presentPersonalDataTables } from './privacy.queries';

/** The erasure form: the case code typed again as the confirmation. */
export const EraseCaseSchema = z.object({
  confirmCode: z.string().trim().max(20, { message: 'Fallnummer: höchstens 20 Zeichen.' }),
});
export type EraseCaseInput = z.infer<typeof EraseCaseSchema>;

/** The restriction form: restrict or lift. */
export const RestrictionSchema = z.object({
  action: z.enum(['restrict', 'lift'], { message: 'Unbekannte Aktion. Bitte laden Sie die Seite neu.' }),
});
export type RestrictionInput = z.infer<typeof RestrictionSchema>;

/** The case, if a caseworker of its office acts; null means "no such case" (404, decision 0004). */
async function ownCase(db: Executor, ctx: ActionContext, caseId: string): Promise<Case | null> {
  const user = userOf(ctx);
  const caseFile = user ? await findCase(db, caseId) : null;
  if (!caseFile || !can(user, 'case.update', { type: 'case', officeId: caseFile.officeId })) return null;
  return caseFile;
}

/** Whether the typed confirmation names the case: its code, case and dash optional ("k7m3 9qxp" counts). */
export function confirmsCode(typed: string, code: string): boolean {
  const norm = (value: string) => value.toUpperCase().replace(/[\s-]/g, '');
  return typed.trim() !== '' && norm(typed) === norm(code);
}

/**
 * Erases a case on request (Art. 17 DSGVO): every row of every personal-data table of the registry goes in one
 * transaction — identity, plan, consents, referrals with timelines, messages and the partner's single-use links, so
 * the partner side loses its copies with the same commit. A content-free audit entry (`case.erase`, ids only) says
 * that and when. The case code typed again confirms it. Rows removed per table.
 */
export async function eraseCase(
  db: Db,
  ctx: ActionContext,
  input: EraseCaseInput & { caseId: string },
): Promise<Result<Record<string, number>>> {
  const entries = await presentPersonalDataTables(db);
  return db.transaction().execute(async (trx): Promise<Result<Record<string, number>>> => {
    const caseFile = await ownCase(trx, ctx, input.caseId);
    if (!caseFile) return notFound();
    if (!confirmsCode(input.confirmCode, caseFile.code)) {
      return invalid({
        confirmCode: `Fallnummer: Bitte geben Sie zur Bestätigung die Fallnummer ${caseFile.code} ein.`,
      });
    }
    const counts = await deleteCaseRows(trx, entries, [caseFile.id]);
    await recordAudit(trx, ctx, { action: 'case.erase', objectType: 'case', objectId: caseFile.id });
    return ok(counts);
  });
}

/**
 * Restricts a case (Art. 18 DSGVO) or lifts the restriction. While restricted the case stays readable to its office,
 * but the case and referral services refuse changes, new referrals, sending drafts and showing personal data to
 * partners. Both directions are audited; doing it twice is done once.
 */
export async function setRestriction(
  db: Db,
  ctx: ActionContext,
  input: RestrictionInput & { caseId: string },
): Promise<Result<Case>> {
  return db.transaction().execute(async (trx): Promise<Result<Case>> => {
    const caseFile = await ownCase(trx, ctx, input.caseId);
    if (!caseFile) return notFound();
    const restrict = input.action === 'restrict';
    if (await setCaseRestriction(trx, caseFile.id, restrict ? ctx.now.toISOString() : null)) {
      await recordAudit(trx, ctx, {
        action: restrict ? 'case.restrict' : 'case.restriction_lift',
        objectType: 'case',
        objectId: caseFile.id,
      });
    }
    return ok((await findCase(trx, caseFile.id))!);
  });
}

/** What an erasure of the case would remove, per registry table with rows (German label and count); null: 404. */
export async function erasurePreview(
  db: Db,
  ctx: ActionContext,
  input: { caseId: string },
): Promise<{ caseFile: Case; items: { label: string; count: number }[] } | null> {
  const caseFile = await ownCase(db, ctx, input.caseId);
  if (!caseFile) return null;
  const entries = await presentPersonalDataTables(db);
  const counts = await countCaseRows(db, entries, [caseFile.id]);
  const items = entries
    .map((entry) => ({ label: entry.label, count: counts[entry.table] ?? 0 }))
    .filter((item) => item.count > 0);
  return { caseFile, items };
}
