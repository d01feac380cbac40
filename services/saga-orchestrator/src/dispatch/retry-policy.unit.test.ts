import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, mayRetry, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { budget: 4, baseMs: 100, maxMs: 1_000 };

describe('retry policy', () => {
  it('doubles the delay per attempt', () => {
    const top = () => 1;
    assert.deepEqual([1, 2, 3, 4].map((a) => backoffMs(a, policy, top)), [100, 200, 400, 800]);
  });
  it('never waits longer than the cap', () => assert.equal(backoffMs(12, policy, () => 1), 1_000));
  it('survives absurd attempt counts', () => assert.equal(backoffMs(10_000, policy, () => 1), 1_000));
  it('jitters within the upper half of the nominal delay', () => {
    assert.equal(backoffMs(3, policy, () => 0), 200);
    assert.equal(backoffMs(3, policy, () => 0.5), 300);
    for (let i = 0; i < 100; i++) {
      const delay = backoffMs(3, policy);
      assert.ok(delay >= 200 && delay <= 400, `delay ${delay} out of range`);
    }
  });
  it('retries forward commands within the budget only', () => {
    assert.equal(mayRetry(3, false, policy), true);
    assert.equal(mayRetry(4, false, policy), false);
  });
  it('retries compensations without limit', () => assert.equal(mayRetry(1_000, true, policy), true));
});
