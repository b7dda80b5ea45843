/**
 * Mappings chosen for cells the import could not decide (docs/import.md): each is saved as an alias of its category
 * or language, so later imports — and the search, whose documents carry a category's aliases — understand the cell.
 * @module
 */
import { userOf, type ActionContext } from '../action/context';
import { invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import { can } from '../auth/policy';
import type { Db } from '../db/create-db';
import type { Executor } from '../db/executor';
import { LANGUAGE_CODES } from '../i18n/languages';
import { reindexServices } from '../search/indexer';
import { foldCell } from './category-resolver';
import type { ImportMappingForm, MappingChoice } from './import';
import { findImportJob, recheckImportJob } from './import.queries';
import { listServiceIdsByTerm } from './service.queries';
import { insertTerm, listTerms, upsertAlias } from './taxonomy.queries';

/** The prefix of a target that makes a new category (of the cell's name) under a parent: `new:` or `new:<parent>`. */
export const NEW_CATEGORY_PREFIX = 'new:';

/** Whether every choice names something that exists (a category, a parent for a new one, a language code). */
export async function checkMappingChoices(db: Executor, choices: MappingChoice[]): Promise<Result<null>> {
  const termIds = new Set((await listTerms(db)).map((t) => t.id));
  const errors: Record<string, string> = {};
  choices.forEach((choice, index) => {
    const key = `ziel-${index}`;
    if (foldCell(choice.cell) === '') errors[key] = 'Die Zelle ist leer.';
    else if (choice.kind === 'language') {
      if (!LANGUAGE_CODES.includes(choice.target))
        errors[key] = `„${choice.target}“ ist kein bekanntes Sprachkürzel (z. B. ar, uk, prs).`;
    } else if (choice.target.startsWith(NEW_CATEGORY_PREFIX)) {
      const parent = choice.target.slice(NEW_CATEGORY_PREFIX.length);
      if (parent !== '' && !termIds.has(parent))
        errors[key] = 'Bitte wählen Sie eine Oberkategorie aus der Liste.';
    } else if (!termIds.has(choice.target)) {
      errors[key] = `„${choice.target}“ ist keine Kategorie. Bitte einen Schlüssel wie arbeit.ihk angeben.`;
    }
  });
  return Object.keys(errors).length > 0 ? invalid(errors) : ok(null);
}

/**
 * Saves one choice inside the caller's transaction: an alias (replacing an older one for the same spelling) or a new
 * category named as the cell; the services of the category are reindexed so the search finds them by the alias.
 */
export async function saveAlias(
  db: Db,
  trx: Executor,
  ctx: ActionContext,
  choice: MappingChoice,
): Promise<void> {
  const createdBy = userOf(ctx)?.id ?? null;
  if (choice.kind === 'category' && choice.target.startsWith(NEW_CATEGORY_PREFIX)) {
    const parent = choice.target.slice(NEW_CATEGORY_PREFIX.length);
    const id = await insertTerm(trx, { name: choice.cell.trim(), parentId: parent || null }, ctx.now);
    await recordAudit(trx, ctx, { action: 'taxonomy.create', objectType: 'taxonomy_term', objectId: id });
    return;
  }
  await upsertAlias(
    trx,
    {
      kind: choice.kind,
      aliasKey: foldCell(choice.cell),
      alias: choice.cell.trim(),
      target: choice.target,
      createdBy,
    },
    ctx.now,
  );
  await recordAudit(trx, ctx, {
    action: `alias.${choice.kind}`,
    objectType: 'term_alias',
    objectId: choice.target,
  });
  if (choice.kind === 'category') {
    await reindexServices(db, trx, await listServiceIdsByTerm(trx, choice.target), ctx.now);
  }
}

/**
 * The import page's "Zuordnungen speichern": saves the chosen targets of a checked job's open cells as aliases and
 * sends the job back to be checked with them. Cells left without a choice stay open.
 */
export async function saveImportMappings(
  db: Db,
  ctx: ActionContext,
  input: ImportMappingForm,
): Promise<Result<{ id: string }>> {
  const user = userOf(ctx);
  if (!user || !can(user, 'directory.import', { type: 'import' })) return notFound();
  const choices: MappingChoice[] = [];
  input.zelle.forEach((cell, index) => {
    const target = input.ziel[index] ?? '';
    const kind = input.art[index];
    if (target !== '' && kind) choices.push({ kind, cell, target });
  });
  if (choices.length === 0)
    return invalid({ _form: 'Bitte wählen Sie für mindestens eine Zelle aus, was gemeint ist.' });
  const checked = await checkMappingChoices(db, choices);
  if (!checked.ok) return checked;
  return db.transaction().execute(async (trx) => {
    const job = await findImportJob(trx, input.auftrag);
    if (!job) return notFound();
    const open = new Set((job.report?.unresolved ?? []).map((u) => `${u.kind}|${foldCell(u.cell)}`));
    if (choices.some((c) => !open.has(`${c.kind}|${foldCell(c.cell)}`))) {
      return refused('Diese Zelle ist in diesem Import nicht offen. Bitte laden Sie die Seite neu.');
    }
    if (!(await recheckImportJob(trx, job.id, ctx.now))) {
      return refused(
        'Dieser Import wird gerade geprüft oder ist abgeschlossen. Bitte laden Sie die Seite neu.',
      );
    }
    for (const choice of choices) await saveAlias(db, trx, ctx, choice);
    return ok({ id: job.id });
  });
}
