/** referral_followup: when the partner was asked for a running referral's outcome, and reminded. */
export interface ReferralFollowupTable {
  referral_id: string;
  asked_at: string;
  reminded_at: string | null;
}
