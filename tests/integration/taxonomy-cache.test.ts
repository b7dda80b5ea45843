import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/lib/db/create-db';
import { upsertAlias } from '../../src/lib/directory/taxonomy.queries';
import { createTerm, listTermsCached } from '../../src/lib/directory/taxonomy.service';
import { userContext } from '../helpers/context';
import { createTestDb, testDialects, type TestDb } from '../helpers/db';
import { createTestUser } from '../helpers/factories';

// The search page keeps the category list per process (decision 0028). Two database handles stand for two
// instances: a category or alias written through one must be in the other's very next list.
describe.each(testDialects)('category list kept per process ($name)', (dialect) => {
  let test: TestDb;
  let second: Db;
  beforeAll(async () => {
    test = await createTestDb(dialect);
    second = createDb({ databaseUrl: test.url });
  });
  afterAll(async () => {
    await second?.destroy();
    await test?.drop();
  });

  it('follows categories and aliases written through another instance, and reads one row while nothing changed', async () => {
    const before = await listTermsCached(second);
    expect(before.some((t) => t.name === 'Kiwi-Beratung')).toBe(false);
    // The same list object while nothing changed: it was kept, not loaded again.
    expect(await listTermsCached(second)).toBe(before);

    const coordinator = await createTestUser(test.db, { role: 'coordinator' });
    const created = await createTerm(test.db, userContext(coordinator), {
      name: 'Kiwi-Beratung',
      parentId: 'beratung',
    });
    if (!created.ok) throw new Error('not created');
    const withTerm = await listTermsCached(second);
    expect(withTerm.find((t) => t.id === created.value.id)?.name).toBe('Kiwi-Beratung');

    await test.db
      .transaction()
      .execute((trx) =>
        upsertAlias(
          trx,
          { kind: 'category', aliasKey: 'kiwi', alias: 'Kiwi', target: created.value.id, createdBy: null },
          new Date('2026-12-01T09:00:00Z'),
        ),
      );
    expect((await listTermsCached(second)).find((t) => t.id === created.value.id)?.aliases).toEqual(['Kiwi']);

    // Nothing changed since: one statement (the generation), not the two lists.
    const statements: string[] = [];
    const counting = second.withPlugin({
      transformQuery: (args) => {
        statements.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    await listTermsCached(counting);
    statements.length = 0;
    await listTermsCached(counting);
    expect(statements).toEqual(['SelectQueryNode']);
  });
});
