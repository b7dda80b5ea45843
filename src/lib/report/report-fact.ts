import { todayInGermany } from '../time/time';
import type { NewReferralFactRow } from './report.table';

/**
 * The rules that turn one referral timeline entry into a content-free fact (issue #13). Pure; the migration that
 * backfilled existing referrals holds a frozen copy (db/migrations/2026_12_02_0400_create_report_facts.ts).
 * @module
 */

/** Codes a free-text reason is reduced to; the text itself never reaches the report. */
export const REASON_CODES = [
  'no_capacity',
  'not_eligible',
  'not_reached',
  'not_interested',
  'other',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** German labels of the reason codes ("keine Kapazität" is the gap signal). */
export const REASON_LABELS: Record<ReasonCode, string> = {
  no_capacity: 'Keine Kapazität',
  not_eligible: 'Nicht zuständig / Voraussetzungen',
  not_reached: 'Nicht erreicht',
  not_interested: 'Kein Bedarf mehr',
  other: 'Anderer Grund',
};

const CAPACITY =
  /kapazit|kein(en)?\s+(freie[nr]?\s+)?pl(a|ä)tz|voll(\b|belegt|ständig belegt)|ausgebucht|warteliste/i;
const ELIGIBILITY = /zuständig|voraussetzung|altersgrenze|alter\b|berechtigt|anspruch/i;
const REACH = /erreich|erschienen|gemeldet|kontakt/i;
const INTEREST = /kein interesse|erledigt|anderes angebot|umgezogen|abgesagt/i;

/** The code of a free-text reason: capacity words first, because a full course is the gap the report shows. */
export function reasonCodeOf(reason: string | null): ReasonCode | null {
  if (!reason) return null;
  if (CAPACITY.test(reason)) return 'no_capacity';
  if (ELIGIBILITY.test(reason)) return 'not_eligible';
  if (REACH.test(reason)) return 'not_reached';
  if (INTEREST.test(reason)) return 'not_interested';
  return 'other';
}

/** The Monday (YYYY-MM-DD) of the ISO week a day lies in. */
export function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** Timeline kinds that become facts besides status changes. */
export const FACT_KINDS_WITHOUT_STATUS = ['overdue'] as const;

/** Whether a timeline entry becomes a fact: every status change, and the first "overdue" mark. */
export function isFactEvent(event: { kind: string; to_status?: string | null | undefined }): boolean {
  return (
    (event.to_status ?? null) !== null ||
    (FACT_KINDS_WITHOUT_STATUS as readonly string[]).includes(event.kind)
  );
}

/** What a fact needs to know about the referral and the event, read inside the event's transaction. */
export interface FactSource {
  /** A fresh random id: never the event's, so nothing links a fact back to a timeline. */
  id: string;
  at: string;
  kind: string;
  actorKind: string;
  toStatus: string | null;
  reason: string | null;
  outcome: string | null;
  officeId: string;
  recipientId: string;
  serviceId: string;
  sentAt: string | null;
  answeredAt: string | null;
  categoryId: string;
  district: string;
}

/** The fact row of one timeline entry. */
export function factOf(source: FactSource): NewReferralFactRow {
  const sentOn = source.sentAt && source.sentAt <= source.at ? todayInGermany(new Date(source.sentAt)) : null;
  const firstAnswer =
    (source.actorKind === 'partner' || source.actorKind === 'partner_link') &&
    source.toStatus !== null &&
    source.answeredAt === source.at &&
    source.sentAt !== null;
  return {
    id: source.id,
    day: todayInGermany(new Date(source.at)),
    sent_on: sentOn,
    sent_week: sentOn ? mondayOf(sentOn) : null,
    sent_month: sentOn ? sentOn.slice(0, 7) : null,
    office_id: source.officeId,
    recipient_id: source.recipientId,
    service_id: source.serviceId,
    category_id: source.categoryId,
    district: source.district,
    kind: source.kind,
    to_status: source.toStatus,
    reason_code: reasonCodeOf(source.reason),
    outcome: source.outcome,
    first_answer: firstAnswer ? 1 : 0,
    hours_to_answer:
      firstAnswer && source.answeredAt && source.sentAt
        ? Math.max(0, Math.ceil((Date.parse(source.answeredAt) - Date.parse(source.sentAt)) / 3_600_000))
        : null,
  };
}
