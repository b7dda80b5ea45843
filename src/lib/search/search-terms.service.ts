/**
 * Changes to the search vocabulary (decision 0026): coordinators add, change and remove their own term groups and
 * switch built-in groups off and on. Each change writes its rows, raises the vocabulary's generation and records the
 * audit entry in one transaction at `ctx.now`; every instance's engines pick the change up on their next search.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { conflict, invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { newId } from '../db/ids';
import {
  builtInTermGroups,
  effectiveVocabulary,
  MAX_OWN_GROUPS,
  type BuiltInSwitch,
  type TermGroup,
  type TermGroupDelete,
  type TermGroupInput,
} from './search-terms';
import {
  bumpVocabularyGeneration,
  countTermGroups,
  deleteSwitchedOffBuiltIn,
  deleteTermGroup,
  findTermGroup,
  findVocabularyGeneration,
  insertSwitchedOffBuiltIn,
  insertTermGroup,
  listSwitchedOffBuiltIns,
  listTermGroups,
  updateTermGroup,
} from './search-terms.queries';
import type { SearchVocabulary } from './vocabulary';

const NOT_ALLOWED = 'Die Suchbegriffe pflegen nur die Netzwerkkoordination und die Administration.';
const CHANGED_MEANWHILE =
  'Jemand hat diesen Eintrag inzwischen geändert oder entfernt. Bitte prüfen Sie die Liste und versuchen Sie es noch einmal.';

/** Whether the actor may change the vocabulary (coordination and administration, as the category tree). */
function mayManage(ctx: ActionContext): boolean {
  return can(userOf(ctx), 'taxonomy.manage', { type: 'taxonomy' });
}

/** The vocabulary as the engines use it, with the generation it was read at (read the generation first). */
export async function loadSearchVocabulary(
  db: Executor,
): Promise<{ generation: number; vocabulary: SearchVocabulary }> {
  const generation = await findVocabularyGeneration(db);
  const [own, off] = [await listTermGroups(db), await listSwitchedOffBuiltIns(db)];
  return { generation, vocabulary: effectiveVocabulary(own, off) };
}

/** Adds an own term group, or changes one (then `input.id` and `input.version` name it). */
export async function saveTermGroup(
  db: Db,
  ctx: ActionContext,
  input: TermGroupInput,
): Promise<Result<TermGroup, TermGroup>> {
  if (!mayManage(ctx)) return refused(NOT_ALLOWED);
  return db.transaction().execute(async (trx) => {
    let id = input.id;
    if (id === null) {
      if ((await countTermGroups(trx)) >= MAX_OWN_GROUPS) {
        return invalid({
          _form: `Es gibt schon ${MAX_OWN_GROUPS} eigene Einträge. Bitte fassen Sie Einträge zusammen oder entfernen Sie alte.`,
        });
      }
      id = newId();
      await insertTermGroup(trx, { ...input, id, createdBy: userOf(ctx)?.id ?? null }, ctx.now);
    } else {
      const current = await findTermGroup(trx, id);
      if (!current) return notFound();
      if (input.version === null || current.version !== input.version) {
        return conflict(CHANGED_MEANWHILE, current);
      }
      if (!(await updateTermGroup(trx, { ...input, id, version: current.version }, ctx.now))) {
        return conflict(CHANGED_MEANWHILE, await findTermGroup(trx, id));
      }
    }
    await bumpVocabularyGeneration(trx);
    await recordAudit(trx, ctx, {
      action: input.id === null ? 'search_terms.create' : 'search_terms.update',
      objectType: 'search_term_group',
      objectId: id,
    });
    return ok((await findTermGroup(trx, id))!);
  });
}

/** Removes an own term group (at the version the page showed). */
export async function removeTermGroup(
  db: Db,
  ctx: ActionContext,
  input: TermGroupDelete,
): Promise<Result<TermGroup, TermGroup>> {
  if (!mayManage(ctx)) return refused(NOT_ALLOWED);
  return db.transaction().execute(async (trx) => {
    const current = await findTermGroup(trx, input.id);
    if (!current) return notFound();
    if (!(await deleteTermGroup(trx, input.id, input.version))) return conflict(CHANGED_MEANWHILE, current);
    await bumpVocabularyGeneration(trx);
    await recordAudit(trx, ctx, {
      action: 'search_terms.delete',
      objectType: 'search_term_group',
      objectId: input.id,
    });
    return ok(current);
  });
}

/** Switches a built-in term group off, or on again. */
export async function switchBuiltInTermGroup(
  db: Db,
  ctx: ActionContext,
  input: BuiltInSwitch,
): Promise<Result<{ terms: string[]; on: boolean }>> {
  if (!mayManage(ctx)) return refused(NOT_ALLOWED);
  const group = builtInTermGroups().find((g) => g.key === input.schluessel);
  if (!group)
    return invalid({ _form: 'Diesen eingebauten Eintrag gibt es nicht. Bitte laden Sie die Seite neu.' });
  const on = input.intent === 'einschalten';
  return db.transaction().execute(async (trx) => {
    const off = await listSwitchedOffBuiltIns(trx);
    // Nothing to change (a second click, another coordinator was faster): no new generation, no audit entry.
    if (off.has(group.key) !== on) return ok({ terms: group.terms, on });
    if (on) await deleteSwitchedOffBuiltIn(trx, group.key);
    else await insertSwitchedOffBuiltIn(trx, group.key, userOf(ctx)?.id ?? null, ctx.now);
    await bumpVocabularyGeneration(trx);
    await recordAudit(trx, ctx, {
      action: on ? 'search_terms.builtin_on' : 'search_terms.builtin_off',
      objectType: 'search_term_group',
      objectId: group.key,
    });
    return ok({ terms: group.terms, on });
  });
}
