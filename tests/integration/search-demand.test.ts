import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';
import { listSearchCounts } from '../../src/lib/report/report.queries';
import { SearchDemandCounter } from '../../src/lib/report/search-demand';

// Search demand is counted in memory per process and written in batches (decision 0028). Two counters on one
// database stand for two workers or instances: what each counted must add up in search_count, never overwrite.
describe.each(testDialects)('search demand in batches ($name)', (dialect) => {
  let test: TestDb;
  beforeAll(async () => {
    test = await createTestDb(dialect);
  });
  afterAll(async () => test?.drop());

  const key = (query: string, hits = '20+') => ({
    day: '2026-12-01',
    query,
    category_id: '',
    district: '',
    filters: '',
    hits,
  });
  const stored = async () =>
    Object.fromEntries(
      (await listSearchCounts(test.db)).map((row) => [`${row.query}|${row.hits}`, Number(row.searches)]),
    );

  it('writes nothing until a flush, then the sums of every process', async () => {
    // A batch larger than this test counts and a flush far away: only flush() writes.
    const first = new SearchDemandCounter(test.db, { batch: 1000, flushMs: 3_600_000 });
    const second = new SearchDemandCounter(test.db, { batch: 1000, flushMs: 3_600_000 });
    for (let i = 0; i < 3; i++) first.add(key('deutschkurs'));
    first.add(key('kita', '0'));
    second.add(key('deutschkurs'));
    second.add(key('deutschkurs'));
    expect(await stored()).toEqual({});

    await first.flush();
    expect(await stored()).toEqual({ 'deutschkurs|20+': 3, 'kita|0': 1 });
    await second.flush();
    expect(await stored()).toEqual({ 'deutschkurs|20+': 5, 'kita|0': 1 });
    // A flush with nothing waiting changes nothing; later searches add to the stored sums.
    await second.flush();
    first.add(key('kita', '0'));
    await first.flush();
    expect(await stored()).toEqual({ 'deutschkurs|20+': 5, 'kita|0': 2 });
  });

  it('writes a full batch by itself', async () => {
    const counter = new SearchDemandCounter(test.db, { batch: 4, flushMs: 3_600_000 });
    for (let i = 0; i < 3; i++) counter.add(key('sprachcafe'));
    expect((await stored())['sprachcafe|20+']).toBeUndefined();
    counter.add(key('sprachcafe'));
    // The fourth search started the write; flush() waits for it (and writes nothing more).
    await counter.flush();
    expect((await stored())['sprachcafe|20+']).toBe(4);
  });

  it('keeps a batch the database refused and writes it with the next flush', async () => {
    const counter = new SearchDemandCounter(test.db, { batch: 1000, flushMs: 3_600_000 });
    counter.add(key('beratung'));
    // A key the table refuses (day is NOT NULL) fails the whole batch: nothing of it may be lost or written twice.
    counter.add({ ...key('kaputt'), day: null as unknown as string });
    await counter.flush();
    expect((await stored())['beratung|20+']).toBeUndefined();
    // Without the bad key (a test reaches into the batch; the app never produces such a key) the next flush writes.
    const pending = (counter as unknown as { pending: Map<string, { query: string }> }).pending;
    for (const [id, row] of pending) if (row.query === 'kaputt') pending.delete(id);
    counter.add(key('beratung'));
    await counter.flush();
    expect((await stored())['beratung|20+']).toBe(2);
  });
});
