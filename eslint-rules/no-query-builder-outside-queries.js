// Local ESLint rule: SQL lives in `*.queries.ts` (DESIGN.md §4, STYLE.md "A change, end to end"). Anywhere else, a
// Kysely query-builder call (`db.selectFrom(…)`, `trx.insertInto(…)`, …) or kysely's `sql` template tag is
// reported. Which files may hold SQL is decided in eslint.config.js (QUERY_BUILDER_ALLOWED_IN), not here.

/** Kysely methods that start a query. */
export const QUERY_BUILDER_METHODS = [
  'selectFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
  'with',
];

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Kysely queries belong in *.queries.ts (or a migration, a seed, the FTS engine)' },
    schema: [],
    messages: {
      builder:
        '`.{{name}}(…)` baut eine Datenbankabfrage: sie gehört in die `*.queries.ts` der Tabelle; hier nur deren Funktion aufrufen.',
      sql: 'Das `sql`-Template von kysely gehört in die `*.queries.ts` der Tabelle; hier nur deren Funktion aufrufen.',
    },
  },
  create(context) {
    /** Local names of kysely's `sql` in this file (`import { sql } from 'kysely'`, `import { sql as q } …`). */
    const sqlNames = new Set();
    const isSql = (node) => node && node.type === 'Identifier' && sqlNames.has(node.name);
    return {
      ImportDeclaration(node) {
        if (node.source.value !== 'kysely') return;
        for (const specifier of node.specifiers)
          if (specifier.type === 'ImportSpecifier' && specifier.imported.name === 'sql')
            sqlNames.add(specifier.local.name);
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier')
          return;
        const name = callee.property.name;
        // `sql.raw(…)`, `sql.ref(…)`, `sql.join(…)` …
        if (isSql(callee.object)) context.report({ node, messageId: 'sql' });
        // `with` is also Array.prototype.with(index, value): only a call whose first argument is a CTE name counts.
        else if (name === 'with') {
          const first = node.arguments[0];
          if (
            first &&
            (first.type === 'Literal' ? typeof first.value === 'string' : first.type === 'TemplateLiteral')
          )
            context.report({ node, messageId: 'builder', data: { name } });
        } else if (QUERY_BUILDER_METHODS.includes(name))
          context.report({ node, messageId: 'builder', data: { name } });
      },
      TaggedTemplateExpression(node) {
        const tag = node.tag;
        if (isSql(tag) || (tag.type === 'MemberExpression' && isSql(tag.object)))
          context.report({ node, messageId: 'sql' });
      },
    };
  },
};
