import { formatDate, formatDateTime } from '../i18n/format';
import { isKeyUsable, SCOPE_LABELS } from './api-key';
import type { ApiKey } from './hsds.queries';

/** One row of the admin list of API keys. */
export interface ApiKeyRowView {
  id: string;
  name: string;
  prefix: string;
  scope: string;
  state: string;
  usable: boolean;
  expires: string;
  created: string;
  use: string;
}

/** What the admin list shows of a key: German state, expiry, use. */
export function apiKeyRowView(key: ApiKey, now: Date): ApiKeyRowView {
  const usable = isKeyUsable(key, now);
  return {
    id: key.id,
    name: key.name,
    prefix: `${key.prefix}…`,
    scope: SCOPE_LABELS[key.scope],
    state: key.revokedAt ? `widerrufen am ${formatDate(key.revokedAt)}` : usable ? 'gültig' : 'abgelaufen',
    usable,
    expires: key.expiresAt ? formatDate(key.expiresAt) : 'unbegrenzt',
    created: formatDate(key.createdAt),
    use:
      key.useCount === 0
        ? 'noch nie benutzt'
        : `${key.useCount.toLocaleString('de-DE')} Anfragen, zuletzt ${formatDateTime(key.lastUsedAt!)}`,
  };
}
