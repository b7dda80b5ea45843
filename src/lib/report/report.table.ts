import type { Insertable, Selectable } from 'kysely';

/**
 * referral_fact: one content-free row per referral transition (DESIGN.md §2). No case, referral id, person or
 * free text: the report reads only these rows, so its figures survive the retention job.
 */
export interface ReferralFactTable {
  id: string;
  /** German calendar day of the transition (YYYY-MM-DD). */
  day: string;
  /** German day the referral was sent (its cohort); null before it was sent. */
  sent_on: string | null;
  /** Monday of the sending week (YYYY-MM-DD). */
  sent_week: string | null;
  /** Month of sending (YYYY-MM). */
  sent_month: string | null;
  office_id: string;
  recipient_id: string;
  service_id: string;
  /** Root category of the service's first category ('' if it has none). */
  category_id: string;
  /** District of the service's first location ('' if unknown). */
  district: string;
  /** The timeline kind: send, accept, decline, …, or overdue. */
  kind: string;
  to_status: string | null;
  /** The reason reduced to a code (report-fact.ts REASON_CODES); never the text itself. */
  reason_code: string | null;
  outcome: string | null;
  /** 1 on the partner's first answer. */
  first_answer: number;
  /** Whole hours (rounded up) from sending to the first answer, on the first answer. */
  hours_to_answer: number | null;
}

/**
 * referral_fact_month: the facts with a sending day counted per month, week, root category, district, kind, reason
 * and outcome (null reason and outcome as ''). Written with every fact; the network-wide figures of whole months come
 * from here (decision 0016).
 */
export interface ReferralFactMonthTable {
  sent_month: string;
  sent_week: string;
  category_id: string;
  district: string;
  kind: string;
  reason_code: string;
  outcome: string;
  n: number;
}

/**
 * referral_fact_place_period: like referral_fact_month without the week, per calendar period (decision 0016, second
 * addendum): the facts with a sending day counted per period, root category, district, kind, reason and outcome.
 * A period is a month ('2025-03'), a quarter ('2025-Q1') or a year ('2025'); each fact counts in all three. The
 * network-wide totals, reasons, gap matrix and monthly trend read it.
 */
export interface ReferralFactPlacePeriodTable {
  /** '2025-03', '2025-Q1' or '2025'. */
  period: string;
  category_id: string;
  district: string;
  kind: string;
  reason_code: string;
  outcome: string;
  n: number;
}

/** referral_fact_kind_period: referral_fact_place_period without category and district (the whole network). */
export interface ReferralFactKindPeriodTable {
  /** '2025-03', '2025-Q1' or '2025'. */
  period: string;
  kind: string;
  reason_code: string;
  outcome: string;
  n: number;
}

/**
 * referral_fact_partner_period: per calendar period of sending (month, quarter and year, as in
 * referral_fact_place_period), recipient organisation, root category and district, how many
 * referrals were sent, accepted, declined, cancelled, completed and not completed, how many got a first answer, and
 * those answers' whole hours as an exact histogram (`hours`: JSON array of hour and count pairs, hours ascending,
 * e.g. [3,2,40,1]). The
 * answer times per partner and category and the network median beside a partner's report read it (decision 0016, second addendum).
 */
export interface ReferralFactPartnerPeriodTable {
  /** '2025-03', '2025-Q1' or '2025'. */
  period: string;
  recipient_id: string;
  category_id: string;
  district: string;
  sent: number;
  accepted: number;
  declined: number;
  cancelled: number;
  completed: number;
  failed: number;
  answered: number;
  hours: string;
}

/** search_count: how often a folded query with these filters found how many services on a day; no user, session, IP. */
export interface SearchCountTable {
  day: string;
  query: string;
  /** Root category of the category filter ('' = none). */
  category_id: string;
  /** District of the directory location nearest to a "near" search's centre ('' = none): never the centre. */
  district: string;
  /** The other filters as a short canonical text ("sprache=ar;alter=17"). */
  filters: string;
  /** Bucket of the hit count: '0', '1-4', '5-19', '20+'. */
  hits: string;
  searches: number;
}

export type ReferralFactRow = Selectable<ReferralFactTable>;
export type NewReferralFactRow = Insertable<ReferralFactTable>;
