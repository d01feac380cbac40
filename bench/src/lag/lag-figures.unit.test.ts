import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lagBenchConfigSpec } from './lag-bench-config.js';
import { lagFigures, lagOf, type LagRun } from './lag-figures.js';

const config = lagBenchConfigSpec.parse({});

const trace = (acceptedAt: number, visibleAt: number, readBack?: { at: number; stale: boolean }) => ({
  dueAt: acceptedAt - 2,
  acceptedAt,
  onKafkaAt: acceptedAt + (visibleAt - acceptedAt) / 4,
  visibleAt,
  ...(readBack ? { readBack } : {}),
});

describe('lag figures', () => {
  it('counts lag from the 202, and an order visible before its 202 was read as 0', () => {
    const lags = lagOf({ traces: [trace(100, 130), trace(200, 195)], maxStartDelayMs: 0 });
    assert.deepEqual(lags, [30, 0]);
  });

  it('divides the lag p99 by the bare kafka round trip p99', () => {
    const run: LagRun = {
      probe: { ops: 4_000, seconds: 4, latenciesMs: [] },
      drainSeconds: 1.5,
      rate: 500,
      load: { traces: Array.from({ length: 100 }, (_, i) => trace(i * 10, i * 10 + 1 + i, i === 0 ? { at: 50, stale: true } : undefined)), maxStartDelayMs: 3 },
      pings: Array.from({ length: 100 }, (_, i) => i + 1),
    };
    const { figures, ratios } = lagFigures(run, config);
    assert.equal(figures['lag_p99_ms']?.value, 99);
    assert.equal(figures['lag_max_ms']?.value, 100);
    assert.equal(figures['kafka_roundtrip_p99_ms']?.value, 99);
    assert.equal(figures['create_order_max_req_per_s']?.value, 1_000);
    assert.equal(figures['read_model_catch_up_after_probe_s']?.value, 1.5);
    assert.equal(figures['command_p99_ms']?.value, 2);
    // the split adds up to the lag: a quarter before Kafka, the rest after it
    assert.equal(figures['lag_to_kafka_p99_ms']?.value, 24.75);
    assert.equal(figures['lag_kafka_to_visible_p99_ms']?.value, 74.25);
    assert.equal(figures['read_your_writes_reads']?.value, 1);
    assert.equal(figures['read_your_writes_stale']?.value, 1);
    assert.equal(figures['kafka_round_trips_measured']?.value, 100);
    assert.deepEqual(ratios['lag_p99_vs_kafka_roundtrip_p99'], { value: 1, target: 10, better: 'lower' });
  });
});
