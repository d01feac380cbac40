import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@orderflow/platform';
import { configSpec } from './config.js';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orderflow',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8091/apis/ccompat/v7',
  COMMAND_GRPC_URL: '127.0.0.1:50051',
};

describe('saga orchestrator config', () => {
  it('defaults every saga setting', () => {
    const config = loadConfig('saga-orchestrator', configSpec, required);
    assert.equal(config.HTTP_PORT, 9102);
    assert.equal(config.KAFKA_CONSUMER_GROUP, 'saga');
    assert.equal(config.SAGA_STEP_TIMEOUT_MS, 30_000);
    assert.equal(config.SAGA_RETRY_BUDGET, 5);
    assert.equal(config.SAGA_DEADLINE_POLL_MS, 500);
    assert.equal(config.SAGA_BREAKER_ERROR_PERCENT, 50);
    assert.equal(config.KAFKA_SESSION_TIMEOUT_MS, 10_000);
    assert.equal(config.KAFKA_HEARTBEAT_INTERVAL_MS, 3_000);
    assert.equal(config.SAGA_RESTART_GRACE_MS, 10_000);
    assert.equal(config.SAGA_DEADLINE_MAX_DEFER_MS, 30_000);
    assert.equal(config.SAGA_CONSUMER_CONCURRENCY, 32);
    assert.equal(config.SAGA_FETCH_MIN_BYTES, 16_384);
    assert.equal(config.SAGA_FETCH_MAX_WAIT_MS, 25);
  });
  it('takes overrides from the environment', () => {
    const config = loadConfig('saga-orchestrator', configSpec, { ...required, SAGA_STEP_TIMEOUT_MS: '1500', SAGA_RETRY_BUDGET: '2' });
    assert.equal(config.SAGA_STEP_TIMEOUT_MS, 1500);
    assert.equal(config.SAGA_RETRY_BUDGET, 2);
  });
  it('reports every bad variable at once', () => {
    assert.throws(
      () => loadConfig('saga-orchestrator', configSpec, { ...required, COMMAND_GRPC_URL: 'nope', SAGA_RETRY_BUDGET: '0', SAGA_DEADLINE_POLL_MS: 'x' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(
          e.problems.map((p) => p.split(' ')[0]).sort(),
          ['COMMAND_GRPC_URL', 'SAGA_DEADLINE_POLL_MS', 'SAGA_RETRY_BUDGET'],
        );
        return true;
      },
    );
  });
  it('refuses a session timeout under the broker minimum and a heartbeat too slow for it', () => {
    assert.throws(() => loadConfig('saga-orchestrator', configSpec, { ...required, KAFKA_SESSION_TIMEOUT_MS: '3000' }), /KAFKA_SESSION_TIMEOUT_MS/);
    assert.throws(
      () => loadConfig('saga-orchestrator', configSpec, { ...required, KAFKA_SESSION_TIMEOUT_MS: '9000', KAFKA_HEARTBEAT_INTERVAL_MS: '4000' }),
      /KAFKA_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_SESSION_TIMEOUT_MS/,
    );
  });
  it('lets the grace and the lag check be turned off', () => {
    const config = loadConfig('saga-orchestrator', configSpec, { ...required, SAGA_RESTART_GRACE_MS: '0', SAGA_DEADLINE_MAX_DEFER_MS: '0' });
    assert.equal(config.SAGA_RESTART_GRACE_MS, 0);
    assert.equal(config.SAGA_DEADLINE_MAX_DEFER_MS, 0);
  });
  it('refuses a backoff base above its cap', () =>
    assert.throws(
      () => loadConfig('saga-orchestrator', configSpec, { ...required, SAGA_BACKOFF_BASE_MS: '5000', SAGA_BACKOFF_MAX_MS: '1000' }),
      /SAGA_BACKOFF_BASE_MS must not exceed SAGA_BACKOFF_MAX_MS/,
    ));
});
