import type { Insertable, Selectable } from 'kysely';

/** referral: one handoff from a JMD office to a partner's service (DESIGN.md §3). */
export interface ReferralTable {
  id: string;
  case_id: string;
  sender_user_id: string;
  sender_office_id: string;
  recipient_organization_id: string;
  service_id: string;
  purpose: string;
  message: string;
  /** Comma-separated data category codes shared under `consent_id`; empty for an anonymous enquiry. */
  shared_categories: string;
  consent_id: string | null;
  contact_mode: string;
  plan_step_id: string | null;
  status: string;
  status_reason: string | null;
  outcome: string | null;
  appointment_at: string | null;
  appointment_note: string | null;
  response_due_on: string;
  sent_at: string | null;
  answered_at: string | null;
  overdue_since: string | null;
  reminder_count: number;
  last_reminded_at: string | null;
  submission_key: string;
  created_at: string;
  updated_at: string;
  delete_after: string;
  version: number;
  /**
   * When the newest message of the referral's thread was written (null: no message yet), set in the transaction that
   * adds a message: the dashboard looks for unread threads only among referrals that have one (decision 0029).
   * Optional on insert: a new referral has no message.
   */
  last_message_at?: string | null;
}

/** referral_event: the append-only timeline of a referral, "viewed" included. */
export interface ReferralEventTable {
  id: string;
  referral_id: string;
  at: string;
  actor_user_id: string | null;
  actor_organization_id: string | null;
  actor_kind: 'caseworker' | 'partner' | 'partner_link' | 'system';
  kind: string;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  outcome: string | null;
  note: string | null;
}

/** referral_link: a single-use link for a partner without an account; token and cookie stored as hashes. */
export interface ReferralLinkTable {
  id: string;
  referral_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  access_hash: string | null;
  revoked_at: string | null;
}

/** dashboard_visit: when a caseworker last looked, for "answers since your last visit". */
export interface DashboardVisitTable {
  user_id: string;
  visited_at: string;
  previous_visited_at: string | null;
}

export type ReferralRow = Selectable<ReferralTable>;
export type NewReferralRow = Insertable<ReferralTable>;
export type ReferralEventRow = Selectable<ReferralEventTable>;
export type ReferralLinkRow = Selectable<ReferralLinkTable>;
