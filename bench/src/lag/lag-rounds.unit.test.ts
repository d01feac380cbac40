import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLagRounds } from './lag-rounds.js';

describe('lag rounds', () => {
  it('warms both up, alternates which goes first, and keeps only the rounds', async () => {
    const calls: string[] = [];
    const trace = (at: number) => ({ dueAt: at, acceptedAt: at, onKafkaAt: at, visibleAt: at });
    let n = 0;
    const result = await runLagRounds(
      {
        readSide: async (seconds) => {
          calls.push(`read:${seconds}`);
          n++;
          return { traces: [trace(n)], maxStartDelayMs: n };
        },
        kafka: async (seconds) => {
          calls.push(`kafka:${seconds}`);
          return [calls.length];
        },
      },
      { rounds: 3, seconds: 2, warmupSeconds: 1 },
    );
    assert.deepEqual(calls, ['read:1', 'kafka:1', 'read:2', 'kafka:2', 'kafka:2', 'read:2', 'read:2', 'kafka:2']);
    assert.deepEqual(
      result.load.traces.map((t) => t.dueAt),
      [2, 3, 4],
      'the warm-up order is not counted',
    );
    assert.deepEqual(result.pings, [4, 5, 8]);
    assert.equal(result.load.maxStartDelayMs, 4);
  });
});
