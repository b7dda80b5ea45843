/** Creating and revoking API keys: admin only, one transaction with the audit entry each. */
import type { ActionContext } from '../action/context';
import { userOf } from '../action/context';
import { invalid, notFound, ok, refused, type Result } from '../action/result';
import { recordAudit } from '../audit/audit.queries';
import type { Executor } from '../db/executor';
import { generateApiKey, type ApiKeyForm } from './api-key';
import { findApiKey, insertApiKey, revokeApiKeyRow, type ApiKey } from './hsds.queries';
import { mayManageApiKeys } from './policy';

/** Creates a key; the result carries the key itself, which is never stored and shown only this once. */
export async function createApiKey(
  db: Executor,
  ctx: ActionContext,
  input: ApiKeyForm,
): Promise<Result<{ apiKey: ApiKey; key: string }>> {
  const user = userOf(ctx);
  if (!mayManageApiKeys(user)) return notFound();
  const expiresAt = input.expires === '' ? null : new Date(`${input.expires}T00:00:00.000Z`).toISOString();
  if (expiresAt !== null && expiresAt <= ctx.now.toISOString()) {
    return invalid({
      expires: 'Das Ablaufdatum liegt in der Vergangenheit. Bitte wählen Sie ein späteres Datum.',
    });
  }
  const generated = generateApiKey();
  return db.transaction().execute(async (trx) => {
    const apiKey = await insertApiKey(
      trx,
      {
        name: input.name,
        scope: input.scope,
        hash: generated.hash,
        prefix: generated.prefix,
        createdBy: user?.id ?? null,
        expiresAt,
      },
      ctx.now,
    );
    await recordAudit(trx, ctx, {
      action: 'hsds.api_key.create',
      objectType: 'api_key',
      objectId: apiKey.id,
    });
    return ok({ apiKey, key: generated.key });
  });
}

/** Revokes a key at once; refused when it was revoked already. */
export async function revokeApiKey(
  db: Executor,
  ctx: ActionContext,
  input: { id: string },
): Promise<Result<ApiKey>> {
  if (!mayManageApiKeys(userOf(ctx))) return notFound();
  return db.transaction().execute(async (trx) => {
    const key = await findApiKey(trx, input.id);
    if (!key) return notFound();
    if (!(await revokeApiKeyRow(trx, key.id, ctx.now)))
      return refused('Dieser Schlüssel ist schon widerrufen.');
    await recordAudit(trx, ctx, { action: 'hsds.api_key.revoke', objectType: 'api_key', objectId: key.id });
    return ok({ ...key, revokedAt: ctx.now.toISOString() });
  });
}
