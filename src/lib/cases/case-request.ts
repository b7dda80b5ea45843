import type { ActionContext } from '../action/context';
import { invalid, ok, type Result } from '../action/result';
import type { Db } from '../db/create-db';
import { parseFormData, type FormValues } from '../http/form';
import { caseActionSchema } from './case';
import { addPlanStep, revokeConsent, setPlanStepStatus } from './case.service';
import { UNKNOWN_ACTION_MESSAGE } from '../http/form';
import { caseActionMessage } from './case.view';

/**
 * The forms of the case page (new plan step, step status, revoke consent): picks the action's schema, parses, calls
 * the one mutation. The result's value is the German success message; a form that does not parse is `invalid`.
 */
export async function handleCasePost(
  db: Db,
  ctx: ActionContext,
  caseId: string,
  form: FormData,
): Promise<{ result: Result<string>; values: FormValues }> {
  const schema = caseActionSchema(String(form.get('action') ?? ''));
  if (!schema) return { result: invalid({ _form: UNKNOWN_ACTION_MESSAGE }), values: {} };
  const parsed = parseFormData(form, schema);
  if (!parsed.ok) return { result: invalid(parsed.errors), values: parsed.values };
  const input = parsed.value;
  let result: Result<unknown>;
  if (input.action === 'add_step') result = await addPlanStep(db, ctx, { ...input, caseId });
  else if (input.action === 'step_status') result = await setPlanStepStatus(db, ctx, { ...input, caseId });
  else result = await revokeConsent(db, ctx, { ...input, caseId });
  return { result: result.ok ? ok(caseActionMessage(input)) : result, values: parsed.values };
}
