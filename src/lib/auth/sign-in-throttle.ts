import { hashToken } from './token';

/**
 * Sign-in throttling (docs/decisions/0012-sign-in-throttling.md): failed sign-ins are counted per account *and*
 * address, and per address across accounts. After a few free failures each further failure doubles the wait
 * before the next try from there, up to a cap. Nothing is ever counted per account alone, so a stranger hammering
 * an account from their address never slows its owner down at another address.
 */
export interface ThrottleRule {
  /** Failures within `windowMs` that cost no wait. */
  free: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further failure. */
  baseMs: number;
  /** The longest wait. */
  capMs: number;
}

export const SIGN_IN_THROTTLE = {
  /** Failures older than this are forgotten (and pruned). */
  windowMs: 24 * 60 * 60_000,
  /** One account tried from one address: the owner mistyping, or a guesser targeting the account. */
  accountAddress: { free: 3, baseMs: 30_000, capMs: 15 * 60_000 },
  /** One address trying many accounts (credential stuffing); generous, as an office shares one address. */
  address: { free: 20, baseMs: 5_000, capMs: 15 * 60_000 },
} as const satisfies { windowMs: number; accountAddress: ThrottleRule; address: ThrottleRule };

/** The failures recorded under one key within the window. */
export interface FailureRecord {
  count: number;
  /** ISO time of the latest failure, or null when there is none. */
  latest: string | null;
}

/** How long to wait after the `failures`-th failure: nothing while free, then base · 2^k, capped. */
export function requiredWaitMs(rule: ThrottleRule, failures: number): number {
  if (failures < rule.free) return 0;
  const doublings = Math.min(failures - rule.free, 30);
  return Math.min(rule.baseMs * 2 ** doublings, rule.capMs);
}

/** How many milliseconds from `now` the next try under this key must wait (0: go ahead). */
export function remainingWaitMs(rule: ThrottleRule, record: FailureRecord, now: Date): number {
  if (record.count === 0 || record.latest === null) return 0;
  const allowedAt = Date.parse(record.latest) + requiredWaitMs(rule, record.count);
  return Math.max(0, allowedAt - now.getTime());
}

/** The stored keys: hashes, so the table holds neither e-mail addresses nor IP addresses. */
export function throttleKeys(email: string, address: string): { accountAddress: string; address: string } {
  const where = address.trim().toLowerCase();
  return {
    accountAddress: hashToken(`account_address:${email.trim().toLowerCase()}\n${where}`),
    address: hashToken(`address:${where}`),
  };
}

/** "30 Sekunden", "1 Minute", "15 Minuten": a wait as a German phrase (rounded up). */
export function germanWait(ms: number): string {
  if (ms <= 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return seconds === 1 ? '1 Sekunde' : `${seconds} Sekunden`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return minutes === 1 ? '1 Minute' : `${minutes} Minuten`;
}
