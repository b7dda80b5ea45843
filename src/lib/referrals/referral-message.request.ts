import type { ActionContext } from '../action/context';
import { invalid, ok, type Result } from '../action/result';
import type { Db } from '../db/create-db';
import { parseFormData, type FormValues } from '../http/form';
import type { Referral } from './referral';
import { CloseUnansweredSchema, closeWithoutAnswer } from './referral-followup.service';
import { MessageSchema, postReferralMessage } from './referral-message.service';
import { handleReferralPost } from './referral-request';

/**
 * The forms of a referral page including the loop's own (a message, closing without answer): parses the action's
 * schema and calls its one mutation; every other action goes to handleReferralPost. The value is the German success
 * message.
 */
export async function handleReferralPagePost(
  db: Db,
  ctx: ActionContext,
  referralId: string,
  form: FormData,
): Promise<{ result: Result<string, Referral>; values: FormValues }> {
  const action = String(form.get('action') ?? '');
  if (action === 'message') {
    const parsed = parseFormData(form, MessageSchema);
    if (!parsed.ok) return { result: invalid(parsed.errors), values: parsed.values };
    const result = await postReferralMessage(db, ctx, { ...parsed.value, id: referralId });
    return {
      result: result.ok
        ? ok('Ihre Nachricht ist gesendet. Die andere Seite wird per E-Mail benachrichtigt.')
        : result,
      values: parsed.values,
    };
  }
  if (action === 'close_unanswered') {
    const parsed = parseFormData(form, CloseUnansweredSchema);
    if (!parsed.ok) return { result: invalid(parsed.errors), values: parsed.values };
    const result = await closeWithoutAnswer(db, ctx, { ...parsed.value, id: referralId });
    return {
      result: result.ok ? ok('Die Vermittlung ist ohne Rückmeldung geschlossen.') : result,
      values: parsed.values,
    };
  }
  return handleReferralPost(db, ctx, referralId, form);
}
