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
import { findTaxonomyGeneration, insertTerm, listTerms } from './taxonomy.queries';

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

const cachedTerms = new WeakMap<object, { generation: number; terms: TaxonomyTerm[] }>();

/**
 * Every category with its aliases, kept in memory per process and database and reloaded when the taxonomy's
 * generation moved (one primary-key read per call instead of two lists): a category or alias written through any
 * instance is in the next call's answer on every instance (decision 0028). The generation is read before the list,
 * so a write committing in between is loaded again on the next call, never missed. The list and its terms are
 * frozen: every caller shares them.
 */
export async function listTermsCached(db: Executor): Promise<TaxonomyTerm[]> {
  const generation = await findTaxonomyGeneration(db);
  const cached = cachedTerms.get(db);
  if (cached && cached.generation === generation) return cached.terms;
  const terms = (await listTerms(db)).map((term) => Object.freeze(term));
  Object.freeze(terms);
  cachedTerms.set(db, { generation, terms });
  return terms;
}
