#!/usr/bin/env bash
# Benchmarks, not tests: scripts/bench.sh all|append|command|query|saga|lag
# Each suite prints a table of figures and of ratios against baselines measured in the
# same run, and writes bench/results/<suite>.json. A missed target is reported, not a
# failure; a suite that cannot run (a service that does not start, a route that answers
# errors) is, and the script then exits non-zero after running the other suites.
#
# Knobs (environment): BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_ROUNDS,
# BENCH_CONCURRENCY (append clients), BENCH_HTTP_CONNECTIONS, BENCH_SERVICE_LOG_LEVEL,
# BENCH_DATABASE_URL (default: the dedicated database orderflow_bench).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ALL_SUITES=(append command query saga lag)
BENCH_DB=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orderflow_bench}

usage() { echo "usage: $0 all|$(IFS='|'; echo "${ALL_SUITES[*]}")" >&2; exit 2; }

case "${1:-all}" in
  all) suites=("${ALL_SUITES[@]}") ;;
  *) [[ " ${ALL_SUITES[*]} " == *" $1 "* ]] || usage; suites=("$1") ;;
esac

if [ ! -d node_modules/autocannon ]; then
  echo "[bench] installing npm dependencies"
  npm ci --no-audit --no-fund >/dev/null
fi
echo "[bench] building"
npx tsc -b tsconfig.build.json

# Stop the infrastructure at the end only if this script started it: someone else's
# running stack is left as it was found.
started_infra=0
cleanup() {
  if [ "$started_infra" = 1 ]; then bash scripts/stack.sh infra-down >/dev/null || true; fi
}
trap cleanup EXIT
status=$(bash scripts/stack.sh status)
if ! grep -qE 'kafka +running' <<<"$status" || ! grep -qE 'registry +running' <<<"$status"; then
  started_infra=1
  bash scripts/stack.sh infra-up
fi

echo "[bench] migrating $(basename "$BENCH_DB")"
node scripts/migrate.mjs "$BENCH_DB" >/dev/null

failed=()
for suite in "${suites[@]}"; do
  echo "[bench] suite $suite"
  DATABASE_URL="$BENCH_DB" node --enable-source-maps "bench/dist/$suite.bench.js" || failed+=("$suite")
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "[bench] suites that could not run: ${failed[*]}" >&2
  exit 1
fi
echo "[bench] done: results in bench/results/"
