#!/usr/bin/env bash
# The whole test suite: typecheck, lint, build, then unit, integration, server and browser tests.
# Integration tests also run on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
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
