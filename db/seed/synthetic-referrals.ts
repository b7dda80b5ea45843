/**
 * Synthetic cases and referrals of one JMD office for the benchmarks (docs/performance.md): a plausible spread
 * over statuses and two years, with the timeline entries the app writes (created, send, partner answers,
 * reminders) and consents for referrals that share personal data. Choices are deterministic for a seed; ids and
 * case codes are random as in the app. Cases carry no identity data.
 */
import { addWorkingDays, addYears, todayInGermany } from '../../src/lib/time/time';
import type { Insertable } from 'kysely';
import type { Db } from '../../src/lib/db/create-db';
import type { Database } from '../../src/lib/db/database';
import { newId, nowIso } from '../../src/lib/db/ids';
import {
  CASE_RETENTION_YEARS,
  DATA_CATEGORIES,
  generateCaseCode,
  type DataCategory,
} from '../../src/lib/cases/case';
import {
  COMPLETION_OUTCOMES,
  CONTACT_MODES,
  DEFAULT_ANSWER_WORKING_DAYS,
  FAILURE_OUTCOMES,
  PURPOSES,
  type ReferralStatus,
} from '../../src/lib/referrals/referral';
import { mulberry32 } from './synthetic';

type Row<T extends keyof Database> = Insertable<Database[T]>;
type EventRow = Row<'referral_event'>;

/** One kind of synthetic referral: its status, its share of all and how many days ago it was created. */
export interface SyntheticReferralKind {
  key: string;
  status: ReferralStatus;
  /** For `sent`: whether the answer is overdue (due date before today). */
  overdue?: boolean;
  share: number;
  ageDays: readonly [number, number];
}

/**
 * The spread of statuses: most referrals of two years are closed; what is open is recent (a referral waiting for
 * an answer was sent in the last days, an overdue one weeks ago).
 */
export const SYNTHETIC_REFERRAL_KINDS: readonly SyntheticReferralKind[] = [
  { key: 'draft', status: 'draft', share: 0.03, ageDays: [0, 30] },
  { key: 'sent_waiting', status: 'sent', overdue: false, share: 0.06, ageDays: [0, 4] },
  { key: 'sent_overdue', status: 'sent', overdue: true, share: 0.06, ageDays: [14, 120] },
  { key: 'accepted', status: 'accepted', share: 0.07, ageDays: [3, 60] },
  { key: 'in_progress', status: 'in_progress', share: 0.1, ageDays: [7, 180] },
  { key: 'on_hold', status: 'on_hold', share: 0.03, ageDays: [14, 240] },
  { key: 'completed', status: 'completed', share: 0.38, ageDays: [14, 730] },
  { key: 'declined', status: 'declined', share: 0.1, ageDays: [2, 730] },
  { key: 'failed', status: 'failed', share: 0.08, ageDays: [14, 730] },
  { key: 'cancelled', status: 'cancelled', share: 0.09, ageDays: [2, 730] },
];

const MESSAGES = [
  'Junger Mensch sucht einen Platz im Integrationskurs, möglichst am Vormittag. Bitte um Rückmeldung zu freien Plätzen.',
  'Bitte um einen Beratungstermin; der junge Mensch kommt in Begleitung.',
  'Anfrage zu einem Ausbildungsplatz oder einer Einstiegsqualifizierung ab dem nächsten Ausbildungsjahr.',
  'Unterstützung bei der Anerkennung eines ausländischen Schulabschlusses erbeten.',
  'Bitte um Rückruf wegen eines Sprachkurses auf Niveau B1.',
  'Hausaufgabenhilfe oder Nachhilfe in Mathematik und Deutsch gesucht.',
  'Begleitung zur Behörde gewünscht, Termin steht noch nicht fest.',
  'Interesse an einem Freizeitangebot oder Sportverein im Stadtteil.',
];
const DECLINE_REASONS = [
  'Kurs ist voll',
  'Nicht zuständig',
  'Altersgrenze überschritten',
  'Warteliste geschlossen',
];
const CANCEL_REASONS = ['Hat sich erledigt', 'Junger Mensch umgezogen', 'Anderes Angebot gefunden'];
const HOLD_REASONS = ['Krankheit', 'Ferienpause', 'Unterlagen fehlen noch'];
const FAIL_REASONS = ['Nicht erschienen', 'Telefonisch nicht erreicht', 'Voraussetzungen fehlen'];
const CONSENT_PURPOSES = [
  'Anmeldung zum Kurs und Rückmeldung zum Verlauf',
  'Terminvereinbarung und Beratung',
  'Prüfung der Voraussetzungen für die Maßnahme',
];
const NORMAL_CATEGORIES: readonly DataCategory[] = DATA_CATEGORIES.filter((c) => c !== 'health');

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Options of `insertSyntheticReferrals`. */
export interface SyntheticReferralOptions {
  /** The JMD office that sends. */
  officeId: string;
  /** The caseworker who owns most cases and referrals. */
  caseworkerId: string;
  /** Other caseworkers of the office; they share the rest. */
  colleagueIds?: readonly string[];
  /** Share of the caseworker's own (default 0.8 with colleagues, 1 without). */
  ownShare?: number;
  /** How many cases and how many referrals (some cases get several referrals, some none yet). */
  count: number;
  seed?: number;
  now?: Date;
  /** Referrals (each with its new case, consent and timeline) per transaction (default 250). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What was inserted. */
export interface SyntheticReferralSummary {
  cases: number;
  referrals: number;
  events: number;
  consents: number;
  byStatus: Partial<Record<ReferralStatus, number>>;
}

interface Target {
  serviceId: string;
  organizationId: string;
  partnerUserId: string | null;
}

interface Plan {
  caseRow: Row<'case_file'> | null;
  consent: Row<'consent'> | null;
  /** Null for a case without a referral yet. */
  referral: Row<'referral'> | null;
  events: EventRow[];
}

type EventFields = Omit<EventRow, 'id' | 'referral_id' | 'at' | 'kind'>;

/** Services of the sample region's partner organizations, with a partner account where the organization has one. */
async function listTargets(db: Db): Promise<Target[]> {
  const services = await db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .select(['service.id as service_id', 'service.organization_id as organization_id'])
    .where('organization.kind', '=', 'partner')
    .where('organization.is_sample', '=', 1)
    .where('service.archived_at', 'is', null)
    .orderBy('service.id')
    .execute();
  const partners = await db
    .selectFrom('app_user')
    .select(['id', 'organization_id'])
    .where('role', '=', 'partner')
    .orderBy('id')
    .execute();
  const partnerOf = new Map(partners.map((p) => [p.organization_id, p.id]));
  return services.map((s) => ({
    serviceId: s.service_id,
    organizationId: s.organization_id,
    partnerUserId: partnerOf.get(s.organization_id) ?? null,
  }));
}

function* chunks<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

/**
 * Inserts `count` cases and `count` referrals of one office, addressed to services of the sample region's partner
 * organizations (seed the sample region first), in transactions of `batchSize` plans (a referral with its new
 * case, consent and timeline, or a case without referral). Case codes are unique (checked against the database).
 */
export async function insertSyntheticReferrals(
  db: Db,
  options: SyntheticReferralOptions,
): Promise<SyntheticReferralSummary> {
  const targets = await listTargets(db);
  if (targets.length === 0) {
    throw new Error(
      'Keine Angebote von Partnereinrichtungen der Beispielregion gefunden – bitte zuerst seedSampleRegion ausführen.',
    );
  }
  const taken = new Set((await db.selectFrom('case_file').select('code').execute()).map((row) => row.code));
  const nextCode = () => {
    for (;;) {
      const code = generateCaseCode();
      if (!taken.has(code)) {
        taken.add(code);
        return code;
      }
    }
  };
  const plans = planReferrals(options, targets, nextCode);

  const batchSize = options.batchSize ?? 250;
  const summary: SyntheticReferralSummary = { cases: 0, referrals: 0, events: 0, consents: 0, byStatus: {} };
  let done = 0;
  for (const batch of chunks(plans, batchSize)) {
    const cases = batch.flatMap((p) => (p.caseRow ? [p.caseRow] : []));
    const consents = batch.flatMap((p) => (p.consent ? [p.consent] : []));
    const referrals = batch.flatMap((p) => (p.referral ? [p.referral] : []));
    const events = batch.flatMap((p) => p.events);
    // Foreign-key order; rows per statement stay far below the parameter limits (SQLite 32,766, PostgreSQL
    // 65,535): 29 columns × 250 referrals.
    await db.transaction().execute(async (trx) => {
      for (const rows of chunks(cases, 500)) await trx.insertInto('case_file').values(rows).execute();
      for (const rows of chunks(consents, 500)) await trx.insertInto('consent').values(rows).execute();
      for (const rows of chunks(referrals, 250)) await trx.insertInto('referral').values(rows).execute();
      for (const rows of chunks(events, 500)) await trx.insertInto('referral_event').values(rows).execute();
    });
    summary.cases += cases.length;
    summary.consents += consents.length;
    summary.referrals += referrals.length;
    summary.events += events.length;
    for (const referral of referrals) {
      const status = referral.status as ReferralStatus;
      summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
    }
    done += batch.length;
    options.onProgress?.(done, plans.length);
  }
  return summary;
}

/**
 * All rows: cases without a referral first, then the referrals oldest first, each with the case it opens (a
 * case is opened at its first referral, so batches keep foreign-key order).
 */
function planReferrals(options: SyntheticReferralOptions, targets: Target[], nextCode: () => string): Plan[] {
  const random = mulberry32(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (min: number, max: number) => min + random() * (max - min);
  const now = (options.now ?? new Date()).getTime();
  const limitMs = now - MINUTE;
  const today = todayInGermany(new Date(now));
  const colleagues = options.colleagueIds ?? [];
  const ownShare = colleagues.length === 0 ? 1 : (options.ownShare ?? 0.8);
  const owner = () => (random() < ownShare ? options.caseworkerId : pick(colleagues));
  const iso = (ms: number) => nowIso(new Date(ms));
  const kindOf = () => {
    let r = random();
    for (const kind of SYNTHETIC_REFERRAL_KINDS) {
      if (r < kind.share) return kind;
      r -= kind.share;
    }
    return SYNTHETIC_REFERRAL_KINDS[SYNTHETIC_REFERRAL_KINDS.length - 1]!;
  };

  // Skeletons first, sorted by creation, so that a case can be opened at its first referral.
  const skeletons = Array.from({ length: options.count }, () => {
    const kind = kindOf();
    const ageDays = between(kind.ageDays[0], kind.ageDays[1] + 1);
    return { kind, createdMs: Math.min(now - ageDays * DAY, limitMs - 10 * MINUTE), userId: owner() };
  }).sort((a, b) => a.createdMs - b.createdMs);

  const recentCases = new Map<string, { id: string; createdMs: number }[]>();
  const plans: Plan[] = [];
  for (const { kind, createdMs, userId } of skeletons) {
    // About a third of referrals belong to a case of the same caseworker opened in the last half year.
    const candidates = (recentCases.get(userId) ?? []).filter((c) => createdMs - c.createdMs < 180 * DAY);
    let caseRow: Row<'case_file'> | null = null;
    let openedCase: { id: string; createdMs: number };
    if (candidates.length > 0 && random() < 0.35) {
      openedCase = pick(candidates);
    } else {
      openedCase = { id: newId(), createdMs: createdMs - between(0, 14) * DAY };
      caseRow = caseFileRow(openedCase.id, nextCode(), options.officeId, userId, openedCase.createdMs);
      const list = recentCases.get(userId) ?? [];
      list.push(openedCase);
      if (list.length > 20) list.shift();
      recentCases.set(userId, list);
    }
    const caseId = openedCase.id;

    const target = pick(targets);
    const partner: EventFields = target.partnerUserId
      ? {
          actor_user_id: target.partnerUserId,
          actor_organization_id: target.organizationId,
          actor_kind: 'partner',
        }
      : { actor_user_id: null, actor_organization_id: target.organizationId, actor_kind: 'partner_link' };
    const caseworker: EventFields = {
      actor_user_id: userId,
      actor_organization_id: options.officeId,
      actor_kind: 'caseworker',
    };
    const system: EventFields = { actor_user_id: null, actor_organization_id: null, actor_kind: 'system' };

    // The timeline as gaps between steps; squeezed into the time up to now when a long path would end later.
    const steps: { gapMs: number; kind: string; fields: EventFields }[] = [];
    const step = (gapMs: number, kindName: string, fields: EventFields) =>
      steps.push({ gapMs, kind: kindName, fields });
    const change = (
      actor: EventFields,
      from: ReferralStatus,
      to: ReferralStatus,
      extra: Partial<EventFields> = {},
    ) => ({
      ...actor,
      from_status: from,
      to_status: to,
      ...extra,
    });
    const status = kind.status;
    const sent = status !== 'draft';
    const cancelledUnanswered = status === 'cancelled' && random() < 0.6;
    const answered = sent && status !== 'sent' && !cancelledUnanswered;
    let reason: string | null = null;
    let outcome: string | null = null;
    let appointment = false;

    step(0, 'created', { ...caseworker, to_status: 'draft' });
    if (sent) {
      step(between(1, 120) * MINUTE, 'send', change(caseworker, 'draft', 'sent'));
      if (partner.actor_kind === 'partner_link') step(MINUTE, 'link_sent', system);
      if (random() < 0.6) step(between(0.1, 2) * DAY, 'viewed', partner);
    }
    if (answered && status === 'declined') {
      reason = pick(DECLINE_REASONS);
      step(between(0.1, 4) * DAY, 'decline', change(partner, 'sent', 'declined', { reason }));
    } else if (answered) {
      step(between(0.1, 4) * DAY, 'accept', change(partner, 'sent', 'accepted'));
      if (random() < 0.3) {
        appointment = true;
        step(between(0.1, 2) * DAY, 'appointment', partner);
      }
      // A started referral can no longer be cancelled (only from sent, accepted or on hold).
      const starts =
        status === 'in_progress' ||
        status === 'completed' ||
        (status !== 'accepted' && status !== 'cancelled' && random() < 0.5);
      if (starts) step(between(1, 14) * DAY, 'start', change(partner, 'accepted', 'in_progress'));
      const from: ReferralStatus = starts ? 'in_progress' : 'accepted';
      if (status === 'on_hold') {
        reason = pick(HOLD_REASONS);
        step(between(3, 30) * DAY, 'hold', change(partner, from, 'on_hold', { reason }));
      } else if (status === 'completed') {
        outcome = pick(COMPLETION_OUTCOMES);
        step(between(7, 120) * DAY, 'complete', change(partner, from, 'completed', { outcome }));
      } else if (status === 'failed') {
        reason = pick(FAIL_REASONS);
        outcome = pick(FAILURE_OUTCOMES);
        step(between(3, 60) * DAY, 'fail', change(partner, from, 'failed', { reason, outcome }));
      } else if (status === 'cancelled') {
        reason = pick(CANCEL_REASONS);
        step(between(1, 30) * DAY, 'cancel', change(caseworker, 'accepted', 'cancelled', { reason }));
      }
    } else if (cancelledUnanswered) {
      reason = pick(CANCEL_REASONS);
      step(between(0.5, 5) * DAY, 'cancel', change(caseworker, 'sent', 'cancelled', { reason }));
    }

    const total = steps.reduce((sum, s) => sum + s.gapMs, 0);
    // A random end keeps squeezed timelines from all ending at the same moment.
    const scale = createdMs + total > limitMs ? ((limitMs - createdMs) * between(0.5, 1)) / total : 1;
    const referralId = newId();
    const event = (atMs: number, kindName: string, fields: EventFields): EventRow => ({
      id: newId(),
      referral_id: referralId,
      at: iso(atMs),
      from_status: null,
      to_status: null,
      reason: null,
      outcome: null,
      note: null,
      ...fields,
      kind: kindName,
    });
    let t = createdMs;
    const events = steps.map((s) => event((t += s.gapMs * scale), s.kind, s.fields));
    const firstAt = (test: (e: EventRow) => boolean) => events.find(test)?.at ?? null;
    const sentAt = firstAt((e) => e.kind === 'send');
    const responseDueOn = addWorkingDays(
      todayInGermany(new Date(sentAt ?? createdMs)),
      DEFAULT_ANSWER_WORKING_DAYS,
    );
    // What the app changes the row for (status changes, appointments); views and reminders leave it alone.
    const changes = events.filter((e) => e.to_status !== null || e.kind === 'appointment');
    const updatedAt = changes.at(-1)!.at;

    let reminderCount = 0;
    let lastRemindedAt: string | null = null;
    let overdueSince: string | null = null;
    if (status === 'sent' && responseDueOn < today) {
      // As the reminders job: flagged the working day after the due date, reminded again two working days later.
      const firstMs = Math.min(Date.parse(`${addWorkingDays(responseDueOn, 1)}T07:00:00Z`), limitMs);
      overdueSince = iso(firstMs);
      events.push(event(firstMs, 'overdue', system), event(firstMs, 'reminder', { ...system, note: '1' }));
      reminderCount = 1;
      lastRemindedAt = overdueSince;
      const secondMs = Date.parse(`${addWorkingDays(todayInGermany(new Date(firstMs)), 2)}T07:00:00Z`);
      if (secondMs < limitMs) {
        events.push(event(secondMs, 'reminder', { ...system, note: '2' }));
        reminderCount = 2;
        lastRemindedAt = iso(secondMs);
      }
    }

    // Four in ten referrals share personal data under a consent for the recipient; the rest are anonymous.
    const categories: DataCategory[] =
      sent && random() < 0.4
        ? [...new Set([pick(NORMAL_CATEGORIES), pick(NORMAL_CATEGORIES)])].concat(
            random() < 0.05 ? ['health'] : [],
          )
        : [];
    const consent =
      categories.length > 0
        ? consentRow(
            caseId,
            target.organizationId,
            categories,
            userId,
            between(Math.max(openedCase.createdMs, createdMs - 3 * DAY), createdMs),
            random,
            pick,
          )
        : null;
    const appointmentAt = firstAt((e) => e.kind === 'appointment');

    const createdAt = iso(createdMs);
    plans.push({
      caseRow,
      consent,
      referral: {
        id: referralId,
        case_id: caseId,
        sender_user_id: userId,
        sender_office_id: options.officeId,
        recipient_organization_id: target.organizationId,
        service_id: target.serviceId,
        purpose: pick(PURPOSES),
        message: pick(MESSAGES),
        shared_categories: categories.join(','),
        consent_id: consent?.id ?? null,
        contact_mode: appointment ? 'appointment' : pick(CONTACT_MODES),
        plan_step_id: null,
        status,
        status_reason: reason,
        outcome,
        appointment_at: appointmentAt ? iso(Date.parse(appointmentAt) + between(2, 14) * DAY) : null,
        appointment_note: appointmentAt ? 'Bitte Ausweis und Zeugnisse mitbringen.' : null,
        response_due_on: responseDueOn,
        sent_at: sentAt,
        answered_at: firstAt(
          (e) => e.actor_kind !== 'caseworker' && e.actor_kind !== 'system' && e.kind !== 'viewed',
        ),
        overdue_since: overdueSince,
        reminder_count: reminderCount,
        last_reminded_at: lastRemindedAt,
        submission_key: newId(),
        created_at: createdAt,
        updated_at: updatedAt,
        delete_after: addYears(createdAt, CASE_RETENTION_YEARS),
        // Created and sent in one go is version 1; every later change bumps it.
        version: Math.max(1, changes.length - (sent ? 1 : 0)),
      },
      events,
    });
  }

  // Cases without a referral yet (intake only) make up the difference, spread over the two years.
  const opened = plans.filter((p) => p.caseRow !== null).length;
  const empty: Plan[] = Array.from({ length: options.count - opened }, () => ({
    caseRow: caseFileRow(newId(), nextCode(), options.officeId, owner(), now - between(0, 730) * DAY),
    consent: null,
    referral: null,
    events: [],
  }));
  return [...empty, ...plans];
}

function caseFileRow(
  id: string,
  code: string,
  officeId: string,
  ownerId: string,
  createdMs: number,
): Row<'case_file'> {
  const createdAt = nowIso(new Date(createdMs));
  return {
    id,
    code,
    office_id: officeId,
    owner_user_id: ownerId,
    created_at: createdAt,
    updated_at: createdAt,
    closed_at: null,
    delete_after: addYears(createdAt, CASE_RETENTION_YEARS),
    version: 1,
  };
}

function consentRow(
  caseId: string,
  organizationId: string,
  categories: readonly DataCategory[],
  userId: string,
  givenMs: number,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Row<'consent'> {
  const createdAt = nowIso(new Date(givenMs));
  const givenOn = todayInGermany(new Date(givenMs));
  const guardian = random() < 0.15;
  return {
    id: newId(),
    case_id: caseId,
    recipient_organization_id: organizationId,
    categories: categories.join(','),
    purpose: pick(CONSENT_PURPOSES),
    given_on: givenOn,
    form: random() < 0.8 ? 'written' : 'oral',
    interpreter_used: random() < 0.3 ? 1 : 0,
    obtained_by_user_id: userId,
    guardian_consent: guardian ? 1 : 0,
    guardian_name: guardian ? 'Sorgeberechtigte Person (Beispiel)' : null,
    valid_until: addYears(`${givenOn}T12:00:00Z`, 1).slice(0, 10),
    revoked_on: null,
    revoked_by_user_id: null,
    created_at: createdAt,
    delete_after: addYears(createdAt, CASE_RETENTION_YEARS),
  };
}
