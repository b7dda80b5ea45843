import { Meilisearch, type Index, type SearchParams, type Settings, type Task } from 'meilisearch';
import { compoundPartsOfText, wordsOf } from './compounds';
import { fieldWords, relatedTermIndex, suggestQuery, type RelatedTermGroup } from './vocabulary';
import { newId } from '../db/ids';
import { rebuildBySwap, type IndexAdmin } from './meilisearch-swap';
import { isPublicHoliday } from '../time/holidays';
import { localClock, parseOpeningHours, WEEKDAYS } from '../directory/opening-hours';
import {
  allowedTypos,
  DEFAULT_SYNONYMS,
  distanceKm,
  editDistance,
  foldGerman,
  type SearchDocument,
  type SearchEngine,
  type SearchFacets,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from './search';

/**
 * The search engine for large deployments: Meilisearch through its official client (DESIGN.md §4).
 *
 * Meilisearch does not equate „ä“ with „ae“, so the searchable fields are stored folded (foldGerman) and the query is
 * folded the same way; the display fields are kept as written. Opening hours become 15-minute slots of the week, so
 * that „open at …“ is a plain filter. Every write waits for its task: a search right after it sees the change.
 */

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const SLOT_MINUTES = 15;
const SLOTS_PER_WEEK = MINUTES_PER_WEEK / SLOT_MINUTES;
const DAY_MS = 86_400_000;
const DEFAULT_PER_PAGE = 20;

/** Settings tasks on a large index and big batches take longer than the client's default of 5 seconds. */
const WAIT = { timeout: 10 * 60_000, interval: 50 };

/** One service as the Meilisearch index stores it. */
export type MeiliDocument = WeeklyOpenTimes & {
  id: string;
  externalId: string | null;
  /** Display fields, as written. */
  name: string;
  organization: string;
  district: string | null;
  city: string | null;
  /** Searchable fields, folded (ä = ae = a …), in weight order; the folded name is also the sort key, as in SQLite. */
  nameFolded: string;
  categoriesFolded: string[];
  organizationFolded: string;
  descriptionFolded: string;
  /** Parts of compound words (Meilisearch does not split German compounds itself; decision 0022). */
  partsFolded: string;
  /** Temporarily closed: ranks after open offers. */
  closed: boolean;
  termIds: string[];
  languages: string[];
  /** Left out when unbounded: the age filter treats a missing bound as „any age“. */
  minAge?: number;
  maxAge?: number;
  freeOfCharge: boolean | null;
  wheelchairAccessible: boolean | null;
  freePlaces: number | null;
  /** For the facet count of services with free places. */
  hasFreePlaces: boolean;
  /** Only with coordinates: Meilisearch rejects a `_geo` without them. */
  _geo?: { lat: number; lng: number };
  /** Days since 1970 of the last confirmation, 0 if never (ranks recently confirmed entries a little higher). */
  assuredDays: number;
};

/** When a service is open during the week, in the form the index filters on. */
export type WeeklyOpenTimes = {
  /** 15-minute slots (0 = Monday 00:00–00:15 … 671 = Sunday 23:45–24:00) open from their start to their end. */
  openSlots: number[];
  /** Minutes of the week (0 … 10079) that are open inside slots open only in part (times off the quarter hour). */
  openMinutes: number[];
  /** The slots of `openSlots` that belong to an interval begun the day before (the part past midnight). */
  overnightSlots: number[];
  /** The minutes of `openMinutes` that belong to an interval begun the day before. */
  overnightMinutes: number[];
  /** Closed on public holidays (the day an interval begins counts). */
  holidayClosed: boolean;
};

const INDEX_SETTINGS: Settings = {
  searchableAttributes: [
    'nameFolded',
    'categoriesFolded',
    'organizationFolded',
    'descriptionFolded',
    'partsFolded',
  ],
  filterableAttributes: [
    'termIds',
    'languages',
    'minAge',
    'maxAge',
    'freeOfCharge',
    'wheelchairAccessible',
    'freePlaces',
    'hasFreePlaces',
    'openSlots',
    'openMinutes',
    'overnightSlots',
    'overnightMinutes',
    'holidayClosed',
    '_geo',
  ],
  sortableAttributes: ['nameFolded', '_geo', 'assuredDays', 'closed'],
  // `sort` right after words and typo, as the SQLite engine orders: matches without typos first, each group in the
  // requested order. Without a requested sort the rule does nothing and relevance decides.
  rankingRules: [
    'words',
    'typo',
    'sort',
    'closed:asc',
    'proximity',
    'attribute',
    'exactness',
    'assuredDays:desc',
  ],
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
  // A category facet counts every ancestor too; the default of 100 values would cut the tree off.
  faceting: { maxValuesPerFacet: 1000 },
  // The search form allows page 1000 at 100 per page; totalHits is exact up to this bound.
  pagination: { maxTotalHits: 100_000 },
  synonyms: toMeiliSynonymSetting(DEFAULT_SYNONYMS),
};

const HIT_ATTRIBUTES = [
  'id',
  'externalId',
  'name',
  'organization',
  'termIds',
  'languages',
  '_geo',
  'district',
  'city',
  'freePlaces',
  'closed',
] as const satisfies readonly (keyof MeiliDocument)[];

type MeiliHit = Pick<MeiliDocument, (typeof HIT_ATTRIBUTES)[number]>;

const FACET_ATTRIBUTES = ['termIds', 'languages', 'freeOfCharge', 'wheelchairAccessible', 'hasFreePlaces'];

/** The search request with finite pagination (page and hitsPerPage), which reports an exact totalHits. */
export type MeiliSearchRequest = SearchParams & { q: string; page: number; hitsPerPage: number };

/** The Meilisearch search engine. */
export class MeilisearchEngine implements SearchEngine {
  readonly name = 'meilisearch' as const;
  private synonymWords = synonymWordsOf(DEFAULT_SYNONYMS);
  /** The synonym setting of the current vocabulary: pushed by setSynonyms, given to every index a rebuild makes. */
  private synonymSetting = toMeiliSynonymSetting(DEFAULT_SYNONYMS);
  /** Words compounds are split against: the field's words and those of every document this process indexed. */
  private words = fieldWords(DEFAULT_SYNONYMS);

  private constructor(
    private readonly client: Meilisearch,
    private readonly index: Index<MeiliDocument>,
  ) {}

  /**
   * Connects and creates the index (primary key `id`, with the settings) if it is missing. An existing index keeps
   * serving as it is: a rebuild brings the settings of this version in through a second index and a swap, and
   * setSynonyms the vocabulary — so a restarting instance never resets the synonyms others set.
   */
  static async open(options: {
    url: string;
    apiKey: string | null;
    indexUid?: string;
  }): Promise<MeilisearchEngine> {
    const client = new Meilisearch({
      host: options.url,
      apiKey: options.apiKey ?? undefined,
      defaultWaitOptions: WAIT,
    });
    const uid = options.indexUid ?? 'services';
    const created = await client.createIndex(uid, { primaryKey: 'id' }).waitTask();
    if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') {
      throw taskError(created);
    }
    const index = client.index<MeiliDocument>(uid);
    if (created.status === 'succeeded')
      assertSucceeded(await index.updateSettings(INDEX_SETTINGS).waitTask());
    return new MeilisearchEngine(client, index);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const request = toMeiliSearchRequest(query, this.synonymWords);
    const response = await this.index.search<MeiliHit, MeiliSearchRequest>(request.q, request);
    const tookMs = Math.round((performance.now() - started) * 1000) / 1000;
    const words = this.words;
    return {
      total: response.totalHits,
      tookMs,
      hits: response.hits.map((hit) => toSearchHit(hit, query.near)),
      facets: query.facets ? toSearchFacets(response.facetDistribution ?? {}) : null,
      suggestion:
        response.totalHits === 0 && query.q.trim()
          ? suggestQuery(query.q, (word) => words.has(word), words, editDistance)
          : null,
    };
  }

  /** Stored documents with compound parts split against the words known so far (and those of this batch). */
  private toStored(documents: SearchDocument[]): MeiliDocument[] {
    for (const doc of documents) {
      for (const text of [doc.name, doc.organization, doc.description, ...doc.categories]) {
        for (const word of wordsOf(foldGerman(text))) this.words.add(word);
      }
    }
    const words = this.words;
    return documents.map((doc) => toMeiliDocument(doc, (part) => words.has(part)));
  }

  async upsert(documents: SearchDocument[]): Promise<void> {
    if (documents.length === 0) return;
    assertSucceeded(await this.index.addDocuments(this.toStored(documents)).waitTask());
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    assertSucceeded(await this.index.deleteDocuments(ids).waitTask());
  }

  /** Fills a second index and swaps it in (meilisearch-swap.ts): searches never meet an empty index. */
  async rebuild(
    batches: AsyncIterable<SearchDocument[]> | SearchDocument[][],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    await rebuildBySwap(meiliIndexAdmin(this.client), {
      live: this.index.uid,
      next: `${this.index.uid}_next_${newId()}`,
      settings: { ...INDEX_SETTINGS, synonyms: this.synonymSetting },
      batches,
      toStored: (batch) => this.toStored(batch),
      onProgress,
    });
  }

  /**
   * Sets the vocabulary. The index's synonym setting is shared by every instance: it is pushed only when it differs
   * from what Meilisearch holds (the instance that changed the vocabulary pushed it already; a push it missed, e.g.
   * after a crash, is made up by the next instance to notice). This process's own word lists follow in any case.
   */
  async setSynonyms(groups: string[][], related?: RelatedTermGroup[]): Promise<void> {
    const setting = toMeiliSynonymSetting(groups, related);
    if (!sameSynonyms(await this.index.getSynonyms(), setting)) {
      assertSucceeded(await this.index.updateSynonyms(setting).waitTask());
    }
    this.synonymSetting = setting;
    this.synonymWords = synonymWordsOf([...groups, ...(related ?? []).map((r) => r.terms)]);
    for (const word of fieldWords(groups, related)) this.words.add(word);
  }

  /** Deletes the whole index (tests and tear-down; the app rebuilds instead). */
  async deleteIndex(): Promise<void> {
    assertSucceeded(await this.client.deleteIndex(this.index.uid).waitTask());
  }
}

/** Whether two synonym settings say the same (Meilisearch may order the lists differently). */
export function sameSynonyms(a: Record<string, string[]>, b: Record<string, string[]>): boolean {
  const norm = (setting: Record<string, string[]>) =>
    JSON.stringify(
      Object.keys(setting)
        .sort()
        .map((key) => [key, [...(setting[key] ?? [])].sort()]),
    );
  return norm(a) === norm(b);
}

/** The swap's view of a Meilisearch server through the official client. */
function meiliIndexAdmin(client: Meilisearch): IndexAdmin<MeiliDocument> {
  return {
    async createIndex(uid) {
      assertSucceeded(await client.createIndex(uid, { primaryKey: 'id' }).waitTask());
      return { createdAt: (await client.index(uid).getRawInfo()).createdAt };
    },
    async listIndexes() {
      const { results } = await client.getRawIndexes({ limit: 1000 });
      return results.map((index) => ({ uid: index.uid, updatedAt: index.updatedAt }));
    },
    async applySettings(uid, settings) {
      assertSucceeded(
        await client
          .index(uid)
          .updateSettings(settings as Settings)
          .waitTask(),
      );
    },
    async addDocuments(uid, documents) {
      assertSucceeded(await client.index<MeiliDocument>(uid).addDocuments(documents).waitTask());
    },
    async swap(a, b) {
      assertSucceeded(await client.swapIndexes([{ indexes: [a, b], rename: false }]).waitTask());
    },
    async deleteIndex(uid) {
      assertSucceeded(await client.deleteIndex(uid).waitTask());
    },
  };
}

function taskError(task: Task): Error {
  return new Error(
    `Meilisearch-Aufgabe ${task.uid} (${task.type}) ist nicht gelungen: ${task.error?.message ?? task.status}`,
  );
}

/** A failed task does not make the client throw, so every caller checks. */
function assertSucceeded(task: Task): void {
  if (task.status !== 'succeeded') throw taskError(task);
}

/** Turns a directory document into the stored form: folded searchable copies, filter fields, open slots. */
export function toMeiliDocument(
  doc: SearchDocument,
  known: (part: string) => boolean = () => false,
): MeiliDocument {
  const assured = doc.assuredDate === null ? Number.NaN : Date.parse(doc.assuredDate);
  const folded = [doc.name, ...doc.categories, doc.organization, doc.description].map(foldGerman).join(' ');
  return {
    id: doc.id,
    externalId: doc.externalId,
    name: doc.name,
    organization: doc.organization,
    district: doc.district,
    city: doc.city,
    nameFolded: foldGerman(doc.name),
    categoriesFolded: doc.categories.map(foldGerman),
    organizationFolded: foldGerman(doc.organization),
    descriptionFolded: foldGerman(doc.description),
    partsFolded: compoundPartsOfText(folded, known),
    closed: doc.closed === true,
    termIds: doc.termIds,
    languages: doc.languages,
    ...(doc.minAge === null ? {} : { minAge: doc.minAge }),
    ...(doc.maxAge === null ? {} : { maxAge: doc.maxAge }),
    freeOfCharge: doc.freeOfCharge,
    wheelchairAccessible: doc.wheelchairAccessible,
    freePlaces: doc.freePlaces,
    hasFreePlaces: doc.freePlaces !== null && doc.freePlaces > 0,
    ...(doc.lat === null || doc.lon === null ? {} : { _geo: { lat: doc.lat, lng: doc.lon } }),
    ...weeklyOpenTimes(doc.openingHours),
    assuredDays: Number.isNaN(assured) ? 0 : Math.floor(assured / DAY_MS),
  };
}

/** Synonym groups as Meilisearch wants them: every folded member maps to all other members of its groups. */
export function toMeiliSynonyms(groups: string[][]): Record<string, string[]> {
  const synonyms = new Map<string, Set<string>>();
  for (const group of groups) {
    const members = [...new Set(group.map(synonymPhrase))].filter((member) => member !== '');
    for (const member of members) {
      const others = synonyms.get(member) ?? new Set<string>();
      for (const other of members) if (other !== member) others.add(other);
      synonyms.set(member, others);
    }
  }
  return Object.fromEntries([...synonyms].map(([member, others]) => [member, [...others]]));
}

/** The synonym setting: the groups, and the field's related terms one way ("deutschkurs" → Jugendintegrationskurs). */
export function toMeiliSynonymSetting(
  groups: string[][],
  related?: RelatedTermGroup[],
): Record<string, string[]> {
  const synonyms = toMeiliSynonyms(groups);
  for (const [key, phrases] of relatedTermIndex(related)) {
    const others = new Set(synonyms[key] ?? []);
    for (const phrase of phrases) if (phrase.join(' ') !== key) others.add(phrase.join(' '));
    synonyms[key] = [...others];
  }
  return synonyms;
}

/** A synonym as the index tokenizes text: folded words joined by single spaces („industrie und handelskammer“). */
function synonymPhrase(entry: string): string {
  return foldGerman(entry)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');
}

/** The one-word synonyms, which a mistyped query word may be meant as. */
function synonymWordsOf(groups: string[][]): string[] {
  return [...new Set(groups.flat().map(synonymPhrase))].filter(
    (phrase) => phrase !== '' && !phrase.includes(' '),
  );
}

/**
 * Meilisearch applies synonyms only to words typed exactly, not to their typo variants; the SQLite engine also
 * expands a mistyped synonym („Sprachkurz“ → sprachkurs → Integrationskurs). So a folded query word that is no
 * synonym itself but within the forgiven typos of one is replaced by it. Only where the synonym is long enough for
 * Meilisearch to forgive the same typos back, so documents spelled like the typed word are still found.
 */
export function snapToSynonyms(foldedQuery: string, synonymWords: string[]): string {
  const known = new Set(synonymWords);
  return foldedQuery.replace(/[\p{L}\p{N}]+/gu, (word) => {
    const max = allowedTypos(word.length);
    if (max === 0 || known.has(word)) return word;
    let best: { word: string; distance: number } | null = null;
    for (const candidate of synonymWords) {
      const distance = editDistance(word, candidate, max);
      if (
        distance <= max &&
        distance <= allowedTypos(candidate.length) &&
        distance < (best?.distance ?? Infinity)
      ) {
        best = { word: candidate, distance };
      }
    }
    return best?.word ?? word;
  });
}

const CLOSED = 0;
const SAME_DAY = 1;
const OVERNIGHT = 2;

/** Open slots and minutes of the week; unknown or invalid opening hours are never open. */
export function weeklyOpenTimes(openingHours: string): WeeklyOpenTimes {
  const result: WeeklyOpenTimes = {
    openSlots: [],
    openMinutes: [],
    overnightSlots: [],
    overnightMinutes: [],
    holidayClosed: false,
  };
  const parsed = parseOpeningHours(openingHours);
  if (!parsed.ok) return result;
  result.holidayClosed = parsed.value.closedOnHolidays;

  // Each minute of the week: closed, open by an interval begun that day, or open past midnight from the day before.
  const week = new Uint8Array(MINUTES_PER_WEEK);
  for (const rule of parsed.value.rules) {
    const dayStart = WEEKDAYS.indexOf(rule.weekday) * MINUTES_PER_DAY;
    const opens = toMinutes(rule.opensAt);
    const closesSameDay = toMinutes(rule.closesAt);
    const closes = closesSameDay <= opens ? closesSameDay + MINUTES_PER_DAY : closesSameDay;
    for (let minute = opens; minute < closes; minute++) {
      // Sunday night runs into Monday morning.
      week[(dayStart + minute) % MINUTES_PER_WEEK] = minute < MINUTES_PER_DAY ? SAME_DAY : OVERNIGHT;
    }
  }

  for (let slot = 0; slot < SLOTS_PER_WEEK; slot++) {
    const minutes = week.subarray(slot * SLOT_MINUTES, (slot + 1) * SLOT_MINUTES);
    const first = minutes[0] ?? CLOSED;
    if (first !== CLOSED && minutes.every((state) => state === first)) {
      result.openSlots.push(slot);
      if (first === OVERNIGHT) result.overnightSlots.push(slot);
      continue;
    }
    // A slot open only in part (e.g. „08:10-…“) is listed minute by minute, so the filter stays exact.
    minutes.forEach((state, offset) => {
      const minute = slot * SLOT_MINUTES + offset;
      if (state !== CLOSED) result.openMinutes.push(minute);
      if (state === OVERNIGHT) result.overnightMinutes.push(minute);
    });
  }
  return result;
}

/** The 15-minute slots of the week (0 = Monday 00:00 … 671) in which the service is open throughout. */
export function openSlotsOf(openingHours: string): number[] {
  return weeklyOpenTimes(openingHours).openSlots;
}

function toMinutes(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Quotes a filter value; the filter parser takes backslash escapes inside double quotes. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The filter conditions of a query (Meilisearch ANDs the array's elements). */
export function toMeiliFilter(query: SearchQuery): string[] {
  const filter: string[] = [];
  if (query.termId) filter.push(`termIds = ${quote(query.termId)}`);
  if (query.language) filter.push(`languages = ${quote(query.language)}`);
  if (query.age !== undefined) {
    filter.push(
      `(minAge NOT EXISTS OR minAge <= ${query.age})`,
      `(maxAge NOT EXISTS OR maxAge >= ${query.age})`,
    );
  }
  if (query.freeOfCharge) filter.push('freeOfCharge = true');
  if (query.wheelchairAccessible) filter.push('wheelchairAccessible = true');
  if (query.freePlaces) filter.push('freePlaces > 0');
  if (query.openAt) filter.push(openAtFilter(query.openAt));
  if (query.near?.radiusKm !== undefined) {
    const { lat, lon, radiusKm } = query.near;
    filter.push(`_geoRadius(${lat}, ${lon}, ${Math.round(radiusKm * 1000)})`);
  }
  if (query.bbox) {
    const [west, south, east, north] = query.bbox;
    // Top-right (north-east) corner first, then bottom-left (south-west).
    filter.push(`_geoBoundingBox([${north}, ${east}], [${south}, ${west}])`);
  }
  return filter;
}

/**
 * „Open at this instant“, judged by the wall clock in Europe/Berlin. On a public holiday (Schleswig-Holstein) a
 * service marked „Feiertage geschlossen“ is closed for the intervals that begin on that day, including their part
 * after midnight — as isOpenAt in opening-hours.ts decides.
 */
export function openAtFilter(at: Date): string {
  const local = localClock(at);
  const minute = local.weekday * MINUTES_PER_DAY + local.minuteOfDay;
  const slot = Math.floor(minute / SLOT_MINUTES);
  const open = `(openSlots = ${slot} OR openMinutes = ${minute})`;
  const todayHoliday = isPublicHoliday(local.date, 'SH');
  const yesterdayHoliday = isPublicHoliday(local.previousDate, 'SH');
  if (!todayHoliday && !yesterdayHoliday) return open;
  if (todayHoliday && yesterdayHoliday) return `(${open} AND holidayClosed = false)`;
  if (todayHoliday) {
    // Only the part past midnight of yesterday's interval stays open.
    return `(${open} AND (holidayClosed = false OR overnightSlots = ${slot} OR overnightMinutes = ${minute}))`;
  }
  // Yesterday was the holiday: today's own intervals stay open, yesterday's night part does not.
  return `(${open} AND (holidayClosed = false OR (NOT overnightSlots = ${slot} AND NOT overnightMinutes = ${minute})))`;
}

/** The Meilisearch request for a query: folded text, filter, sort, page and, when asked for, facets. */
export function toMeiliSearchRequest(query: SearchQuery, synonymWords: string[] = []): MeiliSearchRequest {
  // Not trimmed: a trailing space tells Meilisearch that the last word is complete (no prefix match).
  const q = snapToSynonyms(foldGerman(query.q), synonymWords);
  const filter = toMeiliFilter(query);
  const sort: string[] = [];
  if (query.sort === 'entfernung' && query.near) {
    sort.push(`_geoPoint(${query.near.lat},${query.near.lon}):asc`, 'nameFolded:asc');
  } else if (query.sort === 'name' || q.trim() === '') {
    // Without a text there is no relevance: list alphabetically, as the SQLite engine does.
    sort.push('nameFolded:asc');
  }
  return {
    q,
    page: query.page ?? 1,
    hitsPerPage: query.perPage ?? DEFAULT_PER_PAGE,
    // Every word must match (as in the SQLite engine); synonyms and typos still count as matches.
    matchingStrategy: 'all',
    attributesToRetrieve: [...HIT_ATTRIBUTES],
    ...(filter.length > 0 ? { filter } : {}),
    ...(sort.length > 0 ? { sort } : {}),
    ...(query.facets ? { facets: FACET_ATTRIBUTES } : {}),
  };
}

/** A stored document as a hit; the distance is computed like the SQLite engine's (haversine, 0.1 km). */
export function toSearchHit(hit: MeiliHit, near: SearchQuery['near']): SearchHit {
  const lat = hit._geo?.lat ?? null;
  const lon = hit._geo?.lng ?? null;
  return {
    id: hit.id,
    externalId: hit.externalId,
    name: hit.name,
    organization: hit.organization,
    termIds: hit.termIds,
    languages: hit.languages,
    lat,
    lon,
    distanceKm:
      near && lat !== null && lon !== null ? Math.round(distanceKm(near, { lat, lon }) * 10) / 10 : null,
    district: hit.district,
    city: hit.city,
    freePlaces: hit.freePlaces,
    closed: hit.closed === true,
  };
}

/** Meilisearch's facet distribution in the shape of SearchFacets (booleans are counted under "true"). */
export function toSearchFacets(distribution: Record<string, Record<string, number>>): SearchFacets {
  return {
    termIds: { ...distribution['termIds'] },
    languages: { ...distribution['languages'] },
    freeOfCharge: distribution['freeOfCharge']?.['true'] ?? 0,
    wheelchairAccessible: distribution['wheelchairAccessible']?.['true'] ?? 0,
    freePlaces: distribution['hasFreePlaces']?.['true'] ?? 0,
  };
}
