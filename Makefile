# The system and its tests, with nothing but Node, a JDK, Maven, PostgreSQL and Redis.
.PHONY: run start stop status test test-unit test-int test-e2e build lint bench infra-up infra-down clean

run: ## everything in the foreground; Ctrl-C stops it all
	@bash scripts/stack.sh run

start: ## everything in the background; returns when every service is ready
	@bash scripts/stack.sh up

stop: ## stops services and infrastructure started by start/run
	@bash scripts/stack.sh down

status:
	@bash scripts/stack.sh status

test: ## the whole suite: unit, integration, end-to-end (starts what it needs)
	@bash scripts/test.sh all

test-unit:
	@bash scripts/test.sh unit

test-int:
	@bash scripts/test.sh int

test-e2e:
	@bash scripts/test.sh e2e

build:
	@npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-audit --no-fund
	@npx tsc -b tsconfig.build.json

lint:
	@npx eslint .

SUITE ?= all
bench: ## benchmarks (not tests); one suite with SUITE=name
	@bash scripts/bench.sh $(SUITE)

infra-up:
	@bash scripts/stack.sh infra-up

infra-down:
	@bash scripts/stack.sh infra-down

clean:
	@npx tsc -b tsconfig.build.json --clean
