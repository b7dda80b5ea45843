import type { ActionContext } from '../action/context';
import { invalid, ok, type Result } from '../action/result';
import type { Db } from '../db/create-db';
import { parseFormData, type FormValues } from '../http/form';
import { referralActionSchema, type Referral, type ReferralActionInput } from './referral';
import {
  proposeAppointment,
  resendReferralLink,
  tickPlanStepOfReferral,
  transitionReferral,
} from './referral.service';
import { UNKNOWN_ACTION_MESSAGE } from '../http/form';
import { referralSuccessMessage } from './referral.view';

export { germanLocalToIso } from './referral';

/**
 * The forms of a referral page (status changes, appointment, fresh link, plan step), for the signed-in page and the
 * single-use link page alike: picks the action's schema, parses, calls the one mutation. The result's value is the
 * German success message; a form that does not parse is an `invalid` result like any other.
 */
export async function handleReferralPost(
  db: Db,
  ctx: ActionContext,
  referralId: string,
  form: FormData,
): Promise<{ result: Result<string, Referral>; values: FormValues }> {
  const schema = referralActionSchema(String(form.get('action') ?? ''));
  if (!schema) return { result: invalid({ _form: UNKNOWN_ACTION_MESSAGE }), values: {} };
  const parsed = parseFormData(form, schema);
  if (!parsed.ok) return { result: invalid(parsed.errors), values: parsed.values };
  const input = parsed.value as ReferralActionInput;
  const id = referralId;
  let result: Result<unknown, Referral>;
  switch (input.action) {
    case 'appointment':
      result = await proposeAppointment(db, ctx, { ...input, id });
      break;
    case 'resend_link':
      result = await resendReferralLink(db, ctx, { id });
      break;
    case 'tick_step':
      result = await tickPlanStepOfReferral(db, ctx, { id });
      break;
    default:
      result = await transitionReferral(db, ctx, { ...input, id });
  }
  return {
    result: result.ok ? ok(referralSuccessMessage(input, result.value as Referral | null)) : result,
    values: parsed.values,
  };
}
