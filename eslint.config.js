import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import noQueryBuilderOutsideQueries from './eslint-rules/no-query-builder-outside-queries.js';

/**
 * The only places that may build SQL (Kysely query builder or kysely's `sql` tag); everywhere else calls the
 * functions of a `*.queries.ts`. Tests read the database directly to check what a request did.
 */
export const QUERY_BUILDER_ALLOWED_IN = [
  '**/*.queries.ts',
  'db/migrations/**',
  'db/seed/**',
  // The SQLite FTS engine's own SQL (its virtual tables are no Kysely tables).
  'src/lib/search/sqlite-fts-engine.ts',
  'tests/**',
];

export default defineConfig(
  { ignores: ['dist/', '.astro/', 'node_modules/', 'data/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.astro'],
    // Astro.props and friends come from the frontmatter's ambient types; the TypeScript parser reads the script.
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // Migrations are frozen in time and typed against any schema.
    files: ['db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // SQL only in queries files (decision 0011): no exceptions beyond QUERY_BUILDER_ALLOWED_IN.
    files: ['**/*.{ts,js,mjs,astro}'],
    ignores: QUERY_BUILDER_ALLOWED_IN,
    plugins: { local: { rules: { 'no-query-builder-outside-queries': noQueryBuilderOutsideQueries } } },
    rules: { 'local/no-query-builder-outside-queries': 'error' },
  },
);
