/** CLI: `npm run search:reindex` — rebuilds the configured search index (SQLite FTS5 or Meilisearch) from the database. */
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { countServices } from '../src/lib/directory/service.queries';
import { openSearchEngine, rebuildSearchIndex } from '../src/lib/search/engine';
import { progressBar } from './cli';

const config = loadConfig();
const db = createDb(config);
try {
  await migrateToLatest(db);
  const total = await countServices(db);
  const engine = await openSearchEngine(db, config);
  if (engine.name === 'sqlite' && !config.databaseUrl.startsWith('sqlite:')) {
    console.log(
      'Hinweis: Bei PostgreSQL baut jede Instanz ihren SQLite-Suchindex beim Start selbst auf; dieser Lauf prüft nur, dass das geht.',
    );
  }
  const progress = progressBar(`Suchindex (${engine.name})`);
  const started = performance.now();
  await rebuildSearchIndex(db, engine, (done) => progress(done, total));
  progress(total, total);
  const check = await engine.search({ q: '', perPage: 1 });
  console.log(
    `${check.total} Angebote im Suchindex (von ${total}; archivierte und eingestellte fehlen absichtlich), ${Math.round(performance.now() - started)} ms.`,
  );
} finally {
  await db.destroy();
}
