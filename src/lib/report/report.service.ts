import type { User } from '../auth/auth';
import type { Executor } from '../db/executor';
import { listTerms } from '../directory/taxonomy.queries';
import type { TaxonomyTerm } from '../directory/taxonomy';
import { addYears } from '../time/time';
import {
  countDirectoryHealth,
  countFacts,
  countSearchesByPlace,
  listActiveServicePlaces,
  listDistricts,
  listOrganizationNames,
  listReportOrganizations,
  listUnmetQueries,
  summarizePartners,
  type FactCount,
  type FactFilter,
} from './report.queries';
import { addPartnerSummary, emptyPartnerSummary, type PartnerSummary } from './report-rollup.queries';
import {
  medianOf,
  MIN_CELL,
  percentileOf,
  periodOf,
  reportScopeOf,
  trendGrainOf,
  type Period,
  type ReportParams,
  type ReportScope,
  type TrendGrain,
} from './report';

/** The headline counts of a set of facts. */
export interface ReportTotals {
  sent: number;
  answered: number;
  accepted: number;
  declined: number;
  completed: number;
  failed: number;
  cancelled: number;
  overdue: number;
  gotHelp: number;
}

/** Time to first answer of one partner or category. */
export interface AnswerTime {
  key: string;
  label: string;
  answered: number;
  median: number | null;
  p90: number | null;
}

/** One reason (decline reason code or outcome of a referral that did not come about) with its count. */
export interface ReasonCount {
  status: 'declined' | 'failed' | 'cancelled';
  code: string;
  n: number;
}

/** One cell of the gap matrix. */
export interface GapCell {
  capacityDeclines: number;
  unmetSearches: number;
  activeServices: number;
}

/** The gap matrix: categories × districts. */
export interface GapMatrix {
  categories: { id: string; label: string }[];
  districts: string[];
  cells: Record<string, Record<string, GapCell>>;
}

/** One point of the trend. */
export interface TrendPoint {
  key: string;
  sent: number;
  accepted: number;
  declined: number;
  completed: number;
}

/** Partner view: the network's median over all partners with at least five referrals. */
export interface NetworkComparison {
  partners: number;
  acceptRate: number | null;
  closedLoopRate: number | null;
  medianHours: number | null;
}

/** Everything the report shows, as raw numbers; report.view.ts applies the "< 5" rule. */
export interface ReportData {
  scope: ReportScope;
  scopeName: string;
  period: Period;
  grain: TrendGrain;
  filter: FactFilter;
  totals: ReportTotals;
  comparison: NetworkComparison | null;
  byCategory: AnswerTime[];
  byPartner: AnswerTime[];
  reasons: ReasonCount[];
  matrix: GapMatrix;
  health: { active: number; unconfirmed: number; full: number };
  trend: TrendPoint[];
  unmetQueries: { query: string; searches: number; noHits: number }[] | null;
  options: {
    categories: { id: string; label: string }[];
    districts: string[];
    offices: { id: string; name: string }[] | null;
    partners: { id: string; name: string }[] | null;
  };
}

function rootOf(terms: Map<string, TaxonomyTerm>, id: string): string {
  let current = id;
  for (let i = 0; i < 20; i++) {
    const parent = terms.get(current)?.parentId;
    if (!parent) break;
    current = parent;
  }
  return current;
}

/** The filter a scope allows: a partner sees only itself, a caseworker only its office, whatever was asked. */
export function filterFor(scope: ReportScope, period: Period, params: ReportParams): FactFilter {
  return {
    from: period.from,
    to: period.to,
    officeId: scope.kind === 'office' ? scope.officeId : scope.kind === 'network' ? params.stelle : null,
    recipientId: scope.kind === 'partner' ? scope.organizationId : params.partner,
    categoryId: params.kategorie,
    district: params.bezirk === null ? null : params.bezirk === '-' ? '' : params.bezirk,
  };
}

/** Totals from counts by kind (and outcome for "got help"). */
export function totalsOf(counts: readonly FactCount[], answered: number): ReportTotals {
  const of = (kind: string) => counts.filter((c) => c.kind === kind).reduce((s, c) => s + c.n, 0);
  const gotHelp = counts
    .filter((c) => c.kind === 'complete' && (c.keys.outcome === 'got_help' || c.keys.outcome === 'started'))
    .reduce((s, c) => s + c.n, 0);
  return {
    sent: of('send'),
    answered,
    accepted: of('accept'),
    declined: of('decline'),
    completed: of('complete'),
    failed: of('fail'),
    cancelled: of('cancel'),
    overdue: of('overdue'),
    gotHelp,
  };
}

/** Sums partner summaries by a key (partner or category). */
function summariesBy(
  summaries: readonly PartnerSummary[],
  keyOf: (summary: PartnerSummary) => string,
): Map<string, PartnerSummary> {
  const groups = new Map<string, PartnerSummary>();
  for (const summary of summaries) {
    const key = keyOf(summary);
    let group = groups.get(key);
    if (!group) {
      group = emptyPartnerSummary(summary.recipientId, summary.categoryId);
      groups.set(key, group);
    }
    addPartnerSummary(group, summary);
  }
  return groups;
}

/** Median and 90th percentile of the answers of each group (groups without an answer are left out). */
function answerTimesOf(groups: Map<string, PartnerSummary>, label: (key: string) => string): AnswerTime[] {
  const times: AnswerTime[] = [];
  for (const [key, group] of groups) {
    if (group.answered === 0) continue;
    const histogram: { hours: number; n: number }[] = [];
    for (const hours in group.hours) histogram.push({ hours: Number(hours), n: group.hours[hours]! });
    times.push({
      key,
      label: label(key),
      answered: group.answered,
      median: percentileOf(histogram, 0.5),
      p90: percentileOf(histogram, 0.9),
    });
  }
  return times;
}

const REASON_KINDS = ['decline', 'fail', 'cancel', 'complete'] as const;
const KIND_STATUS = { decline: 'declined', fail: 'failed', cancel: 'cancelled' } as const;

/**
 * The report for a user and the query string, or null when the user may not see it (the page answers 404).
 * Reads facts, search counters and the directory only: never a case or a referral.
 */
export async function loadReport(
  db: Executor,
  user: Pick<User, 'role' | 'organizationId'> | null,
  params: ReportParams,
  now: Date,
  errors: Record<string, string> = {},
): Promise<ReportData | null> {
  const scope = reportScopeOf(user);
  if (!scope) return null;
  const period = periodOf(params, now, errors);
  const grain = trendGrainOf(params, period);
  const terms = new Map((await listTerms(db)).map((t) => [t.id, t]));
  if (params.kategorie !== null) {
    if (terms.has(params.kategorie)) {
      // The report counts by root category: a subcategory (from a link) stands for its root.
      params = { ...params, kategorie: rootOf(terms, params.kategorie) };
    } else {
      // An unknown category (an old bookmark, a deleted category, a typo in the address) would silently count
      // nothing; the page says so instead and shows all categories.
      errors['kategorie'] =
        'Kategorie: diese Kategorie gibt es nicht (mehr). Der Bericht zeigt alle Kategorien; bitte eine aus der Liste wählen.';
      params = { ...params, kategorie: null };
    }
  }
  const filter = filterFor(scope, period, params);
  const categoryLabel = (id: string) => terms.get(id)?.name ?? 'Ohne Kategorie';

  const [kindCounts, partnerSummaries, placeCounts, trendCounts] = await Promise.all([
    countFacts(db, filter, ['reason_code', 'outcome']),
    summarizePartners(db, filter),
    countFacts(db, filter, ['category_id', 'district', 'reason_code', 'outcome'], {
      kinds: ['decline', 'fail'],
    }),
    countFacts(db, filter, [grain === 'woche' ? 'sent_week' : 'sent_month'], {
      kinds: ['send', 'accept', 'decline', 'complete'],
    }),
  ]);
  const answered = partnerSummaries.reduce((s, r) => s + r.answered, 0);
  const totals = totalsOf(kindCounts, answered);

  const reasons: ReasonCount[] = [];
  for (const count of kindCounts) {
    if (!(REASON_KINDS as readonly string[]).includes(count.kind) || count.kind === 'complete') continue;
    const status = KIND_STATUS[count.kind as keyof typeof KIND_STATUS];
    const code = (count.kind === 'fail' ? count.keys.outcome : count.keys.reason_code) ?? 'other';
    const existing = reasons.find((r) => r.status === status && r.code === code);
    if (existing) existing.n += count.n;
    else reasons.push({ status, code, n: count.n });
  }
  reasons.sort((a, b) => a.status.localeCompare(b.status) || b.n - a.n);

  const hoursByPartner = summariesBy(partnerSummaries, (s) => s.recipientId);
  const partnerIds = [...hoursByPartner.values()].filter((s) => s.answered > 0).map((s) => s.recipientId);
  // The filter's list of partners holds every partner's name: one read instead of thousands of ids in IN lists.
  const partnerOptions = scope.kind === 'partner' ? null : await listReportOrganizations(db, 'partner');
  const names = new Map((partnerOptions ?? []).map((o) => [o.id, o.name]));
  const unnamed = scope.kind === 'partner' ? [] : partnerIds.filter((id) => !names.has(id));
  if (unnamed.length > 0)
    for (const [id, name] of await listOrganizationNames(db, unnamed)) names.set(id, name);
  const byPartner = answerTimesOf(hoursByPartner, (id) =>
    scope.kind === 'partner' ? 'Ihre Einrichtung' : (names.get(id) ?? 'Unbekannte Einrichtung'),
  ).sort((a, b) => (b.median ?? 0) - (a.median ?? 0) || a.label.localeCompare(b.label, 'de'));
  const hoursByCategory = summariesBy(partnerSummaries, (s) => s.categoryId);
  const byCategory = answerTimesOf(hoursByCategory, categoryLabel).sort((a, b) =>
    a.label.localeCompare(b.label, 'de'),
  );

  // The gap matrix: declines for capacity from the facts, searches without hits, active services today.
  const cells: GapMatrix['cells'] = {};
  const cellOf = (category: string, district: string) => {
    const row = (cells[category] ??= {});
    return (row[district] ??= { capacityDeclines: 0, unmetSearches: 0, activeServices: 0 });
  };
  for (const count of placeCounts) {
    if (count.keys.reason_code === 'no_capacity' || count.keys.outcome === 'no_capacity') {
      cellOf(count.keys.category_id ?? '', count.keys.district ?? '').capacityDeclines += count.n;
    }
  }
  let unmetQueries: ReportData['unmetQueries'] = null;
  if (scope.kind !== 'partner') {
    for (const row of await countSearchesByPlace(db, period.from, period.to)) {
      if (row.hits !== '0') continue;
      const category = row.categoryId ? rootOf(terms, row.categoryId) : '';
      const district = row.district;
      if (filter.categoryId && category !== filter.categoryId) continue;
      if (filter.district !== null && district !== filter.district) continue;
      cellOf(category, district).unmetSearches += row.searches;
    }
    unmetQueries = await listUnmetQueries(db, period.from, period.to, MIN_CELL, 20);
  }
  for (const place of await listActiveServicePlaces(db)) {
    if (scope.kind === 'partner' && place.organizationId !== scope.organizationId) continue;
    const category = place.termId ? rootOf(terms, place.termId) : '';
    const district = place.district ?? '';
    if (filter.categoryId && category !== filter.categoryId) continue;
    if (filter.district !== null && district !== filter.district) continue;
    // Supply shows only where there is demand or a gap to compare it with, so the matrix stays readable.
    if (cells[category]?.[district] || filter.categoryId || filter.district !== null)
      cellOf(category, district).activeServices += 1;
  }
  const categoryIds = Object.keys(cells).sort((a, b) =>
    categoryLabel(a).localeCompare(categoryLabel(b), 'de'),
  );
  const districts = [...new Set(Object.values(cells).flatMap((row) => Object.keys(row)))].sort((a, b) =>
    a.localeCompare(b, 'de'),
  );
  const matrix: GapMatrix = {
    categories: categoryIds.map((id) => ({ id, label: categoryLabel(id) })),
    districts,
    cells,
  };

  const trendMap = new Map<string, TrendPoint>();
  for (const count of trendCounts) {
    const key = (grain === 'woche' ? count.keys.sent_week : count.keys.sent_month) ?? '';
    const point = trendMap.get(key) ?? { key, sent: 0, accepted: 0, declined: 0, completed: 0 };
    if (count.kind === 'send') point.sent += count.n;
    if (count.kind === 'accept') point.accepted += count.n;
    if (count.kind === 'decline') point.declined += count.n;
    if (count.kind === 'complete') point.completed += count.n;
    trendMap.set(key, point);
  }
  const trend = [...trendMap.values()].sort((a, b) => a.key.localeCompare(b.key));

  let comparison: NetworkComparison | null = null;
  if (scope.kind === 'partner') comparison = await networkComparison(db, { ...filter, recipientId: null });

  const health = await countDirectoryHealth(
    db,
    addYears(now.toISOString(), -1),
    scope.kind === 'partner' ? scope.organizationId : filter.recipientId,
  );

  const roots = [...terms.values()].filter((t) => t.parentId === null);
  const scopeName =
    scope.kind === 'network'
      ? 'Gesamtes Netzwerk'
      : ((await listOrganizationNames(db, [scope.kind === 'office' ? scope.officeId : scope.organizationId]))
          .values()
          .next().value ?? '');
  return {
    scope,
    scopeName,
    period,
    grain,
    filter,
    totals,
    comparison,
    byCategory,
    byPartner,
    reasons,
    matrix,
    health,
    trend,
    unmetQueries,
    options: {
      categories: roots
        .map((t) => ({ id: t.id, label: t.name }))
        .sort((a, b) => a.label.localeCompare(b.label, 'de')),
      districts: await listDistricts(db),
      offices: scope.kind === 'network' ? await listReportOrganizations(db, 'jmd_office') : null,
      partners: partnerOptions,
    },
  };
}

/** The network's median over partners (each with at least five referrals sent): no partner is named. */
async function networkComparison(db: Executor, filter: FactFilter): Promise<NetworkComparison> {
  const perPartner = summariesBy(await summarizePartners(db, filter), (s) => s.recipientId);
  const eligible = [...perPartner.values()].filter((row) => row.sent >= MIN_CELL);
  const acceptRates = eligible.map((row) => row.accepted / row.sent);
  const closedRates = eligible.map(
    (row) => (row.declined + row.cancelled + row.completed + row.failed) / row.sent,
  );
  const medians = answerTimesOf(new Map(eligible.map((row) => [row.recipientId, row])), () => '')
    .map((a) => a.median)
    .filter((m): m is number => m !== null);
  return {
    partners: eligible.length,
    acceptRate: medianOf(acceptRates),
    closedLoopRate: medianOf(closedRates),
    medianHours: medianOf(medians),
  };
}
