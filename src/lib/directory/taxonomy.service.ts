/**
 * Category management: coordinators add their own categories to the tree. The term and its audit entry are
 * written in one transaction at `ctx.now`, so one never exists without the other.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { invalid, notFound, ok, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import type { Executor } from '../db/executor';
import { findTermByKeyOrName, type TaxonomyTerm, type TermForm } from './taxonomy';
import { insertTerm, listTerms } from './taxonomy.queries';

/** Adds a category below an existing one (or at the top); refuses a name the tree already has. */
export async function createTerm(
  db: Executor,
  ctx: ActionContext,
  input: TermForm,
): Promise<Result<TaxonomyTerm>> {
  if (!can(userOf(ctx), 'taxonomy.manage', { type: 'taxonomy' })) return notFound();
  return db.transaction().execute(async (trx) => {
    const terms = await listTerms(trx);
    if (input.parentId && !terms.some((t) => t.id === input.parentId)) {
      return invalid({ parentId: 'Bitte wählen Sie eine Oberkategorie aus der Liste.' });
    }
    if (findTermByKeyOrName(terms, input.name)) {
      return invalid({
        name: `Die Kategorie „${input.name}“ gibt es schon. Bitte wählen Sie einen anderen Namen.`,
      });
    }
    const id = await insertTerm(trx, input, ctx.now);
    await recordAudit(trx, ctx, { action: 'taxonomy.create', objectType: 'taxonomy_term', objectId: id });
    return ok((await listTerms(trx)).find((t) => t.id === id)!);
  });
}
