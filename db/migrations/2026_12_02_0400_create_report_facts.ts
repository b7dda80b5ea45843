import type { Kysely } from 'kysely';

// The network report (issue #13) reads only these two tables, so its figures outlive the cases that the retention
// job deletes (DESIGN.md §5 rule 9). Neither holds personal data: referral_fact has no case, no referral id, no
// person and no free text (reasons are reduced to codes); search_count has no user, session or address.
// Existing referrals are backfilled here from their timelines. The rules below are a frozen copy of
// src/lib/report/report-fact.ts (migrations never import from src/): change both together only for a new
// migration.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_fact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('sent_on', 'text')
    .addColumn('sent_week', 'text')
    .addColumn('sent_month', 'text')
    .addColumn('office_id', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text')
    .addColumn('reason_code', 'text')
    .addColumn('outcome', 'text')
    .addColumn('first_answer', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hours_to_answer', 'integer')
    .execute();
  // The report always names a period of sending days; the scope (office or partner) narrows it further. The
  // period index carries every column the network-wide queries read, so they scan the index alone (docs/performance.md).
  await db.schema
    .createIndex('referral_fact_sent_idx')
    .on('referral_fact')
    .columns([
      'sent_on',
      'kind',
      'first_answer',
      'category_id',
      'district',
      'office_id',
      'recipient_id',
      'reason_code',
      'outcome',
      'hours_to_answer',
      'sent_week',
      'sent_month',
    ])
    .execute();
  await db.schema
    .createIndex('referral_fact_office_idx')
    .on('referral_fact')
    .columns(['office_id', 'sent_on'])
    .execute();
  await db.schema
    .createIndex('referral_fact_recipient_idx')
    .on('referral_fact')
    .columns(['recipient_id', 'sent_on'])
    .execute();

  await db.schema
    .createTable('search_count')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('hits', 'text', (c) => c.notNull())
    .addColumn('searches', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_count_pk', [
      'day',
      'query',
      'category_id',
      'district',
      'filters',
      'hits',
    ])
    .execute();

  await backfill(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_count').execute();
  await db.schema.dropTable('referral_fact').execute();
}

const GERMAN_DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' });
const germanDay = (iso: string) => GERMAN_DATE.format(new Date(iso));

function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

const CAPACITY =
  /kapazit|kein(en)?\s+(freie[nr]?\s+)?pl(a|ä)tz|voll(\b|belegt|ständig belegt)|ausgebucht|warteliste/i;
const ELIGIBILITY = /zuständig|voraussetzung|altersgrenze|alter\b|berechtigt|anspruch/i;
const REACH = /erreich|erschienen|gemeldet|kontakt/i;
const INTEREST = /kein interesse|erledigt|anderes angebot|umgezogen|abgesagt/i;

function reasonCode(reason: string | null): string | null {
  if (!reason) return null;
  if (CAPACITY.test(reason)) return 'no_capacity';
  if (ELIGIBILITY.test(reason)) return 'not_eligible';
  if (REACH.test(reason)) return 'not_reached';
  if (INTEREST.test(reason)) return 'not_interested';
  return 'other';
}

async function backfill(db: Kysely<any>): Promise<void> {
  const terms: { id: string; parent_id: string | null }[] = await db
    .selectFrom('taxonomy_term')
    .select(['id', 'parent_id'])
    .execute();
  const parentOf = new Map(terms.map((t) => [t.id, t.parent_id]));
  const rootOf = (id: string) => {
    let current = id;
    for (let i = 0; i < 20 && parentOf.get(current); i++) current = parentOf.get(current)!;
    return current;
  };
  const placeOf = new Map<string, { category: string; district: string }>();
  let after = '';
  for (;;) {
    const events: any[] = await db
      .selectFrom('referral_event')
      .innerJoin('referral', 'referral.id', 'referral_event.referral_id')
      .select([
        'referral_event.id',
        'referral_event.at',
        'referral_event.kind',
        'referral_event.actor_kind',
        'referral_event.to_status',
        'referral_event.reason',
        'referral_event.outcome',
        'referral.sender_office_id',
        'referral.recipient_organization_id',
        'referral.service_id',
        'referral.sent_at',
        'referral.answered_at',
      ])
      .where((eb) =>
        eb.or([eb('referral_event.to_status', 'is not', null), eb('referral_event.kind', '=', 'overdue')]),
      )
      .where('referral_event.id', '>', after)
      .orderBy('referral_event.id')
      .limit(2000)
      .execute();
    if (events.length === 0) break;
    after = events[events.length - 1].id;
    const rows = [];
    for (const e of events) {
      let place = placeOf.get(e.service_id);
      if (!place) {
        const term = await db
          .selectFrom('service_taxonomy')
          .select('term_id')
          .where('service_id', '=', e.service_id)
          .orderBy('term_id')
          .limit(1)
          .executeTakeFirst();
        const location = await db
          .selectFrom('service_at_location')
          .innerJoin('location', 'location.id', 'service_at_location.location_id')
          .select('location.district')
          .where('service_at_location.service_id', '=', e.service_id)
          .orderBy('location.id')
          .limit(1)
          .executeTakeFirst();
        place = { category: term ? rootOf(term.term_id) : '', district: location?.district ?? '' };
        placeOf.set(e.service_id, place);
      }
      const sentOn = e.sent_at && e.sent_at <= e.at ? germanDay(e.sent_at) : null;
      const firstAnswer =
        (e.actor_kind === 'partner' || e.actor_kind === 'partner_link') &&
        e.to_status !== null &&
        e.answered_at === e.at &&
        e.sent_at !== null;
      rows.push({
        // A fresh id, never the event's: nothing links a fact back to a timeline.
        id: crypto.randomUUID(),
        day: germanDay(e.at),
        sent_on: sentOn,
        sent_week: sentOn ? mondayOf(sentOn) : null,
        sent_month: sentOn ? sentOn.slice(0, 7) : null,
        office_id: e.sender_office_id,
        recipient_id: e.recipient_organization_id,
        service_id: e.service_id,
        category_id: place.category,
        district: place.district,
        kind: e.kind,
        to_status: e.to_status,
        reason_code: reasonCode(e.reason),
        outcome: e.outcome,
        first_answer: firstAnswer ? 1 : 0,
        hours_to_answer: firstAnswer
          ? Math.max(0, Math.ceil((Date.parse(e.answered_at) - Date.parse(e.sent_at)) / 3_600_000))
          : null,
      });
    }
    await db.insertInto('referral_fact').values(rows).execute();
  }
}
