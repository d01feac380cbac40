import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@orderflow/platform';
import { configSpec } from './config.js';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orderflow',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8091/apis/ccompat/v7',
};

describe('outbox relay config', () => {
  it('has no fault armed and a 1 s poll by default', () => {
    const config = loadConfig('outbox-relay', configSpec, required);
    assert.equal(config.RELAY_FAULT, 'none');
    assert.equal(config.RELAY_POLL_INTERVAL_MS, 1_000);
    assert.equal(config.RELAY_BATCH_SIZE, 500);
    assert.equal(config.KAFKA_TOPIC_PREFIX, '');
  });

  it('accepts the documented fault hook', () => {
    const config = loadConfig('outbox-relay', configSpec, { ...required, RELAY_FAULT: 'kill-after-publish' });
    assert.equal(config.RELAY_FAULT, 'kill-after-publish');
  });

  it('reports every bad relay setting at once', () => {
    assert.throws(
      () => loadConfig('outbox-relay', configSpec, { ...required, RELAY_FAULT: 'explode', RELAY_BATCH_SIZE: '0', RELAY_POLL_INTERVAL_MS: 'soon' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const names = e.problems.map((p) => p.split(' ')[0]).sort();
        assert.deepEqual(names, ['RELAY_BATCH_SIZE', 'RELAY_FAULT', 'RELAY_POLL_INTERVAL_MS']);
        return true;
      },
    );
  });
});
