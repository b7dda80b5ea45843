/**
 * Synthetic referral facts for the network report's benchmark and browser test (issue #13): the facts that a
 * plausible network's referrals would have left — sending, answers after a log-normal number of hours, declines
 * for capacity and other reasons, completions with outcomes, overdue marks. Deterministic for a seed; the facts
 * carry no personal data, like the real ones.
 */
import { randomUUID } from 'node:crypto';
import { mondayOf } from '../../src/lib/report/report-fact';
import type { NewReferralFactRow } from '../../src/lib/report/report.table';
import type { Db } from '../../src/lib/db/create-db';
import { listTerms } from '../../src/lib/directory/taxonomy.queries';
import {
  insertReferralFacts,
  listActiveServicePlaces,
  listReportOrganizations,
} from '../../src/lib/report/report.queries';
import { mulberry32 } from './synthetic';

/** A service facts can name: its partner, root category and district. */
export interface FactTarget {
  serviceId: string;
  organizationId: string;
  categoryId: string;
  district: string;
}

/** Options of `syntheticFacts`. */
export interface SyntheticFactOptions {
  referrals: number;
  officeIds: readonly string[];
  targets: readonly FactTarget[];
  /** Sending days from–to (YYYY-MM-DD, inclusive). */
  from: string;
  to: string;
  seed?: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The facts of `referrals` synthetic referrals, yielded in batches of about `batch` referrals. */
export function* syntheticFacts(
  options: SyntheticFactOptions,
  batch = 1000,
): Generator<NewReferralFactRow[]> {
  const random = mulberry32(options.seed ?? 13);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Some partners get many more referrals than others (a skew like a real network's).
  const skewed = <T>(items: readonly T[]): T => items[Math.floor(Math.pow(random(), 1.6) * items.length)]!;
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const fromMs = Date.parse(`${options.from}T08:00:00Z`);
  const span = Date.parse(`${options.to}T08:00:00Z`) - fromMs + DAY / 2;
  let rows: NewReferralFactRow[] = [];
  for (let i = 0; i < options.referrals; i++) {
    if (i > 0 && i % batch === 0) {
      yield rows;
      rows = [];
    }
    const sentMs = fromMs + Math.floor(random() * span);
    const sentOn = day(sentMs);
    const target = skewed(options.targets);
    const base = {
      sent_on: sentOn,
      sent_week: mondayOf(sentOn),
      sent_month: sentOn.slice(0, 7),
      office_id: pick(options.officeIds),
      recipient_id: target.organizationId,
      service_id: target.serviceId,
      category_id: target.categoryId,
      district: target.district,
      reason_code: null,
      outcome: null,
      first_answer: 0,
      hours_to_answer: null,
    };
    const fact = (
      atMs: number,
      kind: string,
      toStatus: string | null,
      extra: Partial<NewReferralFactRow> = {},
    ) => rows.push({ ...base, id: randomUUID(), day: day(atMs), kind, to_status: toStatus, ...extra });
    fact(sentMs, 'created', 'draft');
    fact(sentMs, 'send', 'sent');
    const r = random();
    if (r < 0.08) {
      if (random() < 0.6) fact(sentMs + 6 * DAY, 'overdue', null);
      continue;
    }
    const hours = Math.max(1, Math.min(2000, Math.round(Math.exp(3 + 1.1 * normal()))));
    if (hours > 5 * 24) fact(sentMs + 5 * DAY, 'overdue', null);
    let at = sentMs + hours * HOUR;
    const answer = { first_answer: 1, hours_to_answer: hours };
    const a = random();
    if (a < 0.25) {
      const code = pick([
        'no_capacity',
        'no_capacity',
        'no_capacity',
        'not_eligible',
        'not_eligible',
        'other',
      ]);
      fact(at, 'decline', 'declined', { ...answer, reason_code: code });
      continue;
    }
    if (a < 0.29) {
      fact(at, 'cancel', 'cancelled', { ...answer, reason_code: pick(['not_interested', 'other']) });
      continue;
    }
    fact(at, 'accept', 'accepted', answer);
    at += (1 + random() * 20) * DAY;
    const b = random();
    if (b < 0.65) {
      if (random() < 0.7) fact(at - DAY, 'start', 'in_progress');
      const outcome = pick([
        'got_help',
        'got_help',
        'started',
        'started',
        'waiting_list',
        'referred_elsewhere',
      ]);
      fact(at, 'complete', 'completed', { outcome });
    } else if (b < 0.85) {
      const outcome = pick(['not_reached', 'not_interested', 'no_capacity', 'not_eligible', 'waiting_list']);
      fact(at, 'fail', 'failed', { outcome, reason_code: pick(['not_reached', 'other']) });
    } else if (b < 0.9) {
      fact(at, 'cancel', 'cancelled', { reason_code: 'not_interested' });
    }
  }
  if (rows.length > 0) yield rows;
}

/** The directory's active services as fact targets (root category, first district) and the JMD offices. */
export async function listFactTargets(db: Db): Promise<{ officeIds: string[]; targets: FactTarget[] }> {
  const terms = new Map((await listTerms(db)).map((t) => [t.id, t]));
  const rootOf = (id: string) => {
    let current = id;
    for (let i = 0; i < 20 && terms.get(current)?.parentId; i++) current = terms.get(current)!.parentId!;
    return current;
  };
  const targets = (await listActiveServicePlaces(db)).map((place) => ({
    serviceId: place.serviceId,
    organizationId: place.organizationId,
    categoryId: place.termId ? rootOf(place.termId) : '',
    district: place.district ?? '',
  }));
  const officeIds = (await listReportOrganizations(db, 'jmd_office')).map((o) => o.id);
  return { officeIds, targets };
}

/** Inserts the facts of `referrals` synthetic referrals addressed to the directory's services; returns the facts. */
export async function seedSyntheticReportFacts(
  db: Db,
  options: { referrals: number; from: string; to: string; seed?: number },
): Promise<number> {
  const { officeIds, targets } = await listFactTargets(db);
  let facts = 0;
  for (const rows of syntheticFacts({ ...options, officeIds, targets })) {
    for (let i = 0; i < rows.length; i += 500) await insertReferralFacts(db, rows.slice(i, i + 500));
    facts += rows.length;
  }
  return facts;
}

/**
 * A synthetic network for the benchmark: `offices` JMD offices and `partners` partner organizations (rows only, no
 * services), each partner with one of the directory's root categories and one of `districts` districts.
 */
export async function insertSyntheticNetwork(
  db: Db,
  options: { offices: number; partners: number; districts?: number; now: Date; seed?: number },
): Promise<{ officeIds: string[]; targets: FactTarget[] }> {
  const random = mulberry32(options.seed ?? 5);
  const at = options.now.toISOString();
  const roots = (await listTerms(db)).filter((t) => t.parentId === null).map((t) => t.id);
  const districts = Array.from(
    { length: options.districts ?? 30 },
    (_, i) => `Stadtteil ${String(i + 1).padStart(2, '0')}`,
  );
  const row = (kind: 'jmd_office' | 'partner', name: string) => ({
    id: randomUUID(),
    kind,
    name,
    languages: '',
    is_sample: 1,
    active: 1,
    needs_review: 0,
    version: 1,
    created_at: at,
    updated_at: at,
  });
  const offices = Array.from({ length: options.offices }, (_, i) =>
    row('jmd_office', `Synthetischer JMD ${i + 1}`),
  );
  const partners = Array.from({ length: options.partners }, (_, i) =>
    row('partner', `Synthetische Einrichtung ${String(i + 1).padStart(4, '0')}`),
  );
  for (let i = 0; i < offices.length + partners.length; i += 500) {
    await db
      .insertInto('organization')
      .values([...offices, ...partners].slice(i, i + 500))
      .execute();
  }
  return {
    officeIds: offices.map((o) => o.id),
    targets: partners.map((p) => ({
      serviceId: randomUUID(),
      organizationId: p.id,
      categoryId: roots[Math.floor(random() * roots.length)] ?? '',
      district: districts[Math.floor(random() * districts.length)]!,
    })),
  };
}

/**
 * The synthetic network of a database `insertSyntheticNetwork` and `syntheticFacts` filled before (the benchmark's
 * `--reuse`): the offices in order, and the partners in order, each with the category and district its facts name.
 */
export async function findSyntheticNetwork(db: Db): Promise<{ officeIds: string[]; targets: FactTarget[] }> {
  const organizations = await db
    .selectFrom('organization')
    .select(['id', 'kind', 'name'])
    .where('name', 'like', 'Synthetisch%')
    .orderBy('name')
    .execute();
  const number = (name: string) => Number(/(\d+)$/.exec(name)?.[1] ?? 0);
  const inOrder = (kind: string) =>
    organizations.filter((o) => o.kind === kind).sort((a, b) => number(a.name) - number(b.name));
  const targets: FactTarget[] = [];
  for (const partner of inOrder('partner').slice(0, 5)) {
    const fact = await db
      .selectFrom('referral_fact')
      .select(['service_id', 'category_id', 'district'])
      .where('recipient_id', '=', partner.id)
      .limit(1)
      .executeTakeFirst();
    if (fact) {
      targets.push({
        serviceId: fact.service_id,
        organizationId: partner.id,
        categoryId: fact.category_id,
        district: fact.district,
      });
    }
  }
  return { officeIds: inOrder('jmd_office').map((o) => o.id), targets };
}
