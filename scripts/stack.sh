#!/usr/bin/env bash
# Runs the whole system on one machine without Docker: PostgreSQL and Redis (the local
# ones), a single-node KRaft Kafka broker and Apicurio Registry (both fetched from Maven
# Central into .local/), the migrations, the topics and every service.
#
#   scripts/stack.sh infra-up | infra-down | up | down | run | status | fetch
#
# Everything fetched or generated lives in .local/ (git-ignored): jars, broker storage,
# pid files and logs. A second start reuses it and downloads nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ORDERFLOW_HOME and PORT_OFFSET let a second, isolated copy run beside the first (tests)
LOCAL=${ORDERFLOW_HOME:-$ROOT/.local}
PORT_OFFSET=${PORT_OFFSET:-0}
RUN="$LOCAL/run"
LOGS="$LOCAL/log"
mkdir -p "$RUN" "$LOGS"

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
DB_NAME=${DB_NAME:-orderflow}
REDIS_PORT=${REDIS_PORT:-6379}
KAFKA_PORT=${KAFKA_PORT:-$((9092 + PORT_OFFSET))}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((9093 + PORT_OFFSET))}
REGISTRY_PORT=${REGISTRY_PORT:-$((8091 + PORT_OFFSET))}
REGISTRY_MGMT_PORT=$((8095 + PORT_OFFSET))
REGISTRY_DB=${REGISTRY_DB:-apicurio$([ "$PORT_OFFSET" = 0 ] || echo "_$PORT_OFFSET")}
GRPC_PORT=$((50051 + PORT_OFFSET))
KAFKA_VERSION=4.1.1
APICURIO_VERSION=${APICURIO_VERSION:-3.3.3}

export DATABASE_URL=${DATABASE_URL:-postgres://$PG_USER@$PG_HOST:$PG_PORT/$DB_NAME}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}
export SCHEMA_REGISTRY_URL=${SCHEMA_REGISTRY_URL:-http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7}
export COMMAND_GRPC_URL=${COMMAND_GRPC_URL:-127.0.0.1:$GRPC_PORT}

# service name -> HTTP port its /health/ready answers on
SERVICES=(command:$((8080 + PORT_OFFSET)) outbox-relay:$((9101 + PORT_OFFSET)) projection:$((8082 + PORT_OFFSET))
  query:$((8081 + PORT_OFFSET)) saga-orchestrator:$((9102 + PORT_OFFSET)))

log() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# Starts a detached process in its own session and records its real pid (the exec'd
# program's, not a wrapper's), so stop and status act on the right process.
spawn_detached() { # name logfile cmd...
  local name=$1 logfile=$2; shift 2
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$RUN/$name.pid" "$@" >>"$logfile" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [ -s "$RUN/$name.pid" ] && return 0; sleep 0.1; done
  die "could not start $name"
}

pid_alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- prerequisites

java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}'; }

# The registry needs Java 21+, the broker 17+. Prefer JAVA_HOME, then any JDK that fits.
find_java() {
  local min=$1 candidate
  for candidate in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    if [ "$(java_major "$candidate")" -ge "$min" ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}

ensure_postgres() {
  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    log "PostgreSQL is down; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && return 0; sleep 1; done
  fi
  die "PostgreSQL is not answering on $PG_HOST:$PG_PORT. Install it with: apt-get install -y postgresql (trust auth for $PG_USER on 127.0.0.1)"
}

ensure_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  if command -v redis-server >/dev/null; then
    log "Redis is down; starting it"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$LOCAL" --logfile "$LOGS/redis.log"
    for _ in $(seq 1 20); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.5; done
  fi
  die "Redis is not answering on 127.0.0.1:$REDIS_PORT. Install it with: apt-get install -y redis-server"
}

ensure_node_modules() {
  if [ ! -d "$ROOT/node_modules/kafkajs" ]; then
    log "installing npm dependencies"
    (cd "$ROOT" && npm ci --no-audit --no-fund >"$LOGS/npm-ci.log" 2>&1) || { tail -20 "$LOGS/npm-ci.log"; die "npm ci failed"; }
  fi
}

build() {
  log "building TypeScript"
  (cd "$ROOT" && npx tsc -b tsconfig.build.json) || die "build failed"
}

# ---------------------------------------------------------------- fetch

fetch_kafka() {
  local dir="$LOCAL/kafka/libs-$KAFKA_VERSION"
  [ -f "$dir/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven is needed to fetch Kafka: apt-get install -y maven"
  log "fetching Kafka $KAFKA_VERSION broker jars from Maven Central"
  rm -rf "$dir" && mkdir -p "$dir"
  mvn -q -B -f "$ROOT/scripts/infra/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir" >"$LOGS/fetch-kafka.log" 2>&1 \
    || { tail -20 "$LOGS/fetch-kafka.log"; die "could not fetch Kafka jars"; }
  touch "$dir/.complete"
}

fetch_registry() {
  local dir="$LOCAL/apicurio/$APICURIO_VERSION"
  [ -f "$dir/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven is needed to fetch Apicurio Registry: apt-get install -y maven"
  log "fetching Apicurio Registry $APICURIO_VERSION from Maven Central"
  rm -rf "$dir" && mkdir -p "$dir"
  mvn -q -B dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$dir" >"$LOGS/fetch-registry.log" 2>&1 \
    || { tail -20 "$LOGS/fetch-registry.log"; die "could not fetch Apicurio Registry $APICURIO_VERSION"; }
  tar -xzf "$dir"/apicurio-registry-app-*.tar.gz -C "$dir" && rm -f "$dir"/apicurio-registry-app-*.tar.gz
  touch "$dir/.complete"
}

# ---------------------------------------------------------------- kafka

start_kafka() {
  if pid_alive kafka; then log "Kafka already running (pid $(cat "$RUN/kafka.pid"))"; return 0; fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; stop it or set KAFKA_PORT"
  local java; java=$(find_java 17) || die "Kafka needs Java 17+: apt-get install -y openjdk-17-jre-headless"
  local data="$LOCAL/kafka/data" props="$LOCAL/kafka/server.properties"
  mkdir -p "$data"
  sed -e "s#@DATA_DIR@#$data#" -e "s#@PORT@#$KAFKA_PORT#" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#" \
    "$ROOT/scripts/infra/kafka-server.properties.template" >"$props"
  local cp="$LOCAL/kafka/libs-$KAFKA_VERSION/*"
  local jopts=(-Xmx512m -Xms256m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$ROOT/scripts/infra/kafka-log4j2.properties")
  if [ ! -f "$data/meta.properties" ]; then
    # cluster id: 16 random bytes, base64url without padding
    local cid; cid=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    "$java" "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cid" -c "$props" >"$LOGS/kafka-format.log" 2>&1 \
      || { cat "$LOGS/kafka-format.log"; die "could not format Kafka storage"; }
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  : >"$LOGS/kafka.log"
  rm -f "$RUN/kafka.pid"
  spawn_detached kafka "$LOGS/kafka.log" "$java" "${jopts[@]}" -cp "$cp" kafka.Kafka "$props"
}

wait_kafka() {
  for _ in $(seq 1 120); do
    grep -q 'Kafka Server started' "$LOGS/kafka.log" 2>/dev/null && return 0
    pid_alive kafka || { tail -30 "$LOGS/kafka.log"; die "Kafka exited during start"; }
    sleep 0.5
  done
  tail -30 "$LOGS/kafka.log"; die "Kafka did not start within 60 s"
}

# ---------------------------------------------------------------- registry

start_registry() {
  if pid_alive registry; then log "Schema Registry already running (pid $(cat "$RUN/registry.pid"))"; return 0; fi
  port_open "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by another process; stop it or set REGISTRY_PORT"
  local java; java=$(find_java 21) || die "Apicurio Registry $APICURIO_VERSION needs Java 21+: apt-get install -y openjdk-21-jre-headless (or set JAVA_HOME)"
  local dir="$LOCAL/apicurio/$APICURIO_VERSION"
  PGDATABASE=postgres psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -tc "SELECT 1 FROM pg_database WHERE datname='$REGISTRY_DB'" | grep -q 1 \
    || PGDATABASE=postgres psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -c "CREATE DATABASE \"$REGISTRY_DB\"" >/dev/null
  log "starting Schema Registry on 127.0.0.1:$REGISTRY_PORT"
  # schemas live in PostgreSQL so their ids survive a restart; BACKWARD is enforced globally
  rm -f "$RUN/registry.pid"
  : >"$LOGS/registry.log"
  (cd "$dir" && spawn_detached registry "$LOGS/registry.log" "$java" -Xmx384m -XX:+UseSerialGC \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MGMT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=postgresql \
    -Dapicurio.datasource.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$REGISTRY_DB" \
    -Dapicurio.datasource.username="$PG_USER" -Dapicurio.datasource.password=unused \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 -Dapicurio.datasource.jdbc.max-size=10 \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -jar quarkus-run.jar)
}

wait_registry() {
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" >/dev/null 2>&1 && return 0
    pid_alive registry || { tail -30 "$LOGS/registry.log"; die "Schema Registry exited during start"; }
    sleep 0.5
  done
  tail -30 "$LOGS/registry.log"; die "Schema Registry did not start within 60 s"
}

# ---------------------------------------------------------------- processes

stop_pid() { # name
  local name=$1 pid
  [ -f "$RUN/$name.pid" ] || return 0
  pid=$(cat "$RUN/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 15 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name"
  fi
  rm -f "$RUN/$name.pid"
}

start_service() { # name port
  local name=$1 port=$2
  if pid_alive "$name"; then log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 0; fi
  port_open "$port" && die "port $port is taken by another process; cannot start $name"
  : >"$LOGS/$name.log"
  rm -f "$RUN/$name.pid"
  (cd "$ROOT" && spawn_detached "$name" "$LOGS/$name.log" env HTTP_PORT="$port" GRPC_PORT="$GRPC_PORT" \
    NODE_ENV="${NODE_ENV:-development}" node --enable-source-maps "services/$name/dist/main.js")
}

wait_ready() { # name port
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ] && return 0
    pid_alive "$name" || { tail -30 "$LOGS/$name.log"; die "$name exited during start"; }
    sleep 0.5
  done
  tail -30 "$LOGS/$name.log"; die "$name did not become ready within 60 s"
}

# ---------------------------------------------------------------- commands

infra_up() {
  ensure_postgres
  ensure_redis
  ensure_node_modules
  fetch_kafka
  fetch_registry
  start_kafka
  start_registry
  wait_kafka
  wait_registry
  log "applying migrations to $DB_NAME"
  node "$ROOT/scripts/migrate.mjs" "$DATABASE_URL" >/dev/null || die "migrations failed"
  node "$ROOT/scripts/create-topics.mjs" || die "topic creation failed"
  log "infrastructure ready: Kafka 127.0.0.1:$KAFKA_PORT, registry http://127.0.0.1:$REGISTRY_PORT"
}

infra_down() {
  stop_pid registry
  stop_pid kafka
}

services_running() {
  local entry
  for entry in "${SERVICES[@]}"; do pid_alive "${entry%%:*}" && return 0; done
  return 1
}

up() {
  if services_running; then
    log "the system is already running (make stop first); status:"
    status
    return 0
  fi
  local started=$SECONDS
  infra_up
  build
  local entry
  for entry in "${SERVICES[@]}"; do start_service "${entry%%:*}" "${entry##*:}"; done
  for entry in "${SERVICES[@]}"; do wait_ready "${entry%%:*}" "${entry##*:}"; done
  log "all services ready in $((SECONDS - started)) s: command http://127.0.0.1:$((8080 + PORT_OFFSET)) (gRPC $GRPC_PORT), query http://127.0.0.1:$((8081 + PORT_OFFSET)), projection admin http://127.0.0.1:$((8082 + PORT_OFFSET))"
}

down() {
  local i
  # services first (they drain and commit), infrastructure last
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_pid "${SERVICES[$i]%%:*}"; done
  infra_down
}

status() {
  local name
  for name in kafka registry command outbox-relay projection query saga-orchestrator; do
    if pid_alive "$name"; then printf '  %-18s running (pid %s)\n' "$name" "$(cat "$RUN/$name.pid")"
    else printf '  %-18s stopped\n' "$name"; fi
  done
}

run_foreground() {
  up
  trap 'echo; down; exit 0' INT TERM
  log "following logs; Ctrl-C stops everything"
  tail -n 0 -F "$LOGS"/{command,outbox-relay,projection,query,saga-orchestrator}.log &
  wait
}

case "${1:-}" in
  fetch) fetch_kafka; fetch_registry ;;
  restart-registry) stop_pid registry; start_registry; wait_registry ;;
  infra-up) infra_up ;;
  infra-down) infra_down ;;
  up) up ;;
  down) down ;;
  run) run_foreground ;;
  status) status ;;
  *) echo "usage: $0 fetch|restart-registry|infra-up|infra-down|up|down|run|status" >&2; exit 2 ;;
esac
