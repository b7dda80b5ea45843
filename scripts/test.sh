#!/usr/bin/env bash
# The whole test suite: typecheck, lint, build, then unit, integration, server and browser tests.
# Integration tests, the hostile-input suite and (in a second pass) the other server tests also run on PostgreSQL when
# TEST_DATABASE_URL is set (CI sets it). TEST_SERVER_DIALECT=postgres picks the dialect of servers a test starts
# without naming one; SERVER_TESTS_ON_POSTGRES=0 skips that second pass.
set -euo pipefail
cd "$(dirname "$0")/.."
export ASTRO_TELEMETRY_DISABLED=1
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "Hinweis: TEST_DATABASE_URL ist nicht gesetzt – Integrationstests laufen nur auf SQLite."
fi
echo "== Typprüfung ==" && npm run --silent typecheck
echo "== Lint und Format ==" && npm run --silent lint
echo "== Build ==" && npm run --silent build
echo "== Tests ==" && npx vitest run "$@"
if [ -n "${TEST_DATABASE_URL:-}" ] && [ "$#" -eq 0 ] && [ "${SERVER_TESTS_ON_POSTGRES:-1}" != "0" ]; then
  # The fuzz suite loops over both dialects itself.
  echo "== Servertests auf PostgreSQL ==" &&
    TEST_SERVER_DIALECT=postgres npx vitest run --project server --exclude tests/server/fuzz.test.ts
fi
