import { describe, expect, it } from 'vitest';
import { rebuildBySwap, STALE_BUILD_MS, type IndexAdmin } from '../../src/lib/search/meilisearch-swap';

/**
 * A FAKE Meilisearch, in memory: indexes with documents and settings, a clock, and a log of calls. It stands in for
 * the server only to check the swap's order and its failure handling; the engine against a real server is covered by
 * the contract tests in tests/integration/search-meilisearch.test.ts (run when MEILISEARCH_URL is set).
 */
class FakeMeilisearch implements IndexAdmin<string> {
  indexes = new Map<string, { docs: string[]; settings: unknown; updatedAt: number }>();
  log: string[] = [];
  clock = Date.parse('2026-12-03T10:00:00Z');
  failOnBatch: number | null = null;
  private batches = 0;
  /** What a search of `live` saw at each call: never empty while the rebuild runs. */
  liveSeen: number[] = [];

  constructor(private readonly live: string) {}

  private touch(uid: string): void {
    this.liveSeen.push(this.indexes.get(this.live)?.docs.length ?? 0);
    const index = this.indexes.get(uid);
    if (index) index.updatedAt = this.clock;
  }

  async createIndex(uid: string) {
    if (this.indexes.has(uid)) throw new Error(`index_already_exists: ${uid}`);
    this.indexes.set(uid, { docs: [], settings: null, updatedAt: this.clock });
    this.log.push(`create ${uid}`);
    this.touch(uid);
    return { createdAt: new Date(this.clock).toISOString() };
  }
  async listIndexes() {
    return [...this.indexes].map(([uid, i]) => ({ uid, updatedAt: new Date(i.updatedAt).toISOString() }));
  }
  async applySettings(uid: string, settings: unknown) {
    this.indexes.get(uid)!.settings = settings;
    this.log.push(`settings ${uid}`);
    this.touch(uid);
  }
  async addDocuments(uid: string, documents: string[]) {
    this.batches += 1;
    if (this.batches === this.failOnBatch) throw new Error('Meilisearch-Aufgabe 7 ist nicht gelungen');
    this.indexes.get(uid)!.docs.push(...documents);
    this.log.push(`add ${uid} ${documents.length}`);
    this.touch(uid);
  }
  async swap(a: string, b: string) {
    const first = this.indexes.get(a)!;
    this.indexes.set(a, this.indexes.get(b)!);
    this.indexes.set(b, first);
    this.log.push(`swap ${a} ${b}`);
    this.touch(a);
  }
  async deleteIndex(uid: string) {
    this.indexes.delete(uid);
    this.log.push(`delete ${uid}`);
  }
}

const OLD = ['alt-1', 'alt-2', 'alt-3'];

function serving(): FakeMeilisearch {
  const fake = new FakeMeilisearch('services');
  fake.indexes.set('services', { docs: [...OLD], settings: { synonyms: 'alt' }, updatedAt: fake.clock });
  return fake;
}

const rebuild = (fake: FakeMeilisearch, batches: string[][]) =>
  rebuildBySwap(fake, {
    live: 'services',
    next: 'services_next_b',
    settings: { synonyms: 'neu' },
    batches,
    toStored: (batch: string[]) => batch.map((d) => d.toUpperCase()),
  });

describe('rebuilding the Meilisearch index by swap (against a fake)', () => {
  it('fills a second index with the settings first, swaps it in, then deletes the old contents', async () => {
    const fake = serving();
    await rebuild(fake, [['a', 'b'], ['c']]);
    expect(fake.log).toEqual([
      'create services_next_b',
      'settings services_next_b',
      'add services_next_b 2',
      'add services_next_b 1',
      'swap services services_next_b',
      'delete services_next_b',
    ]);
    expect(fake.indexes.get('services')).toMatchObject({
      docs: ['A', 'B', 'C'],
      settings: { synonyms: 'neu' },
    });
    expect([...fake.indexes.keys()]).toEqual(['services']);
    // Searches during the rebuild met the old index, never an empty one.
    expect(fake.liveSeen.every((n) => n > 0)).toBe(true);
  });

  it('leaves the old index serving when filling fails, and removes the half-filled one', async () => {
    const fake = serving();
    fake.failOnBatch = 2;
    await expect(rebuild(fake, [['a'], ['b'], ['c']])).rejects.toThrow(/nicht gelungen/);
    expect(fake.indexes.get('services')).toMatchObject({ docs: OLD, settings: { synonyms: 'alt' } });
    expect(fake.log).not.toContain('swap services services_next_b');
    expect([...fake.indexes.keys()]).toEqual(['services']);
  });

  it('deletes build indexes of crashed runs, but not one another instance is still filling', async () => {
    const fake = serving();
    fake.indexes.set('services_next_crashed', {
      docs: ['x'],
      settings: null,
      updatedAt: fake.clock - STALE_BUILD_MS - 1,
    });
    fake.indexes.set('services_next_busy', { docs: ['y'], settings: null, updatedAt: fake.clock - 60_000 });
    fake.indexes.set('archive_next_old', { docs: ['z'], settings: null, updatedAt: 0 });
    await rebuild(fake, [['a']]);
    expect([...fake.indexes.keys()].sort()).toEqual(['archive_next_old', 'services', 'services_next_busy']);
  });
});
