/**
 * A rebuild of the Meilisearch index that never leaves searches with an empty index (decision 0026): a second index
 * is created with the current settings (the vocabulary's synonyms included), filled, and only when every task has
 * succeeded swapped with the serving one; the old contents are deleted afterwards. Until the swap, searches keep
 * the old index; a failure before it deletes the half-filled new one and leaves the old one serving.
 * @module
 */

/** What the swap needs of Meilisearch; every call waits for its task and throws when the task failed. */
export interface IndexAdmin<D> {
  /** Creates an empty index with primary key `id`; returns its creation time as Meilisearch's clock tells it. */
  createIndex(uid: string): Promise<{ createdAt: string }>;
  listIndexes(): Promise<{ uid: string; updatedAt: string }[]>;
  applySettings(uid: string, settings: unknown): Promise<void>;
  addDocuments(uid: string, documents: D[]): Promise<void>;
  /** Exchanges the contents (documents and settings) of two indexes; both uids stay. */
  swap(a: string, b: string): Promise<void>;
  deleteIndex(uid: string): Promise<void>;
}

/** A leftover build index not touched for this long is an instance's crashed rebuild and is deleted. */
export const STALE_BUILD_MS = 6 * 60 * 60_000;

/** The prefix of the build indexes of `live` (`services_next_…`). */
export function buildIndexPrefix(live: string): string {
  return `${live}_next_`;
}

/**
 * Fills a new index `next` from `batches` and swaps it in for `live`. `toStored` turns a batch into stored documents
 * (the engine splits compounds there). Build indexes of crashed runs older than STALE_BUILD_MS (by Meilisearch's own
 * clock) are deleted on the way; a build index still being filled by another instance is younger and stays.
 */
export async function rebuildBySwap<S, D>(
  admin: IndexAdmin<D>,
  options: {
    live: string;
    next: string;
    settings: unknown;
    batches: AsyncIterable<S[]> | S[][];
    toStored: (batch: S[]) => D[];
    onProgress?: ((done: number) => void) | undefined;
  },
): Promise<void> {
  const { live, next } = options;
  const { createdAt } = await admin.createIndex(next);
  try {
    await admin.applySettings(next, options.settings);
    const started = Date.parse(createdAt);
    for (const index of await admin.listIndexes()) {
      if (
        index.uid !== next &&
        index.uid.startsWith(buildIndexPrefix(live)) &&
        started - Date.parse(index.updatedAt) > STALE_BUILD_MS
      ) {
        await admin.deleteIndex(index.uid);
      }
    }
    let done = 0;
    for await (const batch of options.batches) {
      if (batch.length > 0) await admin.addDocuments(next, options.toStored(batch));
      done += batch.length;
      options.onProgress?.(done);
    }
    await admin.swap(live, next);
  } finally {
    // After the swap `next` holds the old contents; before it, a half-filled index nobody searches. Either goes; if
    // deleting fails, a later rebuild deletes it as a stale build index (the rebuild's own outcome stands).
    await admin.deleteIndex(next).catch(() => undefined);
  }
}
