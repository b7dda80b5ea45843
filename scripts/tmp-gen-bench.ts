import os from 'node:os';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { findVocabularyGeneration } from '../src/lib/search/search-terms.queries';

for (const url of [`sqlite:${os.tmpdir()}/meili-gen-bench.sqlite`, process.env['PG_URL']].filter(Boolean) as string[]) {
  const db = createDb({ databaseUrl: url });
  await migrateToLatest(db);
  for (let i = 0; i < 2000; i++) await findVocabularyGeneration(db);
  const times: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const t = performance.now();
    await findVocabularyGeneration(db);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.floor(times.length * p)]! * 1000).toFixed(1);
  console.log(JSON.stringify({ db: url.split(':')[0], p50_us: q(0.5), p95_us: q(0.95), p99_us: q(0.99) }));
  await db.destroy();
}
