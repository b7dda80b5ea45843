import { hashToken } from './token';

/** Failed sign-ins allowed per account and per IP within the window. */
export const RATE_LIMIT = { windowMs: 15 * 60_000, perAccount: 5, perIp: 30 } as const;

/** The stored key for an account or IP: a hash, so the table holds no e-mail addresses or IPs. */
export function rateLimitKey(scope: 'account' | 'ip', value: string): string {
  return hashToken(`${scope}:${value.trim().toLowerCase()}`);
}
