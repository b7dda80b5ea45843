import { describe, it } from 'vitest';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rule from '../../eslint-rules/no-query-builder-outside-queries.js';

// The local ESLint rule that keeps SQL in *.queries.ts: what it reports and what it leaves alone.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

describe('no query builder outside queries files', () => {
  tester.run('no-query-builder-outside-queries', rule, {
    valid: [
      "import { findCase } from './case.queries'; await findCase(db, id);",
      // Array.prototype.with(index, value) is no CTE.
      'const copy = list.with(0, 1);',
      // Another library's sql tag is not kysely's.
      "import { sql } from 'other'; sql`select 1`;",
      'const rows = items.filter((i) => i.selected);',
    ],
    invalid: [
      { code: "await db.selectFrom('case_file').selectAll().execute();", errors: [{ messageId: 'builder' }] },
      {
        code: "await trx.insertInto('audit_log').values(row).execute();",
        errors: [{ messageId: 'builder' }],
      },
      { code: "await trx.updateTable('referral').set(v).execute();", errors: [{ messageId: 'builder' }] },
      { code: "await trx.deleteFrom('session').execute();", errors: [{ messageId: 'builder' }] },
      { code: "await db.replaceInto('t').values(v).execute();", errors: [{ messageId: 'builder' }] },
      { code: "await db.mergeInto('t').using('u', 'a', 'b').execute();", errors: [{ messageId: 'builder' }] },
      {
        code: "await db.with('recent', (q) => q).selectAll().execute();",
        errors: [{ messageId: 'builder' }],
      },
      {
        code: "import { sql } from 'kysely'; await sql`select 1`.execute(db);",
        errors: [{ messageId: 'sql' }],
      },
      { code: "import { sql as q } from 'kysely'; q.raw('now()');", errors: [{ messageId: 'sql' }] },
    ],
  });
});
