import SQLite from 'better-sqlite3';
import type { Config } from '../config/config';
import { sqliteHandleOf, sqlitePathOf, type Db } from '../db/create-db';
import { countServices } from '../directory/service.queries';
import { allServiceIdBatches, loadSearchDocuments } from './documents';
import {
  findFirstSearchChangeSeq,
  findLastSearchChangeSeq,
  listSearchChangesAfter,
  listSearchChangesBySeq,
  type SearchState,
} from './search.queries';
import type { SearchDocument, SearchEngine, SearchQuery, SearchResult } from './search';
import { ensureSearchSchema, openStandaloneSqliteEngine, SqliteSearchEngine } from './sqlite-fts-engine';
import { countingEngine } from '../report/search-demand';
import { VocabularyEngine } from './vocabulary-engine';
import type { RelatedTermGroup } from './vocabulary';

/** How long a skipped sequence number is looked for again (longer than any write transaction runs). */
export const FOLLOW_GAP_WAIT_MS = 5 * 60_000;
/** At most this many skipped numbers are remembered (rolled-back bulk writes could leave many). */
const FOLLOW_MAX_GAPS = 10_000;

/**
 * Wraps an index that cannot join the database's transactions (Meilisearch, or the SQLite index beside
 * PostgreSQL): before answering it applies what search_change recorded since it last looked, so a search right
 * after a save — on any instance — sees the change.
 */
export class FollowingEngine implements SearchEngine {
  private lastSeq = 0;
  private catchingUp: Promise<void> | null = null;
  /**
   * Sequence numbers skipped over, with when they were first missed. On PostgreSQL a number is drawn when a write
   * inserts its entry, not when it commits: a later write can commit first, this index moves past it, and the earlier
   * one becomes visible afterwards. So a missing number is looked for again until it shows up or
   * FOLLOW_GAP_WAIT_MS pass (a rolled-back write leaves a number that never shows up). On SQLite writes are serial
   * and numbers arrive in order; the list stays empty.
   */
  private readonly gaps = new Map<number, number>();
  /** Whether lastSeq marks a point this index is complete up to (a rebuild); before, older numbers mean nothing. */
  private marked = false;

  constructor(
    private readonly db: Db,
    readonly inner: SearchEngine,
    /** The clock for the gap wait (tests move it). */
    private readonly clock: () => number = Date.now,
  ) {}

  get name(): SearchEngine['name'] {
    return this.inner.name;
  }

  /** Marks everything up to now as indexed (after a full rebuild). */
  async markCurrent(): Promise<void> {
    this.lastSeq = await findLastSearchChangeSeq(this.db);
    this.marked = true;
  }

  /**
   * Applies pending changes; concurrent callers share one run. `known` is the change log's state, read by the caller
   * together with its own check (VocabularyEngine, one round trip): with nothing new and no skipped number to look
   * for, nothing more is read.
   */
  async catchUp(known?: Pick<SearchState, 'firstChangeSeq' | 'lastChangeSeq'>): Promise<void> {
    if (known && !this.catchingUp && known.lastChangeSeq <= this.lastSeq && this.gaps.size === 0) return;
    this.catchingUp ??= (async () => {
      try {
        // Entries this index never saw were pruned (it served no search for a week): only a rebuild is safe.
        const oldest = known ? known.firstChangeSeq : await findFirstSearchChangeSeq(this.db);
        if (oldest !== null && oldest > this.lastSeq + 1 && this.lastSeq > 0) {
          // Not this.rebuild: it catches up afterwards and would wait for this very run.
          await this.markCurrent();
          await this.inner.rebuild(searchDocumentBatches(this.db));
        }
        await this.fillGaps();
        for (;;) {
          const rows = await listSearchChangesAfter(this.db, this.lastSeq, 500);
          if (rows.length === 0) return;
          await this.apply(rows);
          this.noteGaps(rows);
          this.lastSeq = rows[rows.length - 1]!.seq;
        }
      } finally {
        this.catchingUp = null;
      }
    })();
    return this.catchingUp;
  }

  private async apply(rows: { serviceId: string }[]): Promise<void> {
    const { documents, removed } = await loadSearchDocuments(
      this.db,
      rows.map((r) => r.serviceId),
    );
    await this.inner.upsert(documents);
    await this.inner.remove(removed);
  }

  /** Remembers the numbers between the last one seen and each row's (at most FOLLOW_MAX_GAPS kept). */
  private noteGaps(rows: { seq: number }[]): void {
    const now = this.clock();
    let expected = this.lastSeq + 1;
    for (const { seq } of rows) {
      // Only after a mark: numbers before it belong to writes the rebuild already read (or the log pruned).
      if (this.marked) {
        for (let missing = expected; missing < seq && this.gaps.size < FOLLOW_MAX_GAPS; missing++) {
          this.gaps.set(missing, now);
        }
      }
      expected = seq + 1;
    }
  }

  /** Applies the entries that have appeared for skipped numbers; forgets numbers missing for too long. */
  private async fillGaps(): Promise<void> {
    if (this.gaps.size === 0) return;
    const found = await listSearchChangesBySeq(this.db, [...this.gaps.keys()]);
    if (found.length > 0) await this.apply(found);
    for (const { seq } of found) this.gaps.delete(seq);
    const now = this.clock();
    for (const [seq, since] of this.gaps) if (now - since > FOLLOW_GAP_WAIT_MS) this.gaps.delete(seq);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    await this.catchUp();
    return this.inner.search(query);
  }

  /** Answers after catching up to a state the caller has read (see catchUp). */
  async searchAt(state: SearchState, query: SearchQuery): Promise<SearchResult> {
    await this.catchUp(state);
    return this.inner.search(query);
  }

  upsert(documents: SearchDocument[]): Promise<void> {
    return this.inner.upsert(documents);
  }

  remove(ids: string[]): Promise<void> {
    return this.inner.remove(ids);
  }

  async rebuild(
    batches: AsyncIterable<SearchDocument[]> | SearchDocument[][],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    await this.markCurrent();
    await this.inner.rebuild(batches, onProgress);
    // Writes during the rebuild may have reached only the index it replaced (other instances applied them there).
    await this.catchUp();
  }

  setSynonyms(groups: string[][], related?: RelatedTermGroup[]): Promise<void> {
    return this.inner.setSynonyms(groups, related);
  }
}

/** All search documents of the database, in batches (for a rebuild). */
export async function* searchDocumentBatches(db: Db): AsyncGenerator<SearchDocument[]> {
  for await (const ids of allServiceIdBatches(db)) {
    const { documents } = await loadSearchDocuments(db, ids);
    if (documents.length > 0) yield documents;
  }
}

/**
 * Opens the configured engine without filling it (the reindex command fills it), following the coordinators'
 * vocabulary in the database (decision 0026).
 */
export async function openSearchEngine(db: Db, config: Config): Promise<VocabularyEngine> {
  const bare = await openBareSearchEngine(db, config);
  // An index beside the database checks the vocabulary and the change log in one statement per search.
  return new VocabularyEngine(db, bare, bare instanceof FollowingEngine ? bare : undefined);
}

async function openBareSearchEngine(db: Db, config: Config): Promise<SearchEngine> {
  if (config.meilisearchUrl) {
    const { MeilisearchEngine } = await import('./meilisearch-engine');
    return new FollowingEngine(
      db,
      await MeilisearchEngine.open({ url: config.meilisearchUrl, apiKey: config.meilisearchKey }),
    );
  }
  const handle = sqliteHandleOf(db);
  if (handle) {
    ensureSearchSchema(handle);
    // Searches read through a second connection: WAL lets it see only committed data, without waiting for writers.
    const file = sqlitePathOf(config.databaseUrl);
    const reader = file === ':memory:' ? handle : new SQLite(file, { readonly: true });
    return new SqliteSearchEngine(
      handle,
      reader,
      () => {
        if (reader !== handle) reader.close();
      },
      { resultCacheEntries: config.searchResultCache },
    );
  }
  return new FollowingEngine(
    db,
    openStandaloneSqliteEngine(config.searchIndexPath, { resultCacheEntries: config.searchResultCache }),
  );
}

/** Fills an engine from the database, reporting progress. */
export async function rebuildSearchIndex(
  db: Db,
  engine: SearchEngine,
  onProgress?: (done: number) => void,
): Promise<void> {
  await engine.rebuild(searchDocumentBatches(db), onProgress);
}

const engines = new WeakMap<object, Promise<SearchEngine>>();
const vocabularyEngines = new WeakMap<object, VocabularyEngine>();

/**
 * Applies a change of the vocabulary at once on this instance's engine, if it is open (Meilisearch: the synonym
 * setting is pushed now, so every instance's next search uses it). Never throws: if the push fails, the next search
 * on any instance tries again, because the change's generation is not marked as applied.
 */
export async function applySearchVocabulary(app: { db: Db }): Promise<void> {
  try {
    await vocabularyEngines.get(app.db)?.refreshVocabulary();
  } catch {
    // See above: retried by the next search.
  }
}

/**
 * The app's engine, opened once per process. An index outside the database (beside PostgreSQL, Meilisearch) is
 * filled anew at start; the index inside an SQLite database only when it is empty (first start after an upgrade).
 */
export function getSearchEngine(app: { db: Db; config: Config }): Promise<SearchEngine> {
  let engine = engines.get(app.db);
  if (!engine) {
    engine = (async () => {
      const opened = await openSearchEngine(app.db, app.config);
      vocabularyEngines.set(app.db, opened);
      if (opened.inner instanceof FollowingEngine) {
        // An index outside the database may have missed writes while this instance was down: fill it anew.
        await rebuildSearchIndex(app.db, opened);
      } else {
        const probe = await opened.search({ q: '', perPage: 1 });
        if (probe.total === 0 && (await countServices(app.db)) > 0) await rebuildSearchIndex(app.db, opened);
      }
      // Search demand for the network report (issue #13): counted without user, session or address.
      return countingEngine(app.db, opened);
    })();
    engines.set(app.db, engine);
    // A failed start must not stick: the next request tries again.
    engine.catch(() => engines.delete(app.db));
  }
  return engine;
}
