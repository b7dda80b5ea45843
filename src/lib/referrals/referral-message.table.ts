import type { Selectable } from 'kysely';

/** referral_message: one message of a referral's thread between the sending caseworker and the partner. */
export interface ReferralMessageTable {
  id: string;
  referral_id: string;
  at: string;
  author_kind: 'caseworker' | 'partner' | 'partner_link';
  author_user_id: string | null;
  author_organization_id: string | null;
  body: string;
}

export type ReferralMessageRow = Selectable<ReferralMessageTable>;

/** referral_read: when a user last saw a referral's thread, for "new message" markers (ids and a time only). */
export interface ReferralReadTable {
  referral_id: string;
  user_id: string;
  seen_at: string;
}
