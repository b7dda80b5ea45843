import type { Db } from '../db/create-db';
import type { SearchDocument, SearchEngine, SearchQuery, SearchResult } from './search';
import { findVocabularyGeneration } from './search-terms.queries';
import { findSearchState, type SearchState } from './search.queries';
import { loadSearchVocabulary } from './search-terms.service';
import type { RelatedTermGroup } from './vocabulary';

/**
 * Keeps an engine's vocabulary in step with the database (decision 0026). Before each search it reads the
 * vocabulary's generation (one primary-key lookup); when another request — on this instance or any other — changed
 * the coordinators' term groups, it loads them and hands them to the engine, so no process answers with a stale
 * vocabulary cached in memory. Meilisearch keeps its synonym setting on the server: the engine pushes it only when
 * it differs from what the server holds.
 */
export class VocabularyEngine implements SearchEngine {
  private generation: number | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    readonly inner: SearchEngine,
    /**
     * The inner engine when it follows the change log (an index beside the database): each search then reads the
     * vocabulary's generation and the log's state in one statement (findSearchState) and hands the state on.
     */
    private readonly follower?: { searchAt(state: SearchState, query: SearchQuery): Promise<SearchResult> },
  ) {}

  get name(): SearchEngine['name'] {
    return this.inner.name;
  }

  /**
   * Applies the database's vocabulary if its generation moved; concurrent callers share one run. When the generation
   * moves again while the vocabulary is applied, it is applied once more: the last one applied is never older than
   * the last change this process saw.
   */
  refreshVocabulary(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        let current = await findVocabularyGeneration(this.db);
        while (current !== this.generation) {
          const { generation, vocabulary } = await loadSearchVocabulary(this.db);
          await this.inner.setSynonyms(vocabulary.synonyms, vocabulary.related);
          this.generation = generation;
          current = await findVocabularyGeneration(this.db);
        }
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    if (this.follower) {
      const state = await findSearchState(this.db);
      // A refresh still running has not set the generation yet: this waits for it, as the path below does.
      if (state.vocabularyGeneration !== this.generation) await this.refreshVocabulary();
      return this.follower.searchAt(state, query);
    }
    await this.refreshVocabulary();
    return this.inner.search(query);
  }

  upsert(documents: SearchDocument[]): Promise<void> {
    return this.inner.upsert(documents);
  }

  remove(ids: string[]): Promise<void> {
    return this.inner.remove(ids);
  }

  /**
   * Rebuilds with the current vocabulary; afterwards it is checked again, because a change made during the rebuild
   * was set on the index that the rebuild has just replaced.
   */
  async rebuild(
    batches: AsyncIterable<SearchDocument[]> | SearchDocument[][],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    await this.refreshVocabulary();
    await this.inner.rebuild(batches, onProgress);
    this.generation = null;
    await this.refreshVocabulary();
  }

  /** Sets a vocabulary by hand (tests, benchmarks); it holds until the next change in the database replaces it. */
  async setSynonyms(groups: string[][], related?: RelatedTermGroup[]): Promise<void> {
    await this.refreshing;
    const generation = await findVocabularyGeneration(this.db);
    await this.inner.setSynonyms(groups, related);
    this.generation = generation;
  }
}
