#!/usr/bin/env bash
# The whole test suite, or one tier: scripts/test.sh all|unit|int|e2e
# Integration and end-to-end tiers need the real Kafka and Schema Registry; if they are
# not running this script starts them (scripts/stack.sh) and stops them again at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
tier=${1:-all}

export NODE_ENV=test
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orderflow_test}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
# PORT_OFFSET runs the suite on a shifted copy of the infrastructure (see scripts/stack.sh)
export PORT_OFFSET=${PORT_OFFSET:-0}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$((9092 + PORT_OFFSET))}
export SCHEMA_REGISTRY_URL=${SCHEMA_REGISTRY_URL:-http://127.0.0.1:$((8091 + PORT_OFFSET))/apis/ccompat/v7}

if [ ! -d node_modules/kafkajs ]; then
  echo "[test] installing npm dependencies"
  npm ci --no-audit --no-fund >/dev/null
fi
echo "[test] building"
npx tsc -b tsconfig.build.json

files_of() { # suffix
  find packages services tests bench -path '*/node_modules' -prune -o -path '*/dist/*' -name "*.$1.test.js" -print 2>/dev/null | sort
}

started_infra=0
cleanup() {
  if [ "$started_infra" = 1 ]; then bash scripts/stack.sh infra-down >/dev/null; fi
}
trap cleanup EXIT

ensure_infra() {
  # read whole first: with pipefail, grep -q quitting early can fail the status command
  # with SIGPIPE, and a running stack would then be taken for stopped (and stopped at exit)
  local status
  status=$(bash scripts/stack.sh status)
  if ! grep -qE 'kafka +running' <<<"$status" || ! grep -qE 'registry +running' <<<"$status"; then
    started_infra=1
    bash scripts/stack.sh infra-up
  fi
  node scripts/migrate.mjs "$DATABASE_URL" >/dev/null
}

run_tier() { # tier concurrency timeout-ms
  local files
  mapfile -t files < <(files_of "$1")
  if [ "${#files[@]}" -eq 0 ]; then echo "[test] no $1 tests"; return 0; fi
  echo "[test] $1: ${#files[@]} files"
  node --enable-source-maps --test --test-concurrency="$2" --test-timeout="$3" "${files[@]}"
}

case "$tier" in
  unit) run_tier unit 2 60000 ;;
  int) ensure_infra; run_tier int 1 300000 ;;
  e2e) ensure_infra; run_tier e2e 1 600000 ;;
  all)
    echo "[test] lint"
    npx eslint .
    run_tier unit 2 60000
    ensure_infra
    run_tier int 1 300000
    run_tier e2e 1 600000
    ;;
  *) echo "usage: $0 all|unit|int|e2e" >&2; exit 2 ;;
esac
